import LinearProgramming
import Testing

/// Minimized programs on which GLPK 5.0 aborted the process (or never returned) before the
/// corresponding workaround in `LinearProgramming`. A regression makes these tests crash or time out.
@Suite struct GLPKRegressionTests {
    /// GLPK's MIP presolver (`glp_intopt` with presolve on) aborted with `Assertion failed: q->lb <
    /// q->ub` (npp3.c) on this 3-variable infeasible program. MILPs now solve the relaxation with
    /// `glp_simplex` and run `glp_intopt` without its presolver.
    @Test(arguments: [true, false])
    func mipPresolverAssertion(presolve: Bool) throws {
        var program = LinearProgram(sense: .maximize)
        program.addVariable(lowerBound: -.infinity, kind: .binary)
        let y = program.addVariable(lowerBound: -.infinity)
        let z = program.addVariable(lowerBound: -.infinity, upperBound: 0)
        program.addConstraint(terms: [(y, -0.37), (z, -3)], upperBound: 0)
        program.addConstraint(terms: [(y, -2), (z, -2)], lowerBound: 1)
        // y + z ≤ −0.5 and 0.37y ≥ −3z ≥ 0 force y ≥ 8.1|z| and y ≤ −0.5 + |z|: infeasible.
        let solution = try program.solve(options: SolveOptions(presolve: presolve))
        #expect(solution.status == .infeasible)
    }

    /// GLPK's LP presolver aborted with `Assertion failed: row->type == GLP_FX` (npp1.c): the fixed
    /// column's product 1e15·1e15 swamps the row range [0, 1]. The presolver is now skipped for data
    /// outside its safe range, and bounds 4 apart at 1e15 are loaded as one fixed value.
    @Test func lpPresolverAssertion() throws {
        var program = LinearProgram(sense: .maximize)
        let x = program.addVariable(lowerBound: -.infinity)
        let y = program.addVariable(lowerBound: -1e15, upperBound: -999_999_999_999_996)
        program.addConstraint(terms: [(x, -1e15), (y, -1e15)], lowerBound: 0, upperBound: 1)
        let solution = try program.solve()  // presolve requested (default)
        #expect(solution.status == .optimal)
        #expect(solution.message.contains("presolve skipped"))
        #expect(solution.values[y] == -1e15)
    }

    /// `spx_build_lp` aborted with `Assertion failed: l[k] != u[k]` (spxprob.c): the row bounds
    /// 999999999999999.9 and 1e15 became equal after scaling. Nearly equal bounds are now fixed.
    @Test(arguments: [true, false])
    func nearlyEqualBoundsAssertion(presolve: Bool) throws {
        var program = LinearProgram()
        let x = program.addVariable(lowerBound: -1.85, upperBound: 3.33, kind: .integer, objective: 8)
        program.addConstraint(terms: [(x, 3)])
        program.addConstraint(terms: [(x, 4)], lowerBound: 1.48, upperBound: 7)
        program.addConstraint(terms: [(x, 999_999_999_999_999.9)])
        program.addConstraint(terms: [(x, -6)], upperBound: 4)
        program.addConstraint(terms: [(x, 999_999_999_999_999.9)], lowerBound: 999_999_999_999_999.9, upperBound: 1e15)
        program.addConstraint(terms: [], lowerBound: -3, upperBound: 9)
        program.addConstraint(terms: [(x, -3.33)], lowerBound: 7)  // x ≤ −2.1, but x ≥ 0.37: infeasible
        let solution = try program.solve(options: SolveOptions(presolve: presolve))
        #expect(solution.status == .infeasible)

        // And the fix itself: bounds within 1e-12 (relative) act as one value.
        var fixed = LinearProgram(sense: .maximize)
        fixed.addVariable(lowerBound: 1, upperBound: 1 + 1e-13, objective: 1)
        #expect(try fixed.solve().values == [1])
    }

    /// GLPK's primal simplex looped forever on this 3-variable program because of the coefficient
    /// −1e-15 next to −4 (without a time limit it never returned; with one it hit it). Coefficients
    /// below 1e-11 × the largest in their row or column are now dropped.
    @Test(arguments: [true, false])
    func simplexStallsOnNegligibleCoefficient(presolve: Bool) throws {
        var program = LinearProgram(sense: .minimize, objectiveConstant: -2)
        program.addVariable(lowerBound: 0, upperBound: 0, kind: .binary, objective: 5)
        let b = program.addVariable(lowerBound: -1e-15, upperBound: 1.999999999999999, kind: .integer, objective: -6)
        let c = program.addVariable(lowerBound: -3, upperBound: 1, kind: .binary, objective: -2)
        program.addConstraint(terms: [(b, 3), (c, -3)], lowerBound: -8, upperBound: -5)
        program.addConstraint(terms: [(b, -4), (c, -1e-15)], upperBound: 100_000_000_000_000.5)
        let start = ContinuousClock.now
        let solution = try program.solve(options: SolveOptions(timeLimitSeconds: 5, presolve: presolve))
        #expect(start.duration(to: .now) < .seconds(2))
        #expect(solution.status == .infeasible)  // b − c ≥ −1 but the first row needs ≤ −5/3
        #expect(solution.message.contains("1 negligible coefficient"))

        let lp = program.relaxed()  // the LP alone stalled too (without presolve)
        #expect(try lp.solve(options: SolveOptions(timeLimitSeconds: 5, presolve: presolve)).status == .infeasible)
    }

    /// With an unbounded relaxation the zero-objective feasibility search could crawl through the
    /// ±1e15 box of free integer variables for minutes; it is capped (10 s, or the caller's limit).
    @Test func feasibilitySearchIsCapped() throws {
        var program = LinearProgram(sense: .maximize)
        let x0 = program.addVariable(lowerBound: -2, kind: .integer)
        let x1 = program.addVariable(lowerBound: 0, upperBound: 0, kind: .binary, objective: 5)
        program.addVariable(lowerBound: 3.7, upperBound: 1e7, kind: .integer, objective: 6)
        program.addVariable(lowerBound: 1e-15, objective: 3)  // unbounded direction
        let x4 = program.addVariable(lowerBound: -.infinity, kind: .integer, objective: 5)
        let x5 = program.addVariable(lowerBound: -7, upperBound: -0.37)
        program.addConstraint(terms: [(x0, -3), (x1, -2), (x4, -3), (x5, 2.96)], lowerBound: 6, upperBound: 9)
        let start = ContinuousClock.now
        let solution = try program.solve(options: SolveOptions(timeLimitSeconds: 0.3))
        #expect(start.duration(to: .now) < .seconds(2))
        #expect([.timeLimit, .unbounded].contains(solution.status), "\(solution.message)")
    }
}
