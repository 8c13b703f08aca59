import Foundation
import ObsScaleNumerics

/// Cost-aware forward selection (DESIGN §4.3): from the must-includes, repeatedly add the
/// affordable unit with the largest criterion decrease per unit of cost, until nothing affordable
/// helps; the answer is the better of that and the best single affordable unit added to the
/// must-includes (the classic guard that gives cost-aware greedy its guarantee on knapsack-type
/// problems). While G is singular (fewer than p independent rows), units are added by the largest
/// gain in log det(G + εI) per cost, ε = 1e-9·tr(G_pool)/p, which seeds a nonsingular design.
///
/// Single-row units use Sherman–Morrison updates of A = G⁻¹ and Q = A·L·A, so one step over n
/// candidates costs O(n·p²); multi-row units are scored on G + M_u directly (O(n·p³)).
public struct GreedySelector: Sendable {
    public init() {}

    public func select(_ problem: SelectionProblem, budget: Double) throws -> SelectionResult {
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
        return try finish(problem, state: state, budget: budget, solver: "greedy", iterations: steps, started: started)
    }

    /// The greedy path itself (shared with exchange and branch-and-bound incumbents).
    func greedy(_ problem: SelectionProblem, budget: Double) throws -> (SubsetState, Int) {
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
        while true {
            steps += 1
            let singular = !state.value.isFinite
            var bestUnit: Int?
            var bestScore = 0.0
            var baseLogDet = 0.0
            if singular {
                var shifted = state.gram
                for j in 0..<p { shifted[j * p + j] += epsilon }
                baseLogDet = -regularized.value(gram: shifted)
            }
            // Sherman–Morrison scoring for single-row units once G is nonsingular.
            let rankOne = !singular && problem.units.allSatisfy { $0.models.count == 1 }
            var inverse: [Double] = []
            var q: [Double] = []
            if rankOne { (inverse, q) = Self.inverseAndQ(problem, gram: state.gram) }
            for u in problem.units.indices where state.canAdd(u, budget: budget) {
                let gain: Double
                if rankOne {
                    let row = problem.units[u].models[0]
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
                    gain = problem.criterion == .d ? log(1 + xAx) : xQx / (1 + xAx)
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

    func finish(_ problem: SelectionProblem, state: SubsetState, budget: Double, solver: String, iterations: Int,
                started: Date) throws -> SelectionResult {
        guard state.value.isFinite else {
            throw SelectionError.noFeasibleSubset(budget: budget, detail: "no affordable subset has \(problem.dimension) independent design rows (a nonsingular G); raise the budget or use --ridge")
        }
        guard state.meetsMinimums else {
            throw SelectionError.noFeasibleSubset(budget: budget, detail: "\(solver) reached \(state.modelCount) models but --min-models asks for \(problem.constraints.minModels ?? 0)")
        }
        return problem.result(subset: state.members, budget: budget, value: state.value, lowerBound: nil, provenOptimal: false,
                              solver: solver, iterations: iterations, started: started)
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

/// Swap local search (DESIGN §4.3): from a starting subset (greedy by default), repeatedly apply
/// the best improving move — add an affordable unit, or swap one selected unit (not a
/// must-include) for an unselected one within the budget and constraints — until none improves by
/// more than 1e-12 relative. Each pass scores O(|S|·n) swaps at O(p³) each.
public struct ExchangeSelector: Sendable {
    public var maxPasses = 1000
    /// Stop improving after this many seconds (the subset so far is returned).
    public var timeLimitSeconds = 10.0

    public init(maxPasses: Int = 1000, timeLimitSeconds: Double = 10) {
        self.maxPasses = maxPasses
        self.timeLimitSeconds = timeLimitSeconds
    }

    public func select(_ problem: SelectionProblem, budget: Double, start: [Int]? = nil) throws -> SelectionResult {
        let started = Date()
        var state: SubsetState
        if let start {
            state = SubsetState(problem: problem)
            for u in Set(start + problem.constraints.mustInclude).sorted() { state.add(u) }
        } else {
            state = try GreedySelector().greedy(problem, budget: budget).0
        }
        let passes = improve(&state, budget: budget)
        return try GreedySelector().finish(problem, state: state, budget: budget, solver: start == nil ? "greedy+exchange" : "exchange",
                                           iterations: passes, started: started)
    }

    func improve(_ state: inout SubsetState, budget: Double) -> Int {
        let problem = state.problem
        let fixed = Set(problem.constraints.mustInclude)
        let started = Date()
        var passes = 0
        while passes < maxPasses && Date().timeIntervalSince(started) < timeLimitSeconds {
            passes += 1
            var bestValue = state.value
            var bestMove: (out: Int?, in: Int)?
            for u in problem.units.indices where state.canAdd(u, budget: budget) {
                let value = state.valueWith(u)
                if value < bestValue * (1 - 1e-12) || (!bestValue.isFinite && value.isFinite) {
                    bestValue = value
                    bestMove = (nil, u)
                }
            }
            for out in state.members where !fixed.contains(out) {
                for u in problem.units.indices where state.canAdd(u, budget: budget, removing: out) {
                    let value = state.valueWithSwap(out: out, in: u)
                    if value < bestValue * (1 - 1e-12) || (!bestValue.isFinite && value.isFinite) {
                        bestValue = value
                        bestMove = (out, u)
                    }
                }
            }
            guard let move = bestMove else { break }
            if let out = move.out { state.remove(out) }
            state.add(move.in)
        }
        return passes
    }
}
