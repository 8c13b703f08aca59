import Foundation
import ObsScaleNumerics

/// Cost-aware forward selection: from the must-includes, repeatedly add the
/// affordable unit with the largest criterion decrease per unit of cost, until nothing affordable
/// helps; the answer is the better of that and the best single affordable unit added to the
/// must-includes (the classic guard that gives cost-aware greedy its guarantee on knapsack-type
/// problems). While G is singular (fewer than p independent rows), units are added by the largest
/// gain in log det(G + εI) per cost, ε = 1e-9·tr(G_pool)/p, which seeds a nonsingular design.
///
/// Single-row units use Sherman–Morrison updates of A = G⁻¹ and Q = A·L·A, so one step over n
/// candidates costs O(n·p²); multi-row units are scored on G + M_u directly (O(n·p³)).
///
/// With the D-criterion and single-row units the scan is lazy (Minoux's accelerated greedy): a
/// unit's gain log(1 + xᵀG⁻¹x) only shrinks as units are added (G grows, so G⁻¹ shrinks), so its
/// last score bounds its current one. Each step re-scores units in order of their bounds until no
/// bound is within a factor 1 + 1e-12 of the best fresh score, then applies the plain scan's rule
/// to the re-scored units: the same choice as scoring every unit, at a small fraction of the cost
/// when the subset grows large (thousands of models under a parameter budget).
public struct GreedySelector: SubsetSelector {
    public init() {}

    public func select(_ problem: SelectionProblem, budget: Double, progress: ProgressHandler?) throws -> SelectionResult {
        let started = Date()
        var (state, steps) = try greedy(problem, budget: budget)
        // The best single affordable unit on top of the must-includes.
        var single = SubsetState(problem: problem)
        for u in problem.constraints.mustInclude { single.add(u) }
        var bestSingle: (unit: Int, value: Double)?
        for u in problem.units.indices where single.canAdd(u, budget: budget) {
            let value = single.valueWith(u)
            if value < (bestSingle?.value ?? .infinity) { bestSingle = (u, value) }
        }
        if let bestSingle, bestSingle.value < state.value {
            single.add(bestSingle.unit)
            if single.meetsMinimums { state = single }
        }
        return try problem.result(of: state, budget: budget, solver: "greedy", iterations: steps, started: started)
    }

    /// The greedy path itself (shared with exchange and branch-and-bound incumbents).
    /// - Parameter lazy: use the lazy scan where it is exact (D-criterion, single-row units); the
    ///   tests compare it with the plain scan.
    func greedy(_ problem: SelectionProblem, budget: Double, lazy: Bool = true) throws -> (SubsetState, Int) {
        var state = SubsetState(problem: problem)
        for u in problem.constraints.mustInclude { state.add(u) }
        if state.cost > budget * (1 + 1e-12) {
            throw SelectionError.budgetTooSmall(budget: budget, needed: state.cost, detail: "the must-include units")
        }
        let p = problem.dimension
        let poolTrace = (0..<p).reduce(0.0) { sum, j in
            sum + problem.units.indices.reduce(0.0) { $0 + problem.unitGrams[$1 * p * p + j * p + j] }
        }
        let epsilon = max(1e-9 * poolTrace / Double(p), 1e-300)
        var regularized = CriterionEvaluator(problem: problem, overriding: .d)
        var steps = 0
        let singleRows = problem.units.allSatisfy { $0.models.count == 1 }
        var bounds: LazyBounds?
        while true {
            steps += 1
            let singular = !state.value.isFinite
            if lazy && !singular && singleRows && problem.criterion == .d {
                if bounds == nil { bounds = LazyBounds(count: problem.units.count) }
                guard let unit = Self.lazyStep(problem, state: state, budget: budget, bounds: &bounds!) else { break }
                state.add(unit)
                continue
            }
            var bestUnit: Int?
            var bestScore = 0.0
            var baseLogDet = 0.0
            if singular {
                var shifted = state.gram
                for j in 0..<p { shifted[j * p + j] += epsilon }
                baseLogDet = -regularized.value(gram: shifted)
            }
            // Sherman–Morrison scoring for single-row units once G is nonsingular.
            let rankOne = !singular && singleRows
            var inverse: [Double] = []
            var q: [Double] = []
            if rankOne { (inverse, q) = Self.inverseAndQ(problem, gram: state.gram) }
            for u in problem.units.indices where state.canAdd(u, budget: budget) {
                let gain: Double
                if rankOne {
                    gain = Self.rankOneGain(problem, row: problem.units[u].models[0], inverse: inverse, q: q)
                } else if singular {
                    var shifted = state.gram
                    for index in 0..<(p * p) { shifted[index] += problem.unitGrams[u * p * p + index] }
                    for j in 0..<p { shifted[j * p + j] += epsilon }
                    gain = -regularized.value(gram: shifted) - baseLogDet
                } else {
                    gain = state.value - state.valueWith(u)
                }
                let score = gain / problem.units[u].cost
                if score > bestScore * (1 + 1e-15) || (bestUnit == nil && score > 0) {
                    bestScore = score
                    bestUnit = u
                }
            }
            guard let unit = bestUnit else { break }
            state.add(unit)
        }
        return (state, steps)
    }

