import LinearProgramming
import Testing

/// Programs found by `make fuzz` (Fuzz/, target FuzzLinearProgram; inputs kept in
/// Fuzz/Regressions/FuzzLinearProgram/) on which GLPK's branch-and-bound returned an "integer
/// optimal" point that violates a row. Both have a free integer variable, which `solve` confines to
/// ±1e15; at that magnitude one ulp is 0.125 and GLPK's arithmetic loses the answer.
@Suite struct LPFuzzRegressionTests {
    /// max 3.125y + 111z, 99x + 13.875z ≤ 73, 14.5z + 25y ≤ 0, z ≤ 6.1875 integer (free below), x, y
    /// free. Optimum z = 6, y = −3.48, x ≤ −10.25/99. GLPK's node preprocessing (bound tightening)
    /// computed x's implied bound from (73 + 13.875·1e15) − 13.875·(1e15 + 6) and returned x = −0.09375,
    /// y = −3.5: row 1 at 73.97 > 73, objective 655.0625 < 655.125. Preprocessing is now off when a
    /// column is confined (or the data are not tame).
    @Test(arguments: [true, false])
    func nodePreprocessingWithConfinedColumn(presolve: Bool) throws {
        var program = LinearProgram(sense: .maximize)
        let x = program.addVariable(lowerBound: -.infinity)
        let y = program.addVariable(lowerBound: -.infinity, objective: 3.125)
        let z = program.addVariable(lowerBound: -.infinity, upperBound: 6.1875, kind: .integer, objective: 111)
        program.addConstraint(terms: [], upperBound: 110)
        program.addConstraint(terms: [(x, 99), (z, 13.875)], upperBound: 73)
        program.addConstraint(terms: [(z, 14.5), (y, 25), (x, 0)], upperBound: 0)
        for options in [SolveOptions(presolve: presolve), SolveOptions(mipGap: 49, presolve: presolve, iterationLimit: 48)] {
            let solution = try program.solve(options: options)
            #expect(solution.status == .optimal, "\(solution.message)")
            #expect(close(solution.objective, 655.125))
            #expect(violation(of: program, at: solution.values) == nil, "\(solution.values)")
            #expect(solution.values.last == 6)
        }
    }

    /// max 1.25x + 108 with 56x = 111, x free integer: infeasible (111/56 = 1.98). Without node
    /// preprocessing GLPK's search accepted x = 2 (activity 112) as "integer optimal"; the point is
    /// now checked in Swift and, violating the row, searched for again with preprocessing on, which
    /// proves infeasibility.
    @Test(arguments: [true, false])
    func violatingIntegerPointIsNotReturned(presolve: Bool) throws {
        var program = LinearProgram(sense: .maximize, objectiveConstant: 108)
        let x = program.addVariable(lowerBound: -.infinity, kind: .integer, objective: 1.25)
        program.addConstraint(terms: [(x, 56)], lowerBound: 111, upperBound: 111)
        let solution = try program.solve(options: SolveOptions(presolve: presolve))
        #expect(solution.status == .infeasible, "\(solution.message)")
        #expect(solution.values.isEmpty)

        // The same with a bound that makes it feasible: 56x = 112 → x = 2, objective 110.5.
        program.constraints[0].lowerBound = 112
        program.constraints[0].upperBound = 112
        let feasible = try program.solve(options: SolveOptions(presolve: presolve))
        #expect(feasible.status == .optimal, "\(feasible.message)")
        #expect(feasible.values == [2] && feasible.objective == 110.5)
    }
}
