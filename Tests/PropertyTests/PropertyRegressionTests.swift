import Foundation
import ObsScale
import Testing

/// Fixed cases for the bugs the properties found, so they stay fixed whatever the random draw.
struct PropertyRegressionTests {
    /// `n` model units in each of `familySizes.count` families, 2 design columns.
    static func modelProblem(familySizes: [Int], constraints: SelectionProblem.Constraints) throws -> SelectionProblem {
        var rows: [[Double]] = [], families: [String] = [], units: [SelectionProblem.Unit] = []
        var random = Xoshiro256StarStar(seed: 11)
        for (f, size) in familySizes.enumerated() {
            for _ in 0..<size {
                units.append(.init(name: "m\(rows.count)", family: "F\(f)", models: [rows.count], cost: 1))
                rows.append([random.nextNormal(), random.nextNormal()])
                families.append("F\(f)")
            }
        }
        let design = Matrix(rows: rows)
        return try SelectionProblem(
            poolModels: units.map(\.name), poolFamilies: families, design: design, targets: design,
            units: units, constraints: constraints)
    }

    /// With model units, `maxFamilies` limits families, not units: 2 families of 10 models and at
    /// most 1 family allow 2·(2¹⁰ − 1) + 1 subsets, not the 1 + 20 the binomial count gave — so
    /// `auto` and the exhaustive limit could start enumerations far beyond their bound.
    @Test func combinationCountBoundsModelUnitsUnderAFamilyCap() throws {
        let problem = try Self.modelProblem(familySizes: [10, 10], constraints: .init(maxFamilies: 1))
        #expect(problem.combinationCount == 2 * 1023 + 1)
        let result = try ExhaustiveSelector(threadCount: 1).select(problem, budgets: [20])[0]
        #expect(Double(result.iterations) <= problem.combinationCount)
        // A must-included family's other models come free of the family cap.
        let included = try Self.modelProblem(familySizes: [3, 4], constraints: .init(mustInclude: [0], maxFamilies: 1))
        #expect(included.combinationCount == 4)
        // One unit per family: the binomial sum, as before.
        let single = try Self.modelProblem(familySizes: [1, 1, 1, 1, 1], constraints: .init(maxFamilies: 2))
        #expect(single.combinationCount == 1 + 5 + 10)
    }

    /// Must-includes that alone exceed `maxModelsPerFamily` make every subset infeasible: a typed
    /// error, not heuristics returning them anyway (greedy, exchange, random, relaxation and bnb
    /// did, breaking the cap, while exhaustive found nothing).
    @Test func mustIncludesAboveTheFamilyCapAreContradictory() throws {
        #expect(throws: SelectionError.self) {
            try Self.modelProblem(familySizes: [3, 2], constraints: .init(mustInclude: [0, 1], maxModelsPerFamily: 1))
        }
        var units = [
            SelectionProblem.Unit(name: "F0", family: "F0", models: [0, 1, 2], cost: 3),
            SelectionProblem.Unit(name: "F1", family: "F1", models: [3], cost: 1),
        ]
        let design = Matrix(rows: [[1, 0], [0, 1], [1, 1], [1, -1]])
        #expect(throws: SelectionError.self) {
            try SelectionProblem(
                poolModels: ["a", "b", "c", "d"], poolFamilies: ["F0", "F0", "F0", "F1"], design: design,
                targets: design, units: units, constraints: .init(mustInclude: [0], maxModelsPerFamily: 2))
        }
        units[0].models = [0, 1]
        units[0].cost = 2
        // Within the cap it is accepted.
        _ = try SelectionProblem(
            poolModels: ["a", "b", "c", "d"], poolFamilies: ["F0", "F0", "F0", "F1"], design: design,
            targets: design, units: units, constraints: .init(mustInclude: [0], maxModelsPerFamily: 2))
    }
}
