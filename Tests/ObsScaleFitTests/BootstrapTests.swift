import Foundation
import ObsScale
import Testing
import _TestSupport

@testable import ObsScaleFit

/// The fit bootstrap: identities, determinism across thread counts, failure accounting and
/// calibration on a well-specified model.
struct BootstrapTests {
    static let seven = ["MMLU", "ARC-C", "HellaSwag", "Winograd", "TruthfulQA", "XWinograd", "HumanEval"]
    static let target = "gsm8k_cot_8_exact_match,flexible-extract"

    static func paperFit() throws -> (Panel, ScalingLawFit) {
        let loaded = try PanelQuery(panelPath: TestPaths.panel, downstreamPaths: [TestPaths.postTraining], preset: "paper-2024").load()
        let split = try Split(panel: loaded.panel, rule: .flopsCutoff(84))
        let fit = try ScalingLaw(benchmarks: seven).fit(panel: loaded.panel, target: target, split: split)
        return (loaded.panel, fit)
    }

    /// A bootstrap whose replicates would not fit in memory is refused before it starts, with the
    /// figure per replicate and the count that would fit.
    @Test func aBootstrapTooLargeForMemoryIsRefusedUpFront() throws {
        let (panel, fit, _) = try SavedLawTests.fit()
        let perReplicate = FitBootstrap.bytesPerReplicate(fit, log10FlopsCount: 0)
        #expect(perReplicate == 8 * (2 * 150 + 5 + 2 * 41) + 6 * 48)
        let settings = FitBootstrap(replicateCount: 100)
        let message = errorMessage { _ = try settings.run(fit, panel: panel, threadCount: 1, memoryBudget: UInt64(perReplicate * 40)) }
        #expect(message.contains("at most 40 replicates on these 150 models"), "\(message)")
        #expect(message.contains("FitBootstrap.replicateCount: 100 is not allowed"))
        #expect(try settings.run(fit, panel: panel, threadCount: 1, memoryBudget: UInt64(perReplicate * 100)).replicatesSucceeded > 90)
    }

    @Test func percentileIntervalAndStandardErrorMatchNumpy() {
        // np.quantile([3,1,5,2,4], [0.25, 0.75]) = [2, 4]; np.std(..., ddof=1) = sqrt(2.5); median 3.
        let interval = BootstrapInterval(estimate: 3, replicates: [3, 1, 5, 2, 4], level: 0.5)
        #expect(interval.lower == 2 && interval.upper == 4 && interval.median == 3)
        #expect(abs(interval.standardError - 2.5.squareRoot()) < 1e-15)
        // np.quantile(range(10), [0.025, 0.975]) = [0.225, 8.775].
        let wide = BootstrapInterval(estimate: 0, replicates: (0..<10).map(Double.init), level: 0.95)
        #expect(abs(wide.lower - 0.225) < 1e-12 && abs(wide.upper - 8.775) < 1e-12)
    }

    /// Refitting on exactly the training rows reproduces the full-data fit, in both modes.
    @Test(arguments: [false, true])
    func replicateOnTheTrainingRowsIsTheFullFit(refitPCA: Bool) throws {
        let (panel, fit) = try Self.paperFit()
        let context = try FitBootstrap.Context(fit: fit, panel: panel, settings: FitBootstrap(refitPCA: refitPCA))
        var random = Xoshiro256StarStar(seed: 1)
        let replicate = try context.refit(rows: context.train, log10Flops: [log10(840)], random: &random)
        #expect(maxRelativeDifference(replicate.predictions, fit.predictions.map(\.predicted), floor: 1e-3) < 1e-7)
        #expect(abs(replicate.testMSE - fit.testMetrics.mse) < 1e-9)
        #expect(abs(replicate.atFlops[0] - (fit.predicted(atFlops: 840) ?? .nan)) < 1e-7)
    }

    /// The prediction intervals resample leave-one-family-out residuals: one per training model,
    /// centered, each its family's model predicted by the law fitted without that family.
    @Test func heldOutResidualsLeaveOneFamilyOut() throws {
        let (panel, fit) = try Self.paperFit()
        let context = try FitBootstrap.Context(fit: fit, panel: panel, settings: FitBootstrap())
        #expect(context.heldOutResiduals.count == fit.trainMetrics.count)
        #expect(abs(Statistics.mean(context.heldOutResiduals)) < 1e-12)
        // The first family by hand: fit without it, predict it.
        let family = context.trainFamilies[0]
        let others = context.train.filter { !family.contains($0) }
        let refit = try SigmoidRegression().fit(scores: context.scores.selectingRows(others), targets: others.map { context.targets[$0] })
        let raw = context.train.isEmpty ? [] : family.map { context.targets[$0] - refit.predict(context.scores.row($0)) }
        var all: [Double] = []
        for group in context.trainFamilies {
            let rest = context.train.filter { !group.contains($0) }
            let law = try SigmoidRegression().fit(scores: context.scores.selectingRows(rest), targets: rest.map { context.targets[$0] })
            all += group.map { context.targets[$0] - law.predict(context.scores.row($0)) }
        }
        let center = Statistics.mean(all)
        #expect(maxRelativeDifference(Array(context.heldOutResiduals.prefix(family.count)), raw.map { $0 - center }, floor: 1e-3) < 1e-6)
    }

