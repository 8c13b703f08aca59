/// Invalid input to `LinearProgram.solve(options:)`. Thrown before any GLPK call (GLPK would abort the whole
/// process on most of these). Indices in payloads and messages are 0-based, like the arrays of
/// `LinearProgram`; every message names the offending item, the value and what is allowed.
///
/// Equality compares `description`, which spells out every payload — so errors carrying NaN
/// compare equal to themselves.
public enum LinearProgramError: Error, Equatable, CustomStringConvertible {
    /// More variables, constraints or nonzeros than GLPK supports.
    case tooLarge(what: String, count: Int, limit: Int)
    /// The objective constant c₀ is NaN, infinite or larger in magnitude than `maximumMagnitude`.
    case invalidObjectiveConstant(value: Double)
    /// Objective coefficient c_j is NaN, infinite or too large.
    case invalidObjectiveCoefficient(variable: Int, name: String, value: Double)
    /// Variable bounds are invalid; `reason` says how.
    case invalidVariableBounds(variable: Int, name: String, lower: Double, upper: Double, reason: String)
    /// Constraint bounds are invalid; `reason` says how.
    case invalidConstraintBounds(constraint: Int, name: String, lower: Double, upper: Double, reason: String)
    /// Term `term` of a constraint refers to a variable index outside 0..<variableCount.
    case variableIndexOutOfRange(constraint: Int, name: String, term: Int, index: Int, variableCount: Int)
    /// Term `term` of a constraint has a NaN, infinite, too large or too small (nonzero) coefficient.
    case invalidCoefficient(constraint: Int, name: String, term: Int, variable: Int, value: Double)
    /// A constraint mentions the same variable twice (terms `firstTerm` and `secondTerm`).
    case duplicateTerm(constraint: Int, name: String, variable: Int, firstTerm: Int, secondTerm: Int)
    /// A `SolveOptions` field is out of range.
    case invalidOption(name: String, value: String, allowed: String)

    /// Largest magnitude accepted for any finite coefficient, bound or constant: 1e15. Beyond this,
    /// GLPK's absolute tolerances (1e-7…1e-9) are meaningless and integer values stop being exact
    /// in a Double (2⁵³ ≈ 9.007e15). Use ±infinity, not a big number, for "no bound".
    public static let maximumMagnitude: Double = 1e15

    /// Smallest magnitude accepted for a *nonzero* constraint coefficient: 1e-15 (zero itself is
    /// fine and ignored). GLPK's scaling (`glp_scale_prob`, also run by its presolvers) multiplies
    /// the smallest and largest |a_ij| of a row or column; with coefficients near 1e-300 these
    /// products under/overflow, a scale factor becomes 0 or ∞ and `glp_set_rii`/`glp_set_sjj` abort
    /// the process. Keeping every nonzero in [1e-15, 1e15] bounds the ratio at 1e30, far from that.
    public static let minimumCoefficientMagnitude: Double = 1e-15

    public var description: String {
        switch self {
        case let .tooLarge(what, count, limit):
            return "too many \(what): \(count) (GLPK allows at most \(limit))"
        case let .invalidObjectiveConstant(value):
            return "objective constant is \(value); it must be finite with magnitude ≤ 1e15"
        case let .invalidObjectiveCoefficient(variable, name, value):
            return "variable \(variable)\(Self.quoted(name)): objective coefficient is \(value); "
                + "it must be finite with magnitude ≤ 1e15"
        case let .invalidVariableBounds(variable, name, lower, upper, reason):
            return "variable \(variable)\(Self.quoted(name)): invalid bounds [\(lower), \(upper)]: \(reason)"
        case let .invalidConstraintBounds(constraint, name, lower, upper, reason):
            return "constraint \(constraint)\(Self.quoted(name)): invalid bounds [\(lower), \(upper)]: \(reason)"
        case let .variableIndexOutOfRange(constraint, name, term, index, count):
            let allowed = count == 0 ? "the program has no variables" : "allowed 0...\(count - 1)"
            return "constraint \(constraint)\(Self.quoted(name)): term \(term) refers to variable \(index), "
                + "out of range (\(allowed))"
        case let .invalidCoefficient(constraint, name, term, variable, value):
            return "constraint \(constraint)\(Self.quoted(name)): term \(term) (variable \(variable)) has "
                + "coefficient \(value); it must be 0 or finite with magnitude in "
                + "[1e-15, 1e15]"
        case let .duplicateTerm(constraint, name, variable, first, second):
            return "constraint \(constraint)\(Self.quoted(name)): variable \(variable) appears twice "
                + "(terms \(first) and \(second)); merge the coefficients into one term"
        case let .invalidOption(name, value, allowed):
            return "option \(name) = \(value) is invalid; allowed: \(allowed)"
        }
    }

    public static func == (lhs: LinearProgramError, rhs: LinearProgramError) -> Bool {
        lhs.description == rhs.description
    }

    private static func quoted(_ name: String) -> String {
        name.isEmpty ? "" : " '\(name)'"
    }
}
