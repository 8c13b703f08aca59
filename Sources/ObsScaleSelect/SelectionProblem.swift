import Foundation
import ObsScaleData
import ObsScaleFit
import ObsScaleNumerics

/// What is selected: whole families (the paper's choice) or single models.
public enum SelectionUnit: String, Codable, CaseIterable, Sendable {
    case family, model
}

/// The optimal-design criterion, minimized.
public enum Criterion: String, Codable, CaseIterable, Sendable {
    /// V-optimality: tr(L·G⁻¹), the average prediction variance over the target rows.
    case v
    /// A-optimality: tr(G⁻¹).
    case a
    /// D-optimality: −log det G.
    case d
}

/// A selection problem: units with their design rows and costs, the target weight
/// matrix L, the criterion, the ridge δ, and side constraints. Budgets are given to the solvers.
///
/// The design matrix of a subset S is the stack of its units' rows; G_S = δI + Σ_{u∈S} M_u with
/// the per-unit Gram contributions M_u = Σ_{rows x of u} x·xᵀ precomputed here. Everything but the
/// criterion is fixed at `init`, which validates it, so the derived state (Grams, L) cannot drift
/// from the design (read-only from outside; encodable for reports, not decodable).
public struct SelectionProblem: Encodable, Sendable {
    /// One selectable unit: a family (with its pool models) or a single model.
    public struct Unit: Codable, Equatable, Sendable {
        public var name: String
        /// The family of the unit's models (equals `name` for family units).
        public var family: String
        /// Indices of the unit's models in `poolModels`.
        public var models: [Int]
        /// Total cost of the unit's models.
        public var cost: Double

        public init(name: String, family: String, models: [Int], cost: Double) {
            self.name = name
            self.family = family
            self.models = models
            self.cost = cost
        }
    }

    /// Side constraints. Indices refer to `units`.
    public struct Constraints: Codable, Equatable, Sendable {
        public var mustInclude: [Int] = []
        public var exclude: [Int] = []
        /// At most this many distinct families in the subset (including must-includes).
        public var maxFamilies: Int?
        /// At least this many models in the subset.
        public var minModels: Int?
        /// At most this many models of any one family.
        public var maxModelsPerFamily: Int?
        /// At most this many models in total ("at most 10 models within 50B parameters").
        public var maxModels: Int?

        public init(
            mustInclude: [Int] = [], exclude: [Int] = [], maxFamilies: Int? = nil, minModels: Int? = nil,
            maxModelsPerFamily: Int? = nil, maxModels: Int? = nil
        ) {
            self.mustInclude = mustInclude
            self.exclude = exclude
            self.maxFamilies = maxFamilies
            self.minModels = minModels
            self.maxModelsPerFamily = maxModelsPerFamily
            self.maxModels = maxModels
        }

        /// True when only the budget (and include/exclude fixings) constrain the subset.
        public var onlyBudget: Bool { maxFamilies == nil && minModels == nil && maxModelsPerFamily == nil && maxModels == nil }
    }

    public private(set) var poolModels: [String]
    public private(set) var poolFamilies: [String]
    /// Pool models × p design rows (first K_sel PCs, optionally an intercept column first).
    public private(set) var design: Matrix
    /// The target weight matrix L = X_Tᵀ X_T (p × p).
    public private(set) var weight: Matrix
    public private(set) var units: [Unit]
    /// Per-unit Gram contributions M_u, each p × p row-major, concatenated.
    public private(set) var unitGrams: [Double]
    public var criterion: Criterion
    /// Ridge δ added to every G (0: singular designs are infeasible).
    public private(set) var ridge: Double
    public private(set) var constraints: Constraints
    /// What left the pool besides the filters asked for (models without the cost, outliers):
    /// for the report; the criterion does not depend on it.
    public var poolNotes: [String] = []
    /// What the rows of L are, for the report ("the 71 models past the pool's cut"); nil: the pool.
    public var targetDescription: String?
    /// The pool models forced in for their place in the pool (`SelectionAnchor`), for the report.
    public var anchoredModels: [String] = []
    /// The must-include units only `SelectionAnchor.auto` forced in: a budget that cannot afford
    /// them is solved without them (`forBudget`).
    public internal(set) var optionalAnchors: [Int] = []
    /// The capability-space screen of the pool (`OutlierScreen`), for every report.
    public var outliers: OutlierScreen?

