/// GLPK's hard limits (glpapi01.c: M_MAX, N_MAX, NNZ_MAX). Exceeding them makes GLPK abort.
enum GLPKLimits {
    static let maximumRows = 100_000_000
    static let maximumColumns = 100_000_000
    static let maximumNonzeros = 500_000_000
}

/// A program that passed validation, with everything GLPK needs precomputed. Internal.
struct PreparedProgram {
    /// True when some variable is integer or binary.
    var isMixedInteger: Bool
    /// Effective column bounds: binary intersected with [0, 1]; integer/binary rounded inward to
    /// integers (GLPK's `glp_intopt` rejects fractional bounds of integer columns with GLP_EBOUND).
    var columnLower: [Double]
    var columnUpper: [Double]
    /// Number of coefficients that will be loaded (see `keeps`).
    var nonzeroCount: Int
    /// Number of nonzero coefficients dropped as negligible (see `keeps`).
    var droppedCount: Int
    /// Largest |a_ij| of every row and of every column.
    var rowMaximum: [Double]
    var columnMaximum: [Double]
    /// Set when an integer variable has no integer value within its bounds (e.g. [0.2, 0.8]):
    /// the program is infeasible and GLPK is not called.
    var emptyIntegerDomain: String?
    /// True when the data are tame enough for GLPK's LP presolver (see `InputChecks.presolveIsSafe`).
    var presolveIsSafe: Bool
    /// Validated options, already converted to GLPK units.
    var timeLimitMilliseconds: Int32?
    var mipGap: Double?
    var iterationLimit: Int32?

    /// Relative size below which a coefficient is dropped: 1e-11.
    static let negligibleRatio = 1e-11

    /// Whether coefficient a_ij is loaded into GLPK: nonzero and at least 1e-11 times the largest
    /// magnitude in its row and in its column. Smaller entries are numerical noise at GLPK's
    /// tolerances (pivot 1e-10, feasibility 1e-7) — and they can make GLPK's primal simplex cycle
    /// (in the fuzz tests a row (−4, −1e-15) looped until the time limit, forever without one).
    func keeps(_ coefficient: Double, row: Int, column: Int) -> Bool {
        let magnitude = abs(coefficient)
        return magnitude != 0 && magnitude >= Self.negligibleRatio * rowMaximum[row]
            && magnitude >= Self.negligibleRatio * columnMaximum[column]
    }
}

