import Foundation
import ObsScale
import PropertyBased
import Testing

/// The settings of a random fit bootstrap.
struct BootstrapSpec: Sendable, CustomStringConvertible {
    var replicates: Int
    var resampling: BootstrapResampling
    var refitPCA: Bool
    var seed: UInt64
    var atFlops: Bool

    var description: String {
        "BootstrapSpec(replicates: \(replicates), resampling: .\(resampling), refitPCA: \(refitPCA), seed: \(seed), atFlops: \(atFlops))"
    }

    static var generator: Generator<BootstrapSpec, some SendableSequenceType> {
        zip(Gen.int(in: 20...40), Gen<BootstrapResampling>.case, Gen.bool, Gen.uint64(in: 0...UInt64.max), Gen.bool(0.3))
            .map { replicates, resampling, refit, seed, atFlops in
                BootstrapSpec(replicates: replicates, resampling: resampling, refitPCA: refit, seed: seed, atFlops: atFlops)
            }
    }
}

/// Random fits through `FitBootstrap.run`: identical bytes for 1 and 2 threads, every
/// replicate accounted for, ordered intervals.
@Suite(.shrinking(false)) struct BootstrapProperties {
    @Test func bootstrapIsThreadCountIndependentAndAccountsForEveryReplicate() async {
        var outcomes = Outcomes()
        await propertyCheck(count: cases(30), input: PanelSpec.generator(models: 6...40), FitSpec.generator, BootstrapSpec.generator) {
            spec, fitSpec, bootstrapSpec in
            trace("fitBootstrap", "\(spec), \(fitSpec), \(bootstrapSpec)")
            recordingErrors("\(spec), \(fitSpec), \(bootstrapSpec)") { try Self.checkBootstrap(spec, fitSpec, bootstrapSpec, &outcomes) }
        }
        outcomes.report("fitBootstrap")
        #expect(outcomes.succeeded >= outcomes.total / 6, "\(outcomes)")
    }

    static func checkBootstrap(_ spec: PanelSpec, _ fitSpec: FitSpec, _ bootstrapSpec: BootstrapSpec, _ outcomes: inout Outcomes) throws {
        let context = "\(spec), \(fitSpec), \(bootstrapSpec)"
        let panel = spec.makePanel()
        var settings = FitBootstrap(
            replicateCount: bootstrapSpec.replicates, resampling: bootstrapSpec.resampling,
            refitPCA: bootstrapSpec.refitPCA, seed: bootstrapSpec.seed)
        var log10Flops = bootstrapSpec.atFlops ? [1.0, 3.5] : []
        let fit: ScalingLawFit
        do {
            fit = try fitSpec.law.fit(panel: panel, target: "target", split: try fitSpec.makeSplit(panel))
        } catch {
            outcomes.failed(expectTypedError(error, context))
            return
        }
        // Settings that cannot apply to this fit are refused with a typed error; then the
        // bootstrap runs without them.
        if settings.refitPCA && fitSpec.pcaOn == .panel {
            #expect(throws: FitError.self, "\(context): --refit-pca with --pca-on panel") {
                try settings.run(fit, panel: panel, threadCount: 1)
            }
            settings.refitPCA = false
        }
        if !log10Flops.isEmpty && fit.equivalentFlops == nil {
            #expect(throws: FitError.self, "\(context): --at-flops without a reference family") {
                try settings.run(fit, panel: panel, log10Flops: log10Flops, threadCount: 1)
            }
            log10Flops = []
        }
        let one: FitBootstrapSummary
        do {
            one = try settings.run(fit, panel: panel, log10Flops: log10Flops, threadCount: 1)
        } catch {
            outcomes.failed(expectTypedError(error, context))
            return
        }
        let two = try settings.run(fit, panel: panel, log10Flops: log10Flops, threadCount: 2)
        outcomes.succeeded += 1
        #expect(try canonicalJSON(one) == canonicalJSON(two), "\(context): 1 and 2 threads differ")
        #expect(one.replicatesSucceeded + one.failures.count == settings.replicateCount, "\(context)")
        #expect(one.failures.reasons.values.reduce(0, +) == one.failures.count)
        #expect(one.predictions.count == panel.count)
        #expect(one.atFlops.count == log10Flops.count)
        var intervals: [(String, BootstrapInterval)] = []
        for prediction in one.predictions {
            intervals.append(("\(prediction.model) curve", prediction.interval))
            intervals.append(("\(prediction.model) score", prediction.predictionInterval))
        }
        for (name, interval) in one.parameters { intervals.append((name, interval)) }
        if let mse = one.testMSE { intervals.append(("test MSE", mse)) }
        for point in one.atFlops + one.curve {
            intervals.append(("\(point.flops) FLOPs curve", point.interval))
            intervals.append(("\(point.flops) FLOPs score", point.predictionInterval))
        }
        for (name, interval) in intervals where interval.lower.isFinite && interval.upper.isFinite {
            #expect(interval.lower <= interval.upper, "\(context): \(name) interval [\(interval.lower), \(interval.upper)]")
            #expect(interval.lower <= interval.median && interval.median <= interval.upper, "\(context): \(name) median")
        }
        if one.replicatesSucceeded > 0 {
            // Every successful replicate predicts every model: the per-model intervals are finite.
            for prediction in one.predictions {
                #expect(prediction.interval.lower.isFinite && prediction.interval.upper.isFinite, "\(context): \(prediction.model)")
                #expect(
                    prediction.predictionInterval.lower.isFinite && prediction.predictionInterval.upper.isFinite,
                    "\(context): \(prediction.model)")
            }
            #expect(one.parameters.values.allSatisfy { $0.lower.isFinite && $0.upper.isFinite }, "\(context): parameters")
        }
    }
}
