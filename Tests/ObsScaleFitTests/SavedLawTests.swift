import Foundation
import ObsScale
import Testing
import _TestSupport

@testable import ObsScaleFit

/// `fit --save-law` / `obsscale predict`: a saved law applied to the panel it was fitted on gives
/// the fit's own predictions and bootstrap curve intervals; it survives a write and a load; a law
/// saved by format 1 (Fixtures/saved_law_v1.json, written by obsscale 0.1.0) keeps loading;
/// newer formats and other files are refused clearly.
struct SavedLawTests {
    static let synthetic = TestPaths.root.appendingPathComponent("data/synthetic/panel.csv").path
    static let targets = TestPaths.root.appendingPathComponent("data/synthetic/targets.csv").path

    static func fit() throws -> (Panel, ScalingLawFit, FitBootstrap) {
        let panel = try Panel.load(panelPath: synthetic, downstreamPaths: [targets])
        let law = ScalingLaw(pcaOn: .pool, referenceFamily: "Family-01")
        let fit = try law.fit(panel: panel, target: "task_emergent,accuracy", split: try Split(panel: panel, rule: .flopsCutoff(10)))
        return (panel, fit, FitBootstrap(replicateCount: 60, seed: 5))
    }

    @Test func savedLawReproducesTheFitAndItsIntervals() throws {
        var (panel, fit, bootstrap) = try Self.fit()
        fit.bootstrap = try bootstrap.run(fit, panel: panel, threadCount: 2)
        let laws = try bootstrap.replicateLaws(fit, panel: panel, threadCount: 1)
        #expect(laws.parameters.count == fit.bootstrap?.replicatesSucceeded)
        #expect(try bootstrap.replicateLaws(fit, panel: panel, threadCount: 2) == laws)
        let saved = SavedLaw(fit: fit, tool: "test", bootstrap: bootstrap, replicateParameters: laws.parameters, residuals: laws.residuals)
        let path = TestPaths.temporaryDirectory().appendingPathComponent("law.json").path
        try OutputFiles.write(try saved.encoded(), to: path)
        let loaded = try SavedLaw.load(path: path)
        #expect(loaded == saved)
        let result = try loaded.predict(panel: panel)
        let intervals = try #require(fit.bootstrap?.predictions)
        for (row, (prediction, original)) in zip(result.predictions, fit.predictions).enumerated() {
            #expect(prediction.model == original.model)
            #expect(abs(prediction.predicted - original.predicted) <= 1e-12)
            #expect(abs(prediction.linearPredictor - original.linearPredictor) <= 1e-10)
            #expect(abs((prediction.equivalentLog10Flops ?? .nan) - (original.equivalentLog10Flops ?? .nan)) <= 1e-10)
            let curve = try #require(prediction.interval)
            #expect(abs(curve.lower - intervals[row].interval.lower) <= 1e-12, "\(original.model)")
            #expect(abs(curve.upper - intervals[row].interval.upper) <= 1e-12, "\(original.model)")
            #expect(prediction.predictionInterval != nil)
        }
        // A score interval adds residual noise to the curve: wider on average.
        func width(_ interval: BootstrapInterval?) -> Double { (interval?.upper ?? 0) - (interval?.lower ?? 0) }
        let curveWidth = result.predictions.map { width($0.interval) }.reduce(0, +)
        let scoreWidth = result.predictions.map { width($0.predictionInterval) }.reduce(0, +)
        #expect(scoreWidth > 1.5 * curveWidth)
        // Scoring against the values the panel has: the fit's error over every labelled model.
        let scoring = try #require(result.scoring)
        let labelled = fit.predictions.filter { $0.observed != nil }
        #expect(scoring.metrics.count == labelled.count)
        let mse = labelled.reduce(0.0) { $0 + pow(($1.observed ?? 0) - $1.predicted, 2) } / Double(labelled.count)
        #expect(abs(scoring.metrics.mse - mse) <= 1e-12)
        #expect((scoring.coverage ?? 0) > 0.5)
        // New models only (no target column): predicted, not scored.
        let bare = try Panel.load(panelPath: Self.synthetic)
        #expect(try loaded.predict(panel: bare).scoring == nil)
    }

