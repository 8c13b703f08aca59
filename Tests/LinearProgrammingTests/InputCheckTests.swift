import LinearProgramming
import Testing

/// Every validation error, with its exact message. Each of these inputs would make GLPK abort (or
/// misbehave) if it reached the C library.
@Suite struct InputCheckTests {
    static func base() -> LinearProgram {
        var program = LinearProgram(sense: .maximize)
        program.addVariable(name: "x", objective: 3)
        program.addVariable(name: "y", objective: 2)
        program.addConstraint(name: "c1", terms: [(0, 1), (1, 1)], upperBound: 4)
        program.addConstraint(name: "c2", terms: [(0, 1), (1, 3)], upperBound: 6)
        return program
    }

    func expectError(
        _ program: LinearProgram, options: SolveOptions = SolveOptions(),
        _ expected: LinearProgramError, message: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        do {
            let solution = try program.solve(options: options)
            Issue.record("expected \(expected), got \(solution.status)", sourceLocation: sourceLocation)
        } catch let error as LinearProgramError {
            #expect(error == expected, sourceLocation: sourceLocation)
            #expect(error.description == message, sourceLocation: sourceLocation)
        } catch {
            Issue.record("unexpected error type \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func baseIsValid() throws {
        #expect(try Self.base().solve().status == .optimal)
    }

    @Test func indexOutOfRange() {
        var program = Self.base()
        program.constraints[1].terms.append(.init(index: 2, coefficient: 1))
        expectError(
            program, .variableIndexOutOfRange(constraint: 1, name: "c2", term: 2, index: 2, variableCount: 2),
            message: "constraint 1 'c2': term 2 refers to variable 2, out of range (allowed 0...1)")
        program.constraints[1].terms[2].index = -1
        expectError(
            program, .variableIndexOutOfRange(constraint: 1, name: "c2", term: 2, index: -1, variableCount: 2),
            message: "constraint 1 'c2': term 2 refers to variable -1, out of range (allowed 0...1)")
        var empty = LinearProgram()
        empty.addConstraint(terms: [(0, 1)], upperBound: 1)
        expectError(
            empty, .variableIndexOutOfRange(constraint: 0, name: "", term: 0, index: 0, variableCount: 0),
            message: "constraint 0: term 0 refers to variable 0, out of range (the program has no variables)")
    }

    @Test func nonFiniteCoefficients() {
        var program = Self.base()
        program.constraints[0].terms[1].coefficient = .nan
        expectError(
            program, .invalidCoefficient(constraint: 0, name: "c1", term: 1, variable: 1, value: .nan),
            message: "constraint 0 'c1': term 1 (variable 1) has coefficient nan; "
                + "it must be 0 or finite with magnitude in [1e-15, 1e15]")
        program.constraints[0].terms[1].coefficient = -.infinity
        expectError(
            program, .invalidCoefficient(constraint: 0, name: "c1", term: 1, variable: 1, value: -.infinity),
            message: "constraint 0 'c1': term 1 (variable 1) has coefficient -inf; "
                + "it must be 0 or finite with magnitude in [1e-15, 1e15]")
        program.constraints[0].terms[1].coefficient = 2e16
        expectError(
            program, .invalidCoefficient(constraint: 0, name: "c1", term: 1, variable: 1, value: 2e16),
            message: "constraint 0 'c1': term 1 (variable 1) has coefficient 2e+16; "
                + "it must be 0 or finite with magnitude in [1e-15, 1e15]")
        // Regression (found by fuzzing): a 1e-300 coefficient made glp_scale_prob compute a zero scale
        // factor and abort the process (`glp_set_rii: rii = 0; invalid scale factor`).
        program.constraints[0].terms[1].coefficient = 1e-300
        expectError(
            program, .invalidCoefficient(constraint: 0, name: "c1", term: 1, variable: 1, value: 1e-300),
            message: "constraint 0 'c1': term 1 (variable 1) has coefficient 1e-300; "
                + "it must be 0 or finite with magnitude in [1e-15, 1e15]")
        program.constraints[0].terms[1].coefficient = -1e-15  // the smallest accepted magnitude
        #expect(throws: Never.self) { try program.solve() }
    }

    @Test func objectiveValues() {
        var program = Self.base()
        program.variables[1].objective = .infinity
        expectError(
            program, .invalidObjectiveCoefficient(variable: 1, name: "y", value: .infinity),
            message: "variable 1 'y': objective coefficient is inf; it must be finite with magnitude ≤ 1e15")
        program = Self.base()
        program.objectiveConstant = .nan
        expectError(
            program, .invalidObjectiveConstant(value: .nan),
            message: "objective constant is nan; it must be finite with magnitude ≤ 1e15")
    }

    @Test func variableBounds() {
        var program = Self.base()
        program.variables[0].lowerBound = 5
        program.variables[0].upperBound = 1
        expectError(
            program,
            .invalidVariableBounds(
                variable: 0, name: "x", lower: 5, upper: 1,
                reason: "lower bound 5.0 > upper bound 1.0; need lower ≤ upper"),
            message: "variable 0 'x': invalid bounds [5.0, 1.0]: lower bound 5.0 > upper bound 1.0; need lower ≤ upper")
        program.variables[0].lowerBound = .infinity
        program.variables[0].upperBound = .infinity
        expectError(
            program,
            .invalidVariableBounds(
                variable: 0, name: "x", lower: .infinity, upper: .infinity,
                reason: "lower bound is +infinity; it must be finite or -infinity"),
            message: "variable 0 'x': invalid bounds [inf, inf]: lower bound is +infinity; it must be finite or -infinity")
        program.variables[0].lowerBound = -.infinity
        program.variables[0].upperBound = -.infinity
        expectError(
            program,
            .invalidVariableBounds(
                variable: 0, name: "x", lower: -.infinity, upper: -.infinity,
                reason: "upper bound is -infinity; it must be finite or +infinity"),
            message: "variable 0 'x': invalid bounds [-inf, -inf]: upper bound is -infinity; it must be finite or +infinity")
        program.variables[0].lowerBound = .nan
        program.variables[0].upperBound = 1
        expectError(
            program,
            .invalidVariableBounds(
                variable: 0, name: "x", lower: .nan, upper: 1,
                reason: "lower bound is NaN; use -infinity for no lower bound"),
            message: "variable 0 'x': invalid bounds [nan, 1.0]: lower bound is NaN; use -infinity for no lower bound")
        program.variables[0].lowerBound = 0
        program.variables[0].upperBound = 1e16
        expectError(
            program,
            .invalidVariableBounds(
                variable: 0, name: "x", lower: 0, upper: 1e16,
                reason: "upper bound magnitude exceeds 1e15; use +infinity for no bound"),
            message: "variable 0 'x': invalid bounds [0.0, 1e+16]: upper bound magnitude exceeds 1e15; use +infinity for no bound")
    }

    @Test func variableBoundsOfIntegers() {
        // Bounds are validated before the binary intersection / integer rounding.
        var program = Self.base()
        program.variables[1].kind = .binary
        program.variables[1].upperBound = .nan
        expectError(
            program,
            .invalidVariableBounds(
                variable: 1, name: "y", lower: 0, upper: .nan,
                reason: "upper bound is NaN; use +infinity for no upper bound"),
            message: "variable 1 'y': invalid bounds [0.0, nan]: upper bound is NaN; use +infinity for no upper bound")
    }

    @Test func constraintBounds() {
        var program = Self.base()
        program.constraints[1].lowerBound = 7
        expectError(
            program,
            .invalidConstraintBounds(
                constraint: 1, name: "c2", lower: 7, upper: 6,
                reason: "lower bound 7.0 > upper bound 6.0; need lower ≤ upper"),
            message: "constraint 1 'c2': invalid bounds [7.0, 6.0]: lower bound 7.0 > upper bound 6.0; need lower ≤ upper")
        program.constraints[1].lowerBound = .infinity
        program.constraints[1].upperBound = .infinity
        expectError(
            program,
            .invalidConstraintBounds(
                constraint: 1, name: "c2", lower: .infinity, upper: .infinity,
                reason: "lower bound is +infinity; it must be finite or -infinity"),
            message: "constraint 1 'c2': invalid bounds [inf, inf]: lower bound is +infinity; it must be finite or -infinity")
        program.constraints[1].lowerBound = 0
        program.constraints[1].upperBound = .nan
        expectError(
            program,
            .invalidConstraintBounds(
                constraint: 1, name: "c2", lower: 0, upper: .nan,
                reason: "upper bound is NaN; use +infinity for no upper bound"),
            message: "constraint 1 'c2': invalid bounds [0.0, nan]: upper bound is NaN; use +infinity for no upper bound")
    }

    @Test func duplicateEntry() {
        var program = Self.base()
        program.constraints[0].terms.append(.init(index: 0, coefficient: 2))
        expectError(
            program, .duplicateTerm(constraint: 0, name: "c1", variable: 0, firstTerm: 0, secondTerm: 2),
            message: "constraint 0 'c1': variable 0 appears twice (terms 0 and 2); merge the coefficients into one term")
        // The same variable in different constraints is of course fine.
        var fine = Self.base()
        fine.addConstraint(terms: [(0, 1)], upperBound: 3)
        #expect(throws: Never.self) { try fine.solve() }
    }

    @Test func options() {
        let program = Self.base()
        expectError(
            program, options: SolveOptions(timeLimitSeconds: -1),
            .invalidOption(
                name: "timeLimitSeconds", value: "-1.0",
                allowed: "a finite number of seconds > 0, or nil for no limit"),
            message: "option timeLimitSeconds = -1.0 is invalid; allowed: a finite number of seconds > 0, or nil for no limit")
        expectError(
            program, options: SolveOptions(timeLimitSeconds: 0),
            .invalidOption(
                name: "timeLimitSeconds", value: "0.0",
                allowed: "a finite number of seconds > 0, or nil for no limit"),
            message: "option timeLimitSeconds = 0.0 is invalid; allowed: a finite number of seconds > 0, or nil for no limit")
        expectError(
            program, options: SolveOptions(timeLimitSeconds: .infinity),
            .invalidOption(
                name: "timeLimitSeconds", value: "inf",
                allowed: "a finite number of seconds > 0, or nil for no limit"),
            message: "option timeLimitSeconds = inf is invalid; allowed: a finite number of seconds > 0, or nil for no limit")
        expectError(
            program, options: SolveOptions(mipGap: .nan),
            .invalidOption(name: "mipGap", value: "nan", allowed: "a finite relative gap ≥ 0 (e.g. 1e-6), or nil"),
            message: "option mipGap = nan is invalid; allowed: a finite relative gap ≥ 0 (e.g. 1e-6), or nil")
        expectError(
            program, options: SolveOptions(mipGap: -0.1),
            .invalidOption(name: "mipGap", value: "-0.1", allowed: "a finite relative gap ≥ 0 (e.g. 1e-6), or nil"),
            message: "option mipGap = -0.1 is invalid; allowed: a finite relative gap ≥ 0 (e.g. 1e-6), or nil")
        expectError(
            program, options: SolveOptions(iterationLimit: 0),
            .invalidOption(name: "iterationLimit", value: "0", allowed: "an integer ≥ 1, or nil for no limit"),
            message: "option iterationLimit = 0 is invalid; allowed: an integer ≥ 1, or nil for no limit")
    }

    /// Huge but valid options are clamped to GLPK's Int32 fields, not rejected (nor overflowed).
    @Test func hugeOptionsAreClamped() throws {
        let options = SolveOptions(timeLimitSeconds: 1e300, mipGap: 1e300, iterationLimit: Int.max)
        #expect(try Self.base().solve(options: options).status == .optimal)
        var integer = Self.base()
        integer.variables[0].kind = .integer
        #expect([.optimal, .gapReached].contains(try integer.solve(options: options).status))
        // A sub-millisecond limit becomes 1 ms.
        #expect(try Self.base().solve(options: SolveOptions(timeLimitSeconds: 1e-9)).status != .solverFailure)
    }

    /// Names are never passed to GLPK, so any name (long, with NUL or newlines) is fine.
    @Test func namesAreNeverPassedToGLPK() throws {
        var program = Self.base()
        program.variables[0].name = String(repeating: "é", count: 1000) + "\0\n"
        program.constraints[0].name = "\u{0}"
        #expect(try program.solve().status == .optimal)
    }

    /// The first problem found is reported: validation order is sizes, options, constant, variables,
    /// constraints.
    @Test func firstErrorWins() {
        var program = Self.base()
        program.variables[1].objective = .nan
        program.constraints[0].terms[0].index = 9
        expectError(
            program, options: SolveOptions(iterationLimit: -3),
            .invalidOption(name: "iterationLimit", value: "-3", allowed: "an integer ≥ 1, or nil for no limit"),
            message: "option iterationLimit = -3 is invalid; allowed: an integer ≥ 1, or nil for no limit")
        expectError(
            program, .invalidObjectiveCoefficient(variable: 1, name: "y", value: .nan),
            message: "variable 1 'y': objective coefficient is nan; it must be finite with magnitude ≤ 1e15")
    }

    @Test func errorEqualityHandlesNaN() {
        let error = LinearProgramError.invalidObjectiveConstant(value: .nan)
        #expect(error == error)
        #expect(error != .invalidObjectiveConstant(value: 1))
    }
}
