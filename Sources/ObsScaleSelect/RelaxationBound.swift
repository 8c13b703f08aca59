import Foundation
import LinearProgramming
import ObsScaleNumerics

/// The continuous relaxation of a selection problem and its certified lower bound.
///
/// Over w ∈ [0,1]ⁿ (must-includes and branch fixings at 1, exclusions at 0) with cᵀw ≤ B and the
/// side constraints relaxed linearly, f(w) = crit(G(w)) with G(w) = (δ + ε)I + Σ w_u·M_u is convex
/// (V: tr(L G⁻¹), A: tr(G⁻¹), D: −log det G). Frank–Wolfe: the gradient is
/// ∂f/∂w_u = −⟨Q, M_u⟩ with Q = G⁻¹LG⁻¹ (V), G⁻² (A) or G⁻¹ (D); the linear oracle min gᵀs over
/// the polytope is a fractional knapsack when only the budget binds and a GLPK LP otherwise; every
/// iterate certifies f(w) + gᵀ(s − w) ≤ min f ≤ the integer optimum. A tiny ε = 1e-8 × the mean
/// diagonal of the pool's Gram keeps G(w) invertible everywhere; since it only lowers f, the bound
/// stays valid. Step sizes come from a bisection line search on the directional derivative.
/// Complexity per iteration O(n·p² + n log n) (knapsack) or one LP solve.
public struct RelaxationBound: Sendable {
    public var maxIterations = 400
    /// Stop when the Frank–Wolfe gap is below this fraction of the bound.
    public var tolerance = 1e-4
    public var timeLimitSeconds = 10.0

    public init(maxIterations: Int = 400, tolerance: Double = 1e-4, timeLimitSeconds: Double = 10) {
        self.maxIterations = maxIterations
        self.tolerance = tolerance
        self.timeLimitSeconds = timeLimitSeconds
    }

    public struct Outcome: Sendable {
        /// The best certified lower bound on the integer optimum (−∞ if none yet).
        public var lowerBound: Double
        /// f at the final fractional point.
        public var value: Double
        public var weights: [Double]
        public var iterations: Int
        public var usedLinearProgram: Bool
    }

    /// Which oracle to use; `.automatic` picks the knapsack when only the budget binds.
    public enum Oracle: Sendable { case automatic, knapsack, linearProgram }