    @Test func identicalForOneAndTwoThreads() throws {
        let (panel, fit) = try Self.paperFit()
        for settings in [FitBootstrap(replicateCount: 64, seed: 7), FitBootstrap(replicateCount: 32, resampling: .families, refitPCA: true, seed: 7)]
        {
            let one = try settings.run(fit, panel: panel, log10Flops: [3], threadCount: 1)
            let two = try settings.run(fit, panel: panel, log10Flops: [3], threadCount: 2)
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
            #expect(try encoder.encode(one) == encoder.encode(two))
            #expect(one.replicatesSucceeded + one.failures.count == settings.replicateCount)
            // A different seed gives different draws.
            var other = settings
            other.seed = 8
            #expect(try other.run(fit, panel: panel, threadCount: 2).predictions != one.predictions)
        }
    }

    @Test func intervalsBracketTheEstimateOnThePaperFit() throws {
        let (panel, fit) = try Self.paperFit()
        let summary = try FitBootstrap(replicateCount: 200).run(fit, panel: panel, log10Flops: [log10(840)], threadCount: 2)
        #expect(summary.failures.count == 0)
        #expect(summary.predictions.count == panel.count)
        let inside = summary.predictions.filter { $0.interval.lower <= $0.interval.estimate && $0.interval.estimate <= $0.interval.upper }
        #expect(Double(inside.count) >= 0.9 * Double(panel.count))
        for prediction in summary.predictions {
            #expect(prediction.interval.lower <= prediction.interval.upper)
            // The score's interval adds the law's out-of-sample scatter to the curve's.
            #expect(prediction.predictionInterval.standardError > prediction.interval.standardError)
        }
        #expect(summary.parameters.keys.sorted() == ["alpha", "beta1", "beta2", "beta3", "floor"])
        let mse = try #require(summary.testMSE)
        #expect(mse.lower < mse.upper && mse.estimate == fit.testMetrics.mse)
        #expect(summary.atFlops.count == 1 && summary.atFlops[0].interval.lower < summary.atFlops[0].interval.upper)
    }

    /// Replicates that cannot be fitted are counted with their reason, never thrown.
    @Test func failedReplicatesAreCounted() throws {
        let (panel, _) = try Self.paperFit()
        // Train on one Phi model and the Pythia family: a family draw of (Phi, Phi) leaves 2 rows
        // for the 3 parameters of a one-PC sigmoid-floor fit (probability 1/4 per replicate).
        let phi = panel.models.indices.filter { panel.models[$0].family == "Phi" }.prefix(1)
        let train = Array(phi) + panel.models.indices.filter { panel.models[$0].family == "Pythia" }
        let split = Split(train: train, test: panel.models.indices.filter { !train.contains($0) })
        let fit = try ScalingLaw(benchmarks: Self.seven, pca: PCA(componentCount: 1)).fit(panel: panel, target: Self.target, split: split)
        let summary = try FitBootstrap(replicateCount: 100, resampling: .families).run(fit, panel: panel, threadCount: 2)
        #expect(summary.failures.reasons.keys.allSatisfy { $0.contains("needs at least 3 models, found 2") })
        #expect(summary.failures.count > 0)
        #expect(summary.failures.count + summary.replicatesSucceeded == 100)
        #expect(summary.failures.reasons.values.reduce(0, +) == summary.failures.count)
        #expect(summary.failures.firstReplicates.count == min(20, summary.failures.count))
    }

