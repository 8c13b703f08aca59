import Foundation
import LinearProgramming
import Testing

/// Hand-checked linear programs, each solved with and without GLPK's presolver.
@Suite struct LPTests {
    /// max 3x + 2y s.t. x + y ≤ 4, x + 3y ≤ 6, x, y ≥ 0.
    /// Optimum x = 4, y = 0, objective 12. Duals: row 1 binds with y₁ = 3 (raising its rhs to 5 gives
    /// x = 5, objective 15), row 2 is slack (y₂ = 0). Dual check: min 4u₁ + 6u₂, u₁ + u₂ ≥ 3,
    /// u₁ + 3u₂ ≥ 2 → u = (3, 0), value 12.
    static func textbookMax() -> LinearProgram {
        var program = LinearProgram(sense: .maximize)
        let x = program.addVariable(name: "x", objective: 3)
        let y = program.addVariable(name: "y", objective: 2)
        program.addConstraint(name: "c1", terms: [(x, 1), (y, 1)], upperBound: 4)
        program.addConstraint(name: "c2", terms: [(x, 1), (y, 3)], upperBound: 6)
        return program
    }

    @Test(arguments: [true, false])
    func textbookMaximization(presolve: Bool) throws {
        let solution = try Self.textbookMax().solve(options: SolveOptions(presolve: presolve))
        #expect(solution.status == .optimal)
        #expect(close(solution.objective, 12))
        #expect(close(solution.values, [4, 0]))
        #expect(close(solution.duals, [3, 0]))
        #expect(close(solution.bestBound, 12))
        #expect(solution.relativeGap == 0)
        #expect(solution.hasSolution)
        #expect(solution.iterations != nil)
    }

    /// min 2x + 3y + z s.t. x + y + z = 10, x − y ≥ 2, y + z ≥ 3, x, y, z ≥ 0.
    /// x ≥ 2 + y and z is cheapest, so y = 0, x = 2, z = 8, objective 12. Duals from stationarity with
    /// x, z basic: 1 − y₁ = 0 and 2 − y₁ − y₂ = 0 → y = (1, 1, 0); y's reduced cost 3 − 1 + 1 = 3 ≥ 0.
    /// Sensitivity: rhs 10 → 11 gives z = 9 (+1); rhs 2 → 3 gives x = 3, z = 7 (+1).
    @Test(arguments: [true, false])
    func minimizationWithEqualityAndGreaterEqual(presolve: Bool) throws {
        var program = LinearProgram(sense: .minimize)
        let x = program.addVariable(objective: 2)
        let y = program.addVariable(objective: 3)
        let z = program.addVariable(objective: 1)
        program.addConstraint(terms: [(x, 1), (y, 1), (z, 1)], lowerBound: 10, upperBound: 10)
        program.addConstraint(terms: [(x, 1), (y, -1)], lowerBound: 2)
        program.addConstraint(terms: [(y, 1), (z, 1)], lowerBound: 3)
        let solution = try program.solve(options: SolveOptions(presolve: presolve))
        #expect(solution.status == .optimal)
        #expect(close(solution.objective, 12))
        #expect(close(solution.values, [2, 0, 8]))
        #expect(close(solution.duals, [1, 1, 0]))
    }

    /// Duals are ∂(optimal objective)/∂(rhs): check against finite differences of re-solves.
    @Test func dualsMatchFiniteDifferences() throws {
        let base = Self.textbookMax()
        let objective = try #require(try base.solve().objective)
        let duals = try base.solve().duals
        for i in base.constraints.indices {
            var shifted = base
            shifted.constraints[i].upperBound += 0.5
            let moved = try #require(try shifted.solve().objective)
            #expect(close((moved - objective) / 0.5, duals[i]))
        }
    }