    /// The relaxed bound at `budget`, with extra fixings (branch-and-bound). nil when the node's
    /// polytope is empty (the fixings and budget are incompatible).
    public func solve(
        _ problem: SelectionProblem, budget: Double, fixedIn: Set<Int> = [], fixedOut: Set<Int> = [],
        oracle: Oracle = .automatic
    ) throws -> Outcome? {
        let started = Date()
        let budget = problem.attainableBudget(budget)
        let n = problem.units.count, p = problem.dimension, size = p * p
        var lower = [Double](repeating: 0, count: n), upper = [Double](repeating: 1, count: n)
        for u in problem.constraints.exclude + Array(fixedOut) { upper[u] = 0 }
        for u in problem.constraints.mustInclude + Array(fixedIn) {
            guard upper[u] == 1 else { return nil }
            lower[u] = 1
        }
        let useLP = oracle == .linearProgram || (oracle == .automatic && !problem.constraints.onlyBudget)
        let linearOracle = LinearOracle(problem: problem, budget: budget, lower: lower, upper: upper, useLP: useLP)
        // Start: the oracle's vertex for "more information is better" (−tr M_u per unit).
        let informative = (0..<n).map { u in -(0..<p).reduce(0.0) { $0 + problem.unitGrams[u * size + $1 * p + $1] } }
        guard var w = try linearOracle.minimize(informative)?.point else { return nil }
        let poolScale = (0..<n).reduce(0.0) { sum, u in sum + (0..<p).reduce(0.0) { $0 + problem.unitGrams[u * size + $1 * p + $1] } }
        let epsilon = max(1e-8 * poolScale / Double(p), 1e-300)
        var model = RelaxedObjective(problem: problem, epsilon: epsilon)
        var bound = -Double.infinity
        var value = Double.infinity
        var iterations = 0
        var gradient = [Double](repeating: 0, count: n)
        while iterations < maxIterations {
            iterations += 1
            value = model.evaluate(weights: w, gradient: &gradient)
            guard value.isFinite else { break }
            guard let (s, certifiedMinimum) = try linearOracle.minimize(gradient) else { return nil }
            var gap = 0.0, atW = 0.0, magnitude = abs(value)
            for u in 0..<n {
                gap += gradient[u] * (w[u] - s[u])
                atW += gradient[u] * w[u]
                magnitude += abs(gradient[u]) * (abs(w[u]) + abs(s[u]))
            }
            // f(w) + min_s gᵀ(s − w), with min_s gᵀs certified by the oracle (exact for the
            // knapsack; a Lagrangian dual bound for the LP, valid whatever GLPK's accuracy).
            // Near-singular designs have huge gradients and the sums lose digits to
            // cancellation: a rounding margin keeps the certificate valid.
            bound = max(bound, value + certifiedMinimum - atW - 1e-13 * magnitude)
            if gap <= tolerance * max(abs(bound), 1e-300) || Date().timeIntervalSince(started) > timeLimitSeconds { break }
            let step = model.lineSearch(from: w, to: s)
            if step <= 0 { break }
            for u in 0..<n { w[u] += step * (s[u] - w[u]) }
        }
        return Outcome(lowerBound: bound, value: value, weights: w, iterations: iterations, usedLinearProgram: useLP)
    }
}

/// f(w), its gradient, and line searches, with scratch space reused across calls.
struct RelaxedObjective {
    let problem: SelectionProblem
    let p: Int
    let epsilon: Double

    init(problem: SelectionProblem, epsilon: Double) {
        self.problem = problem
        p = problem.dimension
        self.epsilon = epsilon
    }

    /// G(w) = (δ + ε)I + Σ w_u M_u.
    func gram(_ w: [Double]) -> Matrix {
        var g = Matrix(rowCount: p, columnCount: p)
        for j in 0..<p { g[j, j] = problem.ridge + epsilon }
        let size = p * p
        for (u, weight) in w.enumerated() where weight != 0 {
            for index in 0..<size { g[flat: index] += weight * problem.unitGrams[u * size + index] }
        }
        return g
    }

    /// The criterion and Q (so that ∂f/∂w_u = −⟨Q, M_u⟩) at G; nil when G is not positive definite.
    func valueAndQ(_ g: Matrix) -> (Double, Matrix)? {
        guard let factor = try? Cholesky(g) else { return nil }
        let inverse = factor.inverse
        switch problem.criterion {
        case .v:
            let q = inverse * problem.weight * inverse
            var trace = 0.0
            let product = inverse * problem.weight
            for j in 0..<p { trace += product[j, j] }
            return (trace, q)
        case .a:
            var trace = 0.0
            for j in 0..<p { trace += inverse[j, j] }
            return (trace, inverse * inverse)
        case .d:
            return (-factor.logDeterminant, inverse)
        }
    }

    mutating func evaluate(weights w: [Double], gradient: inout [Double]) -> Double {
        guard let (value, q) = valueAndQ(gram(w)) else { return .infinity }
        let size = p * p
        for u in gradient.indices {
            var inner = 0.0
            for index in 0..<size { inner += q.storage[index] * problem.unitGrams[u * size + index] }
            gradient[u] = -inner
        }
        return value
    }

