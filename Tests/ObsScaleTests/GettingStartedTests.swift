import Foundation
import ObsScale
import Testing
import _TestSupport

/// The getting-started article of the DocC catalog (Sources/ObsScale/ObsScale.docc): its code
/// blocks, in order, run here on the shipped synthetic panel, and the article shows them verbatim.
struct GettingStartedTests {
    @Test func articleCodeRuns() throws {
        // The article's paths are relative to the project folder, where `swift test` runs.
        let current = FileManager.default.currentDirectoryPath
        _ = FileManager.default.changeCurrentDirectoryPath(TestPaths.root.path)
        defer { _ = FileManager.default.changeCurrentDirectoryPath(current) }
        // article block
        let loaded = try PanelQuery(panelPath: "data/synthetic/panel.csv").load()
        let panel = loaded.panel
        print(panel.count, "models in", panel.familyNames.count, "families; benchmarks:", panel.benchmarkNames)
        // article block
        let split = try Split(panel: panel, rule: .flopsCutoff(10))  // train ≤ 10×1E21 FLOPs, test above
        let law = ScalingLaw(pca: PCA(componentCount: 3), regression: SigmoidRegression(link: .sigmoidFloor))
        var fit = try law.fit(panel: panel, target: "task_emergent,accuracy", split: split)
        print(fit.law.formula)
        print("test MSE", fit.testMetrics.mse, "R²", fit.testMetrics.r2)
        for prediction in fit.predictions where prediction.role == .test {
            print(prediction.model, prediction.observed ?? .nan, prediction.predicted)
        }
        // article block
        let bootstrap = FitBootstrap(replicateCount: 1000, level: 0.95, seed: 1)
        fit.bootstrap = try bootstrap.run(fit, panel: panel)
        if let summary = fit.bootstrap {
            let first = summary.predictions[0]
            print(first.model, first.interval.lower, first.interval.upper, first.predictionInterval.upper)
        }
        // article block
        var setup = SelectionSetup()
        setup.cost = .params  // budget in billions of parameters
        setup.unit = .model  // single models rather than whole families
        let problem = try setup.build(panel: panel)
        let options = SelectionOptions(method: .auto, timeLimitSeconds: 5)
        for result in try Selection.solve(problem, budgets: [50, 100], options: options) {
            print(result.budget, result.models, result.value, result.gap ?? .nan)
        }
        // article block
        do {
            _ = try ScalingLaw(pca: PCA(componentCount: 0)).fit(panel: panel, target: "task_emergent,accuracy", split: split)
        } catch let error as any InputError {
            print(error)  // PCA.componentCount: 0 is not allowed (allowed: 1 to …)
        }
        // end of the article's blocks
        #expect(fit.bootstrap?.replicatesSucceeded ?? 0 > 900)
    }

    @Test func articleShowsTheseBlocks() throws {
        let source = try String(contentsOfFile: #filePath, encoding: .utf8)
        let article = try String(
            contentsOf: TestPaths.root.appendingPathComponent("Sources/ObsScale/ObsScale.docc/GettingStarted.md"),
            encoding: .utf8)
        guard let start = source.range(of: "func articleCodeRuns"), let stop = source.range(of: "// end of the article's blocks") else {
            Issue.record("markers missing")
            return
        }
        let blocks = source[start.upperBound..<stop.lowerBound].components(separatedBy: "        // article block\n").dropFirst()
        #expect(blocks.count == 5)
        for block in blocks {
            let dedented = block.split(separator: "\n", omittingEmptySubsequences: false)
                .map { $0.hasPrefix("        ") ? String($0.dropFirst(8)) : String($0) }.joined(separator: "\n")
            #expect(article.contains(dedented), "the article must show:\n\(dedented)")
        }
    }
}