    @Test func invalidSettingsAreRejectedWithTheirRange() throws {
        let (panel, fit) = try Self.paperFit()
        #expect(throws: FitError.invalidSetting(.fitBootstrapLevel, value: "1.0", allowed: "a probability strictly between 0 and 1, e.g. 0.95")) {
            try FitBootstrap(level: 1).run(fit, panel: panel)
        }
        #expect(throws: FitError.self) { try FitBootstrap(replicateCount: 0).run(fit, panel: panel) }
        let panelFit = try ScalingLaw(benchmarks: Self.seven, pcaOn: .panel)
            .fit(panel: panel, target: Self.target, split: try Split(panel: panel, rule: .flopsCutoff(84)))
        #expect(throws: FitError.self) { try FitBootstrap(refitPCA: true).run(panelFit, panel: panel) }
    }

    /// On a well-specified linear model with known truth, the 95% percentile intervals of the
    /// predictions cover the true mean at close to the nominal rate (many worlds, fixed seeds).
    @Test func intervalsAreCalibratedOnAWellSpecifiedModel() throws {
        var covered = 0, total = 0
        for world in 0..<100 {
            var random = Xoshiro256StarStar.stream(seed: 99, index: UInt64(world))
            let count = 70
            let capability = (0..<count).map { _ in 4 * random.nextUniform() - 2 }
            let truth = capability.map { 0.3 + 0.1 * $0 }
            let models = (0..<count).map {
                ModelInfo(
                    name: "m\($0)", family: "F\($0 % 8)", parametersB: 1, tokensT: 1, flops: Double($0 + 1),
                    flopsDerived: false, source: "test")
            }
            let columns: [String: [Double]] = [
                "A": capability.map { 0.5 + 0.2 * $0 }, "B": capability.map { 0.4 + 0.1 * $0 },
                "y": truth.map { $0 + 0.05 * random.nextNormal() },
            ]
            let panel = Panel(models: models, columns: columns, benchmarkNames: ["A", "B"], metricNames: ["y"], sources: ["test"])
            let law = ScalingLaw(imputer: PCAImputer(clip: nil), pca: PCA(componentCount: 1), regression: SigmoidRegression(link: .linear))
            let fit = try law.fit(panel: panel, target: "y", split: Split(train: Array(0..<60), test: Array(60..<70)))
            let summary = try FitBootstrap(replicateCount: 200, seed: UInt64(world)).run(fit, panel: panel, threadCount: 2)
            for row in 60..<70 {
                let interval = summary.predictions[row].interval
                if interval.lower <= truth[row] && truth[row] <= interval.upper { covered += 1 }
                total += 1
            }
        }
        let coverage = Double(covered) / Double(total)
        #expect(coverage > 0.90 && coverage < 0.98, "coverage \(coverage)")
    }
}

/// Replicates on the numpy reference's own draws (Fixtures/paper_bootstrap.json,
/// Benchmarks/baseline/bootstrap_baseline.py): the same tightly converged parameters and
/// predictions for each of 20 replicates, with fixed and refitted capabilities, and numpy's
/// percentiles and standard errors over them.
struct BootstrapFixtureTests {
    /// The keys of Fixtures/paper_bootstrap.json these tests read.
    struct Fixture: Decodable, Sendable {
        struct Mode: Decodable, Sendable {
            let replicates: [Replicate]
            let summary: Summary
        }
        struct Replicate: Decodable, Sendable {
            let predictions: [Double]
            let testMSE: Double
            let params: [Double]
        }
        struct Summary: Decodable, Sendable {
            let lower: [Double]
            let upper: [Double]
            let standardError: [Double]
        }
        let trainModels: [String]
        let models: [String]
        let draws: [[Int]]
        let fixed: Mode
        let refitPCA: Mode
    }

    static let fixture = Result { try decodeFixture(Fixture.self, TestPaths.fixture("paper_bootstrap.json", near: #filePath)) }

    @Test(arguments: [false, true])
    func replicatesMatchTheReference(refitPCA: Bool) throws {
        let (panel, fit) = try BootstrapTests.paperFit()
        let context = try FitBootstrap.Context(fit: fit, panel: panel, settings: FitBootstrap(refitPCA: refitPCA))
        let fixture = try Self.fixture.get()
        let trainModels = fixture.trainModels
        #expect(context.train.map { panel.models[$0].name } == trainModels)
        let models = fixture.models
        let rowOf = Dictionary(uniqueKeysWithValues: panel.modelNames.enumerated().map { ($1, $0) })
        let draws = fixture.draws
        let mode = refitPCA ? fixture.refitPCA : fixture.fixed
        let replicates = mode.replicates
        #expect(draws.count == 20 && replicates.count == 20)
        var predictionsByReplicate: [[Double]] = []
        for (draw, reference) in zip(draws, replicates) {
            var random = Xoshiro256StarStar(seed: 1)
            let replicate = try context.refit(rows: draw.map { context.train[$0] }, log10Flops: [], random: &random)
            let predictions = models.map { replicate.predictions[rowOf[$0] ?? 0] }
            #expect(maxRelativeDifference(predictions, reference.predictions, floor: 1e-2) < 1e-6)
            #expect(abs(replicate.testMSE - reference.testMSE) < 1e-8)
            // Parameters: α and β are identified only up to the PCs' signs with refitted PCA.
            if !refitPCA { #expect(maxRelativeDifference(replicate.parameters, reference.params, floor: 1e-2) < 1e-5) }
            predictionsByReplicate.append(predictions)
        }
        let summary = mode.summary
        let lower = summary.lower, upper = summary.upper, standardError = summary.standardError
        try #require(
            [lower.count, upper.count, standardError.count].allSatisfy { $0 == models.count },
            "summaries of \(lower.count), \(upper.count), \(standardError.count) models for \(models.count)")
        for index in models.indices {
            let interval = BootstrapInterval(estimate: 0, replicates: predictionsByReplicate.map { $0[index] }, level: 0.95)
            #expect(abs(interval.lower - lower[index]) < 1e-6 && abs(interval.upper - upper[index]) < 1e-6)
            #expect(abs(interval.standardError - standardError[index]) < 1e-6)
        }
    }
}