    /// Free variables: min x + 2y with x, y free, x + y ≥ −3, −x + y ≥ −5.
    /// y ≥ max(−3 − x, x − 5); the objective falls until x = 1, so x = 1, y = −4, objective −7.
    /// Stationarity: 1 = y₁ − y₂, 2 = y₁ + y₂ → duals (1.5, 0.5).
    @Test(arguments: [true, false])
    func freeVariables(presolve: Bool) throws {
        var program = LinearProgram()
        let x = program.addVariable(lowerBound: -.infinity, upperBound: .infinity, objective: 1)
        let y = program.addVariable(lowerBound: -.infinity, upperBound: .infinity, objective: 2)
        program.addConstraint(terms: [(x, 1), (y, 1)], lowerBound: -3)
        program.addConstraint(terms: [(x, -1), (y, 1)], lowerBound: -5)
        let solution = try program.solve(options: SolveOptions(presolve: presolve))
        #expect(solution.status == .optimal)
        #expect(close(solution.objective, -7))
        #expect(close(solution.values, [1, -4]))
        #expect(close(solution.duals, [1.5, 0.5]))
    }

    /// Fixed variables (lower == upper) and upper-bounded-only variables: max 10 + x + y + z with x
    /// fixed at 2.5, y ≤ 1 (lower −∞), z ≥ 0, x + y + z ≤ 4, z − y ≤ 2. Row 1 gives y + z ≤ 1.5, so
    /// the optimum is 10 + 2.5 + 1.5 = 14 (attained, e.g., at y = 0, z = 1.5; not unique).
    @Test(arguments: [true, false])
    func fixedAndUpperBoundedVariables(presolve: Bool) throws {
        var program = LinearProgram(sense: .maximize, objectiveConstant: 10)
        let x = program.addVariable(lowerBound: 2.5, upperBound: 2.5, objective: 1)
        let y = program.addVariable(lowerBound: -.infinity, upperBound: 1, objective: 1)
        let z = program.addVariable(objective: 1)
        program.addConstraint(terms: [(x, 1), (y, 1), (z, 1)], upperBound: 4)
        program.addConstraint(terms: [(z, 1), (y, -1)], upperBound: 2)
        let solution = try program.solve(options: SolveOptions(presolve: presolve))
        #expect(solution.status == .optimal)
        #expect(close(solution.objective, 14))  // 10 + 4: the constant is included
        #expect(close(solution.values.first ?? .nan, 2.5))
        #expect(violation(of: program, at: solution.values) == nil)
        #expect(close(program.objectiveValue(at: solution.values), 14))
    }

    /// A program without constraints: each variable goes to the bound its objective favours.
    @Test func noConstraints() throws {
        var program = LinearProgram(sense: .minimize)
        program.addVariable(lowerBound: 2, upperBound: 5, objective: 1)
        program.addVariable(lowerBound: -1, upperBound: 7, objective: -2)
        let solution = try program.solve()
        #expect(solution.status == .optimal)
        #expect(close(solution.values, [2, 7]))
        #expect(close(solution.objective, -12))
        #expect(solution.duals.isEmpty)
        program.variables[1].upperBound = .infinity
        #expect(try program.solve().status == .unbounded)
    }

    @Test(arguments: [true, false])
    func infeasibleLP(presolve: Bool) throws {
        var program = LinearProgram()
        let x = program.addVariable(objective: 1)
        let y = program.addVariable(objective: 1)
        program.addConstraint(terms: [(x, 1), (y, 1)], upperBound: 1)
        program.addConstraint(terms: [(x, 1), (y, 1)], lowerBound: 2)
        let solution = try program.solve(options: SolveOptions(presolve: presolve))
        #expect(solution.status == .infeasible)
        #expect(solution.objective == nil)
        #expect(solution.values.isEmpty && solution.duals.isEmpty)
        #expect(!solution.hasSolution)
    }

    @Test(arguments: [true, false])
    func unboundedLP(presolve: Bool) throws {
        var program = LinearProgram(sense: .maximize)
        let x = program.addVariable(objective: 1)
        let y = program.addVariable(objective: 1)
        program.addConstraint(terms: [(x, 1), (y, -1)], upperBound: 1)
        let solution = try program.solve(options: SolveOptions(presolve: presolve))
        #expect(solution.status == .unbounded)
        #expect(solution.values.isEmpty)
    }

