import Foundation
import ObsScaleNumerics

/// `auto`: the exact search when the problem has at most `exhaustiveLimit` combinations;
/// otherwise branch-and-bound (greedy + exchange incumbent, relaxation bounds) per budget, stopped
/// once the certified gap is at most `gapTolerance` or at the time limit.
public struct AutoSelector: SubsetSelector {
    public var threadCount: Int
    public var timeLimitSeconds: Double
    public var exhaustiveLimit: Double
    public var gapTolerance: Double

    public init(
        threadCount: Int = ProcessInfo.processInfo.activeProcessorCount, timeLimitSeconds: Double = 10,
        exhaustiveLimit: Double = 5e6, gapTolerance: Double = SelectionOptions.defaultGapTolerance
    ) {
        self.threadCount = threadCount
        self.timeLimitSeconds = timeLimitSeconds
        self.exhaustiveLimit = exhaustiveLimit
        self.gapTolerance = gapTolerance
    }

    func choice(_ problem: SelectionProblem) -> any SubsetSelector {
        problem.combinationCount <= exhaustiveLimit
            ? ExhaustiveSelector(threadCount: threadCount)
            : BranchAndBoundSelector(timeLimitSeconds: timeLimitSeconds, gapTolerance: gapTolerance)
    }

    public func select(_ problem: SelectionProblem, budgets: [Double], progress: ProgressHandler?) throws -> [SelectionResult] {
        try choice(problem).select(problem, budgets: budgets, progress: progress)
    }

    public func select(_ problem: SelectionProblem, budget: Double, progress: ProgressHandler?) throws -> SelectionResult {
        try choice(problem).select(problem, budget: budget, progress: progress)
    }
}
