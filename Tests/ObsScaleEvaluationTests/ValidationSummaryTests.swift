import Foundation
import ObsScale
import Testing
import _TestSupport

@testable import ObsScaleEvaluation

/// `validate`'s answer to "how close to evaluating everything, at this cost?": the summary's
/// arithmetic by hand, degenerate targets dropped, baselines at the same cost, no test value in any
/// choice, and `select --advise`.
struct ValidationSummaryTests {
    static func score(_ mse: Double) -> ValidationReport.Score {
        var score = ValidationReport.Score()
        score.testMSE = mse
        return score
    }

    static func target(_ name: String, all: Double, mine: ValidationReport.Score, random: [Double]) -> ValidationReport.Target {
        ValidationReport.Target(
            name: name, testModels: ["t"], allModels: score(all),
            budgets: [
                ValidationReport.Budget(
                    budget: 10, selectors: [mine], random: ValidationReport.RandomSummary(random.map(score)), cheapest: score(2 * all))
            ])
    }

    @Test func summaryRatiosByHand() {
        var failed = ValidationReport.Score()
        failed.failure = "singular"
        let targets = [
            Self.target("a_x", all: 1, mine: Self.score(1.5), random: [2, 4]),  // ratio 1.5, to random 0.5
            Self.target("a_y", all: 2, mine: Self.score(2), random: [1]),  // ratio 1, to random 2
            Self.target("b_z", all: 4, mine: Self.score(12), random: [6]),  // ratio 3, to random 2
            Self.target("b_w", all: 1, mine: failed, random: [1]),  // a failure
        ]
        let selection = ValidationReport.Selection(selector: "auto:model", results: [nil], failures: ["x"])
        let cheapest = ValidationReport.Selection(selector: "cheapest:model", results: [nil], failures: [nil])
        let entries = ValidationReport.summarize(
            targets: targets, budgets: [10], selections: [selection], cheapest: cheapest, randomBaseline: "random:model",
            randomCosts: [9.5], grouping: .prefix)
        let mine = entries.first { $0.selector == "auto:model" && $0.group == nil }
        #expect(mine?.targets == 3 && mine?.failures == 1)
        #expect(mine?.medianRatio == 1.5)
        #expect(abs((mine?.geometricMeanRatio ?? 0) - pow(4.5, 1.0 / 3)) < 1e-12)
        // numpy's linear quantile: position 0.9·(3 − 1) = 1.8 between 1.5 and 3.
        #expect(abs((mine?.p90Ratio ?? 0) - 2.7) < 1e-12)
        #expect(abs((mine?.shareWithin1_2 ?? 0) - 1.0 / 3) < 1e-12)
        #expect(mine?.medianRatioToRandom == 2)
        #expect(abs((mine?.shareBeatingRandom ?? 0) - 1.0 / 3) < 1e-12)
        // The random baseline: the mean of its draws (3, 1, 6, 1) over all-models (1, 2, 4, 1).
        let random = entries.first { $0.selector == "random:model" && $0.group == nil }
        #expect(random?.targets == 4 && random?.cost == 9.5)
        #expect(random?.medianRatio == 1.25)
        let cheap = entries.first { $0.selector == "cheapest:model" && $0.group == nil }
        #expect(cheap?.medianRatio == 2 && cheap?.targets == 4)
        // Per group: a (ratios 1.5, 1) and b (3, one failure).
        let a = entries.first { $0.selector == "auto:model" && $0.group == "a" }
        let b = entries.first { $0.selector == "auto:model" && $0.group == "b" }
        #expect(a?.targets == 2 && a?.medianRatio == 1.25 && a?.failures == 0)
        #expect(b?.targets == 1 && b?.medianRatio == 3 && b?.failures == 1)
        #expect(entries.count == 3 * 3)  // (all, a, b) × (selector, random, cheapest)
    }

