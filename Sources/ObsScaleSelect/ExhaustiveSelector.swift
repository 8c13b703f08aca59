import Foundation
import ObsScaleNumerics

/// Exact search over every feasible combination of units (DESIGN §4.3), for several budgets at
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
public struct ExhaustiveSelector: Sendable {
    /// Refuse to enumerate more than this many combinations (DESIGN: 10⁹).
    public var combinationLimit: Double = 1e9
    public var threadCount: Int = ProcessInfo.processInfo.activeProcessorCount

    public init(combinationLimit: Double = 1e9, threadCount: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.combinationLimit = combinationLimit
        self.threadCount = threadCount
    }

    /// An upper bound on the number of combinations: Σ_{k ≤ K} C(n, k) over the n free units with
    /// K = maxFamilies − (families of the must-includes) (unbounded K = n).
    public static func combinationCount(_ problem: SelectionProblem) -> Double {
        let free = Double(freeUnits(problem).count)
        let includedFamilies = Set(problem.constraints.mustInclude.map { problem.units[$0].family }).count
        let depth = problem.constraints.maxFamilies.map { Swift.max(0, $0 - includedFamilies) } ?? Int(free)
        var total = 0.0, term = 1.0
        for k in 0...Swift.min(depth, Int(free)) {
            if k > 0 { term *= (free - Double(k) + 1) / Double(k) }
            total += term
        }
        return total
    }

    static func freeUnits(_ problem: SelectionProblem) -> [Int] {
        let fixed = Set(problem.constraints.mustInclude + problem.constraints.exclude)
        return problem.units.indices.filter { !fixed.contains($0) }
    }

    /// The best subset for each budget (same order as `budgets`).
    public func select(_ problem: SelectionProblem, budgets: [Double]) throws -> [SelectionResult] {
        let started = Date()
        try validate(budgets)
        let count = Self.combinationCount(problem)
        guard count <= combinationLimit else {
            throw SelectionError.tooManyCombinations(count: count, limit: combinationLimit,
                                                     suggestion: "use --method auto, bnb or greedy, or lower --max-families")
        }
        let free = Self.freeUnits(problem)
        let included = problem.constraints.mustInclude
        let maxBudget = budgets.max() ?? 0
        // Tasks: the must-include set alone; each single free unit alone; and each subtree rooted
        // at a pair (free[i], free[j]), i < j — about n²/2 tasks of similar size, so two threads
        // share the work evenly (first-level subtrees alone differ in size by a factor ~n).
        let n = free.count
        var tasks: [(first: Int, second: Int)] = [(-1, -1)]
        for i in 0..<n { tasks.append((i, -1)) }
        for i in 0..<n { for j in (i + 1)..<max(i + 1, n) { tasks.append((i, j)) } }
        let branches = parallelReplicates(count: tasks.count, threadCount: threadCount) { task -> Search.Best in
            var search = Search(problem: problem, free: free, included: included, budgets: budgets, maxBudget: maxBudget)
            search.run(first: tasks[task].first, second: tasks[task].second)
            return search.best
        }
        var best = Search.Best(count: budgets.count)
        for branch in branches { best.merge(branch) }
        let total = branches.reduce(0) { $0 + $1.nodes }
        return budgets.indices.map { b in
            guard let subset = best.subsets[b] else {
                return problem.result(subset: included, budget: budgets[b], value: .infinity, lowerBound: nil, provenOptimal: false,
                                      solver: "exhaustive", iterations: total, started: started,
                                      notes: ["no feasible subset: every affordable combination has a singular design (fewer than \(problem.dimension) independent rows) or breaks a constraint"])
            }
            return problem.result(subset: subset, budget: budgets[b], value: best.values[b], lowerBound: best.values[b],
                                  provenOptimal: true, solver: "exhaustive", iterations: total, started: started)
        }
    }

    func validate(_ budgets: [Double]) throws {
        guard !budgets.isEmpty else { throw SelectionError.invalidOption(name: "--budget", value: "", allowed: "one or more numbers > 0") }
        for budget in budgets where !(budget > 0 && budget.isFinite) {
            throw SelectionError.invalidOption(name: "--budget", value: "\(budget)", allowed: "finite numbers > 0")
        }
    }

    /// One depth-first search with its own preallocated workspace.
    struct Search {
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