    /// Number of design columns p.
    public var dimension: Int { design.columnCount }

    /// Builds a problem from design rows, units and targets. Validates shapes and values.
    public init(
        poolModels: [String], poolFamilies: [String], design: Matrix, targets: Matrix, units: [Unit],
        criterion: Criterion = .v, ridge: Double = 0, constraints: Constraints = Constraints()
    ) throws {
        guard design.rowCount == poolModels.count, poolFamilies.count == poolModels.count else {
            throw SelectionError.invalidProblem("design has \(design.rowCount) rows for \(poolModels.count) pool models")
        }
        guard targets.columnCount == design.columnCount, targets.rowCount > 0 else {
            throw SelectionError.invalidProblem("the target set is empty or has the wrong number of columns")
        }
        guard ridge >= 0, ridge.isFinite else {
            throw SelectionError.invalidSetting(.problemRidge, value: "\(ridge)", allowed: "a finite number ≥ 0")
        }
        guard !units.isEmpty else { throw SelectionError.emptyPool("no units to select from") }
        for unit in units {
            guard unit.cost > 0, unit.cost.isFinite else {
                throw SelectionError.invalidCost(unit: unit.name, value: unit.cost)
            }
            guard !unit.models.isEmpty, unit.models.allSatisfy({ $0 >= 0 && $0 < poolModels.count }) else {
                throw SelectionError.invalidProblem("unit \(unit.name) has no valid models")
            }
        }
        guard !design.storage.contains(where: { !$0.isFinite }), !targets.storage.contains(where: { !$0.isFinite }) else {
            throw SelectionError.invalidProblem("design or target rows contain non-finite values")
        }
        for index in constraints.mustInclude + constraints.exclude where !units.indices.contains(index) {
            throw SelectionError.invalidProblem("constraint refers to unit #\(index), out of range")
        }
        // The selectors add each must-include once per listing: a repeat would put its models in
        // the design twice (wrong value, cost counted twice). Found by fuzzing (`--include A,A`).
        var includedOnce = Set<Int>()
        if let repeated = constraints.mustInclude.first(where: { !includedOnce.insert($0).inserted }) {
            throw SelectionError.invalidSetting(
                .mustInclude, value: units[repeated].name,
                allowed: "each family or model at most once; it is listed twice")
        }
        if let overlap = Set(constraints.mustInclude).intersection(constraints.exclude).first {
            throw SelectionError.contradictoryConstraints("\(units[overlap].name) is both included and excluded")
        }
        if let maxFamilies = constraints.maxFamilies, maxFamilies < 1 {
            throw SelectionError.invalidSetting(.maxFamilies, value: "\(maxFamilies)", allowed: "≥ 1")
        }
        if let maxModels = constraints.maxModels {
            guard maxModels >= 1 else { throw SelectionError.invalidSetting(.maxModels, value: "\(maxModels)", allowed: "≥ 1") }
            if let minModels = constraints.minModels, minModels > maxModels {
                throw SelectionError.contradictoryConstraints("\(Setting.minModels) \(minModels) exceeds \(Setting.maxModels) \(maxModels)")
            }
            let included = constraints.mustInclude.reduce(0) { $0 + units[$1].models.count }
            if included > maxModels {
                throw SelectionError.contradictoryConstraints(
                    "the must-include units have \(included) models, above \(Setting.maxModels) \(maxModels)")
            }
        }
        if let perFamily = constraints.maxModelsPerFamily, perFamily < 1 {
            throw SelectionError.invalidSetting(.maxModelsPerFamily, value: "\(perFamily)", allowed: "≥ 1")
        }
        self.poolModels = poolModels
        self.poolFamilies = poolFamilies
        self.design = design
        self.weight = targets.gram
        self.units = units
        self.criterion = criterion
        self.ridge = ridge
        self.constraints = constraints
        let p = design.columnCount
        var grams = [Double](repeating: 0, count: units.count * p * p)
        for (u, unit) in units.enumerated() {
            for i in unit.models {
                for a in 0..<p {
                    for b in 0..<p { grams[u * p * p + a * p + b] += design[i, a] * design[i, b] }
                }
            }
        }
        self.unitGrams = grams
        if let maxFamilies = constraints.maxFamilies {
            let included = Set(constraints.mustInclude.map { units[$0].family })
            if included.count > maxFamilies {
                throw SelectionError.contradictoryConstraints("\(included.count) must-include families exceed \(Setting.maxFamilies) \(maxFamilies)")
            }
        }
        // The must-includes are in every subset: if they alone put more models of one family in
        // than the per-family cap allows, no subset is feasible (the heuristics would otherwise
        // return them anyway, breaking the cap).
        if let perFamily = constraints.maxModelsPerFamily {
            var included: [String: Int] = [:]
            for u in Set(constraints.mustInclude) { included[units[u].family, default: 0] += units[u].models.count }
            if let (family, count) = included.sorted(by: { $0.key < $1.key }).first(where: { $0.value > perFamily }) {
                throw SelectionError.contradictoryConstraints(
                    "the must-include units have \(count) models of family \(family), above \(Setting.maxModelsPerFamily) \(perFamily)")
            }
        }
    }

