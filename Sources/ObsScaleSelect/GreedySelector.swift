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
}

extension CriterionEvaluator {
    /// An evaluator of the same problem with another criterion (D for log-det seeding).
    init(problem: SelectionProblem, overriding criterion: Criterion) {
        var copy = problem
        copy.criterion = criterion
        self.init(problem: copy)
    }
}