        let problem: SelectionProblem
        let free: [Int]
        let budgets: [Double]
        let maxBudget: Double
        let p: Int
        let maxFamilies: Int
        var evaluator: CriterionEvaluator
        /// grams[d] is the Gram matrix at depth d (p² values each).
        var grams: [Double]
        var costs: [Double]
        var chosen: [Int]
        var familyCounts: [Int]
        var modelsPerFamily: [Int]
        var distinctFamilies = 0
        let familyOfUnit: [Int]
        var best: Best

        init(problem: SelectionProblem, free: [Int], included: [Int], budgets: [Double], maxBudget: Double) {
            self.problem = problem
            self.free = free
            self.budgets = budgets
            self.maxBudget = maxBudget
            p = problem.dimension
            let familyNames = Array(Set(problem.units.map(\.family))).sorted()
            let familyIndex = Dictionary(uniqueKeysWithValues: familyNames.enumerated().map { ($1, $0) })
            familyOfUnit = problem.units.map { familyIndex[$0.family] ?? 0 }
            familyCounts = Array(repeating: 0, count: familyNames.count)
            modelsPerFamily = Array(repeating: 0, count: familyNames.count)
            maxFamilies = problem.constraints.maxFamilies ?? Int.max
            evaluator = CriterionEvaluator(problem: problem)
            let depth = free.count + 2
            grams = Array(repeating: 0, count: depth * p * p)
            costs = Array(repeating: 0, count: depth)
            chosen = included
            chosen.reserveCapacity(included.count + free.count)
            best = Best(count: budgets.count)
            // Depth 0: ridge + must-includes.
            for index in 0..<p { grams[index * p + index] = problem.ridge }
            for u in included { add(u, depth: 0, copyParent: false) }
        }

        /// Adds unit u's contribution into level `depth` (copying level depth − 1 first).
        mutating func add(_ u: Int, depth: Int, copyParent: Bool) {
            let size = p * p
            if copyParent {
                for index in 0..<size { grams[depth * size + index] = grams[(depth - 1) * size + index] }
                costs[depth] = costs[depth - 1]
            }
            for index in 0..<size { grams[depth * size + index] += problem.unitGrams[u * size + index] }
            costs[depth] += problem.units[u].cost
            let family = familyOfUnit[u]
            if familyCounts[family] == 0 { distinctFamilies += 1 }
            familyCounts[family] += 1
            modelsPerFamily[family] += problem.units[u].models.count
        }

        mutating func remove(_ u: Int) {
            let family = familyOfUnit[u]
            familyCounts[family] -= 1
            if familyCounts[family] == 0 { distinctFamilies -= 1 }
            modelsPerFamily[family] -= problem.units[u].models.count
        }

        /// (−1, −1): the must-include set alone; (i, −1): it plus free[i] alone; (i, j): the whole
        /// subtree rooted at free[i], free[j].
        mutating func run(first: Int, second: Int) {
            if costs[0] > maxBudget * (1 + 1e-12) { return }
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
        }

        /// Adds free[position] at `depth` if it fits the largest budget and the family limit.
        mutating func enter(position: Int, depth: Int) -> Bool {
            let u = free[position]
            guard costs[depth - 1] + problem.units[u].cost <= maxBudget * (1 + 1e-12) else { return false }
            if familyCounts[familyOfUnit[u]] == 0 && distinctFamilies >= maxFamilies { return false }
            add(u, depth: depth, copyParent: true)
            chosen.append(u)
            return true
        }

        mutating func extend(position: Int, depth: Int) {
            guard enter(position: position, depth: depth) else { return }
            visit(depth: depth)
            for next in (position + 1)..<free.count { extend(position: next, depth: depth + 1) }
            chosen.removeLast()
            remove(free[position])
        }

        mutating func visit(depth: Int) {
            best.nodes += 1
            let constraints = problem.constraints
            if let cap = constraints.maxModelsPerFamily, modelsPerFamily.contains(where: { $0 > cap }) { return }
            if let minimum = constraints.minModels, modelsPerFamily.reduce(0, +) < minimum { return }
            let size = p * p
            let value = grams.withUnsafeBufferPointer { all in
                evaluator.value(gram: UnsafeBufferPointer(rebasing: all[(depth * size)..<((depth + 1) * size)]))
            }
            guard value.isFinite else { return }
            let cost = costs[depth]
            for b in budgets.indices where cost <= budgets[b] * (1 + 1e-12) && value <= best.values[b] {
                let subset = chosen.sorted()
                if Best.better(value, subset, than: best.values[b], best.subsets[b]) {
                    best.values[b] = value
                    best.subsets[b] = subset
                }
            }
        }
    }
}
