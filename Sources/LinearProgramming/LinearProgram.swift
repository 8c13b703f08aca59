/// A linear or mixed-integer linear program, as a plain value.
///
///     optimize   Σ_j c_j x_j + c₀                       (sense: minimize or maximize)
///     subject to l_i ≤ Σ_j a_ij x_j ≤ u_i               for every constraint i
///                L_j ≤ x_j ≤ U_j                        for every variable j
///                x_j ∈ ℤ                                for integer and binary variables
///
/// Bounds may be `-.infinity` / `+.infinity` (no bound); `lower == upper` is an equality (a fixed
/// variable or an equality row). A program with at least one integer or binary variable is a MILP
/// and is solved by branch-and-bound; otherwise it is an LP solved by the simplex method. See
/// `LinearProgram.solve(options:)`.
///
/// Nothing here touches GLPK: building a program is pure Swift, and every value is checked by
/// `solve` before any solver call (GLPK aborts the process on invalid input).
///
/// Numerical rules applied by `solve` (each one keeps GLPK 5.0 from aborting or looping; see the
/// regression tests):
/// - accepted: finite coefficients, bounds and constants of magnitude ≤ 1e15, nonzero constraint
///   coefficients of magnitude ≥ 1e-15 (`LinearProgramError` otherwise);
/// - a coefficient smaller than 1e-11 × the largest magnitude in its row or in its column is dropped
///   (treated as 0) and counted in `LPSolution.message`;
/// - finite bounds with upper − lower ≤ 1e-12·max(1, |lower|, |upper|) are treated as equal
///   (fixed at the lower bound);
/// - integer bounds are rounded inward (⌈L⌉, ⌊U⌋, snapping within 1e-9 of an integer); binary
///   bounds are first intersected with [0, 1];
/// - during branch-and-bound, integer variables with an infinite bound are confined to ±1e15.
///
/// Encoding: infinite bounds are *omitted* from the encoded form (JSON has no infinity), and an
/// absent bound decodes as infinite (`-∞` for a lower bound, `+∞` for an upper bound), so a
/// program round-trips through a default `JSONEncoder` / `JSONDecoder`.
public struct LinearProgram: Sendable, Codable, Equatable {
    /// Direction of optimization.
    public enum Sense: String, Sendable, Codable, Equatable {
        case minimize, maximize
    }

    /// Kind of a variable.
    public enum Kind: String, Sendable, Codable, Equatable {
        /// x ∈ ℝ within its bounds.
        case continuous
        /// x ∈ ℤ within its bounds. Fractional bounds are rounded inward (⌈L⌉, ⌊U⌋) before solving.
        case integer
        /// x ∈ {0, 1}: an integer variable whose bounds are intersected with [0, 1].
        case binary
    }

    /// A decision variable (a column).
    public struct Variable: Sendable, Codable, Equatable {
        /// Name used only in error messages (never passed to GLPK). May be empty.
        public var name: String
        /// Lower bound L (finite or `-.infinity`). Default 0.
        public var lowerBound: Double
        /// Upper bound U (finite or `+.infinity`). Default `+.infinity`.
        public var upperBound: Double
        /// Continuous, integer or binary. Default continuous.
        public var kind: Kind
        /// Objective coefficient c_j. Default 0.
        public var objective: Double

        public init(
            name: String = "", lowerBound: Double = 0, upperBound: Double = .infinity,
            kind: Kind = .continuous, objective: Double = 0
        ) {
            self.name = name
            self.lowerBound = lowerBound
            self.upperBound = upperBound
            self.kind = kind
            self.objective = objective
        }

        private enum CodingKeys: String, CodingKey {
            case name, lowerBound, upperBound, kind, objective
        }

        public init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            name = try container.decodeIfPresent(String.self, forKey: .name) ?? ""
            lowerBound = try container.decodeIfPresent(Double.self, forKey: .lowerBound) ?? -.infinity
            upperBound = try container.decodeIfPresent(Double.self, forKey: .upperBound) ?? .infinity
            kind = try container.decodeIfPresent(Kind.self, forKey: .kind) ?? .continuous
            objective = try container.decodeIfPresent(Double.self, forKey: .objective) ?? 0
        }

