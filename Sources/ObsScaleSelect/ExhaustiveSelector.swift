import Foundation
import ObsScaleData
import ObsScaleNumerics

/// Exact search over every feasible combination of units, for several budgets at
/// once — the paper's brute force, made fast.
///
/// Depth-first over the free units (must-includes always in, excluded units never) in index order,
/// at most `maxFamilies` families in total; the Gram matrix of each node is its parent's plus one
/// precomputed M_u (no allocation per combination); branches whose cost exceeds the largest budget
/// are cut (costs are positive, so cost only grows). Each node's criterion value updates the best
/// subset of every budget it fits. The first-level branches run in parallel (`threadCount`), each
/// with its own workspace, and are merged deterministically: ties in value go to fewer units, then
/// to the lexicographically smaller index list — the paper's order (sizes ascending, then
/// `itertools.combinations` order), so exact ties resolve as its stable sort does.
/// Complexity: O(N·p³) for N enumerated combinations.
public struct ExhaustiveSelector: SubsetSelector {
    /// Refuse to enumerate more than this many combinations (10⁹).
    public var combinationLimit: Double = 1e9
    public var threadCount: Int = ProcessInfo.processInfo.activeProcessorCount

    public init(combinationLimit: Double = 1e9, threadCount: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.combinationLimit = combinationLimit
        self.threadCount = threadCount
    }

    /// The best subset for each budget (same order as `budgets`); `progress` counts finished tasks.
    public func select(_ problem: SelectionProblem, budgets: [Double], progress: ProgressHandler?) throws -> [SelectionResult] {
        let started = Date()
        try problem.validateBudgets(budgets)
        let count = problem.combinationCount
        guard count <= combinationLimit else {
            throw SelectionError.tooManyCombinations(
                count: count, limit: combinationLimit,
                suggestion: "use \(Setting.selectionMethod) auto, bnb or greedy, or lower \(Setting.maxFamilies)")
        }
        let free = problem.freeUnits
        let included = problem.constraints.mustInclude
        let maxBudget = budgets.max() ?? 0
        // Tasks: the must-include set alone; each single free unit alone; and each subtree rooted
        // at a pair (free[i], free[j]), i < j — about n²/2 tasks of similar size, so two threads
        // share the work evenly (first-level subtrees alone differ in size by a factor ~n).
        let n = free.count
        var taskList: [(first: Int, second: Int)] = [(-1, -1)]
        for i in 0..<n { taskList.append((i, -1)) }
        for i in 0..<n { for j in (i + 1)..<max(i + 1, n) { taskList.append((i, j)) } }
        let tasks = taskList
        let shared = SharedTables(problem: problem, free: free, included: included, budgets: budgets, maxBudget: maxBudget)
        let branches = Parallel.replicates(count: tasks.count, threadCount: threadCount, progress: progress) { task -> Best in
            var search = Search(shared: shared)
            defer { search.deallocate() }
            search.run(first: tasks[task].first, second: tasks[task].second)
            return search.best
        }
        var best = Best(count: budgets.count)
        for branch in branches { best.merge(branch) }
        let total = branches.reduce(0) { $0 + $1.nodes }
        return budgets.indices.map { b in
            guard let subset = best.subsets[b] else {
                return problem.result(
                    subset: included, budget: budgets[b], value: .infinity, lowerBound: nil, provenOptimal: false,
                    solver: "exhaustive", iterations: total, started: started,
                    notes: [
                        "no feasible subset: every affordable combination has a singular design (fewer than \(problem.dimension) independent rows) "
                            + "or breaks a constraint"
                    ])
            }
            return problem.result(
                subset: subset, budget: budgets[b], value: best.values[b], lowerBound: best.values[b],
                provenOptimal: true, solver: "exhaustive", iterations: total, started: started)
        }
    }

    /// One budget: the search for `[budget]`.
    public func select(_ problem: SelectionProblem, budget: Double, progress: ProgressHandler?) throws -> SelectionResult {
        try select(problem, budgets: [budget], progress: progress)[0]
    }

    /// Best subset per budget found so far (merged across tasks).
    struct Best {
        var values: [Double]
        var subsets: [[Int]?]
        var nodes = 0

        init(count: Int) {
            values = Array(repeating: .infinity, count: count)
            subsets = Array(repeating: nil, count: count)
        }

        /// Deterministic order: value, then fewer units, then lexicographic indices.
        static func better(_ value: Double, _ subset: [Int], than otherValue: Double, _ other: [Int]?) -> Bool {
            guard let other else { return value.isFinite }
            if value != otherValue { return value < otherValue }
            if subset.count != other.count { return subset.count < other.count }
            return subset.lexicographicallyPrecedes(other)
        }