    /// Number of models of a unit.
    public func modelCount(_ unit: Int) -> Int { units[unit].models.count }

    /// The most a subset can spend within `budget`: with whole-number costs (model counts) no subset
    /// spends a fraction, so a fractional budget is rounded down (within the feasibility tolerance
    /// 1e-12); other costs are returned as given. The relaxation uses it: the same optimum, a
    /// tighter bound (a budget of 7.5 models otherwise lets it spend half a model). O(units).
    public func attainableBudget(_ budget: Double) -> Double {
        guard budget.isFinite, units.allSatisfy({ $0.cost == $0.cost.rounded() }) else { return budget }
        return (budget * (1 + 1e-12)).rounded(.down)
    }

    /// Whether a subset (unit indices) satisfies the budget and every side constraint.
    public func isFeasible(_ subset: [Int], budget: Double) -> Bool {
        let chosen = Set(subset)
        guard chosen.count == subset.count else { return false }
        if constraints.mustInclude.contains(where: { !chosen.contains($0) }) { return false }
        if constraints.exclude.contains(where: { chosen.contains($0) }) { return false }
        let cost = subset.reduce(0.0) { $0 + units[$1].cost }
        if cost > budget * (1 + 1e-12) { return false }
        var perFamily: [String: Int] = [:]
        for u in subset { perFamily[units[u].family, default: 0] += units[u].models.count }
        if let maxFamilies = constraints.maxFamilies, perFamily.count > maxFamilies { return false }
        if let minModels = constraints.minModels, perFamily.values.reduce(0, +) < minModels { return false }
        if let cap = constraints.maxModelsPerFamily, perFamily.values.contains(where: { $0 > cap }) { return false }
        if let maxModels = constraints.maxModels, perFamily.values.reduce(0, +) > maxModels { return false }
        return true
    }

    /// G_S = δI + Σ_{u∈S} M_u.
    public func gram(of subset: [Int]) -> Matrix {
        let p = dimension
        var g = Matrix(rowCount: p, columnCount: p)
        for index in 0..<p { g[index, index] = ridge }
        for u in subset {
            for index in 0..<(p * p) { g[flat: index] += unitGrams[u * p * p + index] }
        }
        return g
    }

    /// The criterion value of a subset; +∞ when G_S is singular (fewer independent rows than p).
    public func value(of subset: [Int]) -> Double {
        var evaluator = CriterionEvaluator(problem: self)
        return evaluator.value(gram: gram(of: subset).storage)
    }
}

extension SelectionProblem {
    /// An upper bound on the number of combinations: Σ_{k ≤ K} C(n, k) over the n free units with
    /// K = maxFamilies − (families of the must-includes) (unbounded K = n).
    ///
    /// When a family has several free units (model units), `maxFamilies` limits families, not
    /// units: the count is then Π_{f included} 2^{n_f} · Σ_{k ≤ K} e_k(2^{n_f} − 1 over the other
    /// families), e_k the elementary symmetric polynomials (n_f = free units of family f) — the
    /// binomial sum above when every family has one unit.
    public var combinationCount: Double {
        let freeList = freeUnits
        let free = Double(freeList.count)
        let includedFamilySet = Set(constraints.mustInclude.map { units[$0].family })
        let includedFamilies = includedFamilySet.count
        let depth = constraints.maxFamilies.map { Swift.max(0, $0 - includedFamilies) } ?? Int(free)
        var unitsPerFamily: [String: Int] = [:]
        for u in freeList { unitsPerFamily[units[u].family, default: 0] += 1 }
        if unitsPerFamily.values.contains(where: { $0 > 1 }) || unitsPerFamily.keys.contains(where: includedFamilySet.contains) {
            var factor = 1.0
            var elementary = [1.0] + Array(repeating: 0.0, count: Swift.min(depth, unitsPerFamily.count))
            for (family, count) in unitsPerFamily.sorted(by: { $0.key < $1.key }) {
                let ways = pow(2, Double(count))
                if includedFamilySet.contains(family) {
                    factor *= ways
                    continue
                }
                for k in stride(from: elementary.count - 1, through: 1, by: -1) { elementary[k] += elementary[k - 1] * (ways - 1) }
            }
            return factor * elementary.reduce(0, +)
        }
        var total = 0.0, term = 1.0
        for k in 0...Swift.min(depth, Int(free)) {
            if k > 0 { term *= (free - Double(k) + 1) / Double(k) }
            total += term
        }
        return total
    }

