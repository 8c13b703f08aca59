import Foundation
import ObsScale
import Testing

/// Inputs found by `make fuzz` (Fuzz/, target FuzzOptions) that trapped or returned an invalid
/// selection; each is now a typed error.
struct SelectFuzzRegressionTests {
    /// Two families (F0: one model, F1: three) on 2 benchmarks, p = 2.
    static func problem(mustInclude: [Int]) throws -> SelectionProblem {
        let rows: [[Double]] = [[1, 0], [0, 1], [1, 1], [2, -1]]
        let design = Matrix(rows: rows)
        return try SelectionProblem(
            poolModels: ["a", "b", "c", "d"], poolFamilies: ["F0", "F1", "F1", "F1"],
            design: design, targets: design,
            units: [
                .init(name: "F0", family: "F0", models: [0], cost: 1),
                .init(name: "F1", family: "F1", models: [1, 2, 3], cost: 3),
            ],
            constraints: .init(mustInclude: mustInclude))
    }

    func message(_ body: () throws -> Void) -> String {
        do {
            try body()
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    /// `--include F0,F0`: the selectors added F0 twice — its model counted twice in the design
    /// (wrong V) and in the cost; the result listed ["F0", "F0", "F1"]. Now rejected up front.
    @Test func repeatedMustIncludeIsRejected() throws {
        #expect(
            message { _ = try Self.problem(mustInclude: [0, 0]) }
                == "SelectionProblem.Constraints.mustInclude: 'F0' is not allowed (allowed: each family or model at most once; it is listed twice)")
        var setup = SelectionSetup()
        setup.include = ["F1", "F1"]
        let panel = Panel(
            models: (0..<4).map {
                ModelInfo(
                    name: "m\($0)", family: $0 == 0 ? "F0" : "F1", parametersB: 1,
                    tokensT: 1, flops: 6, source: "test")
            },
            columns: ["MMLU": [0.1, 0.5, 0.3, 0.9], "ARC-C": [0.2, 0.2, 0.7, 0.4], "GSM8K": [0.3, 0.1, 0.5, 0.6]],
            benchmarkNames: ["MMLU", "ARC-C", "GSM8K"])
        #expect(message { _ = try setup.build(panel: panel) }.hasPrefix("SelectionProblem.Constraints.mustInclude: 'F1' is not allowed"))
        // Listed once it works, and the result lists each unit once.
        let results = try Selection.solve(
            try Self.problem(mustInclude: [0]), budgets: [4],
            options: SelectionOptions(method: .relaxation, timeLimitSeconds: 1, threadCount: 1))
        #expect(results.first?.units == ["F0", "F1"])
        #expect(results.first?.totalCost == 4)
    }

    /// The paper's random baseline converted the budget with `Int(_:)` in its error message: a
    /// budget of 1.8e308 (or NaN, ∞) trapped the process. Budgets are now validated like
    /// `Selection.solve` does, and the message formats large numbers without `Int`.
    @Test func paperRandomBaselineRejectsNonFiniteBudgets() throws {
        let problem = try Self.problem(mustInclude: [])
        for budget in [Double.nan, .infinity, -1, 0] {
            #expect(
                message { _ = try PaperRandomBaseline(count: 1, seed: 0).select(problem, budget: budget) }
                    == "Selection.budgets: '\(budget)' is not allowed (allowed: finite numbers > 0)")
        }
        #expect(
            message { _ = try PaperRandomBaseline(count: 1, seed: 0).select(problem, budget: .greatestFiniteMagnitude) }
                == "no feasible subset within budget 1.7976931348623157e+308: no family combination has between 1.79769e+308 "
                + "and 1.79769e+308 models")
        // Budget 4: {F1} (3 models) or {F0, F1} (4 models) are the combinations with 2…4 models.
        let drawn = try PaperRandomBaseline(count: 1, seed: 0).select(problem, budget: 4)
        #expect(drawn.count == 1 && [["F1"], ["F0", "F1"]].contains(drawn[0].units))
    }
}
