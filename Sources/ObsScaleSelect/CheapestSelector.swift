import Foundation
import ObsScaleNumerics

/// The cheapest-first baseline: the must-includes, then units from the cheapest up (ties by unit
/// order), each added while it fits the budget and constraints — what "evaluate the small models"
/// buys at a given cost, without looking at the capability space. O(n log n + n·p²).
public struct CheapestSelector: SubsetSelector {
    public init() {}

    public func select(_ problem: SelectionProblem, budget: Double, progress: ProgressHandler?) throws -> SelectionResult {
        let started = Date()
        try problem.checkBudgets([budget])
        let order = problem.units.indices.sorted { (problem.units[$0].cost, $0) < (problem.units[$1].cost, $1) }
        var state = SubsetState(problem: problem)
        for u in problem.constraints.mustInclude { state.add(u) }
        for u in order where state.canAdd(u, budget: budget) { state.add(u) }
        guard problem.isFeasible(state.members, budget: budget) else {
            throw SelectionError.noFeasibleSubset(budget: budget, detail: "the cheapest units that fit the budget do not meet the constraints")
        }
        return try problem.result(of: state, budget: budget, solver: "cheapest", iterations: 1, started: started)
    }
}
