import LinearProgramming
import Testing

/// Hand-checked mixed-integer programs.
@Suite struct MILPTests {
    /// 0-1 knapsack: values (10, 13, 7, 8, 5), weights (5, 6, 3, 4, 2), capacity 10.
    /// Best subset {0, 2, 4}: weight 10, value 22 (e.g. {1, 3} gives 21, {1, 2} gives 20).
    @Test func knapsack() throws {
        let values: [Double] = [10, 13, 7, 8, 5]
        let weights: [Double] = [5, 6, 3, 4, 2]
        var program = LinearProgram(sense: .maximize)
        for value in values { program.addVariable(kind: .binary, objective: value) }
        program.addConstraint(terms: weights.enumerated().map { ($0.offset, $0.element) }, upperBound: 10)
        let solution = try program.solve()
        #expect(solution.status == .optimal)
        #expect(solution.objective == 22)
        #expect(solution.values == [1, 0, 1, 0, 1])
        #expect(solution.duals.isEmpty)
        #expect(solution.bestBound == 22)

        // Brute force over all 32 subsets agrees.
        var best = 0.0
        for mask in 0..<32 {
            let chosen = (0..<5).filter { mask & (1 << $0) != 0 }
            if chosen.map({ weights[$0] }).reduce(0, +) <= 10 {
                best = max(best, chosen.map { values[$0] }.reduce(0, +))
            }
        }
        #expect(best == 22)
    }

    /// max y s.t. −x + y ≤ 1, 3x + 2y ≤ 12, 2x + 3y ≤ 12, x, y ≥ 0.
    /// LP relaxation: y ≤ 1 + x and y ≤ (12 − 2x)/3 meet at x = 1.8, y = 2.8 (fractional).
    /// Integer: y = 3 needs x ≥ 2 and x ≤ 1.5, impossible; y = 2 with x ∈ {1, 2}. Optimum 2.
    @Test func fractionalRelaxation() throws {
        var program = LinearProgram(sense: .maximize)
        let x = program.addVariable(name: "x", objective: 0)
        let y = program.addVariable(name: "y", objective: 1)
        program.addConstraint(terms: [(x, -1), (y, 1)], upperBound: 1)
        program.addConstraint(terms: [(x, 3), (y, 2)], upperBound: 12)
        program.addConstraint(terms: [(x, 2), (y, 3)], upperBound: 12)

        let relaxation = try program.solve()
        #expect(relaxation.status == .optimal)
        #expect(close(relaxation.objective, 2.8))
        #expect(close(relaxation.values, [1.8, 2.8]))

        program.variables[x].kind = .integer
        program.variables[y].kind = .integer
        let integer = try program.solve()
        #expect(integer.status == .optimal)
        #expect(integer.objective == 2)
        #expect(integer.values[1] == 2)
        #expect([1.0, 2.0].contains(integer.values[0]))
        #expect(violation(of: program, at: integer.values) == nil)
    }

    /// Mixed program with a constant, a fixed integer, a binary fixed to 1 by its bounds, and a
    /// fractional integer bound that must be rounded inward: min 5 + x + 2b + z + w with x integer
    /// fixed at 3, b binary with lower bound 1, z continuous ≥ 0, w integer in [0.5, 7.9],
    /// x + z + w ≥ 6.5. With x = 3 and w ≥ 1 (⌈0.5⌉): z + w ≥ 3.5, cheapest total z + w = 3.5
    /// (w = 1, z = 2.5, or w = 3, z = 0.5 …); objective 5 + 3 + 2 + 3.5 = 13.5.
    @Test func boundsOfIntegerVariables() throws {
        var program = LinearProgram(sense: .minimize, objectiveConstant: 5)
        let x = program.addVariable(lowerBound: 3, upperBound: 3, kind: .integer, objective: 1)
        let b = program.addVariable(lowerBound: 1, kind: .binary, objective: 2)
        let z = program.addVariable(objective: 1)
        let w = program.addVariable(lowerBound: 0.5, upperBound: 7.9, kind: .integer, objective: 1)
        program.addConstraint(terms: [(x, 1), (z, 1), (w, 1)], lowerBound: 6.5)
        let solution = try program.solve()
        #expect(solution.status == .optimal)
        #expect(close(solution.objective, 13.5))
        #expect(solution.values[x] == 3)
        #expect(solution.values[b] == 1)
        #expect(solution.values[w] >= 1 && solution.values[w] <= 7)
        #expect(violation(of: program, at: solution.values) == nil)
    }

    /// 2x = 1 with x integer: the LP relaxation is feasible (x = 0.5) but no integer point exists.
    @Test func infeasibleMILPWithFeasibleRelaxation() throws {
        var program = LinearProgram()
        let x = program.addVariable(lowerBound: -.infinity, kind: .integer, objective: 1)
        let y = program.addVariable(objective: 1)
        program.addConstraint(terms: [(x, 2), (y, 0)], lowerBound: 1, upperBound: 1)
        #expect(try program.solve().status == .infeasible)
        program.variables[x].kind = .continuous
        #expect(try program.solve().status == .optimal)
    }

