import Foundation
import ObsScale
import Testing
import _TestSupport

@testable import ObsScaleFit

/// Numerical edge cases, each with the documented result: constant targets, targets all
/// at the floor, perfectly collinear benchmarks, components without variance, extreme costs and
/// budgets exactly equal to a feasible cost.
struct EdgeCaseTests {
    /// 40 models in 8 families; benchmark k = 0.3 + 0.1·s·(1 + 0.1·k) (+ optional noise), with
    /// s = log10 of compute; targets added by the caller.
    static func panel(noise: Double, targets: [String: (Double) -> Double], costs: [Double]? = nil) -> Panel {
        var random = Xoshiro256StarStar(seed: 5)
        var models: [ModelInfo] = []
        var columns: [String: [Double]] = [:]
        let benchmarks = (0..<8).map { "B\($0)" }
        for i in 0..<40 {
            let size = 0.1 * pow(1.5, Double(i / 8 + 1)) * (1 + 0.1 * Double(i % 8))
            let s = log10(6 * size)
            models.append(ModelInfo(name: "m\(i)", family: "F\(i % 8)", parametersB: size, tokensT: 1, flops: 6 * size, source: "test"))
            for (k, name) in benchmarks.enumerated() {
                columns[name, default: []].append(min(1, max(0, 0.3 + 0.1 * s * (1 + 0.1 * Double(k)) + noise * random.nextNormal())))
            }
            for (name, value) in targets { columns[name, default: []].append(value(s)) }
            if let costs { columns["cost", default: []].append(costs[i]) }
        }
        return Panel(
            models: models, columns: columns, benchmarkNames: benchmarks,
            metricNames: targets.keys.sorted() + (costs == nil ? [] : ["cost"]), sources: ["test"])
    }

    static let split = Split(train: Array(0..<32), test: Array(32..<40))

    /// A constant target is fitted exactly by a flat law (β ≈ 0): zero training error, every
    /// prediction the constant; R² is undefined (reported as NaN, shown as —).
    @Test func constantTargetGivesAFlatLaw() throws {
        let panel = Self.panel(noise: 0.01, targets: ["y": { _ in 0.3 }])
        let fit = try ScalingLaw().fit(panel: panel, target: "y", split: Self.split)
        #expect(fit.law.regression.termination.converged)
        #expect(fit.predictions.allSatisfy { abs($0.predicted - 0.3) < 1e-6 })
        #expect(fit.trainMetrics.mse < 1e-12 && fit.testMetrics.r2.isNaN)
        #expect(fit.law.regression.beta.allSatisfy { abs($0) < 1e-3 })
    }

    /// Every target at the floor (0): the law sinks to it (σ → 0), predictions within 1e-3.
    @Test func targetsAllAtTheFloor() throws {
        let panel = Self.panel(noise: 0.01, targets: ["y": { _ in 0 }])
        let fit = try ScalingLaw().fit(panel: panel, target: "y", split: Self.split)
        #expect(fit.law.regression.termination.converged)
        #expect(fit.predictions.allSatisfy { $0.predicted >= 0 && $0.predicted < 1e-3 })
    }

    /// Perfectly collinear benchmarks have rank 1: PC-2 and PC-3 have no variance, their scores
    /// are 0 and their weights 0; the law is fitted on PC-1 alone. Selection with K_sel = 3 is
    /// refused with the rank in the message, and works with --components 1 or a ridge.
    @Test func collinearBenchmarks() throws {
        let panel = Self.panel(noise: 0, targets: ["y": { 1 / (1 + exp(-(2 * $0 - 1))) }])
        let fit = try ScalingLaw().fit(panel: panel, target: "y", split: Self.split)
        #expect(fit.law.pca.degenerateComponents == [1, 2])
        #expect(fit.predictions.allSatisfy { $0.capabilities[1] == 0 && $0.capabilities[2] == 0 })
        #expect(fit.law.regression.beta[1] == 0 && fit.law.regression.beta[2] == 0)
        #expect(fit.testMetrics.mse < 1e-6)
        var setup = SelectionSetup()
        #expect(throws: SelectionError.self) { try setup.build(panel: panel) }
        do {
            _ = try setup.build(panel: panel)
        } catch let error as SelectionError {
            #expect(error.description.contains("at most 1: PC-2 and beyond have no variance"))
        }
        setup.componentCount = 1
        let results = try Selection.solve(try setup.build(panel: panel), budgets: [10], options: SelectionOptions(method: .exhaustive))
        #expect(results[0].value.isFinite && results[0].totalCost <= 10)
        setup.componentCount = 3
        setup.ridge = 1e-6
        #expect(try Selection.solve(try setup.build(panel: panel), budgets: [10], options: SelectionOptions()).first?.value.isFinite == true)
    }