        mutating func merge(_ other: Best) {
            nodes += other.nodes
            for b in values.indices {
                if let subset = other.subsets[b], Self.better(other.values[b], subset, than: values[b], subsets[b]) {
                    values[b] = other.values[b]
                    subsets[b] = subset
                }
            }
        }
    }

    /// Read-only tables shared by every task (built once per `select`, freed in `deinit`). Every
    /// field is set in `init` and only read afterwards, so the workers may share it although its
    /// raw pointers keep the compiler from proving that (hence `@unchecked`).
    final class SharedTables: @unchecked Sendable {
        let problem: SelectionProblem
        let included: [Int]
        let ridge: Double
        let free: UnsafeMutablePointer<Int>
        let freeCount: Int
        let thresholds: UnsafeMutablePointer<Double>
        let budgetOrder: UnsafeMutablePointer<Int>
        /// thresholds in budget order: sortedThresholds[k] = thresholds[budgetOrder[k]].
        let sortedThresholds: UnsafeMutablePointer<Double>
        let budgetCount: Int
        let maxBudget: Double
        let p: Int
        let familyOfUnit: UnsafeMutablePointer<Int>
        let unitCosts: UnsafeMutablePointer<Double>
        let unitModelCounts: UnsafeMutablePointer<Int>
        let unitGrams: UnsafeMutablePointer<Double>
        let familyTotal: Int
        let maxFamilies: Int
        let checkFamilyCaps: Bool
        let familyCap: Int
        let minModels: Int
        let maxModels: Int
        let suffixMinimumCost: UnsafeMutablePointer<Double>
        let dominanceApplies: Bool

        init(problem: SelectionProblem, free: [Int], included: [Int], budgets: [Double], maxBudget: Double) {
            self.problem = problem
            self.included = included
            ridge = problem.ridge
            freeCount = free.count
            self.free = .allocate(capacity: max(1, free.count))
            self.free.initialize(from: free, count: free.count)
            budgetCount = budgets.count
            thresholds = .allocate(capacity: budgets.count)
            for (b, budget) in budgets.enumerated() { thresholds[b] = budget * (1 + 1e-12) }
            budgetOrder = .allocate(capacity: budgets.count)
            for (position, b) in budgets.indices.sorted(by: { budgets[$0] < budgets[$1] }).enumerated() { budgetOrder[position] = b }
            sortedThresholds = .allocate(capacity: budgets.count)
            for position in 0..<budgets.count { sortedThresholds[position] = thresholds[budgetOrder[position]] }
            self.maxBudget = maxBudget
            p = problem.dimension
            let familyNames = Array(Set(problem.units.map(\.family))).sorted()
            let familyIndex = Dictionary(uniqueKeysWithValues: familyNames.enumerated().map { ($1, $0) })
            let unitCount = problem.units.count
            familyOfUnit = .allocate(capacity: unitCount)
            unitCosts = .allocate(capacity: unitCount)
            unitModelCounts = .allocate(capacity: unitCount)
            for (u, unit) in problem.units.enumerated() {
                familyOfUnit[u] = familyIndex[unit.family] ?? 0
                unitCosts[u] = unit.cost
                unitModelCounts[u] = unit.models.count
            }
            unitGrams = .allocate(capacity: problem.unitGrams.count)
            unitGrams.initialize(from: problem.unitGrams, count: problem.unitGrams.count)
            familyTotal = familyNames.count
            maxFamilies = problem.constraints.maxFamilies ?? Int.max
            checkFamilyCaps = problem.constraints.maxModelsPerFamily != nil
            familyCap = problem.constraints.maxModelsPerFamily ?? Int.max
            minModels = problem.constraints.minModels ?? 0
            maxModels = problem.constraints.maxModels ?? Int.max
            suffixMinimumCost = .allocate(capacity: free.count + 1)
            suffixMinimumCost[free.count] = .infinity
            for j in stride(from: free.count - 1, through: 0, by: -1) {
                suffixMinimumCost[j] = min(suffixMinimumCost[j + 1], problem.units[free[j]].cost)
            }
            // Caps on models (per family or in total) could forbid the dominating child; then
            // evaluate every node.
            dominanceApplies = problem.constraints.maxModelsPerFamily == nil && problem.constraints.maxModels == nil
        }

