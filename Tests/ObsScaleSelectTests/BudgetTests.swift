import Foundation
import ObsScale
import Testing

/// Budgets as a user writes them, the cheapest-first baseline, and the budget the relaxation may
/// spend with whole-number costs.
struct BudgetTests {
    @Test func budgetSpecParsesAmountsAndPercentages() throws {
        let spec = try BudgetSpec(parsing: "4, 10%,2.5")
        #expect(spec.items == [.amount(4), .percent(10), .amount(2.5)])
        #expect(spec.hasPercentages)
        #expect(spec.resolved(totalCost: 200) == [4, 20, 2.5])
        #expect(spec.description == "4, 10%,2.5")
        #expect(!(try BudgetSpec(parsing: "8,16")).hasPercentages)
        #expect(BudgetSpec(amounts: [4, 2.5]).description == "4,2.5")
        // Encoded as the text a user writes, and read back.
        let data = try JSONEncoder().encode(spec)
        #expect(String(decoding: data, as: UTF8.self) == "\"4, 10%,2.5\"")
        #expect(try JSONDecoder().decode(BudgetSpec.self, from: data) == spec)
    }

    @Test(arguments: ["", "0", "-3", "ten", "10%%", "0%", "150%", "inf", "nan", "4,,8"])
    func budgetSpecRefusesWhatIsNoBudget(text: String) {
        #expect(throws: SelectionError.self) { try BudgetSpec(parsing: text) }
    }

    /// The cheapest-first subset equals a hand-run of the rule on every random instance: the
    /// must-includes, then units by increasing cost while they fit.
    @Test func cheapestFirstAddsUnitsByCostWhileTheyFit() throws {
        var checked = 0
        for seed in UInt64(1)...200 {
            guard let instance = RandomInstance.make(seed: seed) else { continue }
            let problem = instance.problem, budget = instance.budget
            guard let result = try? CheapestSelector().select(problem, budget: budget) else { continue }
            var expected = problem.constraints.mustInclude
            for u in problem.units.indices.sorted(by: { (problem.units[$0].cost, $0) < (problem.units[$1].cost, $1) })
            where !expected.contains(u) && problem.isFeasibleToExtend(expected + [u], budget: budget) {
                expected.append(u)
            }
            #expect(Set(result.units) == Set(expected.map { problem.units[$0].name }), "seed \(seed)")
            #expect(result.totalCost <= budget * (1 + 1e-12))
            #expect(result.solver == "cheapest")
            checked += 1
        }
        #expect(checked >= 50)
    }

    @Test func wholeNumberCostsRoundAFractionalBudgetDown() throws {
        let design = Matrix(rows: [[1, 0], [0, 1], [1, 1], [2, 1]])
        func problem(costs: [Double]) throws -> SelectionProblem {
            try SelectionProblem(
                poolModels: ["a", "b", "c", "d"], poolFamilies: ["A", "B", "C", "D"], design: design, targets: design,
                units: costs.enumerated().map { .init(name: "u\($0.offset)", family: "F\($0.offset)", models: [$0.offset], cost: $0.element) },
                criterion: .d)
        }
        let counts = try problem(costs: [1, 1, 1, 1])
        #expect(counts.attainableBudget(2.5) == 2)
        #expect(counts.attainableBudget(3) == 3)
        #expect(counts.attainableBudget(3 - 1e-14) == 3)  // within the feasibility tolerance
        let sizes = try problem(costs: [1.5, 0.7, 2, 1])
        #expect(sizes.attainableBudget(2.5) == 2.5)
        // The bound at a fractional count budget is the bound at its floor (a tighter relaxation).
        let atFraction = try #require(try RelaxationBound().solve(counts, budget: 2.5))
        let atFloor = try #require(try RelaxationBound().solve(counts, budget: 2))
        #expect(abs(atFraction.lowerBound - atFloor.lowerBound) <= 1e-9 * max(1, abs(atFloor.lowerBound)))
    }
}

extension SelectionProblem {
    /// Whether `subset` meets the budget and the constraints that adding units can only break
    /// (exclusions, the family count, per-family caps); a minimum model count may still be reached.
    func isFeasibleToExtend(_ subset: [Int], budget: Double) -> Bool {
        guard subset.reduce(0.0, { $0 + units[$1].cost }) <= budget * (1 + 1e-12) else { return false }
        guard !subset.contains(where: constraints.exclude.contains) else { return false }
        var perFamily: [String: Int] = [:]
        for u in subset { perFamily[units[u].family, default: 0] += units[u].models.count }
        if let maxFamilies = constraints.maxFamilies, perFamily.count > maxFamilies { return false }
        if let cap = constraints.maxModelsPerFamily, perFamily.values.contains(where: { $0 > cap }) { return false }
        if let maxModels = constraints.maxModels, perFamily.values.reduce(0, +) > maxModels { return false }
        return true
    }
}