    /// `predict --at-flops`: each replicate law refits the equivalent-FLOPs line on the saved
    /// reference points, so the curve intervals are the fit's own `--at-flops` intervals; the
    /// score intervals add residuals (other draws, same pool); a law without a line refuses.
    @Test func forecastsReproduceTheFitsAtFlopsIntervals() throws {
        var (panel, fit, bootstrap) = try Self.fit()
        let computes = [30.0, 300.0]
        fit.bootstrap = try bootstrap.run(fit, panel: panel, log10Flops: computes.map { log10($0) }, threadCount: 2)
        let laws = try bootstrap.replicateLaws(fit, panel: panel, threadCount: 2)
        let saved = SavedLaw(fit: fit, tool: "test", bootstrap: bootstrap, replicateParameters: laws.parameters, residuals: laws.residuals)
        let points = try #require(saved.referencePoints)
        #expect(points.log10Flops.count == fit.equivalentFlops?.referenceModels.count)
        let forecasts = try saved.predict(panel: panel, atFlops: computes).forecasts ?? []
        let expected = try #require(fit.bootstrap?.atFlops)
        #expect(forecasts.count == 2 && expected.count == 2)
        for (forecast, original) in zip(forecasts, expected) {
            #expect(abs(forecast.predicted - (fit.predicted(atFlops: forecast.flops) ?? .nan)) <= 1e-12)
            let curve = try #require(forecast.interval)
            #expect(abs(curve.lower - original.interval.lower) <= 1e-10)
            #expect(abs(curve.upper - original.interval.upper) <= 1e-10)
            let score = try #require(forecast.predictionInterval)
            #expect(score.upper - score.lower >= curve.upper - curve.lower)
        }
        // Deterministic in the seed.
        #expect(try saved.forecasts(atFlops: computes, seed: 3) == saved.forecasts(atFlops: computes, seed: 3))
        // Without reference points (a format-2 law): the point forecast only.
        var older = saved
        older.referencePoints = nil
        let bare = try older.forecasts(atFlops: computes)
        #expect(bare.map(\.predicted) == forecasts.map(\.predicted) && bare.allSatisfy { $0.interval == nil })
        // Without a line, or at a compute that is not one: refused, naming the setting.
        var flat = saved
        flat.equivalentFlops = nil
        flat.referencePoints = nil
        #expect(throws: FitError.self) { try flat.forecasts(atFlops: computes) }
        #expect(throws: FitError.self) { try saved.forecasts(atFlops: [0]) }
        // Reference points that do not fit the law are refused on load.
        var damaged = saved
        damaged.referencePoints?.scores[0] = [1]
        #expect(throws: FitError.self) { try damaged.check(path: "law.json") }
        damaged = saved
        damaged.referencePoints?.log10Flops = [1]
        #expect(throws: FitError.self) { try damaged.check(path: "law.json") }
    }

    @Test func replicateLawsNeedOneCapabilitySpace() throws {
        let (panel, fit, _) = try Self.fit()
        #expect(throws: FitError.self) { try FitBootstrap(replicateCount: 10, refitPCA: true).replicateLaws(fit, panel: panel) }
    }

    @Test func formatOneKeepsLoadingAndOthersAreRefused() throws {
        let fixture = TestPaths.fixture("saved_law_v1.json", near: #filePath).path
        let saved = try SavedLaw.load(path: fixture)
        #expect(saved.formatVersion == 1 && saved.tool == "obsscale 0.1.0")
        #expect(saved.law.target == "task_smooth,accuracy" && saved.replicateParameters?.count == 20)
        let panel = try Panel.load(panelPath: Self.synthetic, downstreamPaths: [Self.targets])
        let result = try saved.predict(panel: panel)
        #expect(result.predictions.count == 150 && result.predictions.allSatisfy { $0.interval != nil && $0.predicted.isFinite })
        var text = try String(contentsOfFile: fixture, encoding: .utf8)
        text = text.replacingOccurrences(of: "\"formatVersion\" : 1", with: "\"formatVersion\" : 99")
        let newer = TestPaths.write(text, name: "newer.json")
        #expect(throws: DataError.self) { try SavedLaw.load(path: newer) }
        let other = TestPaths.write("{\"schemaVersion\": 1}", name: "other.json")
        do {
            _ = try SavedLaw.load(path: other)
            Issue.record("a report that is not a saved law loaded")
        } catch {
            #expect("\(error)".contains("not a saved law"))
        }
        // The new models must have the law's benchmarks.
        let missing = TestPaths.write("Model,Model Family,MMLU\na,F,0.4\n", name: "missing.csv")
        #expect(throws: DataError.self) { try saved.predict(panel: try Panel.load(panelPath: missing)) }
    }
}