    /// The units neither included nor excluded by the constraints, in unit order.
    public var freeUnits: [Int] {
        let fixed = Set(constraints.mustInclude + constraints.exclude)
        return units.indices.filter { !fixed.contains($0) }
    }

    /// Checks that `budgets` is a non-empty list of finite numbers > 0. O(budgets).
    public func validateBudgets(_ budgets: [Double]) throws {
        guard !budgets.isEmpty else { throw SelectionError.invalidSetting(.selectionBudgets, value: "", allowed: "one or more numbers > 0") }
        for budget in budgets where !(budget > 0 && budget.isFinite) {
            throw SelectionError.invalidSetting(.selectionBudgets, value: "\(budget)", allowed: "finite numbers > 0")
        }
    }

    /// The problem to solve at `budget`: this one, or — when the units `SelectionAnchor.auto`
    /// forced in leave no feasible subset within it (`checkBudgets`) — this one without them, with
    /// the note to report. O(units·log units).
    public func forBudget(_ budget: Double) -> (problem: SelectionProblem, note: String?) {
        guard !optionalAnchors.isEmpty, (try? checkBudgets([budget])) == nil else { return (self, nil) }
        var plain = self
        let dropped = Set(optionalAnchors)
        plain.constraints.mustInclude.removeAll { dropped.contains($0) }
        plain.optionalAnchors = []
        plain.anchoredModels = []
        let names = optionalAnchors.map { units[$0].name }.joined(separator: ", ")
        return (plain, "the pool's compute extremes (\(names); --anchor auto) do not fit this budget; selected without them")
    }

    /// `validateBudgets`, then checks with clear messages that every budget affords the
    /// must-includes, the cheapest set of models that can give p independent design rows (without
    /// a ridge), and at least one unit. O(models · log models + budgets).
    public func checkBudgets(_ budgets: [Double]) throws {
        try validateBudgets(budgets)
        let included = constraints.mustInclude.reduce(0.0) { $0 + units[$1].cost }
        let p = dimension
        // The p cheapest models' worth of cost is a lower bound on any nonsingular design
        // (G = Σ x xᵀ needs at least p rows) when there is no ridge.
        let cheapest: Double
        if ridge > 0 {
            cheapest = included
        } else {
            let perModel = units.flatMap { unit in Array(repeating: unit.cost / Double(unit.models.count), count: unit.models.count) }
            let rowsNeeded = max(0, p - constraints.mustInclude.reduce(0) { $0 + units[$1].models.count })
            cheapest = included + perModel.sorted().prefix(rowsNeeded).reduce(0, +)
        }
        for budget in budgets where budget < included * (1 - 1e-12) {
            throw SelectionError.budgetTooSmall(budget: budget, needed: included, detail: "the must-include units")
        }
        for budget in budgets where budget < cheapest * (1 - 1e-12) {
            throw SelectionError.budgetTooSmall(
                budget: budget, needed: cheapest,
                detail: "a nonsingular design (\(p) design columns need at least \(p) models)")
        }
        let singleUnitMinimum = units.indices.filter { !constraints.exclude.contains($0) }.map { units[$0].cost }.min() ?? .infinity
        for budget in budgets where budget < singleUnitMinimum * (1 - 1e-12) && constraints.mustInclude.isEmpty {
            throw SelectionError.budgetTooSmall(budget: budget, needed: singleUnitMinimum, detail: "the cheapest unit")
        }
    }
}