    /// Benchmarks constant across models: no component has variance, every score is 0 and the law
    /// reduces to a constant (the training mean, for least squares).
    @Test func constantBenchmarks() throws {
        var panel = Self.panel(noise: 0, targets: ["y": { 0.2 + 0.1 * $0 }])
        for name in panel.benchmarkNames { panel = Self.replacing(panel, column: name, with: 0.5) }
        let fit = try ScalingLaw().fit(panel: panel, target: "y", split: Self.split)
        #expect(fit.law.pca.degenerateComponents == [0, 1, 2])
        let trainMean = Self.split.train.map { fit.predictions[$0].observed ?? .nan }.reduce(0, +) / 32
        #expect(fit.predictions.allSatisfy { abs($0.predicted - trainMean) < 1e-6 })
    }

    static func replacing(_ panel: Panel, column: String, with value: Double) -> Panel {
        var columns: [String: [Double]] = [:]
        for name in panel.numericColumnNames { columns[name] = (try? panel.values(of: name)) ?? [] }
        columns[column] = Array(repeating: value, count: panel.count)
        return Panel(
            models: panel.models, columns: columns, benchmarkNames: panel.benchmarkNames, metricNames: panel.metricNames,
            sources: ["test"])
    }

    /// Costs from 1e-9 to 1e9 in one pool: budgets are respected and the optimum is certified at
    /// every scale (the relaxation's tolerance scales with the costs).
    @Test func extremeCosts() throws {
        var random = Xoshiro256StarStar(seed: 8)
        let costs = (0..<40).map { _ in pow(10, 18 * random.nextUniform() - 9) }
        let panel = Self.panel(noise: 0.01, targets: ["y": { $0 }], costs: costs)
        var setup = SelectionSetup()
        setup.unit = .model
        setup.cost = CostKind(parsing: "cost")
        let problem = try setup.build(panel: panel)
        let total = costs.reduce(0, +)
        var options = SelectionOptions(timeLimitSeconds: 5)
        options.gapTolerance = 1e-4
        let results = try Selection.solve(problem, budgets: [1e-6, 1, 1e6, total], options: options)
        for result in results {
            #expect(result.totalCost <= result.budget * (1 + 1e-12))
            #expect(result.value.isFinite && (result.gap ?? 1) <= 1e-3, "budget \(result.budget): gap \(String(describing: result.gap))")
        }
        #expect(results[3].models.count == 40)
    }

    /// A budget exactly equal to the cost of a feasible subset admits it (no rounding loss):
    /// with family units of 5 models each, budget 10 is met by exactly two families.
    @Test func budgetExactlyEqualToAFeasibleCost() throws {
        let panel = Self.panel(noise: 0.01, targets: ["y": { $0 }])
        let problem = try SelectionSetup().build(panel: panel)
        for method in [SelectionMethod.exhaustive, .greedy, .exchange, .bnb] {
            let result = try Selection.solve(problem, budgets: [10], options: SelectionOptions(method: method, timeLimitSeconds: 2))[0]
            #expect(result.totalCost == 10 && result.units.count == 2, "\(method)")
        }
        // Fractional costs summing to the budget in floating point.
        var setup = SelectionSetup()
        setup.unit = .model
        setup.cost = .params
        let modelProblem = try setup.build(panel: panel)
        let exact = modelProblem.units.prefix(6).reduce(0.0) { $0 + $1.cost }
        let result = try Selection.solve(modelProblem, budgets: [exact], options: SelectionOptions(method: .bnb, timeLimitSeconds: 2))[0]
        #expect(result.totalCost <= exact * (1 + 1e-12) && result.value.isFinite)
        // The first six models themselves are feasible at that budget.
        #expect(modelProblem.isFeasible(Array(0..<6), budget: exact))
    }
}

/// A wide panel (more benchmark columns than `PCAImputer.smallPanelColumns`) is imputed by power
/// iteration on the rows, without the n × n scatter matrix; it reaches the same fixed point as the
/// scatter-matrix path.
struct WidePanelImputationTests {
    @Test func bothPathsReachTheSameFixedPoint() throws {
        var random = Xoshiro256StarStar(seed: 11)
        let rows = 30, columns = 60
        var storage: [Double] = []
        for _ in 0..<rows {
            let ability = random.nextUniform() * 2 - 1, second = random.nextUniform() * 2 - 1
            for j in 0..<columns {
                let loading: Double = 0.5 + 0.5 * Double(j % 7) / 7
                let other: Double = Double(j % 3) - 1
                let linear: Double = ability * loading + 0.3 * second * other
                let value: Double = 1 / (1 + exp(-linear)) + 0.02 * (random.nextUniform() - 0.5)
                storage.append(random.nextUniform() < 0.1 ? .nan : value)
            }
        }
        let matrix = Matrix(rowCount: rows, columnCount: columns, storage: storage)
        let scatter = try PCAImputer().fit(matrix, columnNames: nil, scatterColumnLimit: columns)
        let wide = try PCAImputer().fit(matrix, columnNames: nil, scatterColumnLimit: 0)
        #expect(scatter.converged && wide.converged)
        #expect(maxRelativeDifference(wide.imputed.storage, scatter.imputed.storage, floor: 1) < 1e-8)
    }
}
