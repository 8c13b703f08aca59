import Foundation
import ObsScale
import PropertyBased
import Testing

/// How a random fit divides the models.
enum SplitKind: String, CaseIterable, Sendable {
    /// A random subset of the models is the training set.
    case randomSubset
    /// `SplitRule.flopsCutoff` at a random quantile of the known FLOPs.
    case flopsCutoff
    /// `SplitRule.top` on the target (a fraction).
    case topFraction
    /// `SplitRule.holdout` of a random set of names.
    case holdout
    /// Everything is training.
    case none
}

/// The settings of a random scaling-law fit, drawn next to its panel.
struct FitSpec: Sendable, CustomStringConvertible {
    var link: Link
    var huberDelta: Double?
    var components: Int
    var pcaOn: PCAFitRows
    var split: SplitKind
    var splitSeed: UInt64
    var trainFraction: Double
    var targetRange: Bool

    var description: String {
        "FitSpec(link: .\(link), huber: \(huberDelta.map { "\($0)" } ?? "nil"), components: \(components), pcaOn: .\(pcaOn), "
            + "split: .\(split), splitSeed: \(splitSeed), trainFraction: \(trainFraction), targetRange: \(targetRange))"
    }

    static var generator: Generator<FitSpec, some SendableSequenceType> {
        zip(
            Gen<Link>.case, Gen.double(in: 0.01...2).optional(valueRate: 0.3), Gen.int(in: 1...3), Gen<PCAFitRows>.case,
            Gen<SplitKind>.case, Gen.uint64(in: 0...UInt64.max), Gen.double(in: 0.2...1), Gen.bool
        )
        .map { link, delta, components, pcaOn, split, seed, fraction, range in
            FitSpec(
                link: link, huberDelta: delta, components: components, pcaOn: pcaOn, split: split, splitSeed: seed,
                trainFraction: fraction, targetRange: range)
        }
    }

    var law: ScalingLaw {
        ScalingLaw(
            pca: PCA(componentCount: components),
            regression: SigmoidRegression(link: link, loss: huberDelta.map { .huber(delta: $0) } ?? .leastSquares),
            pcaOn: pcaOn, targetRange: targetRange ? 0.25...1 : nil, referenceFamily: "F0")
    }

    /// The split of `panel` this spec asks for (may throw a typed error, e.g. no training model).
    func makeSplit(_ panel: Panel) throws -> Split {
        var random = Xoshiro256StarStar(seed: splitSeed)
        switch split {
        case .randomSubset:
            var train: [Int] = [], test: [Int] = []
            for i in panel.models.indices {
                if random.nextUniform() < trainFraction { train.append(i) } else { test.append(i) }
            }
            return Split(train: train, test: test)
        case .flopsCutoff:
            let known = panel.models.compactMap(\.flops).sorted()
            let threshold = known.isEmpty ? 1 : known[min(known.count - 1, Int(trainFraction * Double(known.count)))]
            return try Split(panel: panel, rule: .flopsCutoff(threshold))
        case .topFraction:
            return try Split(panel: panel, rule: .top(column: "target", limit: max(0.05, 1 - trainFraction)))
        case .holdout:
            let names = panel.modelNames.filter { _ in random.nextUniform() >= trainFraction }
            return try Split(panel: panel, rule: .holdout(names))
        case .none:
            return try Split(panel: panel, rule: .none)
        }
    }
}

