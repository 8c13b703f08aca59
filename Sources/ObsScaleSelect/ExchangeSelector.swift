import Foundation
import ObsScaleNumerics

/// Swap local search: from a starting subset (greedy by default), repeatedly apply
/// the best improving move — add an affordable unit, or swap one selected unit (not a
/// must-include) for an unselected one within the budget and constraints — until none improves by
/// more than 1e-12 relative. Each pass scores O(|S|·n) swaps at O(p³) each.
public struct ExchangeSelector: SubsetSelector {
    public var maxPasses = 1000
    /// Stop improving after this many seconds (the subset so far is returned).
    public var timeLimitSeconds = 10.0

    public init(maxPasses: Int = 1000, timeLimitSeconds: Double = 10) {
        self.maxPasses = maxPasses
        self.timeLimitSeconds = timeLimitSeconds
    }

    public func select(_ problem: SelectionProblem, budget: Double, progress: ProgressHandler?) throws -> SelectionResult {
        try select(problem, budget: budget, start: nil)
    }

    /// Local search from `start` (unit indices; the must-includes are added), or from greedy when nil.
    public func select(_ problem: SelectionProblem, budget: Double, start: [Int]?) throws -> SelectionResult {
        let started = Date()
        var state: SubsetState
        if let start {
            state = SubsetState(problem: problem)
            for u in Set(start + problem.constraints.mustInclude).sorted() { state.add(u) }
        } else {
            state = try GreedySelector().greedy(problem, budget: budget).0
        }
        let passes = improve(&state, budget: budget)
        return try problem.result(
            of: state, budget: budget, solver: start == nil ? "greedy+exchange" : "exchange",
            iterations: passes, started: started)
    }

    func improve(_ state: inout SubsetState, budget: Double) -> Int {
        let problem = state.problem
        let fixed = Set(problem.constraints.mustInclude)
        let started = Date()
        var passes = 0
        while passes < maxPasses && Date().timeIntervalSince(started) < timeLimitSeconds {
            passes += 1
            var bestValue = state.value
            var bestMove: (out: Int?, in: Int)?
            for u in problem.units.indices where state.canAdd(u, budget: budget) {
                let value = state.valueWith(u)
                if value < bestValue * (1 - 1e-12) || (!bestValue.isFinite && value.isFinite) {
                    bestValue = value
                    bestMove = (nil, u)
                }
            }
            for out in state.members where !fixed.contains(out) {
                for u in problem.units.indices where state.canAdd(u, budget: budget, removing: out) {
                    let value = state.valueWithSwap(out: out, in: u)
                    if value < bestValue * (1 - 1e-12) || (!bestValue.isFinite && value.isFinite) {
                        bestValue = value
                        bestMove = (out, u)
                    }
                }
            }
            guard let move = bestMove else { break }
            if let out = move.out { state.remove(out) }
            state.add(move.in)
        }
        return passes
    }
}
