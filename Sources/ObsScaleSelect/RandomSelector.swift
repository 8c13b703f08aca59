import Foundation
import ObsScaleNumerics

/// A feasible random subset (the baseline): must-includes, then units in a seeded random order,
/// each added when it fits the budget and constraints. A fill that is no valid answer — a singular
/// design, or fewer models than `minModels` (e.g. a budget spent on two large models when the law
/// needs five) — is discarded and drawn again in a new order, up to `maxAttempts` times: the
/// baseline is a random subset *that can be fitted*, and `iterations` of the result counts the
/// draws it took. Replicate-independent: draw a comes from `Xoshiro256StarStar.stream(seed:index:)`
/// with the budget's bit pattern as the index (the seed mixed with a for a > 0).
public struct RandomSelector: SubsetSelector {
    public var seed: UInt64
    /// Draws before the budget is declared unable to buy a valid subset.
    public var maxAttempts: Int

    public init(seed: UInt64, maxAttempts: Int = 100) {
        self.seed = seed
        self.maxAttempts = maxAttempts
    }

    public func select(_ problem: SelectionProblem, budget: Double, progress: ProgressHandler?) throws -> SelectionResult {
        let started = Date()
        var lastError: Error?
        for attempt in 0..<max(1, maxAttempts) {
            let streamSeed = attempt == 0 ? seed : SplitMix64.mix(seed ^ UInt64(attempt))
            var random = Xoshiro256StarStar.stream(seed: streamSeed, index: budget.bitPattern)
            var order = Array(problem.units.indices)
            for i in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(i, random.nextInt(below: i + 1)) }
            var state = SubsetState(problem: problem)
            for u in problem.constraints.mustInclude { state.add(u) }
            for u in order where state.canAdd(u, budget: budget) { state.add(u) }
            do {
                return try problem.result(of: state, budget: budget, solver: "random", iterations: attempt + 1, started: started)
            } catch let error as SelectionError {
                lastError = error
            }
        }
        guard case let .noFeasibleSubset(_, detail)? = lastError as? SelectionError else { throw lastError ?? SelectionError.emptyPool("") }
        throw SelectionError.noFeasibleSubset(budget: budget, detail: "none of \(max(1, maxAttempts)) random draws is valid (the last: \(detail))")
    }
}