/// Evaluates the criterion for a Gram matrix with preallocated scratch space (no allocation per
/// call): Cholesky G = RRᵀ, then V = tr(G⁻¹L) by solving G·z = l_j for each column of L,
/// A = tr(G⁻¹) the same way with L = I, D = −log det G = −2 Σ log R_jj. A pivot below 1e-12 of
/// the largest diagonal entry means G is singular: the value is +∞ (infeasible), never NaN. O(p³).
public struct CriterionEvaluator {
    let criterion: Criterion
    let p: Int
    let weight: [Double]
    var factor: [Double]
    var column: [Double]
    /// L's upper triangle for p = 3 as plain values (l00, l11, l22, l01, l02, l12): the hot path
    /// of exhaustive search reads no shared, reference-counted storage.
    let l3: (Double, Double, Double, Double, Double, Double)

    public init(problem: SelectionProblem) {
        criterion = problem.criterion
        p = problem.dimension
        weight = problem.weight.storage.map { $0 }
        let l = problem.weight.storage
        l3 = p == 3 ? (l[0], l[4], l[8], l[1], l[2], l[5]) : (0, 0, 0, 0, 0, 0)
        factor = [Double](repeating: 0, count: p * p)
        column = [Double](repeating: 0, count: p)
    }

    /// Relative pivot threshold below which G is treated as singular.
    static let singularity = 1e-12

    /// p = 3 (the paper's K_sel), unrolled and division-free until the end: the LDLᵀ pivots are
    /// d₀ = g₀₀, d₁ = c₂₂/g₀₀ and d₂ = det/c₂₂ (c = cofactors), so the general Cholesky's singularity
    /// test (pivot ≤ 1e-12 × the largest diagonal entry) becomes g₀₀ > t, c₂₂ > t·g₀₀, det > t·c₂₂;
    /// then G⁻¹ = adj(G)/det costs one division.
    @inline(__always)
    func value3(_ g: UnsafeBufferPointer<Double>) -> Double {
        let g00 = g[0], g01 = g[1], g02 = g[2], g11 = g[4], g12 = g[5], g22 = g[8]
        let threshold = Self.singularity * max(abs(g00), abs(g11), abs(g22))
        let c00 = g11 * g22 - g12 * g12, c01 = g02 * g12 - g01 * g22, c02 = g01 * g12 - g02 * g11
        let c11 = g00 * g22 - g02 * g02, c12 = g01 * g02 - g00 * g12, c22 = g00 * g11 - g01 * g01
        let determinant = g00 * c00 + g01 * c01 + g02 * c02
        guard threshold > 0, g00 > threshold, c22 > threshold * g00, determinant > threshold * c22, determinant.isFinite else {
            return .infinity
        }
        switch criterion {
        case .d: return -log(determinant)
        case .a: return (c00 + c11 + c22) / determinant
        case .v: return (l3.0 * c00 + l3.1 * c11 + l3.2 * c22 + 2 * (l3.3 * c01 + l3.4 * c02 + l3.5 * c12)) / determinant
        }
    }

    /// The criterion at Gram matrix `gram` (p × p row-major); +∞ when singular.
    public mutating func value(gram: [Double]) -> Double {
        gram.withUnsafeBufferPointer { value(gram: $0) }
    }

    public mutating func value(gram: UnsafeBufferPointer<Double>) -> Double {
        if p == 3 { return value3(gram) }
        let p = self.p
        var scale = 0.0
        for j in 0..<p { scale = max(scale, abs(gram[j * p + j])) }
        guard scale > 0 else { return .infinity }
        let criterion = self.criterion
        return factor.withUnsafeMutableBufferPointer { r in
            for index in 0..<(p * p) { r[index] = gram[index] }
            guard Cholesky.factorInPlace(r, n: p, minimumPivot: Self.singularity * scale) else { return .infinity }
            if criterion == .d { return -(0..<p).reduce(0.0) { $0 + 2 * log(r[$1 * p + $1]) } }
            // tr(G⁻¹ B) = Σ_j e_jᵀ G⁻¹ b_j with B = L (V) or I (A): solve G z = b_j per column.
            var trace = 0.0
            column.withUnsafeMutableBufferPointer { z in
                weight.withUnsafeBufferPointer { l in
                    for j in 0..<p {
                        for i in 0..<p { z[i] = criterion == .a ? (i == j ? 1 : 0) : l[i * p + j] }
                        Cholesky.solveInPlace(UnsafeBufferPointer(r), n: p, z)
                        trace += z[j]
                    }
                }
            }
            return trace
        }
    }
}
