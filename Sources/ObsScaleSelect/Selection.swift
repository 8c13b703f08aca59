import Foundation
import ObsScaleData
import ObsScaleNumerics

/// The selection methods (the CLI's `select --method`), each a `SubsetSelector`.
public enum SelectionMethod: String, Codable, CaseIterable, Sendable {
    case auto, exhaustive, greedy, exchange, relaxation, bnb, random, cheapest

    /// The selector this method stands for, configured from `options`.
    public func selector(_ options: SelectionOptions) -> any SubsetSelector {
        switch self {
        case .auto:
            return AutoSelector(
                threadCount: options.threadCount, timeLimitSeconds: options.timeLimitSeconds,
                exhaustiveLimit: options.autoExhaustiveLimit, gapTolerance: options.gapTolerance)
        case .exhaustive: return ExhaustiveSelector(threadCount: options.threadCount)
        case .greedy: return GreedySelector()
        case .exchange: return ExchangeSelector()
        case .relaxation: return RelaxationSelector(timeLimitSeconds: options.timeLimitSeconds)
        case .bnb: return BranchAndBoundSelector(timeLimitSeconds: options.timeLimitSeconds)
        case .random: return RandomSelector(seed: options.seed)
        case .cheapest: return CheapestSelector()
        }
    }
}

/// Settings shared by the selection methods.
public struct SelectionOptions: Codable, Equatable, Sendable {
    public var method: SelectionMethod = .auto
    /// Wall-clock limit per budget for the searches that can stop early (branch-and-bound).
    public var timeLimitSeconds: Double = 10
    /// Seed of the random baseline.
    public var seed: UInt64 = 0
    /// Workers of the searches that run in parallel. Not in the JSON encoding (it never changes a
    /// result; decoded as the active processor count), so reports of runs with different
    /// `--threads` are the same byte for byte.
    public var threadCount: Int = ProcessInfo.processInfo.activeProcessorCount
    /// `auto` enumerates exactly when there are at most this many combinations.
    public var autoExhaustiveLimit: Double = 5e6
    /// `auto` stops branch-and-bound once the certified gap (`SelectionResult.gap`) is at most
    /// this; `bnb` proves optimality. Default `defaultGapTolerance`.
    public var gapTolerance: Double = Self.defaultGapTolerance

    /// 1%: a subset whose criterion is certified within 1% of the optimum predicts as well as the
    /// optimum can be known to — a selection's own sampling spread is larger (its bootstrap
    /// regret is 1–7% in median on the public panel, README "Stability of a selection"), and
    /// closing the last 1% on pools of near-duplicate models (many ties) took branch-and-bound
    /// its whole time limit while greedy + exchange and the root bound take a fraction of a
    /// second (BENCHMARKS.md, "Selection"). Proof stays one setting away (0, `bnb`).
    public static let defaultGapTolerance = 0.01

    public init(
        method: SelectionMethod = .auto, timeLimitSeconds: Double = 10, seed: UInt64 = 0,
        threadCount: Int = ProcessInfo.processInfo.activeProcessorCount
    ) {
        self.method = method
        self.timeLimitSeconds = timeLimitSeconds
        self.seed = seed
        self.threadCount = threadCount
    }

    enum CodingKeys: String, CodingKey {
        case method, timeLimitSeconds, seed, autoExhaustiveLimit, gapTolerance
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        method = try container.decode(SelectionMethod.self, forKey: .method)
        timeLimitSeconds = try container.decode(Double.self, forKey: .timeLimitSeconds)
        seed = try container.decode(UInt64.self, forKey: .seed)
        autoExhaustiveLimit = try container.decode(Double.self, forKey: .autoExhaustiveLimit)
        gapTolerance = try container.decode(Double.self, forKey: .gapTolerance)
    }
}

/// The one entry point of selection: checks the options and budgets, then runs the method's
/// `SubsetSelector` on the problem for every budget.
public enum Selection {
    /// - Parameters:
    ///   - problem: the selection problem (`SelectionSetup.build`).
    ///   - budgets: budgets in cost units, each finite and > 0.
    ///   - options: the method and its limits.
    ///   - progress: told the progress of the exhaustive search (tasks) or of branch-and-bound
    ///     (the share of the time limit used, per budget).
    public static func solve(
        _ problem: SelectionProblem, budgets: [Double], options: SelectionOptions,
        progress: ProgressHandler? = nil
    ) throws -> [SelectionResult] {
        try problem.validateBudgets(budgets)
        guard options.timeLimitSeconds > 0, options.timeLimitSeconds.isFinite else {
            throw SelectionError.invalidSetting(
                .selectionTimeLimit, value: "\(options.timeLimitSeconds)",
                allowed: "a finite number of seconds > 0")
        }
        guard options.gapTolerance >= 0, options.gapTolerance < 1 else {
            throw SelectionError.invalidSetting(.selectionGap, value: "\(options.gapTolerance)", allowed: "a fraction in [0, 1)")
        }
        // Budgets that cannot afford `--anchor auto`'s models are solved without them, together.
        let plans = budgets.map { problem.forBudget($0) }
        let selector = options.method.selector(options)
        guard let dropped = plans.first(where: { $0.note != nil }), let note = dropped.note else {
            try problem.checkBudgets(budgets)
            return try selector.select(problem, budgets: budgets, progress: progress)
        }
        let plain = dropped.problem
        let unanchored = budgets.indices.filter { plans[$0].note != nil }
        try plain.checkBudgets(unanchored.map { budgets[$0] })
        var results = [SelectionResult?](repeating: nil, count: budgets.count)
        for (index, result) in zip(unanchored, try selector.select(plain, budgets: unanchored.map { budgets[$0] }, progress: progress)) {
            results[index] = result
            results[index]?.notes.append(note)
        }
        let anchored = budgets.indices.filter { plans[$0].note == nil }
        if !anchored.isEmpty {
            for (index, result) in zip(anchored, try selector.select(problem, budgets: anchored.map { budgets[$0] }, progress: progress)) {
                results[index] = result
            }
        }
        return results.compactMap { $0 }
    }
}
