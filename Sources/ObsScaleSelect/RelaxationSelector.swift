import Foundation
import ObsScaleNumerics

/// `relaxation`: the greedy + exchange subset with the certified lower bound of the continuous
/// relaxation (`RelaxationBound`), so the result states how far from optimal it can be.
public struct RelaxationSelector: SubsetSelector {
    public var timeLimitSeconds: Double

    public init(timeLimitSeconds: Double = 10) { self.timeLimitSeconds = timeLimitSeconds }

    public func select(_ problem: SelectionProblem, budget: Double, progress: ProgressHandler?) throws -> SelectionResult {
        var result = try ExchangeSelector().select(problem, budget: budget)
        let bound = try RelaxationBound(timeLimitSeconds: timeLimitSeconds).solve(problem, budget: budget)
        result.lowerBound = bound.map { min($0.lowerBound, result.value) }
        result.solver = "greedy+exchange, relaxation bound"
        return result
    }
}