    /// Primal and dual infeasible at once: the presolver answers GLP_ENODFS (a free column with no
    /// rows pushes the objective to +∞, and no single row reveals the infeasibility); the solver must
    /// re-solve and say "infeasible", not "unbounded".
    @Test(arguments: [true, false])
    func primalAndDualInfeasibleIsInfeasible(presolve: Bool) throws {
        var program = LinearProgram(sense: .maximize)
        let x = program.addVariable(objective: 0)
        let y = program.addVariable(objective: 0)
        program.addVariable(lowerBound: -.infinity, objective: 1)  // unconstrained, improving
        program.addConstraint(terms: [(x, 1), (y, 1)], upperBound: 1)
        program.addConstraint(terms: [(x, 1), (y, 1)], lowerBound: 2)  // together impossible
        let solution = try program.solve(options: SolveOptions(presolve: presolve))
        #expect(solution.status == .infeasible)
        if presolve { #expect(solution.message.contains("GLP_ENODFS")) }
    }

    /// An empty row with impossible bounds (0 ≥ 1) is infeasible; with feasible bounds it is ignored.
    @Test func emptyRows() throws {
        var program = LinearProgram()
        program.addVariable(objective: 1)
        program.addConstraint(terms: [], lowerBound: 1)
        #expect(try program.solve().status == .infeasible)
        program.constraints[0].lowerBound = -1
        let solution = try program.solve()
        #expect(solution.status == .optimal)
        #expect(solution.duals == [0])
    }

    /// Zero coefficients are allowed and ignored.
    @Test func zeroCoefficientsAreIgnored() throws {
        var program = Self.textbookMax()
        let z = program.addVariable(objective: -1)
        program.constraints[0].terms.append(.init(index: z, coefficient: 0))
        let solution = try program.solve()
        #expect(solution.status == .optimal)
        #expect(close(solution.objective, 12))
        #expect(close(solution.values, [4, 0, 0]))
    }

    /// A coefficient below 1e-11 × the largest in its row is dropped and reported: max x + y with
    /// x + 1e-13·y ≤ 1, y ≤ 2 behaves as x ≤ 1 (x = 1, y = 2, objective 3).
    @Test func negligibleCoefficientsAreDropped() throws {
        var program = LinearProgram(sense: .maximize)
        let x = program.addVariable(objective: 1)
        let y = program.addVariable(upperBound: 2, objective: 1)
        program.addConstraint(terms: [(x, 1), (y, 1e-13)], upperBound: 1)
        let solution = try program.solve()
        #expect(solution.status == .optimal)
        #expect(close(solution.values, [1, 2]))
        #expect(solution.message.contains("1 negligible coefficient"))
        program.constraints[0].terms[1].coefficient = 1e-10  // kept
        let kept = try program.solve()
        #expect(!kept.message.contains("negligible"))
        #expect(close(kept.values, [1 - 2e-10, 2], tolerance: 1e-12))
    }

    /// Badly scaled data: with x + 1e-10·y ≤ 1 GLPK's scaled simplex declares x = 0, y = 2
    /// (objective 2) optimal — its dual tolerance is relative to the scaled costs. The KKT check
    /// catches the residual and the unscaled re-solve finds objective 3 − 2e-10.
    @Test(arguments: [true, false])
    func badlyScaledOptimumIsPolished(presolve: Bool) throws {
        var program = LinearProgram(sense: .maximize)
        let x = program.addVariable(objective: 1)
        let y = program.addVariable(upperBound: 2, objective: 1)
        program.addConstraint(terms: [(x, 1), (y, 1e-10)], upperBound: 1)
        let solution = try program.solve(options: SolveOptions(presolve: presolve))
        #expect(solution.status == .optimal)
        #expect(close(solution.objective, 3 - 2e-10, tolerance: 1e-12))
        #expect(solution.message.contains("re-solved without scaling"))
        #expect(close(solution.duals, [1]))
    }

    @Test func zeroVariablePrograms() throws {
        var program = LinearProgram(sense: .maximize, objectiveConstant: 4.5)
        program.addConstraint(terms: [], lowerBound: -1, upperBound: 2)
        let solution = try program.solve()
        #expect(solution.status == .optimal)
        #expect(solution.objective == 4.5)
        #expect(solution.bestBound == 4.5)
        #expect(solution.values.isEmpty)
        #expect(solution.duals == [0])
        #expect(solution.iterations == 0)
        #expect(solution.hasSolution)

        #expect(try LinearProgram().solve().objective == 0)

        program.addConstraint(name: "impossible", terms: [], lowerBound: 3)
        let infeasible = try program.solve()
        #expect(infeasible.status == .infeasible)
        #expect(infeasible.message.contains("constraint 1 'impossible'"))
    }

    /// An LP that needs many pivots, for the limit tests.
    static func largerLP(size: Int) -> LinearProgram {
        var rng = SplitMix64(seed: 7)
        var program = LinearProgram(sense: .maximize)
        for _ in 0..<size { program.addVariable(objective: Double.random(in: 1...10, using: &rng)) }
        for _ in 0..<size {
            let terms = (0..<size).map { (index: $0, coefficient: Double.random(in: 0.1...5, using: &rng)) }
            program.addConstraint(terms: terms, upperBound: Double.random(in: 50...100, using: &rng))
        }
        return program
    }

    /// Iteration limit without presolve: GLPK stops at a primal feasible basis (the origin is
    /// feasible), so the point is returned as `.feasible`; with presolve nothing can be recovered.
    @Test func iterationLimitLP() throws {
        let program = Self.largerLP(size: 40)
        let full = try program.solve()
        #expect(full.status == .optimal)
        #expect((full.iterations ?? 0) > 3)

        let withoutPresolve = try program.solve(options: SolveOptions(presolve: false, iterationLimit: 2))
        #expect(withoutPresolve.status == .feasible)
        #expect(withoutPresolve.message.contains("GLP_EITLIM"))
        #expect(violation(of: program, at: withoutPresolve.values) == nil)
        #expect((withoutPresolve.objective ?? .infinity) <= (full.objective ?? 0) + 1e-9)
        #expect(withoutPresolve.duals.isEmpty)

        let withPresolve = try program.solve(options: SolveOptions(presolve: true, iterationLimit: 2))
        #expect(withPresolve.status == .iterationLimit)
        #expect(withPresolve.values.isEmpty)
    }

    @Test func generousLimitsDoNotChangeTheAnswer() throws {
        let program = Self.largerLP(size: 30)
        let plain = try program.solve()
        let limited = try program.solve(options: SolveOptions(timeLimitSeconds: 60, iterationLimit: 1_000_000))
        #expect(limited.status == .optimal)
        #expect(close(limited.objective, plain.objective ?? .nan))
    }

    /// Presolve on and off agree on random LPs (status, objective).
    @Test func presolveOnAndOffAgree() throws {
        var rng = SplitMix64(seed: 99)
        for _ in 0..<150 {
            let program = randomSmallProgram(using: &rng, integerProbability: 0)
            let on = try program.solve(options: SolveOptions(presolve: true))
            let off = try program.solve(options: SolveOptions(presolve: false))
            #expect(on.status == off.status, "\(on.message) vs \(off.message)")
            if on.status == .optimal {
                #expect(close(on.objective, off.objective ?? .nan, tolerance: 1e-6))
                #expect(violation(of: program, at: on.values) == nil)
                #expect(violation(of: program, at: off.values) == nil)
                #expect(close(program.objectiveValue(at: on.values), on.objective ?? .nan, tolerance: 1e-6))
            }
        }
    }

    /// Programs round-trip through a default JSONEncoder although their bounds are infinite.
    @Test func codableRoundTrip() throws {
        var program = Self.textbookMax()
        program.addVariable(name: "free", lowerBound: -.infinity, upperBound: .infinity, kind: .integer, objective: 0)
        program.addConstraint(name: "range", terms: [(2, 1)], lowerBound: -3, upperBound: .infinity)
        let data = try JSONEncoder().encode(program)
        let decoded = try JSONDecoder().decode(LinearProgram.self, from: data)
        #expect(decoded == program)
        let solution = try program.solve()
        let solutionData = try JSONEncoder().encode(solution)
        #expect(try JSONDecoder().decode(LPSolution.self, from: solutionData) == solution)
    }
}
