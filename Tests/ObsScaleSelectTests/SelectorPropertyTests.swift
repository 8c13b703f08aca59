import Foundation
import ObsScale
import Testing
import _TestSupport

@testable import ObsScaleSelect

/// Exhaustive search against an independent brute force on many random small instances, and how
/// often exchange finds the optimum. What every method owes on any problem — feasibility, values
/// never below the optimum, determinism, thread-count independence — is the selector contract's
/// (`SelectorContractTests`).
struct SelectorPropertyTests {
    static let seeds: [UInt64] = Array(1...240)

    @Test func exhaustiveEqualsBruteForceAndExchangeUsuallyFindsIt() throws {
        var checked = 0, optimalHits = 0
        for seed in Self.seeds {
            guard let instance = RandomInstance.make(seed: seed) else { continue }
            let problem = instance.problem, budget = instance.budget
            let truth = instance.bruteForce()
            let exhaustive = try ExhaustiveSelector(threadCount: 2).select(problem, budgets: [budget])[0]
            if truth.value.isFinite {
                #expect(abs(exhaustive.value - truth.value) <= 1e-9 * abs(truth.value), "seed \(seed)")
                #expect(exhaustive.provenOptimal)
            } else {
                #expect(!exhaustive.value.isFinite, "seed \(seed)")
            }
            if let exchange = try? ExchangeSelector().select(problem, budget: budget), exchange.value.isFinite,
                abs(exchange.value - truth.value) <= 1e-9 * abs(truth.value)
            {
                optimalHits += 1
            }
            checked += 1
        }
        #expect(checked >= 200)
        // Exchange is a heuristic, but on tiny instances it should usually find the optimum.
        #expect(optimalHits >= checked / 2)
    }
}

/// The relaxation's bound and branch-and-bound's proofs on the same random instances.
struct BoundPropertyTests {
    @Test func relaxationBoundsTheOptimumAndBranchAndBoundProvesIt() throws {
        var checked = 0, proven = 0
        for seed: UInt64 in 1...280 {
            guard let instance = RandomInstance.make(seed: seed) else { continue }
            let problem = instance.problem, budget = instance.budget
            let truth = instance.bruteForce()
            guard truth.value.isFinite else { continue }
            if let bound = try RelaxationBound().solve(problem, budget: budget) {
                #expect(bound.lowerBound <= truth.value + 1e-9 * abs(truth.value), "seed \(seed): bound \(bound.lowerBound) > optimum \(truth.value)")
            }
            // Feasibility, value ≥ optimum and lower bound ≤ optimum are the selector contract's;
            // here: branch-and-bound closes its tree on every instance, at the optimum.
            let bnb = try BranchAndBoundSelector(timeLimitSeconds: 30).select(problem, budget: budget)
            if bnb.provenOptimal {
                proven += 1
                #expect(abs(bnb.value - truth.value) <= 1e-9 * abs(truth.value), "seed \(seed): B&B claims \(bnb.value), optimum \(truth.value)")
            }
            checked += 1
        }
        #expect(checked >= 200)
        #expect(proven == checked)
    }

