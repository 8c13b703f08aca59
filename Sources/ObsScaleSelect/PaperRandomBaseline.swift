import Foundation
import ObsScaleData
import ObsScaleNumerics

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
        guard count >= 1 else { throw SelectionError.invalidSetting(.paperRandomCount, value: "\(count)", allowed: "≥ 1") }
        try problem.validateBudgets([budget])  // finite and > 0 (found by fuzzing: NaN/∞ trapped below)
        guard problem.combinationCount <= enumerationLimit else {
            // Too many combinations to enumerate (large pools): `count` feasible random subsets,
            // each from its own stream — units in random order, added while they fit.
            return try (0..<self.count).map { k in
                var result = try RandomSelector(seed: SplitMix64.mix(seed ^ UInt64(k))).select(problem, budget: budget)
                result.solver = "random (feasible; too many combinations to enumerate)"
                return result
            }
        }
        let free = problem.freeUnits
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
                problem.value(of: chosen).isFinite
            else { return }
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
                guard cost <= budget * (1 + 1e-12), Set(chosen.map { problem.units[$0].family } + [problem.units[u].family]).count <= maxUnits else {
                    continue
                }
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
            throw SelectionError.noFeasibleSubset(
                budget: budget,
                detail: SettingText(
                    "no family combination has between "
                        + "\(SelectionError.number(low.rounded(.down))) and \(SelectionError.number(budget.rounded(.down))) models"))
        }
        return reservoir.map {
            problem.result(
                subset: $0, budget: budget, value: problem.value(of: $0), lowerBound: nil, provenOptimal: false,
                solver: "random (paper)", iterations: seen, started: started)
        }
    }
}
