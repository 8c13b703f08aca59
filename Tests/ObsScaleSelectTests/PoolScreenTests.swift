import Foundation
import ObsScale
import Testing

/// What leaves the pool and why: models without the cost a selection needs (one note), and the
/// outlier screen in capability space — listed always, excluded when asked.
struct PoolScreenTests {
    /// 60 models in 6 families whose 4 benchmarks follow one capability s (with a little
    /// structure per benchmark), the last two with a profile no other model has (MMLU at the top,
    /// everything else at chance): the screen's outliers. Sizes are missing for every 10th model.
    static func panel() -> Panel {
        var random = Xoshiro256StarStar(seed: 11)
        var models: [ModelInfo] = []
        var columns: [String: [Double]] = [:]
        let names = ["MMLU", "ARC-C", "HellaSwag", "GSM8K"]
        for i in 0..<60 {
            let s = Double(i % 10) / 9
            let size = i % 10 == 9 ? nil : 0.5 * pow(2, 8 * s)
            models.append(ModelInfo(name: "m\(i)", family: "F\(i / 10)", parametersB: size, tokensT: 1, flops: size.map { 6 * $0 }, source: "test"))
            for (k, name) in names.enumerated() {
                var value = 0.25 + 0.5 * s * (1 + 0.1 * Double(k)) + 0.02 * random.nextNormal()
                if i >= 58 { value = k == 0 ? 0.9 : 0.25 }
                columns[name, default: []].append(min(1, max(0, value)))
            }
        }
        return Panel(models: models, columns: columns, benchmarkNames: names, sources: ["test"])
    }

    @Test func modelsWithoutTheCostLeaveThePoolWithOneNote() throws {
        var setup = SelectionSetup()
        setup.cost = .params
        let problem = try setup.build(panel: Self.panel())
        #expect(problem.poolModels.count == 54 && !problem.poolModels.contains("m9"))
        #expect(problem.poolNotes == ["6 models without a cost 'params' (Model Size (B)) left the pool: 'm9', 'm19', 'm29', …"])
        // With a count budget nobody lacks a cost.
        #expect(try SelectionSetup().build(panel: Self.panel()).poolNotes.isEmpty)
    }

    @Test func outliersAreListedThenExcludedWhenAsked() throws {
        let panel = Self.panel()
        var setup = SelectionSetup()
        setup.componentCount = 2
        let problem = try setup.build(panel: panel)
        let screen = try #require(problem.outliers)
        #expect(screen.poolSize == 60 && screen.componentCount == 2 && !screen.excluded)
        #expect(abs(screen.threshold - 13.815510557964274) < 1e-9)  // scipy.stats.chi2.ppf(0.999, 2)
        #expect(Set(screen.modelNames.prefix(2)) == ["m58", "m59"])
        #expect(screen.outliers.allSatisfy { $0.squaredDistance > screen.threshold })
        #expect(zip(screen.outliers, screen.outliers.dropFirst()).allSatisfy { $0.squaredDistance >= $1.squaredDistance })
        #expect(problem.poolModels.count == 60)
        setup.excludesOutliers = true
        let screened = try setup.build(panel: panel)
        #expect(screened.poolModels.count == 60 - screen.outliers.count && !screened.poolModels.contains("m59"))
        #expect(screened.outliers?.excluded == true && screened.outliers?.modelNames == screen.modelNames)
        #expect(
            screened.poolNotes == [
                "\(screen.outliers.count) capability-space outlier\(screen.outliers.count == 1 ? "" : "s") left the pool "
                    + "(SelectionSetup.excludesOutliers): " + screen.modelNames.prefix(3).map { "'\($0)'" }.joined(separator: ", ")
                    + (screen.outliers.count > 3 ? ", …" : "")
            ])
        // The screen reported is the one of the whole pool, before they left it.
        let again = try #require(screened.outliers)
        #expect(again.poolSize == 60)
        // A pool too small for the screen has none, and selects as before.
        var small = SelectionSetup()
        small.componentCount = 2
        #expect(try small.build(panel: panel.subset([0, 1, 2])).outliers == nil)
    }
}
