import Dispatch
import Foundation
import LinearProgramming
import Synchronization
import Testing

/// Hand-checked LPs and MILPs, infeasible/unbounded outcomes, validation before GLPK, and
/// parallel solves giving the serial answers.
struct GLPKSmokeTests {
    /// max 3x + 2y s.t. x + y ≤ 4, x + 3y ≤ 6, x, y ≥ 0 → x = 4, y = 0, objective 12.
    static func textbook() -> LinearProgram {
        var program = LinearProgram(sense: .maximize)
        let x = program.addVariable(name: "x", objective: 3)
        let y = program.addVariable(name: "y", objective: 2)
        program.addConstraint(name: "c1", terms: [(x, 1), (y, 1)], upperBound: 4)
        program.addConstraint(name: "c2", terms: [(x, 1), (y, 3)], upperBound: 6)
        return program
    }

    @Test func textbookLP() throws {
        let solution = try Self.textbook().solve()
        #expect(solution.status == .optimal)
        #expect(abs((solution.objective ?? 0) - 12) < 1e-9)
        #expect(abs(solution.values[0] - 4) < 1e-9 && abs(solution.values[1]) < 1e-9)
        // The binding constraint c1 has shadow price 3 (raising its bound by 1 adds 3).
        #expect(abs(abs(solution.duals[0]) - 3) < 1e-9)
        #expect(abs(solution.duals[1]) < 1e-9)
    }

    @Test func minimizationWithEqualityAndLowerBound() throws {
        // min x + 2y s.t. x + y = 3, x − y ≥ −1, x ≤ 1 → x = 1, y = 2, objective 5.
        var program = LinearProgram(sense: .minimize)
        let x = program.addVariable(upperBound: 1, objective: 1)
        let y = program.addVariable(objective: 2)
        program.addConstraint(terms: [(x, 1), (y, 1)], lowerBound: 3, upperBound: 3)
        program.addConstraint(terms: [(x, 1), (y, -1)], lowerBound: -1)
        let solution = try program.solve()
        #expect(solution.status == .optimal)
        #expect(abs((solution.objective ?? 0) - 5) < 1e-9)
        #expect(abs(solution.values[0] - 1) < 1e-9 && abs(solution.values[1] - 2) < 1e-9)
    }

    @Test func knapsackMILP() throws {
        // max 10a + 13b + 7c + 8d s.t. 4a + 6b + 3c + 5d ≤ 10, binary → a, b (23); LP relaxation is fractional.
        var program = LinearProgram(sense: .maximize)
        let values = [10.0, 13, 7, 8], weights = [4.0, 6, 3, 5]
        for value in values { program.addVariable(kind: .binary, objective: value) }
        program.addConstraint(terms: weights.enumerated().map { ($0.offset, $0.element) }, upperBound: 10)
        let solution = try program.solve()
        #expect(solution.status == .optimal)
        #expect(abs((solution.objective ?? 0) - 23) < 1e-9)
        #expect(solution.values.map { $0.rounded() } == [1, 1, 0, 0])
        var relaxed = program
        for index in relaxed.variables.indices {
            relaxed.variables[index].kind = .continuous
            relaxed.variables[index].upperBound = 1
        }
        let lp = try relaxed.solve()
        #expect((lp.objective ?? 0) > 23 + 1e-6)  // fractional relaxation
    }

    @Test(arguments: [true, false])
    func infeasibleAndUnbounded(presolve: Bool) throws {
        var infeasible = LinearProgram(sense: .minimize)
        let x = infeasible.addVariable(objective: 1)
        infeasible.addConstraint(terms: [(x, 1)], upperBound: -1)
        #expect(try infeasible.solve(options: SolveOptions(presolve: presolve)).status == .infeasible)
        var integerInfeasible = infeasible
        integerInfeasible.variables[0].kind = .integer
        #expect(try integerInfeasible.solve().status == .infeasible)
        var unbounded = LinearProgram(sense: .maximize)
        let y = unbounded.addVariable(objective: 1)
        unbounded.addConstraint(terms: [(y, 1)], lowerBound: 0)
        #expect(try unbounded.solve(options: SolveOptions(presolve: presolve)).status == .unbounded)
    }

    @Test func invalidInputIsRejectedBeforeGLPK() {
        var badIndex = Self.textbook()
        badIndex.constraints[0].terms.append(.init(index: 7, coefficient: 1))
        #expect(throws: LinearProgramError.self) { try badIndex.solve() }
        var nanCoefficient = Self.textbook()
        nanCoefficient.constraints[1].terms[0].coefficient = .nan
        #expect(throws: LinearProgramError.self) { try nanCoefficient.solve() }
        var crossedBounds = Self.textbook()
        crossedBounds.variables[0].lowerBound = 5
        crossedBounds.variables[0].upperBound = 1
        #expect(throws: LinearProgramError.self) { try crossedBounds.solve() }
        var duplicate = Self.textbook()
        duplicate.constraints[0].terms.append(.init(index: 0, coefficient: 2))
        #expect(throws: LinearProgramError.self) { try duplicate.solve() }
        #expect(throws: LinearProgramError.self) { try Self.textbook().solve(options: SolveOptions(timeLimitSeconds: -1)) }
    }

    @Test func parallelSolvesGiveTheSerialAnswers() throws {
        // Random small knapsack MILPs and LPs, solved serially then from concurrentPerform.
        @Sendable func program(_ seed: Int) -> LinearProgram {
            var state = UInt64(seed) &* 0x9E37_79B9_7F4A_7C15 &+ 1
            func next() -> Double {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return Double(state >> 11) * 0x1.0p-53
            }
            var program = LinearProgram(sense: .maximize)
            for _ in 0..<12 { program.addVariable(upperBound: 1, kind: seed % 2 == 0 ? .binary : .continuous, objective: 1 + 9 * next()) }
            program.addConstraint(terms: (0..<12).map { ($0, 1 + 4 * next()) }, upperBound: 10)
            return program
        }
        let serial = try (0..<80).map { try program($0).solve().objective ?? .nan }
        let parallel = Mutex([Double](repeating: .nan, count: 80))
        DispatchQueue.concurrentPerform(iterations: 80) { index in
            let value = (try? program(index).solve().objective) ?? .nan
            parallel.withLock { $0[index] = value }
        }
        #expect(serial == parallel.withLock { $0 })
        #expect(!serial.contains { $0.isNaN })
    }

    @Test func programWithoutVariables() throws {
        var program = LinearProgram(sense: .minimize)
        program.objectiveConstant = 2.5
        let solution = try program.solve()
        #expect(solution.status == .optimal && solution.objective == 2.5)
    }
}