    /// A simulated world with public metrics, a target constant on the test models, and model sizes.
    static func world() throws -> (panel: Panel, cutoff: Double, constant: String) {
        var settings = SimulationSettings()
        settings.familyCount = 10
        settings.modelsPerFamily = 4
        settings.publicMetricCount = 6
        settings.seed = 5
        let world = try SyntheticWorld.generate(settings)
        let flops = world.panel.models.compactMap(\.flops).sorted()
        let cutoff = flops[flops.count / 2]
        var columns: [String: [Double]] = [:]
        for name in world.panel.numericColumnNames { columns[name] = try world.panel.values(of: name) }
        let constant = "flat_task_acc"
        columns[constant] = world.panel.models.map { ($0.flops ?? 0) <= cutoff ? 0.1 + 0.001 * Double($0.name.count % 7) : 0.25 }
        let panel = Panel(
            models: world.panel.models, columns: columns, benchmarkNames: world.panel.benchmarkNames,
            metricNames: world.panel.metricNames + [constant])
        return (panel, cutoff, constant)
    }

    static func validation(cutoff: Double, targets: [String]) throws -> Validation {
        var validation = Validation(targets: targets, budgets: try BudgetSpec(parsing: "20%,40%"), cutoffFlops: cutoff)
        validation.selection = .recommended
        validation.selection.cost = .params
        validation.selectors = [ValidationSelector(method: .auto, unit: .model)]
        validation.law = .recommended
        validation.randomCount = 3
        return validation
    }