    /// The criterion decrease of adding design row `row` to a nonsingular G (Sherman–Morrison):
    /// log(1 + xᵀAx) for D, xᵀQx/(1 + xᵀAx) for V and A. O(p²).
    static func rankOneGain(_ problem: SelectionProblem, row: Int, inverse: [Double], q: [Double]) -> Double {
        let p = problem.dimension
        var xAx = 0.0, xQx = 0.0
        for i in 0..<p {
            var sumA = 0.0, sumQ = 0.0
            for j in 0..<p {
                let xj = problem.design.storage[row * p + j]
                sumA += inverse[i * p + j] * xj
                sumQ += q[i * p + j] * xj
            }
            let xi = problem.design.storage[row * p + i]
            xAx += xi * sumA
            xQx += xi * sumQ
        }
        return problem.criterion == .d ? log(1 + xAx) : xQx / (1 + xAx)
    }

    /// Stale scores of the lazy scan: a max-heap of (bound, unit), higher bound first, lower unit
    /// index first among equal bounds. Units never scored have bound +∞.
    struct LazyBounds {
        var heap: [(bound: Double, unit: Int)]

        init(count: Int) { heap = (0..<count).map { (Double.infinity, $0) } }

        static func before(_ a: (bound: Double, unit: Int), _ b: (bound: Double, unit: Int)) -> Bool {
            a.bound > b.bound || (a.bound == b.bound && a.unit < b.unit)
        }

        var top: (bound: Double, unit: Int)? { heap.first }

        mutating func pop() -> (bound: Double, unit: Int)? {
            guard !heap.isEmpty else { return nil }
            heap.swapAt(0, heap.count - 1)
            let result = heap.removeLast()
            var parent = 0
            while true {
                let left = 2 * parent + 1, right = left + 1
                var first = parent
                if left < heap.count && Self.before(heap[left], heap[first]) { first = left }
                if right < heap.count && Self.before(heap[right], heap[first]) { first = right }
                if first == parent { break }
                heap.swapAt(parent, first)
                parent = first
            }
            return result
        }

        mutating func push(_ entry: (bound: Double, unit: Int)) {
            heap.append(entry)
            var child = heap.count - 1
            while child > 0 {
                let parent = (child - 1) / 2
                guard Self.before(heap[child], heap[parent]) else { break }
                heap.swapAt(child, parent)
                child = parent
            }
        }
    }

    /// One lazy step (D-criterion, single-row units, G nonsingular): the unit the plain scan would
    /// add, or nil when no affordable unit helps. Units that cannot be added now never can again
    /// (the budget left, family and model limits only tighten), so they leave the heap.
    static func lazyStep(_ problem: SelectionProblem, state: SubsetState, budget: Double, bounds: inout LazyBounds) -> Int? {
        let (inverse, q) = inverseAndQ(problem, gram: state.gram)
        var scored: [(unit: Int, score: Double)] = []
        var best = 0.0
        while let top = bounds.top, scored.isEmpty || top.bound >= best / (1 + 1e-12) {
            _ = bounds.pop()
            guard state.canAdd(top.unit, budget: budget) else { continue }
            let score = rankOneGain(problem, row: problem.units[top.unit].models[0], inverse: inverse, q: q) / problem.units[top.unit].cost
            scored.append((top.unit, score))
            best = max(best, score)
        }
        // The plain scan's rule over the re-scored units, in unit order.
        var chosen: Int?
        var chosenScore = 0.0
        for (unit, score) in scored.sorted(by: { $0.unit < $1.unit })
        where score > chosenScore * (1 + 1e-15) || (chosen == nil && score > 0) {
            chosenScore = score
            chosen = unit
        }
        for (unit, score) in scored where unit != chosen { bounds.push((score, unit)) }
        return chosen
    }

    /// A = G⁻¹ and Q = A·L·A (L = I for the A-criterion), from a nonsingular G. O(p³).
    static func inverseAndQ(_ problem: SelectionProblem, gram: [Double]) -> ([Double], [Double]) {
        let p = problem.dimension
        guard let factor = try? Cholesky(Matrix(rowCount: p, columnCount: p, storage: gram)) else {
            return (Array(repeating: 0, count: p * p), Array(repeating: 0, count: p * p))
        }
        let inverse = factor.inverse
        let weight = problem.criterion == .a ? Matrix.identity(p) : problem.weight
        return (inverse.storage, (inverse * weight * inverse).storage)
    }
}

extension CriterionEvaluator {
    /// An evaluator of the same problem with another criterion (D for log-det seeding).
    init(problem: SelectionProblem, overriding criterion: Criterion) {
        var copy = problem
        copy.criterion = criterion
        self.init(problem: copy)
    }
}
