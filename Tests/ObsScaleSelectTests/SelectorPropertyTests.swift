import Foundation
import ObsScale
import Testing
import _TestSupport

/// Property tests on random small instances: exhaustive equals the brute-force optimum; greedy and
/// exchange are feasible and never below it; budgets and constraints always hold.
struct SelectorPropertyTests {
    static let seeds: [UInt64] = Array(1...240)

    @Test func exhaustiveEqualsBruteForceAndHeuristicsAreFeasible() throws {
        var checked = 0, optimalHits = 0
        for seed in Self.seeds {
            guard let instance = RandomInstance.make(seed: seed) else { continue }
            let problem = instance.problem, budget = instance.budget
            let truth = instance.bruteForce()
            let exhaustive = try ExhaustiveSelector(threadCount: 2).select(problem, budgets: [budget])[0]
            if truth.value.isFinite {
                #expect(abs(exhaustive.value - truth.value) <= 1e-9 * abs(truth.value), "seed \(seed)")
                #expect(exhaustive.provenOptimal)
            } else {
                #expect(!exhaustive.value.isFinite, "seed \(seed)")
            }
            for result in [exhaustive] + heuristics(problem, budget) {
                guard result.value.isFinite else { continue }
                let indices = result.units.compactMap { name in problem.units.firstIndex { $0.name == name } }
                #expect(problem.isFeasible(indices, budget: budget), "seed \(seed) \(result.solver)")
                #expect(result.totalCost <= budget * (1 + 1e-12), "seed \(seed) \(result.solver)")
                #expect(result.value >= truth.value - 1e-9 * abs(truth.value) - 1e-12, "seed \(seed) \(result.solver) below the optimum")
                #expect(abs(problem.value(of: indices) - result.value) <= 1e-9 * abs(result.value), "seed \(seed) \(result.solver)")
                if result.solver.contains("exchange"), abs(result.value - truth.value) <= 1e-9 * abs(truth.value) { optimalHits += 1 }
            }
            checked += 1
        }
        #expect(checked >= 200)
        // Exchange is a heuristic, but on tiny instances it should usually find the optimum.
        #expect(optimalHits >= checked / 2)
    }

    func heuristics(_ problem: SelectionProblem, _ budget: Double) -> [SelectionResult] {
        var results: [SelectionResult] = []
        if let greedy = try? GreedySelector().select(problem, budget: budget) { results.append(greedy) }
        if let exchange = try? ExchangeSelector().select(problem, budget: budget) { results.append(exchange) }
        return results
    }

    @Test func exhaustiveIsIdenticalForAnyThreadCount() throws {
        for seed: UInt64 in 1...30 {
            guard let instance = RandomInstance.make(seed: seed) else { continue }
            let budgets = [instance.budget * 0.5, instance.budget, instance.budget * 1.5]
            let one = try ExhaustiveSelector(threadCount: 1).select(instance.problem, budgets: budgets)
            let two = try ExhaustiveSelector(threadCount: 2).select(instance.problem, budgets: budgets)
            #expect(one.map(\.units) == two.map(\.units))
            #expect(one.map(\.value) == two.map(\.value))
        }
    }
}
