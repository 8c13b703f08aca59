import Foundation
import ObsScaleNumerics

/// A feasible random subset (the baseline): must-includes, then units in a seeded random order,
/// each added when it fits the budget and constraints. Replicate-independent: the order comes from
/// `Xoshiro256StarStar.stream(seed:index:)` with the budget's bit pattern as the index.
public struct RandomSelector: SubsetSelector {
    public var seed: UInt64

    public init(seed: UInt64) { self.seed = seed }

    public func select(_ problem: SelectionProblem, budget: Double, progress: ProgressHandler?) throws -> SelectionResult {
        let started = Date()
        var random = Xoshiro256StarStar.stream(seed: seed, index: budget.bitPattern)
        var order = Array(problem.units.indices)
        for i in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(i, random.nextInt(below: i + 1)) }
        var state = SubsetState(problem: problem)
        for u in problem.constraints.mustInclude { state.add(u) }
        for u in order where state.canAdd(u, budget: budget) { state.add(u) }
        return try problem.result(of: state, budget: budget, solver: "random", iterations: 1, started: started)
    }
}