        public func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(name, forKey: .name)
            if lowerBound != -.infinity { try container.encode(lowerBound, forKey: .lowerBound) }
            if upperBound != .infinity { try container.encode(upperBound, forKey: .upperBound) }
            try container.encode(kind, forKey: .kind)
            try container.encode(objective, forKey: .objective)
        }
    }

    /// One nonzero a_ij of a constraint row: `coefficient` multiplies variable number `index`
    /// (0-based, into `LinearProgram.variables`).
    public struct Term: Sendable, Codable, Equatable {
        public var index: Int
        public var coefficient: Double

        public init(index: Int, coefficient: Double) {
            self.index = index
            self.coefficient = coefficient
        }
    }

    /// A linear constraint (a row) l ≤ Σ a_j x_j ≤ u.
    ///
    /// Each variable may appear at most once in `terms` (a duplicate is rejected by `solve`, not
    /// merged). Zero coefficients are allowed and ignored.
    public struct Constraint: Sendable, Codable, Equatable {
        /// Name used only in error messages (never passed to GLPK). May be empty.
        public var name: String
        /// The nonzeros of the row, in any order.
        public var terms: [Term]
        /// Lower bound l (finite or `-.infinity`). Default `-.infinity`.
        public var lowerBound: Double
        /// Upper bound u (finite or `+.infinity`). Default `+.infinity`.
        public var upperBound: Double

        public init(
            name: String = "", terms: [Term], lowerBound: Double = -.infinity,
            upperBound: Double = .infinity
        ) {
            self.name = name
            self.terms = terms
            self.lowerBound = lowerBound
            self.upperBound = upperBound
        }

        /// Convenience: terms as `(index, coefficient)` pairs, e.g. `[(0, 1), (1, 3)]`.
        public init(
            name: String = "", terms: [(index: Int, coefficient: Double)],
            lowerBound: Double = -.infinity, upperBound: Double = .infinity
        ) {
            self.init(
                name: name, terms: terms.map { Term(index: $0.index, coefficient: $0.coefficient) },
                lowerBound: lowerBound, upperBound: upperBound)
        }

        private enum CodingKeys: String, CodingKey {
            case name, terms, lowerBound, upperBound
        }

        public init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            name = try container.decodeIfPresent(String.self, forKey: .name) ?? ""
            terms = try container.decodeIfPresent([Term].self, forKey: .terms) ?? []
            lowerBound = try container.decodeIfPresent(Double.self, forKey: .lowerBound) ?? -.infinity
            upperBound = try container.decodeIfPresent(Double.self, forKey: .upperBound) ?? .infinity
        }

        public func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(name, forKey: .name)
            try container.encode(terms, forKey: .terms)
            if lowerBound != -.infinity { try container.encode(lowerBound, forKey: .lowerBound) }
            if upperBound != .infinity { try container.encode(upperBound, forKey: .upperBound) }
        }
    }

    /// Minimize or maximize. Default minimize.
    public var sense: Sense
    /// The columns, in order; `Term.index` refers to positions in this array.
    public var variables: [Variable]
    /// The rows, in order; `LPSolution.duals` follows this order.
    public var constraints: [Constraint]
    /// The constant c₀ added to the objective. Default 0.
    public var objectiveConstant: Double

    public init(
        sense: Sense = .minimize, variables: [Variable] = [], constraints: [Constraint] = [],
        objectiveConstant: Double = 0
    ) {
        self.sense = sense
        self.variables = variables
        self.constraints = constraints
        self.objectiveConstant = objectiveConstant
    }

    /// Appends a variable and returns its index (for use in `Term.index`). O(1) amortized.
    @discardableResult
    public mutating func addVariable(
        name: String = "", lowerBound: Double = 0, upperBound: Double = .infinity,
        kind: Kind = .continuous, objective: Double = 0
    ) -> Int {
        variables.append(
            Variable(
                name: name, lowerBound: lowerBound, upperBound: upperBound,
                kind: kind, objective: objective))
        return variables.count - 1
    }

    /// Appends the constraint `lowerBound ≤ Σ coefficient·x[index] ≤ upperBound` and returns its
    /// index (the position of its dual in `LPSolution.duals`). O(terms) amortized; nothing is
    /// checked here — `solve` validates.
    @discardableResult
    public mutating func addConstraint(
        name: String = "", terms: [(index: Int, coefficient: Double)],
        lowerBound: Double = -.infinity, upperBound: Double = .infinity
    ) -> Int {
        constraints.append(Constraint(name: name, terms: terms, lowerBound: lowerBound, upperBound: upperBound))
        return constraints.count - 1
    }

    /// True when some variable is integer or binary (the program is a MILP). O(n).
    public var isMixedInteger: Bool {
        variables.contains { $0.kind != .continuous }
    }

    /// Σ_j c_j x_j + c₀ for the given values (no feasibility check). O(n).
    /// Precondition-free: extra or missing values are ignored / treated as 0.
    public func objectiveValue(at values: [Double]) -> Double {
        var total = objectiveConstant
        for (j, variable) in variables.enumerated() where j < values.count {
            total += variable.objective * values[j]
        }
        return total
    }
}