enum InputChecks {
    /// Checks every index, bound, coefficient and option and computes the effective
    /// bounds. Throws the first problem found. O(n + m + nnz) time, O(n) extra memory.
    static func prepare(_ program: LinearProgram, options: SolveOptions) throws -> PreparedProgram {
        let n = program.variables.count
        let m = program.constraints.count
        let limit = LinearProgramError.maximumMagnitude

        if n > GLPKLimits.maximumColumns {
            throw LinearProgramError.tooLarge(what: "variables", count: n, limit: GLPKLimits.maximumColumns)
        }
        if m > GLPKLimits.maximumRows {
            throw LinearProgramError.tooLarge(what: "constraints", count: m, limit: GLPKLimits.maximumRows)
        }
        var termCount = 0
        for constraint in program.constraints {
            termCount += constraint.terms.count
            if termCount > GLPKLimits.maximumNonzeros {
                throw LinearProgramError.tooLarge(
                    what: "constraint terms", count: termCount,
                    limit: GLPKLimits.maximumNonzeros)
            }
        }

        let (timeLimit, mipGap, iterationLimit) = try validateOptions(options)

        let constant = program.objectiveConstant
        guard constant.isFinite, abs(constant) <= limit else {
            throw LinearProgramError.invalidObjectiveConstant(value: constant)
        }

        var columnLower = [Double](repeating: 0, count: n)
        var columnUpper = [Double](repeating: 0, count: n)
        var isMixedInteger = false
        var emptyIntegerDomain: String?
        for (j, variable) in program.variables.enumerated() {
            let objective = variable.objective
            guard objective.isFinite, abs(objective) <= limit else {
                throw LinearProgramError.invalidObjectiveCoefficient(variable: j, name: variable.name, value: objective)
            }
            if let reason = boundProblem(lower: variable.lowerBound, upper: variable.upperBound) {
                throw LinearProgramError.invalidVariableBounds(
                    variable: j, name: variable.name,
                    lower: variable.lowerBound,
                    upper: variable.upperBound, reason: reason)
            }
            var lower = variable.lowerBound
            var upper = variable.upperBound
            if variable.kind != .continuous {
                isMixedInteger = true
                if variable.kind == .binary {
                    lower = max(lower, 0)
                    upper = min(upper, 1)
                }
                lower = roundedInward(lower, up: true)
                upper = roundedInward(upper, up: false)
                if lower > upper, emptyIntegerDomain == nil {
                    let quotedName = variable.name.isEmpty ? "" : " '\(variable.name)'"
                    emptyIntegerDomain =
                        "variable \(j)\(quotedName) is \(variable.kind.rawValue) but no integer "
                        + "lies in its bounds [\(variable.lowerBound), \(variable.upperBound)]"
                        + (variable.kind == .binary ? " ∩ [0, 1]" : "")
                }
            }
            columnLower[j] = lower
            columnUpper[j] = upper
        }

        // lastRow[j] / lastTerm[j]: the constraint and term position where variable j last appeared,
        // to find duplicates in O(nnz) without hashing.
        var lastRow = [Int](repeating: -1, count: n)
        var lastTerm = [Int](repeating: -1, count: n)
        var rowMaximum = [Double](repeating: 0, count: m)
        var columnMaximum = [Double](repeating: 0, count: n)
        for (i, constraint) in program.constraints.enumerated() {
            if let reason = boundProblem(lower: constraint.lowerBound, upper: constraint.upperBound) {
                throw LinearProgramError.invalidConstraintBounds(
                    constraint: i, name: constraint.name,
                    lower: constraint.lowerBound,
                    upper: constraint.upperBound, reason: reason)
            }
            for (k, term) in constraint.terms.enumerated() {
                let j = term.index
                guard j >= 0, j < n else {
                    throw LinearProgramError.variableIndexOutOfRange(
                        constraint: i, name: constraint.name,
                        term: k, index: j, variableCount: n)
                }
                let value = term.coefficient
                guard value.isFinite, abs(value) <= limit,
                    value == 0 || abs(value) >= LinearProgramError.minimumCoefficientMagnitude
                else {
                    throw LinearProgramError.invalidCoefficient(
                        constraint: i, name: constraint.name, term: k,
                        variable: j, value: value)
                }
                if lastRow[j] == i {
                    throw LinearProgramError.duplicateTerm(
                        constraint: i, name: constraint.name, variable: j,
                        firstTerm: lastTerm[j], secondTerm: k)
                }
                lastRow[j] = i
                lastTerm[j] = k
                rowMaximum[i] = max(rowMaximum[i], abs(value))
                columnMaximum[j] = max(columnMaximum[j], abs(value))
            }
        }

        var prepared = PreparedProgram(
            isMixedInteger: isMixedInteger, columnLower: columnLower,
            columnUpper: columnUpper, nonzeroCount: 0, droppedCount: 0,
            rowMaximum: rowMaximum, columnMaximum: columnMaximum,
            emptyIntegerDomain: emptyIntegerDomain, presolveIsSafe: false,
            timeLimitMilliseconds: timeLimit, mipGap: mipGap, iterationLimit: iterationLimit)
        for (i, constraint) in program.constraints.enumerated() {
            for term in constraint.terms where term.coefficient != 0 {
                if prepared.keeps(term.coefficient, row: i, column: term.index) {
                    prepared.nonzeroCount += 1
                } else {
                    prepared.droppedCount += 1
                }
            }
        }
        prepared.presolveIsSafe = presolveIsSafe(program, prepared: prepared)
        return prepared
    }

