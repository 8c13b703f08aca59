import Foundation
import ObsScaleNumerics

/// The selection methods of `obsscale select --method` (DESIGN §4.3).
public enum SelectionMethod: String, Codable, CaseIterable, Sendable {
    case auto, exhaustive, greedy, exchange, relaxation, bnb, random
}

/// Settings shared by the selection methods.
public struct SelectionOptions: Codable, Equatable, Sendable {
    public var method: SelectionMethod = .auto
    /// Wall-clock limit per budget for the searches that can stop early (branch-and-bound).
    public var timeLimitSeconds: Double = 10
    /// Seed of the random baseline.
    public var seed: UInt64 = 0
    public var threadCount: Int = ProcessInfo.processInfo.activeProcessorCount
    /// `auto` enumerates exactly when there are at most this many combinations.
    public var autoExhaustiveLimit: Double = 5e6
    /// `auto` stops branch-and-bound once the certified gap is at most this (bnb proves optimality).
    public var gapTolerance: Double = 1e-4

    public init(method: SelectionMethod = .auto, timeLimitSeconds: Double = 10, seed: UInt64 = 0,
                threadCount: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.method = method
        self.timeLimitSeconds = timeLimitSeconds
        self.seed = seed
        self.threadCount = threadCount
    }
}

/// Runs a selection method on a problem for each budget.
public enum Selection {
    /// - Parameter progress: told the progress of the exhaustive search (tasks) or of
    ///   branch-and-bound (the share of the time limit used, per budget).
    public static func solve(_ problem: SelectionProblem, budgets: [Double], options: SelectionOptions,
                             progress: ProgressHandler? = nil) throws -> [SelectionResult] {
        try ExhaustiveSelector().validate(budgets)
        guard options.timeLimitSeconds > 0, options.timeLimitSeconds.isFinite else {
            throw SelectionError.invalidOption(name: "--time-limit", value: "\(options.timeLimitSeconds)", allowed: "a finite number of seconds > 0")
        }
        try checkBudgets(problem, budgets: budgets)
        switch options.method {
        case .exhaustive:
            return try ExhaustiveSelector(threadCount: options.threadCount).select(problem, budgets: budgets, progress: progress)
        case .greedy:
            return try budgets.map { try GreedySelector().select(problem, budget: $0) }
        case .exchange:
            return try budgets.map { try ExchangeSelector().select(problem, budget: $0) }
        case .random:
            return try budgets.map { try RandomSelector(seed: options.seed).select(problem, budget: $0) }
        case .relaxation:
            return try budgets.map { budget in
                var result = try ExchangeSelector().select(problem, budget: budget)
                let bound = try RelaxationBound(timeLimitSeconds: options.timeLimitSeconds).solve(problem, budget: budget)
                result.lowerBound = bound.map { min($0.lowerBound, result.value) }
                result.solver = "greedy+exchange, relaxation bound"
                return result
            }
        case .bnb:
            return try budgets.map { try BranchAndBound(timeLimitSeconds: options.timeLimitSeconds).select(problem, budget: $0, progress: progress) }
        case .auto:
            if ExhaustiveSelector.combinationCount(problem) <= options.autoExhaustiveLimit {
                return try ExhaustiveSelector(threadCount: options.threadCount).select(problem, budgets: budgets, progress: progress)
            }
            return try budgets.map {
                try BranchAndBound(timeLimitSeconds: options.timeLimitSeconds, gapTolerance: options.gapTolerance)
                    .select(problem, budget: $0, progress: progress)
            }
        }
    }

    /// Budget checks with clear messages: below the must-includes, or below the cheapest set of
    /// units that can give p independent design rows.
    static func checkBudgets(_ problem: SelectionProblem, budgets: [Double]) throws {
        let included = problem.constraints.mustInclude.reduce(0.0) { $0 + problem.units[$1].cost }
        let p = problem.dimension
        // The p cheapest models' worth of cost is a lower bound on any nonsingular design
        // (G = Σ x xᵀ needs at least p rows) when there is no ridge.
        let cheapest: Double
        if problem.ridge > 0 {
            cheapest = included
        } else {
            let perModel = problem.units.flatMap { unit in Array(repeating: unit.cost / Double(unit.models.count), count: unit.models.count) }
            let rowsNeeded = max(0, p - problem.constraints.mustInclude.reduce(0) { $0 + problem.units[$1].models.count })
            cheapest = included + perModel.sorted().prefix(rowsNeeded).reduce(0, +)
        }
        for budget in budgets where budget < included * (1 - 1e-12) {
            throw SelectionError.budgetTooSmall(budget: budget, needed: included, detail: "the must-include units")
        }
        for budget in budgets where budget < cheapest * (1 - 1e-12) {
            throw SelectionError.budgetTooSmall(budget: budget, needed: cheapest,
                                                detail: "a nonsingular design (\(p) design columns need at least \(p) models)")
        }
        let singleUnitMinimum = problem.units.indices.filter { !problem.constraints.exclude.contains($0) }
            .map { problem.units[$0].cost }.min() ?? .infinity
        for budget in budgets where budget < singleUnitMinimum * (1 - 1e-12) && problem.constraints.mustInclude.isEmpty {
            throw SelectionError.budgetTooSmall(budget: budget, needed: singleUnitMinimum, detail: "the cheapest unit")
        }
    }
}

