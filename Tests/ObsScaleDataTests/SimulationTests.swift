import Foundation
import ObsScale
import Testing
import _TestSupport

@testable import ObsScaleData

/// Synthetic worlds: deterministic, the requested shape, and a recoverable truth.
struct SimulationTests {
    @Test func sameSeedSameFilesDifferentSeedDifferentFiles() throws {
        var settings = SimulationSettings()
        settings.familyCount = 6
        settings.modelsPerFamily = 4
        let first = try SyntheticWorld.generate(settings)
        let second = try SyntheticWorld.generate(settings)
        #expect(try first.panelCSV() == second.panelCSV())
        #expect(try first.targetsCSV() == second.targetsCSV())
        settings.seed = 2025
        #expect(try SyntheticWorld.generate(settings).panelCSV() != first.panelCSV())
    }

    @Test func writtenFilesReadBackAsAValidPanel() throws {
        var settings = SimulationSettings()
        settings.modelCount = 10_000
        settings.familyCount = 500
        settings.missingRate = 0.1
        let world = try SyntheticWorld.generate(settings)
        let folder = TestPaths.temporaryDirectory().path
        let paths = try world.write(to: folder)
        let panel = try Panel.load(panelPath: paths[0], downstreamPaths: [paths[1]])
        #expect(panel.count == 10_000)
        #expect(panel.familyNames.count == 500)
        let missing = try panel.matrix(columns: panel.benchmarkNames).storage.filter(\.isNaN).count
        #expect(abs(Double(missing) / 80_000 - 0.1) < 0.01)
        #expect(panel.metricNames == ["task_smooth,accuracy", "task_emergent,accuracy"])
        let truth = try JSONDecoder().decode(SimulationTruth.self, from: Data(contentsOf: URL(fileURLWithPath: paths[2])))
        #expect(truth.modelNames.count == 10_000)
    }

    /// Every simulated panel is one the loader accepts, however many models a family has: sizes,
    /// tokens and FLOPs stay in real models' ranges (`--models 10000` on 30 families once gave
    /// 3.8e198 B). Each written panel is read back and checked against the limits.
    @Test(
        arguments: [
            (30, nil, 5), (30, 1_000, 5), (30, 10_000, 5), (1, 2_000, 5), (2, nil, 3_000), (500, 100_000, 5), (1, nil, 1),
        ] as [(Int, Int?, Int)])
    func everySimulatedPanelLoads(families: Int, models: Int?, perFamily: Int) throws {
        var settings = SimulationSettings()
        settings.familyCount = families
        settings.modelCount = models
        settings.modelsPerFamily = perFamily
        settings.missingRate = 0.2
        let paths = try SyntheticWorld.generate(settings).write(to: TestPaths.temporaryDirectory().path)
        let panel = try Panel.load(panelPath: paths[0], downstreamPaths: [paths[1]])
        #expect(panel.count == models ?? families * perFamily)
        for model in panel.models {
            let size = try #require(model.parametersB), tokens = try #require(model.tokensT), flops = try #require(model.flops)
            #expect(size > 0 && size < PanelReader.largestPlausibleSizeB, "\(model.name): \(size) B")
            #expect(tokens > 0 && tokens < PanelReader.largestPlausibleTokensT, "\(model.name): \(tokens) T")
            #expect(flops > 0 && flops < FlopsUnit.rawThreshold && abs(flops - 6 * size * tokens) <= 1e-6, "\(model.name)")
        }
    }

    @Test func theLawRecoversTheTrueCurveOnASyntheticWorld() throws {
        var settings = SimulationSettings()
        settings.familyCount = 30
        settings.modelsPerFamily = 5
        let world = try SyntheticWorld.generate(settings)
        let target = world.truth.targets[0]
        let fit = try ScalingLaw().fit(
            panel: world.panel, target: target.name,
            split: try Split(panel: world.panel, rule: .flopsCutoff(10)))
        // Predictions of held-out (larger) models explain most of the noise-free truth's
        // variance (benchmarks saturate, so the law in PC space is only approximately right).
        let test = fit.predictions.indices.filter { fit.predictions[$0].role == .test }
        let truth = test.map { target.trueValues[$0] }
        let error = test.map { pow(fit.predictions[$0].predicted - target.trueValues[$0], 2) }.reduce(0, +) / Double(test.count)
        let spread = truth.map { pow($0 - Statistics.mean(truth), 2) }.reduce(0, +) / Double(test.count)
        #expect(test.count > 20)
        #expect(error < 0.01)
        #expect(error < 0.2 * spread)
    }

    @Test func invalidSettingsAreRejected() {
        var settings = SimulationSettings()
        settings.missingRate = 0.9
        #expect(throws: DataError.invalidSetting(.simulationMissingRate, value: "0.9", allowed: "0 to 0.5")) { try SyntheticWorld.generate(settings) }
        settings = SimulationSettings()
        settings.modelCount = 5
        #expect(throws: DataError.self) { try SyntheticWorld.generate(settings) }
    }
}