    /// argmin over γ ∈ [0, 1] of f(w + γ(s − w)) by bisection on φ′(γ) = −⟨Q(γ), D⟩, D = Σ (s_u − w_u) M_u
    /// (φ is convex, so φ′ is increasing). O(40·p³ + n·p²).
    func lineSearch(from w: [Double], to s: [Double]) -> Double {
        let size = p * p
        var direction = Matrix(rowCount: p, columnCount: p)
        for u in w.indices where s[u] != w[u] {
            let d = s[u] - w[u]
            for index in 0..<size { direction[flat: index] += d * problem.unitGrams[u * size + index] }
        }
        let start = gram(w)
        func slope(_ gamma: Double) -> Double {
            var g = start
            for index in 0..<size { g[flat: index] += gamma * direction.storage[index] }
            guard let (_, q) = valueAndQ(g) else { return .infinity }
            var inner = 0.0
            for index in 0..<size { inner += q.storage[index] * direction.storage[index] }
            return -inner
        }
        if slope(1) <= 0 { return 1 }
        if slope(0) >= 0 { return 0 }
        var low = 0.0, high = 1.0
        for _ in 0..<40 {
            let middle = 0.5 * (low + high)
            if slope(middle) > 0 { high = middle } else { low = middle }
        }
        return 0.5 * (low + high)
    }
}

/// The linear minimization oracle over the relaxed polytope.
struct LinearOracle {
    let problem: SelectionProblem
    let budget: Double
    let lower: [Double]
    let upper: [Double]
    let useLP: Bool

    /// argmin gᵀs over the polytope with a certified lower bound on that minimum, or nil when
    /// the polytope is empty.
    func minimize(_ g: [Double]) throws -> (point: [Double], certifiedMinimum: Double)? {
        if useLP { return try linearProgram(g) }
        guard let s = knapsack(g) else { return nil }
        return (s, zip(g, s).reduce(0) { $0 + $1.0 * $1.1 })
    }

    /// Fractional knapsack: fixed units first, then free units with g_u < 0 by g_u/c_u ascending,
    /// the last one fractionally. Exact when the budget is the only coupling constraint. O(n log n).
    func knapsack(_ g: [Double]) -> [Double]? {
        var s = lower
        var remaining = budget - zip(lower, problem.units).reduce(0.0) { $0 + $1.0 * $1.1.cost }
        guard remaining >= -1e-12 * budget else { return nil }
        let candidates = problem.units.indices.filter { lower[$0] < upper[$0] && g[$0] < 0 }
            .sorted {
                g[$0] / problem.units[$0].cost < g[$1] / problem.units[$1].cost
                    || (g[$0] / problem.units[$0].cost == g[$1] / problem.units[$1].cost && $0 < $1)
            }
        for u in candidates {
            guard remaining > 0 else { break }
            let cost = problem.units[u].cost
            let amount = min(upper[u] - lower[u], remaining / cost)
            s[u] += amount
            remaining -= amount * cost
        }
        return s
    }