        deinit {
            free.deallocate()
            thresholds.deallocate()
            sortedThresholds.deallocate()
            budgetOrder.deallocate()
            familyOfUnit.deallocate()
            unitCosts.deallocate()
            unitModelCounts.deallocate()
            unitGrams.deallocate()
            suffixMinimumCost.deallocate()
        }
    }

    /// One depth-first search over a task's subtree, reading the shared tables and writing its own
    /// small workspace in raw buffers (freed by `deallocate()`): the hot path touches no reference-counted
    /// storage, and as a struct its accesses are checked statically, not at run time.
    struct Search {
        let free: UnsafeMutablePointer<Int>
        let freeCount: Int
        let budgetCount: Int
        let maxBudget: Double
        let p: Int
        let maxFamilies: Int
        let checkFamilyCaps: Bool
        let familyCap: Int
        let minModels: Int
        let maxModels: Int
        var evaluator: CriterionEvaluator
        /// Level d holds the Gram matrix (p² values) and cost of the current path's first d units.
        let grams: UnsafeMutablePointer<Double>
        let costs: UnsafeMutablePointer<Double>
        /// brackets[d]: position (in budget order) of the smallest budget the level-d path fits;
        /// it only grows with depth, so each level continues from its parent's.
        let brackets: UnsafeMutablePointer<Int>
        let sortedThresholds: UnsafeMutablePointer<Double>
        let chosen: UnsafeMutablePointer<Int>
        var chosenCount = 0
        let familyCounts: UnsafeMutablePointer<Int>
        let modelsPerFamily: UnsafeMutablePointer<Int>
        let familyTotal: Int
        var distinctFamilies = 0
        var modelTotal = 0
        let familyOfUnit: UnsafeMutablePointer<Int>
        let unitGrams: UnsafeMutablePointer<Double>
        let unitCosts: UnsafeMutablePointer<Double>
        let unitModelCounts: UnsafeMutablePointer<Int>
        /// Budget indices sorted by budget. Incumbents never get worse as the budget grows (a
        /// node updates every budget it fits), so a node that does not beat the incumbent of the
        /// smallest budget it fits beats none.
        let budgetOrder: UnsafeMutablePointer<Int>
        /// suffixMinimumCost[j] = the cheapest of free[j...] (∞ past the end): a node that could
        /// take one more of those units without leaving its budget bracket is dominated.
        let suffixMinimumCost: UnsafeMutablePointer<Double>
        let dominanceApplies: Bool
        var best: Best

        init(shared: SharedTables) {
            free = shared.free
            freeCount = shared.freeCount
            budgetCount = shared.budgetCount
            maxBudget = shared.maxBudget
            p = shared.p
            familyOfUnit = shared.familyOfUnit
            unitCosts = shared.unitCosts
            unitModelCounts = shared.unitModelCounts
            unitGrams = shared.unitGrams
            familyTotal = shared.familyTotal
            maxFamilies = shared.maxFamilies
            checkFamilyCaps = shared.checkFamilyCaps
            familyCap = shared.familyCap
            minModels = shared.minModels
            maxModels = shared.maxModels
            suffixMinimumCost = shared.suffixMinimumCost
            dominanceApplies = shared.dominanceApplies
            budgetOrder = shared.budgetOrder
            sortedThresholds = shared.sortedThresholds
            evaluator = CriterionEvaluator(problem: shared.problem)
            familyCounts = .allocate(capacity: familyTotal)
            familyCounts.initialize(repeating: 0, count: familyTotal)
            modelsPerFamily = .allocate(capacity: familyTotal)
            modelsPerFamily.initialize(repeating: 0, count: familyTotal)
            let depth = shared.freeCount + shared.included.count + 2
            grams = .allocate(capacity: depth * p * p)
            grams.initialize(repeating: 0, count: depth * p * p)
            costs = .allocate(capacity: depth)
            costs.initialize(repeating: 0, count: depth)
            brackets = .allocate(capacity: depth)
            brackets.initialize(repeating: 0, count: depth)
            chosen = .allocate(capacity: depth)
            best = Best(count: shared.budgetCount)
            // Level 0: ridge + must-includes.
            for index in 0..<p { grams[index * p + index] = shared.ridge }
            for u in shared.included { add(u, depth: 0, copyParent: false) }
        }

        /// Frees the task's own buffers (the shared tables belong to `SharedTables`).
        func deallocate() {
            brackets.deallocate()
            familyCounts.deallocate()
            modelsPerFamily.deallocate()
            grams.deallocate()
            costs.deallocate()
            chosen.deallocate()
        }

