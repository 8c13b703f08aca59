import Foundation
import ObsScale
import Testing
import _TestSupport

// README example begin (shown in README.md after `import ObsScale`)
/// Fits a scaling law on a panel's smaller models, then picks the 10 models to evaluate.
func example(panelPath: String, target: String) throws -> (law: ScalingLawFit, chosen: SelectionResult) {
    let panel = try PanelQuery(panelPath: panelPath).load().panel
    let split = try Split(panel: panel, rule: .flopsCutoff(10))  // train ≤ 10×1E21 FLOPs, test above
    let fit = try ScalingLaw().fit(panel: panel, target: target, split: split)
    print(fit.law.formula, "test MSE", fit.testMetrics.mse)
    let problem = try SelectionSetup().build(panel: panel)  // families, V-optimality, 3 PCs
    let chosen = try Selection.solve(problem, budgets: [10], options: SelectionOptions())[0]
    print(chosen.units, "V =", chosen.value, "certified gap", chosen.gap ?? .nan)
    return (fit, chosen)
}
// README example end

/// The README's library example compiles (it is this file's code) and runs on the shipped panel.
struct LibraryExampleTests {
    @Test func exampleRunsOnTheSyntheticPanel() throws {
        let (fit, chosen) = try example(panelPath: TestPaths.syntheticPanel, target: "task_emergent,accuracy")
        #expect(fit.testMetrics.count > 0 && fit.testMetrics.mse.isFinite)
        #expect(chosen.totalCost <= 10 && chosen.value.isFinite && chosen.gap != nil)
    }

    @Test func readmeShowsThisExample() throws {
        let source = try String(contentsOfFile: #filePath, encoding: .utf8)
        let readme = try String(contentsOf: TestPaths.root.appendingPathComponent("README.md"), encoding: .utf8)
        guard let begin = source.range(of: "// README example begin (shown in README.md after `import ObsScale`)\n"),
            let end = source.range(of: "// README example end")
        else {
            Issue.record("markers missing")
            return
        }
        let example = String(source[begin.upperBound..<end.lowerBound])
        #expect(
            readme.contains("```swift\nimport ObsScale\n\n" + example + "```"),
            "README.md must show the example of LibraryExampleTests.swift verbatim")
    }
}