    @Test func infeasibleMILPWithInfeasibleRelaxation() throws {
        var program = LinearProgram(sense: .maximize)
        let x = program.addVariable(kind: .integer, objective: 1)
        let y = program.addVariable(kind: .binary, objective: 1)
        program.addConstraint(terms: [(x, 1), (y, 1)], upperBound: 3)
        program.addConstraint(terms: [(x, 1)], lowerBound: 5)
        let solution = try program.solve()
        #expect(solution.status == .infeasible)
        #expect(solution.values.isEmpty)
    }

    /// An integer variable whose bounds contain no integer is infeasible without calling GLPK.
    @Test func emptyIntegerDomain() throws {
        var program = LinearProgram()
        program.addVariable(name: "ok", kind: .integer)
        program.addVariable(name: "narrow", lowerBound: 0.2, upperBound: 0.8, kind: .integer)
        let solution = try program.solve()
        #expect(solution.status == .infeasible)
        #expect(solution.message.contains("variable 1 'narrow'"))
        #expect(solution.iterations == 0)

        var binary = LinearProgram()
        binary.addVariable(name: "b", lowerBound: 2, upperBound: 3, kind: .binary)
        #expect(try binary.solve().status == .infeasible)
    }

    /// max x + y, x integer ≥ 0, y ≥ 0, x − y ≤ 0.5: the relaxation is unbounded and an integer
    /// point exists (found by the zero-objective feasibility search), so the MILP is unbounded.
    @Test(arguments: [true, false])
    func unboundedMILP(presolve: Bool) throws {
        var program = LinearProgram(sense: .maximize)
        let x = program.addVariable(kind: .integer, objective: 1)
        let y = program.addVariable(objective: 1)
        program.addConstraint(terms: [(x, 1), (y, -1)], upperBound: 0.5)
        let solution = try program.solve(options: SolveOptions(presolve: presolve))
        #expect(solution.status == .unbounded)
        #expect(solution.message.contains("an integer feasible point exists"))
        #expect(solution.values.isEmpty)
    }

    /// Unbounded relaxation (y free, improving) but 2x = 1 has no integer solution: the MILP is
    /// infeasible, not unbounded.
    @Test func unboundedRelaxationButIntegerInfeasible() throws {
        var program = LinearProgram(sense: .maximize)
        let x = program.addVariable(lowerBound: -.infinity, kind: .integer, objective: 0)
        program.addVariable(lowerBound: -.infinity, objective: 1)
        program.addConstraint(terms: [(x, 2)], lowerBound: 1, upperBound: 1)
        let solution = try program.solve()
        #expect(solution.status == .infeasible)
    }

    /// 1, 3 and 10 ms limits on a MILP GLPK cannot finish: it stops cleanly with `.timeLimit` (no
    /// integer point yet) or `.feasible` (incumbent, with a bound on the correct side that is at least
    /// as tight as the LP relaxation), and returns promptly.
    @Test func timeLimitedMILP() throws {
        // GLPK does not finish this one in 20 s (the 60-item, 5-dimension version takes ~15 ms).
        let program = hardKnapsack(items: 200, dimensions: 15, seed: 11)
        let relaxation = try #require(try program.relaxed().solve().objective)
        for milliseconds in [1.0, 3, 10] {
            let start = ContinuousClock.now
            let solution = try program.solve(options: SolveOptions(timeLimitSeconds: milliseconds / 1000))
            #expect(start.duration(to: .now) < .seconds(2))
            #expect([.timeLimit, .feasible].contains(solution.status), "\(solution.status): \(solution.message)")
            #expect(solution.message.contains("time limit"))
            if solution.status == .feasible {
                #expect(violation(of: program, at: solution.values) == nil)
                let bound = try #require(solution.bestBound)
                let objective = try #require(solution.objective)
                #expect(bound >= objective)  // maximization: an upper bound …
                #expect(bound <= relaxation + 1e-6)  // … at least as tight as the LP relaxation
            } else {
                #expect(solution.values.isEmpty && solution.objective == nil)
            }
        }
    }

    /// With a loose gap GLPK stops early (`.gapReached`) with an integer feasible point whose bound
    /// is on the correct side; a proof of optimality is also acceptable.
    @Test func mipGap() throws {
        let program = hardKnapsack(items: 35, dimensions: 3, seed: 5)
        let solution = try program.solve(options: SolveOptions(timeLimitSeconds: 5, mipGap: 0.05))
        #expect([.gapReached, .optimal].contains(solution.status), "\(solution.status): \(solution.message)")
        #expect(violation(of: program, at: solution.values) == nil)
        if let bound = solution.bestBound, let objective = solution.objective {
            #expect(bound >= objective - 1e-9)
        }
    }