    /// The same minimization with the side constraints, as a GLPK LP: variables w_u (bounds from
    /// the fixings), family indicators z_f ≥ w_u when --max-families binds (Σ z_f ≤ m), model
    /// counts Σ n_u w_u ≥ k, per-family caps Σ_{u∈f} n_u w_u ≤ r.
    func linearProgram(_ g: [Double]) throws -> (point: [Double], certifiedMinimum: Double)? {
        var program = LinearProgram(sense: .minimize)
        let n = problem.units.count
        // The minimizer does not depend on the gradient's scale; normalizing keeps GLPK's
        // coefficients in range near singular designs (where ‖g‖ can reach 1e18).
        let scale = g.reduce(0.0) { max($0, abs($1)) }
        guard scale.isFinite else { throw SelectionError.invalidProblem("the relaxation's gradient is not finite") }
        for u in 0..<n { _ = program.addVariable(lowerBound: lower[u], upperBound: upper[u], objective: scale > 0 ? g[u] / scale : 0) }
        _ = program.addConstraint(terms: (0..<n).map { (index: $0, coefficient: problem.units[$0].cost) }, upperBound: budget)
        let families = Array(Set(problem.units.map(\.family))).sorted()
        let members = Dictionary(grouping: 0..<n, by: { problem.units[$0].family })
        if let maxFamilies = problem.constraints.maxFamilies {
            var indicator: [String: Int] = [:]
            for family in families { indicator[family] = program.addVariable(lowerBound: 0, upperBound: 1, objective: 0) }
            for u in 0..<n {
                guard let z = indicator[problem.units[u].family] else { continue }
                _ = program.addConstraint(terms: [(index: u, coefficient: 1), (index: z, coefficient: -1)], upperBound: 0)
            }
            _ = program.addConstraint(
                terms: families.compactMap { indicator[$0] }.map { (index: $0, coefficient: 1.0) },
                upperBound: Double(maxFamilies))
        }
        if let minModels = problem.constraints.minModels {
            _ = program.addConstraint(
                terms: (0..<n).map { (index: $0, coefficient: Double(problem.units[$0].models.count)) },
                lowerBound: Double(minModels))
        }
        if let maxModels = problem.constraints.maxModels {
            _ = program.addConstraint(
                terms: (0..<n).map { (index: $0, coefficient: Double(problem.units[$0].models.count)) },
                upperBound: Double(maxModels))
        }
        if let cap = problem.constraints.maxModelsPerFamily {
            for family in families {
                let terms = (members[family] ?? []).map { (index: $0, coefficient: Double(problem.units[$0].models.count)) }
                _ = program.addConstraint(terms: terms, upperBound: Double(cap))
            }
        }
        let solution = try program.solve()
        switch solution.status {
        case .optimal:
            let point = (0..<n).map { min(upper[$0], max(lower[$0], solution.values[$0])) }
            let objective = zip(g, point).reduce(0) { $0 + $1.0 * $1.1 }
            let certified = Self.lagrangianBound(program: program, objective: g, duals: solution.duals, scale: scale)
            return (point, min(objective, certified))
        case .infeasible:
            return nil
        default:
            throw SelectionError.invalidProblem("the relaxation's linear program ended with status \(solution.status.rawValue): \(solution.message)")
        }
    }

    /// A certified lower bound on min gᵀs over the LP's polytope, whatever the solver's accuracy:
    /// for any multipliers μ ≥ 0 on the rows (written as aᵢᵀs ≤ bᵢ), min over the box of
    /// gᵀs + Σ μᵢ(aᵢᵀs − bᵢ) is a lower bound (weak duality). The multipliers come from GLPK's
    /// row duals (rescaled by the objective's normalization); both sign conventions are tried and
    /// the larger valid bound is kept.
    static func lagrangianBound(program: LinearProgram, objective g: [Double], duals: [Double], scale: Double) -> Double {
        guard duals.count == program.constraints.count else { return -.infinity }
        var best = -Double.infinity
        for sign in [1.0, -1.0] {
            var reduced = program.variables.indices.map { $0 < g.count ? g[$0] : 0 }
            var constant = 0.0
            for (row, constraint) in program.constraints.enumerated() {
                let y = sign * duals[row] * scale
                // Upper-bounded rows aᵀs ≤ b use μ = max(0, y); lower-bounded rows aᵀs ≥ b are
                // −aᵀs ≤ −b with μ = max(0, −y).
                if constraint.upperBound.isFinite {
                    let mu = max(0, -y)
                    for term in constraint.terms { reduced[term.index] += mu * term.coefficient }
                    constant -= mu * constraint.upperBound
                } else if constraint.lowerBound.isFinite {
                    let mu = max(0, y)
                    for term in constraint.terms { reduced[term.index] -= mu * term.coefficient }
                    constant += mu * constraint.lowerBound
                }
            }
            var total = constant
            for (index, variable) in program.variables.enumerated() {
                let r = reduced[index]
                let atLower = r * variable.lowerBound, atUpper = r * variable.upperBound
                total += r >= 0 ? atLower : atUpper
            }
            if total.isFinite { best = max(best, total) }
        }
        return best
    }
}