    /// Whether GLPK's LP presolver may be used on this (already validated) program. O(n + nnz).
    ///
    /// GLPK 5.0's presolver derives new bounds by arithmetic such as bᵢ − aᵢⱼ·uⱼ; when those products
    /// dwarf a row's range, two different bounds round to one number, the presolver's bookkeeping
    /// becomes inconsistent and a later assertion aborts the process (`Assertion failed: row->type ==
    /// GLP_FX`, npp1.c; found by fuzzing with coefficients and bounds near 1e15). The presolver is
    /// therefore used only when
    /// - every nonzero coefficient and finite bound has magnitude in [1e-6, 1e6], and
    /// - every double-bounded row has uᵢ − lᵢ ≥ 1e-9·(|lᵢ| + |uᵢ| + Σⱼ |aᵢⱼ|·Mⱼ), Mⱼ the largest finite
    ///   |bound| of variable j, and every double-bounded variable has u − l ≥ 1e-9·(|l| + |u|),
    /// which keeps every such difference ≥ 10⁶ ulps. Otherwise the simplex runs without presolve
    /// (on scaled data), which the fuzz tests found robust. Typical, well-scaled models pass.
    static func presolveIsSafe(_ program: LinearProgram, prepared: PreparedProgram) -> Bool {
        let columnLower = prepared.columnLower, columnUpper = prepared.columnUpper
        func tame(_ x: Double) -> Bool { !x.isFinite || x == 0 || (abs(x) >= 1e-6 && abs(x) <= 1e6) }
        func wideEnough(_ lower: Double, _ upper: Double, scale: Double) -> Bool {
            !(lower.isFinite && upper.isFinite) || lower == upper || upper - lower >= 1e-9 * scale
        }
        var largestBound = [Double](repeating: 0, count: columnLower.count)
        for j in columnLower.indices {
            let lower = columnLower[j], upper = columnUpper[j]
            guard tame(lower), tame(upper), wideEnough(lower, upper, scale: abs(lower) + abs(upper)) else { return false }
            largestBound[j] = max(lower.isFinite ? abs(lower) : 0, upper.isFinite ? abs(upper) : 0)
        }
        for (i, constraint) in program.constraints.enumerated() {
            let lower = constraint.lowerBound, upper = constraint.upperBound
            guard tame(lower), tame(upper) else { return false }
            var activityScale = (lower.isFinite ? abs(lower) : 0) + (upper.isFinite ? abs(upper) : 0)
            for term in constraint.terms where prepared.keeps(term.coefficient, row: i, column: term.index) {
                guard tame(term.coefficient) else { return false }
                activityScale += abs(term.coefficient) * largestBound[term.index]
            }
            guard wideEnough(lower, upper, scale: activityScale) else { return false }
        }
        return true
    }

    /// Validates options and converts them to GLPK units: (tm_lim in ms, mip_gap, it_lim).
    static func validateOptions(_ options: SolveOptions) throws -> (Int32?, Double?, Int32?) {
        var milliseconds: Int32?
        if let seconds = options.timeLimitSeconds {
            guard seconds.isFinite, seconds > 0 else {
                throw LinearProgramError.invalidOption(
                    name: "timeLimitSeconds", value: "\(seconds)",
                    allowed: "a finite number of seconds > 0, or nil for no limit")
            }
            let ms = (seconds * 1000).rounded(.up)
            milliseconds = ms >= Double(Int32.max) ? Int32.max : Int32(max(1, ms))
        }
        if let gap = options.mipGap {
            guard gap.isFinite, gap >= 0 else {
                throw LinearProgramError.invalidOption(
                    name: "mipGap", value: "\(gap)",
                    allowed: "a finite relative gap ≥ 0 (e.g. 1e-6), or nil")
            }
        }
        var iterations: Int32?
        if let count = options.iterationLimit {
            guard count >= 1 else {
                throw LinearProgramError.invalidOption(
                    name: "iterationLimit", value: "\(count)",
                    allowed: "an integer ≥ 1, or nil for no limit")
            }
            iterations = count >= Int(Int32.max) ? Int32.max : Int32(count)
        }
        return (milliseconds, options.mipGap, iterations)
    }

    /// Why `[lower, upper]` is not an acceptable bound pair, or nil when it is. Allowed: each bound
    /// finite with magnitude ≤ `maximumMagnitude`, or lower = -∞ / upper = +∞, and lower ≤ upper.
    static func boundProblem(lower: Double, upper: Double) -> String? {
        let limit = LinearProgramError.maximumMagnitude
        if lower.isNaN { return "lower bound is NaN; use -infinity for no lower bound" }
        if upper.isNaN { return "upper bound is NaN; use +infinity for no upper bound" }
        if lower == .infinity { return "lower bound is +infinity; it must be finite or -infinity" }
        if upper == -.infinity { return "upper bound is -infinity; it must be finite or +infinity" }
        if lower.isFinite, abs(lower) > limit {
            return "lower bound magnitude exceeds 1e15; use -infinity for no bound"
        }
        if upper.isFinite, abs(upper) > limit {
            return "upper bound magnitude exceeds 1e15; use +infinity for no bound"
        }
        if lower > upper { return "lower bound \(lower) > upper bound \(upper); need lower ≤ upper" }
        return nil
    }

    /// Rounds an integer variable's bound inward: ⌈x⌉ for a lower bound, ⌊x⌋ for an upper bound,
    /// except that values within 1e-9 of an integer snap to it (so 2.9999999999 from arithmetic is
    /// treated as 3, not 2). Infinite values are kept.
    static func roundedInward(_ value: Double, up: Bool) -> Double {
        guard value.isFinite else { return value }
        let nearest = value.rounded()
        if abs(value - nearest) <= 1e-9 { return nearest }
        return up ? value.rounded(.up) : value.rounded(.down)
    }
}
