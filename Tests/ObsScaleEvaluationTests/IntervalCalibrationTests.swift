import Foundation
import ObsScale
import Testing
import _TestSupport

@testable import ObsScaleEvaluation

/// Calibrated intervals on a simulated world with public metrics: learned from the public metrics
/// (not the shipped lines), never reading a test value of the target, containing the bootstrap's
/// interval, and scored by `IntervalMeasurement` as the hand computation says.
struct IntervalCalibrationTests {
    static func world() throws -> (panel: Panel, split: Split, target: String) {
        var settings = SimulationSettings()
        settings.familyCount = 12
        settings.modelsPerFamily = 5
        settings.publicMetricCount = 10
        settings.seed = 8
        let world = try SyntheticWorld.generate(settings)
        let flops = world.panel.models.compactMap(\.flops).sorted()
        let split = try Split(panel: world.panel, rule: .flopsCutoff(flops[flops.count * 2 / 3]))
        return (world.panel, split, "task_smooth,accuracy")
    }

    /// The target's values with every test model's replaced by 1 − value.
    static func withTestValuesChanged(_ panel: Panel, target: String, split: Split) throws -> Panel {
        var columns: [String: [Double]] = [:]
        for name in panel.numericColumnNames { columns[name] = try panel.values(of: name) }
        var values = try panel.values(of: target)
        for row in split.test { values[row] = 1 - values[row] }
        columns[target] = values
        return Panel(models: panel.models, columns: columns, benchmarkNames: panel.benchmarkNames, metricNames: panel.metricNames)
    }

    static func intervals(_ panel: Panel, split: Split, target: String) throws -> (IntervalCalibration, [BootstrapInterval]) {
        var fit = try ScalingLaw.recommended.fit(panel: panel, target: target, split: split)
        let calibration = try IntervalCalibrator(levels: [0.9]).calibrate(fit, panel: panel, split: split)
        fit.calibration = calibration
        let summary = try FitBootstrap(replicateCount: 60, level: 0.9, seed: 3).run(fit, panel: panel, threadCount: 2)
        return (calibration, split.test.map { summary.predictions[$0].predictionInterval })
    }

    @Test func aTargetsTestValuesNeverReachItsInterval() throws {
        let (panel, split, target) = try Self.world()
        let (calibration, original) = try Self.intervals(panel, split: split, target: target)
        guard case let .publicMetrics(metrics, records) = calibration.source else {
            Issue.record("calibrated with the shipped lines: \(calibration.source)")
            return
        }
        #expect(metrics >= 3 && records >= IntervalCalibrator.minimumRecords)
        let changed = try Self.withTestValuesChanged(panel, target: target, split: split)
        let (recalibrated, after) = try Self.intervals(changed, split: split, target: target)
        #expect(recalibrated == calibration)
        #expect(after == original)
    }

    @Test func theCalibratedIntervalContainsTheBootstrapsAndTheLines() throws {
        let (panel, split, target) = try Self.world()
        var fit = try ScalingLaw.recommended.fit(panel: panel, target: target, split: split)
        fit.calibration = try IntervalCalibrator(levels: [0.95]).calibrate(fit, panel: panel, split: split)
        let summary = try FitBootstrap(replicateCount: 40, seed: 1).run(fit, panel: panel, threadCount: 1)
        #expect(summary.interval == .calibrated)
        for row in split.test {
            let shown = summary.predictions[row].predictionInterval
            let bootstrap = try #require(summary.predictions[row].bootstrapPredictionInterval)
            let lines = try #require(
                fit.calibration?.interval(level: 0.95, regression: fit.law.regression, capabilities: fit.predictions[row].capabilities))
            #expect(shown.lower == min(bootstrap.lower, lines.lower) && shown.upper == max(bootstrap.upper, lines.upper))
            #expect(shown.lower <= fit.predictions[row].predicted && fit.predictions[row].predicted <= shown.upper)
        }
    }

    /// Too few public metrics: the shipped lines, and the reason.
    @Test func withoutPublicMetricsTheShippedLinesAreUsed() throws {
        let (panel, split, target) = try Self.world()
        let bare = Panel(
            models: panel.models, columns: panel.columns.filter { $0.key == target || panel.benchmarkNames.contains($0.key) },
            benchmarkNames: panel.benchmarkNames, metricNames: [target])
        let fit = try ScalingLaw().fit(panel: bare, target: target, split: split)
        let calibration = try IntervalCalibrator(levels: [0.95]).calibrate(fit, panel: bare, split: split)
        guard case let .shipped(reason) = calibration.source else {
            Issue.record("expected the shipped lines, got \(calibration.source)")
            return
        }
        #expect(reason.contains("0 public metrics"))
        #expect(calibration.lines == [IntervalCalibration.shippedLines(at: 0.95)])
    }

    /// Winkler's score and the pooled figures by hand.
    @Test func intervalScoresByHand() {
        let score = ValidationReport.IntervalScore(
            level: 0.9, observed: [0.5, 0.9, 0.1],
            intervals: [0.9: [(0.4, 0.6), (0.5, 0.8), (0.2, 0.3)], 0.5: [(0.45, 0.55), (0.7, 0.75), (0, 0.05)]])
        #expect(score.covered == 1 && score.count == 3)
        #expect(abs(score.meanWidth - 0.6 / 3) < 1e-12)
        // widths 0.2 + 0.3 + 0.1, misses 0.1 above and 0.1 below, each × 2/0.1 = 20.
        #expect(abs(score.intervalScore - (0.6 + 20 * 0.2) / 3) < 1e-12)
        #expect(score.reliability.map(\.level) == [0.5, 0.9] && score.reliability.map(\.covered) == [1, 1])
        let pooled = ValidationReport.IntervalScore.pooled([score, score])
        #expect(pooled?.count == 6 && pooled?.covered == 2 && pooled?.intervalScore == score.intervalScore)
    }
}