/// A feasible random subset (the baseline): must-includes, then units in a seeded random order,
/// each added when it fits the budget and constraints. Replicate-independent: the order comes from
/// `Xoshiro256StarStar.stream(seed:index:)` with the budget's bit pattern as the index.
public struct RandomSelector: Sendable {
    public var seed: UInt64

    public init(seed: UInt64) { self.seed = seed }

    public func select(_ problem: SelectionProblem, budget: Double) throws -> SelectionResult {
        let started = Date()
        var random = Xoshiro256StarStar.stream(seed: seed, index: budget.bitPattern)
        var order = Array(problem.units.indices)
        for i in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(i, random.nextInt(below: i + 1)) }
        var state = SubsetState(problem: problem)
        for u in problem.constraints.mustInclude { state.add(u) }
        for u in order where state.canAdd(u, budget: budget) { state.add(u) }
        return try GreedySelector().finish(problem, state: state, budget: budget, solver: "random", iterations: 1, started: started)
    }
}

/// The paper's random baseline (its `search_subset`): among the family combinations of the
/// exhaustive search (must-includes, at most `maxFamilies`) whose number of models lies in
/// [max(budget − 2, p), budget], draw `count` at random — uniformly, by reservoir sampling over
/// the enumeration, from `Xoshiro256StarStar.stream(seed:index:)` with the budget's bit pattern as
/// the index, so the draw does not depend on the thread count. Costs are numbers of models here,
/// as in the paper. O(combinations · p³). Above `enumerationLimit` combinations (large pools) it
/// draws `count` feasible random subsets instead (`RandomSelector`, seeds hashed from (seed, k)).
public struct PaperRandomBaseline: Sendable {
    public var count: Int
    public var seed: UInt64
    /// The width of the paper's "grace range" below the budget, in models.
    public var graceRange = 2.0
    /// Above this many family combinations the draw falls back to `RandomSelector` subsets.
    public var enumerationLimit = 1e8

    public init(count: Int, seed: UInt64) {
        self.count = count
        self.seed = seed
    }

    public func select(_ problem: SelectionProblem, budget: Double) throws -> [SelectionResult] {
        let started = Date()
        guard count >= 1 else { throw SelectionError.invalidOption(name: "--random", value: "\(count)", allowed: "≥ 1") }
        try ExhaustiveSelector().validate([budget])  // finite and > 0 (found by fuzzing: NaN/∞ trapped below)
        guard ExhaustiveSelector.combinationCount(problem) <= enumerationLimit else {
            // Too many combinations to enumerate (large pools): `count` feasible random subsets,
            // each from its own stream — units in random order, added while they fit.
            return try (0..<self.count).map { k in
                var result = try RandomSelector(seed: mix64(seed ^ UInt64(k))).select(problem, budget: budget)
                result.solver = "random (feasible; too many combinations to enumerate)"
                return result
            }
        }
        let free = ExhaustiveSelector.freeUnits(problem)
        let low = max(budget - graceRange, Double(problem.dimension))
        var random = Xoshiro256StarStar.stream(seed: seed, index: budget.bitPattern)
        var reservoir: [[Int]] = []
        var seen = 0
        var chosen = problem.constraints.mustInclude
        let maxUnits = problem.constraints.maxFamilies ?? Int.max
        func visit() {
            let models = chosen.reduce(0) { $0 + problem.units[$1].models.count }
            let cost = chosen.reduce(0.0) { $0 + problem.units[$1].cost }
            guard Double(models) >= low, cost <= budget * (1 + 1e-12), problem.isFeasible(chosen, budget: budget),
                  problem.value(of: chosen).isFinite else { return }
            seen += 1
            if reservoir.count < self.count {
                reservoir.append(chosen.sorted())
            } else {
                let slot = random.nextInt(below: seen)
                if slot < self.count { reservoir[slot] = chosen.sorted() }
            }
        }
        func extend(from position: Int) {
            for next in position..<free.count {
                let u = free[next]
                let cost = chosen.reduce(0.0) { $0 + problem.units[$1].cost } + problem.units[u].cost
                guard cost <= budget * (1 + 1e-12), Set(chosen.map { problem.units[$0].family } + [problem.units[u].family]).count <= maxUnits else { continue }
                chosen.append(u)
                visit()
                extend(from: next + 1)
                chosen.removeLast()
            }
        }
        visit()
        extend(from: 0)
        guard !reservoir.isEmpty else {
            // SelectionError.number, not Int(_:), which traps beyond Int.max (e.g. a budget of 1e300).
            throw SelectionError.noFeasibleSubset(budget: budget, detail: "no family combination has between "
                + "\(SelectionError.number(low.rounded(.down))) and \(SelectionError.number(budget.rounded(.down))) models")
        }
        return reservoir.map {
            problem.result(subset: $0, budget: budget, value: problem.value(of: $0), lowerBound: nil, provenOptimal: false,
                           solver: "random (paper)", iterations: seen, started: started)
        }
    }
}