    /// An iteration cap on a MILP stops the search between subproblems.
    @Test func iterationLimitedMILP() throws {
        let program = hardKnapsack(items: 60, dimensions: 5, seed: 11)
        let solution = try program.solve(options: SolveOptions(timeLimitSeconds: 10, iterationLimit: 1))
        #expect([.iterationLimit, .feasible].contains(solution.status), "\(solution.status): \(solution.message)")
        #expect(solution.message.contains("iteration limit"))
        if solution.status == .feasible { #expect(violation(of: program, at: solution.values) == nil) }
    }

    /// Random small MILPs: solutions are integer feasible, the objective matches the values, and
    /// enumeration over a small box finds nothing better.
    @Test func randomMILPsAgainstEnumeration() throws {
        var rng = SplitMix64(seed: 2024)
        var checked = 0
        for _ in 0..<120 {
            var program = randomSmallProgram(using: &rng, integerProbability: 1)
            // Make every variable a bounded integer so enumeration is exact.
            for j in program.variables.indices {
                program.variables[j].kind = .integer
                program.variables[j].lowerBound = max(program.variables[j].lowerBound, -3)
                program.variables[j].upperBound = min(program.variables[j].upperBound, program.variables[j].lowerBound + 3)
            }
            if program.variables.count > 5 { program.variables.removeLast(program.variables.count - 5) }
            program.constraints = program.constraints.map { row in
                var row = row
                row.terms = row.terms.filter { $0.index < program.variables.count }
                return row
            }
            let solution = try program.solve()
            let best = enumerateBest(program)
            if let best {
                #expect(solution.status == .optimal, "\(solution.message)")
                #expect(close(solution.objective, best, tolerance: 1e-9))
                #expect(violation(of: program, at: solution.values) == nil)
                #expect(close(program.objectiveValue(at: solution.values), best, tolerance: 1e-9))
                checked += 1
            } else {
                #expect(solution.status == .infeasible, "\(solution.message)")
            }
        }
        #expect(checked > 30)
    }

    /// Regressions (found by fuzzing): integer values beyond 2⁵² break GLPK's branch-and-bound.
    /// (1) min 0, x free integer, y ≤ 7e7, −1e-8·x + 1.11·y ≤ 0: the relaxation vertex has
    /// x = 7770000000000001 (odd, doubles spaced 1), `check_integrality` sees floor(x + 0.5) ≠ x and
    /// aborts (`Assertion failed: temp1 > 0.0 && temp2 > 0.0`, glpios03.c; reproduced in plain C).
    /// (2) max x, x free integer, x − 1e5·y ≤ 1, y ≤ 5e10: plain GLPK reports "optimal"
    /// x = 5000000000000002, which violates the row. Unbounded integer variables are now confined to
    /// ±1e15 for branch-and-bound; where the confinement binds, the point is `.feasible`, not `.optimal`.
    @Test func hugeIntegerValuesAreConfined() throws {
        var aborting = LinearProgram(sense: .minimize)
        let u = aborting.addVariable(lowerBound: -.infinity, kind: .integer)
        let v = aborting.addVariable(lowerBound: -.infinity, upperBound: 7e7)
        aborting.addConstraint(terms: [(u, -1e-8), (v, 1.11)], upperBound: 0)
        let first = try aborting.solve(options: SolveOptions(timeLimitSeconds: 10))
        #expect([.optimal, .feasible].contains(first.status), "\(first.message)")
        #expect(violation(of: aborting, at: first.values) == nil)
        #expect(abs(first.values[u]) <= 1e15)

        var wrong = LinearProgram(sense: .maximize)
        let x = wrong.addVariable(lowerBound: -.infinity, kind: .integer, objective: 1)
        let y = wrong.addVariable(upperBound: 5e10)
        wrong.addConstraint(terms: [(x, 1), (y, -1e5)], upperBound: 1)
        #expect(try wrong.relaxed().solve().values.first == 5_000_000_000_000_001)
        let second = try wrong.solve(options: SolveOptions(timeLimitSeconds: 10))
        #expect(second.status == .feasible, "\(second.message)")
        #expect(second.values[x] == 1e15)
        #expect(second.message.contains("confinement"))
        #expect(second.bestBound == nil)
        #expect(violation(of: wrong, at: second.values) == nil)
    }

    /// Best objective over all integer points of a bounded all-integer program, or nil if none.
    func enumerateBest(_ program: LinearProgram) -> Double? {
        let lows = program.variables.map { Int($0.lowerBound.rounded(.up)) }
        let highs = program.variables.map { Int($0.upperBound.rounded(.down)) }
        if zip(lows, highs).contains(where: { $0 > $1 }) { return nil }
        var point = lows
        var best: Double?
        while true {
            let values = point.map(Double.init)
            if violation(of: program, at: values, tolerance: 0) == nil {
                let value = program.objectiveValue(at: values)
                if let current = best {
                    best = program.sense == .minimize ? min(current, value) : max(current, value)
                } else {
                    best = value
                }
            }
            var k = 0
            while k < point.count {
                if point[k] < highs[k] {
                    point[k] += 1
                    break
                }
                point[k] = lows[k]
                k += 1
            }
            if k == point.count { return best }
        }
    }
}