        /// Adds unit u's contribution into level `depth` (copying level depth − 1 first).
        @inline(__always)
        mutating func add(_ u: Int, depth: Int, copyParent: Bool) {
            let size = p * p
            let level = grams + depth * size, unit = unitGrams + u * size
            var bracket: Int
            if copyParent {
                let parent = level - size
                for index in 0..<size { level[index] = parent[index] + unit[index] }
                costs[depth] = costs[depth - 1] + unitCosts[u]
                bracket = brackets[depth - 1]
            } else {
                for index in 0..<size { level[index] += unit[index] }
                costs[depth] += unitCosts[u]
                bracket = brackets[depth]
            }
            let cost = costs[depth]
            while bracket < budgetCount && cost > sortedThresholds[bracket] { bracket += 1 }
            brackets[depth] = bracket
            let family = familyOfUnit[u]
            if familyCounts[family] == 0 { distinctFamilies += 1 }
            familyCounts[family] += 1
            modelsPerFamily[family] += unitModelCounts[u]
            modelTotal += unitModelCounts[u]
            chosen[chosenCount] = u
            chosenCount += 1
        }

        @inline(__always)
        mutating func remove(_ u: Int) {
            let family = familyOfUnit[u]
            familyCounts[family] -= 1
            if familyCounts[family] == 0 { distinctFamilies -= 1 }
            modelsPerFamily[family] -= unitModelCounts[u]
            modelTotal -= unitModelCounts[u]
            chosenCount -= 1
        }

        /// (−1, −1): the must-include set alone; (i, −1): it plus free[i] alone; (i, j): the whole
        /// subtree rooted at free[i], free[j].
        mutating func run(first: Int, second: Int) {
            if costs[0] > maxBudget * (1 + 1e-12) { return }
            let base = chosenCount
            if first < 0 {
                visit(depth: 0)
                return
            }
            guard enter(position: first, depth: 1) else { return }
            if second < 0 {
                visit(depth: 1)
            } else {
                extend(position: second, depth: 2)
            }
            remove(free[first])
            precondition(chosenCount == base)
        }

        /// Adds free[position] at `depth` if it fits the largest budget and the family limit.
        @inline(__always)
        mutating func enter(position: Int, depth: Int) -> Bool {
            let u = free[position]
            guard costs[depth - 1] + unitCosts[u] <= maxBudget * (1 + 1e-12) else { return false }
            if familyCounts[familyOfUnit[u]] == 0 && distinctFamilies >= maxFamilies { return false }
            // Adding units only adds models: a node over the cap has no feasible descendant.
            if modelTotal + unitModelCounts[u] > maxModels { return false }
            add(u, depth: depth, copyParent: true)
            return true
        }

        mutating func extend(position: Int, depth: Int) {
            guard enter(position: position, depth: depth) else { return }
            if !dominated(position: position, depth: depth) { visit(depth: depth) }
            for next in (position + 1)..<freeCount { extend(position: next, depth: depth + 1) }
            remove(free[position])
        }

        /// Whether the node has a child that counts for every budget the node counts for: adding
        /// rows never increases V, A or D (G only grows), so the child is at least as good and the
        /// node need not be scored. (Exact ties, which need a unit whose rows add nothing to G,
        /// may then resolve to the larger subset.)
        @inline(__always)
        func dominated(position: Int, depth: Int) -> Bool {
            guard dominanceApplies, distinctFamilies < maxFamilies || maxFamilies == Int.max else { return false }
            let first = brackets[depth]
            guard first < budgetCount else { return false }
            return costs[depth] + suffixMinimumCost[position + 1] <= sortedThresholds[first]
        }

        @inline(__always)
        mutating func visit(depth: Int) {
            best.nodes += 1
            if checkFamilyCaps && (0..<familyTotal).contains(where: { modelsPerFamily[$0] > familyCap }) { return }
            if modelTotal < minModels { return }
            let size = p * p
            let value = evaluator.value(gram: UnsafeBufferPointer(start: grams + depth * size, count: size))
            guard value.isFinite else { return }
            let first = brackets[depth]
            guard first < budgetCount, value <= best.values[budgetOrder[first]] else { return }
            let subset = UnsafeBufferPointer(start: chosen, count: chosenCount).sorted()
            for position in first..<budgetCount {
                let b = budgetOrder[position]
                if Best.better(value, subset, than: best.values[b], best.subsets[b]) {
                    best.values[b] = value
                    best.subsets[b] = subset
                }
            }
        }
    }
}