    @Test func linearProgramAndKnapsackOraclesAgree() throws {
        var compared = 0
        for seed: UInt64 in 300...420 {
            guard let instance = RandomInstance.make(seed: seed), instance.problem.constraints.onlyBudget else { continue }
            let problem = instance.problem
            let n = problem.units.count
            var lower = [Double](repeating: 0, count: n), upper = [Double](repeating: 1, count: n)
            for u in problem.constraints.mustInclude { lower[u] = 1 }
            for u in problem.constraints.exclude { upper[u] = 0 }
            let knapsack = LinearOracle(problem: problem, budget: instance.budget, lower: lower, upper: upper, useLP: false)
            let lp = LinearOracle(problem: problem, budget: instance.budget, lower: lower, upper: upper, useLP: true)
            var random = Xoshiro256StarStar(seed: seed)
            for _ in 0..<20 {
                // Gradients of V, A and D are never positive: adding rows never hurts.
                let g = (0..<n).map { _ in -random.nextUniform() * 10 }
                let a = knapsack.knapsack(g), b = try lp.linearProgram(g)?.point
                #expect((a == nil) == (b == nil))
                guard let a, let b else { continue }
                let objectiveA = zip(g, a).reduce(0) { $0 + $1.0 * $1.1 }, objectiveB = zip(g, b).reduce(0) { $0 + $1.0 * $1.1 }
                #expect(abs(objectiveA - objectiveB) <= 1e-9 * max(1, abs(objectiveA)), "seed \(seed)")
            }
            // Both oracles give valid bounds for the same relaxation: each run's bound is below
            // the other's relaxed value (to 1e-6: relaxations whose every point is nearly
            // singular are evaluated only that accurately).
            let first = try RelaxationBound(maxIterations: 300).solve(problem, budget: instance.budget, oracle: .knapsack)
            let second = try RelaxationBound(maxIterations: 60).solve(problem, budget: instance.budget, oracle: .linearProgram)
            if let first, let second {
                #expect(first.lowerBound <= second.value + 1e-6 * abs(second.value), "seed \(seed)")
                #expect(second.lowerBound <= first.value + 1e-6 * abs(first.value), "seed \(seed)")
            }
            compared += 1
        }
        #expect(compared >= 40)
    }
}

/// The lazy greedy scan (D-criterion, single-model units) adds exactly the units the plain scan
/// adds, in the same order, on random pools of 20–300 models with random costs, constraints and
/// exact ties (duplicated models).
struct LazyGreedyTests {
    @Test(arguments: Array(UInt64(1)...60)) func lazyScanAddsWhatThePlainScanAdds(seed: UInt64) throws {
        var random = Xoshiro256StarStar(seed: 1000 + seed)
        let p = 2 + random.nextInt(below: 3)
        let count = 20 + random.nextInt(below: 281)
        var rows: [[Double]] = []
        var units: [SelectionProblem.Unit] = []
        let familyCount = 1 + count / (2 + random.nextInt(below: 8))
        for u in 0..<count {
            // Every seventh model duplicates an earlier one (same row, family and cost): exact ties.
            if u > 0 && u % 7 == 0 {
                let copy = random.nextInt(below: u)
                rows.append(rows[copy])
                units.append(.init(name: "m\(u)", family: units[copy].family, models: [u], cost: units[copy].cost))
                continue
            }
            rows.append((0..<p).map { _ in random.nextNormal() * (0.2 + random.nextUniform()) })
            let cost = random.nextUniform() < 0.3 ? 1 : exp(3 * random.nextUniform())
            units.append(.init(name: "m\(u)", family: "F\(random.nextInt(below: familyCount))", models: [u], cost: cost))
        }
        var constraints = SelectionProblem.Constraints()
        if random.nextUniform() < 0.3 { constraints.maxFamilies = 2 + random.nextInt(below: familyCount) }
        if random.nextUniform() < 0.3 { constraints.maxModelsPerFamily = 1 + random.nextInt(below: 4) }
        if random.nextUniform() < 0.3 { constraints.maxModels = p + 2 + random.nextInt(below: count) }
        if random.nextUniform() < 0.3 { constraints.mustInclude = [random.nextInt(below: count)] }
        let design = Matrix(rows: rows)
        let problem = try SelectionProblem(
            poolModels: rows.indices.map { "model\($0)" }, poolFamilies: units.map(\.family), design: design, targets: design,
            units: units, criterion: .d, constraints: constraints)
        let total = units.reduce(0) { $0 + $1.cost }
        let budget = total * (0.02 + 0.6 * random.nextUniform())
        guard let plain = try? GreedySelector().greedy(problem, budget: budget, lazy: false) else { return }
        let lazy = try GreedySelector().greedy(problem, budget: budget, lazy: true)
        #expect(lazy.0.members == plain.0.members, "seed \(seed): \(count) models, p = \(p)")
        #expect(lazy.0.value == plain.0.value)
    }
}