/// Random panels, targets, splits, links and losses through `ScalingLaw.fit`: a typed
/// error or finite parameters and predictions, the floor in its bounds, consistent counts.
@Suite(.shrinking(false)) struct ScalingLawProperties {
    @Test func fitIsFiniteOrATypedError() async {
        var outcomes = Outcomes()
        await propertyCheck(count: cases(60), input: PanelSpec.generator(), FitSpec.generator) { spec, fitSpec in
            trace("scalingLawFit", "\(spec), \(fitSpec)")
            recordingErrors("\(spec), \(fitSpec)") { try Self.checkFit(spec, fitSpec, &outcomes) }
        }
        outcomes.report("scalingLawFit")
        #expect(outcomes.succeeded >= outcomes.total / 4, "\(outcomes)")
    }

    static func checkFit(_ spec: PanelSpec, _ fitSpec: FitSpec, _ outcomes: inout Outcomes) throws {
        let context = "\(spec), \(fitSpec)"
        let panel = spec.makePanel()
        let settings = fitSpec.law
        let split: Split, fit: ScalingLawFit
        do {
            split = try fitSpec.makeSplit(panel)
            fit = try settings.fit(panel: panel, target: "target", split: split)
        } catch {
            outcomes.failed(expectTypedError(error, context))
            return
        }
        outcomes.succeeded += 1
        let regression = fit.law.regression
        #expect(regression.alpha.isFinite && allFinite(regression.beta), "\(context): parameters \(regression.parameters)")
        #expect(regression.beta.count == fitSpec.components)
        #expect(regression.loss.isFinite && regression.loss >= 0, "\(context): loss \(regression.loss)")
        switch fitSpec.link {
        case .sigmoidFloor:
            #expect(settings.regression.floorBounds.contains(regression.floor), "\(context): floor \(regression.floor)")
        case .sigmoid, .linear:
            #expect(regression.floor == 0, "\(context): floor \(regression.floor)")
        }
        // Counts: the scored rows are exactly the split's rows with a target value.
        let raw = try panel.values(of: "target")
        let hasTarget = raw.map { !$0.isNaN }
        let train = split.train.filter { hasTarget[$0] }, test = split.test.filter { hasTarget[$0] }
        #expect(fit.trainMetrics.count == train.count, "\(context)")
        #expect(fit.testMetrics.count == test.count, "\(context)")
        #expect(fit.predictions.count == panel.count)
        for index in panel.models.indices {
            let prediction = fit.predictions[index]
            let role: ModelPrediction.Role = train.contains(index) ? .train : (test.contains(index) ? .test : .unlabeled)
            #expect(prediction.role == role, "\(context): model \(index) role \(prediction.role)")
            #expect(prediction.model == panel.models[index].name)
            #expect(
                prediction.predicted.isFinite && prediction.linearPredictor.isFinite && allFinite(prediction.capabilities),
                "\(context): model \(index) prediction \(prediction.predicted)")
            if fitSpec.link != .linear {
                #expect(prediction.predicted >= 0 && prediction.predicted <= 1, "\(context): model \(index) predicts \(prediction.predicted)")
            }
            #expect((prediction.observed == nil) == raw[index].isNaN)
            if let residual = prediction.residual, let observed = prediction.observed {
                #expect(abs(residual - (observed - prediction.predicted)) <= 1e-12)
            }
            if let equivalent = prediction.equivalentLog10Flops { #expect(equivalent.isFinite, "\(context)") }
        }
        for metrics in [fit.trainMetrics, fit.testMetrics] where metrics.count > 0 {
            #expect(metrics.mse.isFinite && metrics.mse >= 0 && metrics.mae.isFinite && metrics.mae >= 0, "\(context): \(metrics)")
        }
        #expect(allFinite(Array(fit.benchmarkWeights.values)), "\(context): weights \(fit.benchmarkWeights)")
        if let reference = fit.equivalentFlops {
            #expect(reference.slope.isFinite && reference.slope != 0 && reference.intercept.isFinite, "\(context)")
        }
        // The law alone reproduces every model's capabilities and prediction (it carries everything).
        // Capabilities agree to ~1e-9, not to the last bit: imputing one row stops when that row's
        // change is below 1e-10, imputing all rows together when every row's is. The linear
        // predictor can amplify that: with collinear benchmarks a near-empty PC can get |β| ~ 1e11
        // (separable data), so it is compared within Σ|β_k|·|Δs_k|.
        let matrix = try panel.matrix(columns: panel.benchmarkNames)
        let law = fit.law
        for index in panel.models.indices {
            let prediction = fit.predictions[index]
            let row = Matrix(rowCount: 1, columnCount: matrix.columnCount, storage: matrix.row(index))
            let capabilities = law.pca.transform(law.imputer.transform(row)).row(0)
            let differences = zip(capabilities, prediction.capabilities).map { abs($0 - $1) }
            #expect(differences.allSatisfy { $0 <= 1e-7 }, "\(context): model \(index) capabilities \(capabilities) vs \(prediction.capabilities)")
            let amplified = zip(law.regression.beta, differences).reduce(0) { $0 + abs($1.0) * $1.1 }
            let linear = law.regression.linearPredictor(capabilities)
            let magnitude = zip(law.regression.beta, capabilities).reduce(abs(law.regression.alpha)) { $0 + abs($1.0 * $1.1) }
            #expect(abs(linear - prediction.linearPredictor) <= amplified + 1e-9 * max(1, magnitude), "\(context): model \(index)")
            #expect(law.regression.predict(linearPredictor: prediction.linearPredictor) == prediction.predicted, "\(context): model \(index)")
        }
        // Determinism.
        #expect(try canonicalJSON(settings.fit(panel: panel, target: "target", split: split)) == canonicalJSON(fit), "\(context): not deterministic")
    }
}