    @Test func degenerateTargetsAreDroppedAndBaselinesSpendTheSameBudget() throws {
        let (panel, cutoff, constant) = try Self.world()
        let report = try Self.validation(cutoff: cutoff, targets: ["task_smooth,accuracy", constant]).run(panel: panel, threadCount: 2)
        #expect(report.targets.map(\.name) == ["task_smooth,accuracy"])
        #expect(report.droppedTargets.map(\.name) == [constant])
        #expect(report.droppedTargets.first?.reason.contains("test values vary too little") == true)
        let sizes = Dictionary(uniqueKeysWithValues: panel.models.map { ($0.name, $0.parametersB ?? .nan) })
        let poolCost = panel.models.filter { ($0.flops ?? .infinity) <= cutoff }.reduce(0.0) { $0 + ($1.parametersB ?? 0) }
        #expect(abs(report.poolCost - poolCost) < 1e-9 * poolCost)
        #expect(report.budgets.map { $0 / poolCost }.map { ($0 * 100).rounded() } == [20, 40])
        #expect(report.randomBaseline == "random:model")
        for (b, budget) in report.budgets.enumerated() {
            for subset in report.randomSubsets[b] {
                #expect(subset.reduce(0.0) { $0 + (sizes[$1] ?? .nan) } <= budget * (1 + 1e-12))
            }
            #expect(report.randomCosts[b] <= budget * (1 + 1e-12))
            #expect((report.cheapest.results[b]?.totalCost ?? .infinity) <= budget * (1 + 1e-12))
            #expect((report.selections[0].results[b]?.totalCost ?? .infinity) <= budget * (1 + 1e-12))
            for entry in report.summary where entry.budget == budget { #expect(entry.cost <= budget * (1 + 1e-12), "\(entry.selector)") }
        }
        // A zero threshold keeps the flat target.
        var keep = try Self.validation(cutoff: cutoff, targets: [constant])
        keep.minTestStandardDeviation = 0
        #expect(try keep.run(panel: panel, threadCount: 2).droppedTargets.isEmpty)
    }

    /// Changing every test model's target values changes neither the subsets, nor the K and λ
    /// each subset's fit chose.
    @Test func noTestValueReachesASelectionOrAChoice() throws {
        let (panel, cutoff, _) = try Self.world()
        let targets = ["task_smooth,accuracy", "task_emergent,accuracy", "task_unlike,accuracy"]
        var columns: [String: [Double]] = [:]
        for name in panel.numericColumnNames { columns[name] = try panel.values(of: name) }
        for name in targets {
            guard var values = columns[name] else { continue }
            for (row, model) in panel.models.enumerated() where (model.flops ?? .infinity) > cutoff { values[row] = 1 - values[row] }
            columns[name] = values
        }
        let changed = Panel(models: panel.models, columns: columns, benchmarkNames: panel.benchmarkNames, metricNames: panel.metricNames)
        let validation = try Self.validation(cutoff: cutoff, targets: targets)
        let original = try validation.run(panel: panel, threadCount: 2)
        let modified = try validation.run(panel: changed, threadCount: 2)
        // The subsets (not the seconds the searches took).
        #expect(original.selections.map { $0.results.map { $0?.models } } == modified.selections.map { $0.results.map { $0?.models } })
        #expect(original.randomSubsets == modified.randomSubsets)
        #expect(original.cheapest.results.map { $0?.models } == modified.cheapest.results.map { $0?.models })
        #expect(original.targets.count == 3 && modified.targets.count == 3)
        for (a, b) in zip(original.targets, modified.targets) {
            for (x, y) in zip(a.budgets, b.budgets) {
                #expect(x.selectors.map(\.componentCount) == y.selectors.map(\.componentCount))
                #expect(x.selectors.map(\.priorStrength) == y.selectors.map(\.priorStrength))
                #expect(x.selectors.map(\.trainCount) == y.selectors.map(\.trainCount))
                #expect(x.selectors.map(\.testMSE) != y.selectors.map(\.testMSE))
            }
        }
    }

    @Test func adviceHoldsOutAQuarterOfAPoolWithoutACutoff() throws {
        let (panel, _, _) = try Self.world()
        var setup = SelectionSetup.recommended
        setup.cost = .params
        let poolSize = panel.count
        let keep = panel.models[0].name
        setup.include = [keep]
        var advice = SelectionAdvice(setup: setup, method: .greedy)
        advice.seed = 9
        let budgets = [0.2, 0.4].map { $0 * panel.models.reduce(0.0) { $0 + ($1.parametersB ?? 0) } }
        let result = try advice.run(panel: panel, budgets: budgets, threadCount: 1)
        #expect(result.testModels.count == Int((0.25 * Double(poolSize)).rounded()))
        #expect(!result.testModels.contains(keep))
        #expect(result.testSet.contains("a random 25% of the pool"))
        #expect(result.entries.count == 2)
        for entry in result.entries {
            #expect(entry.validatedBudget < entry.budget && entry.targets >= 1)
            #expect(entry.medianRatio > 0 && entry.p90Ratio >= entry.medianRatio)
        }
        // The same answer with two threads, and a different draw with another seed.
        #expect(try advice.run(panel: panel, budgets: budgets, threadCount: 2) == result)
        advice.seed = 10
        #expect(try advice.run(panel: panel, budgets: budgets, threadCount: 2).testModels != result.testModels)
    }

    @Test func adviceUsesTheCutoffWhenThereIsOne() throws {
        let (panel, cutoff, _) = try Self.world()
        var setup = SelectionSetup.recommended
        setup.cutoffFlops = cutoff
        let result = try SelectionAdvice(setup: setup, method: .greedy).run(panel: panel, budgets: [8, 12], threadCount: 2)
        let above = panel.models.filter { ($0.flops ?? .infinity) > cutoff }.map(\.name)
        #expect(result.testModels == above)
        #expect(result.testSet.hasPrefix("the \(above.count) models above the cutoff"))
        #expect(result.entries.map(\.validatedBudget) == [8, 12])
        // A panel without public metrics has nothing to validate on.
        let bare = Panel(
            models: panel.models, columns: try Dictionary(uniqueKeysWithValues: panel.benchmarkNames.map { ($0, try panel.values(of: $0)) }),
            benchmarkNames: panel.benchmarkNames)
        #expect(throws: EvaluationError.self) { try SelectionAdvice(setup: setup, method: .greedy).run(panel: bare, budgets: [8]) }
    }
}
