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
            name: name, pool: 0, testModels: ["t"], allModels: score(all),
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
        let pool = ValidationReport.Pool(
            models: ["m"], withoutTarget: 0, cost: 100, budgets: [10], selections: [selection], cheapest: cheapest, randomSubsets: [[]],
            randomCosts: [9.5], discardedRandomDraws: [0], randomFailures: [nil])
        let entries = ValidationReport.summarize(
            targets: targets, budgetLabels: ["10"], selectors: ["auto:model"], cheapest: "cheapest:model", randomBaseline: "random:model",
            pools: [pool], grouping: .prefix)
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
        #expect(report.pools.count == 1)
        let pool = try #require(report.pools.first)
        #expect(abs(pool.cost - poolCost) < 1e-9 * poolCost)
        #expect(pool.budgets.map { $0 / poolCost }.map { ($0 * 100).rounded() } == [20, 40])
        #expect(report.randomBaseline == "random:model" && report.budgetLabels == ["20%", "40%"])
        for (b, budget) in pool.budgets.enumerated() {
            for subset in pool.randomSubsets[b] {
                #expect(subset.reduce(0.0) { $0 + (sizes[$1] ?? .nan) } <= budget * (1 + 1e-12))
                #expect(subset.count >= ScalingLaw.recommended.parameterCount, "a random subset that cannot be fitted")
            }
            #expect(pool.randomCosts[b] <= budget * (1 + 1e-12))
            #expect((pool.cheapest.results[b]?.totalCost ?? .infinity) <= budget * (1 + 1e-12))
            #expect((pool.selections[0].results[b]?.totalCost ?? .infinity) <= budget * (1 + 1e-12))
            for entry in report.summary where entry.budget == report.budgetLabels[b] {
                #expect(entry.cost <= budget * (1 + 1e-12), "\(entry.selector)")
            }
        }
        // A zero threshold keeps the flat target.
        var keep = try Self.validation(cutoff: cutoff, targets: [constant])
        keep.minTestStandardDeviation = 0
        #expect(try keep.run(panel: panel, threadCount: 2).droppedTargets.isEmpty)
    }

    /// Only models with an observed target can be evaluated: each target's pool is the pool models
    /// that have it (targets observed on the same models share one), a budget percentage is of that
    /// pool's cost, no selector or baseline buys a model without the target, and a target whose
    /// pool is too small to fit the law is reported, not silently dropped.
    @Test func eachTargetHasThePoolOfModelsWithIt() throws {
        let (panel, cutoff, _) = try Self.world()
        var columns: [String: [Double]] = [:]
        for name in panel.numericColumnNames { columns[name] = try panel.values(of: name) }
        let poolRows = panel.models.indices.filter { (panel.models[$0].flops ?? .infinity) <= cutoff }
        let blanked = Set(poolRows.enumerated().filter { $0.offset % 2 == 0 }.map(\.element))
        for name in ["task_smooth,accuracy", "task_emergent,accuracy"] {
            columns[name] = columns[name]?.enumerated().map { blanked.contains($0.offset) ? .nan : $0.element }
        }
        let sparse = "sparse_task_acc"
        columns[sparse] = panel.models.indices.map { row in
            (poolRows.prefix(3).contains(row) || !poolRows.contains(row)) ? 0.2 + 0.5 * Double(row % 5) / 5 : .nan
        }
        let halved = Panel(
            models: panel.models, columns: columns, benchmarkNames: panel.benchmarkNames, metricNames: panel.metricNames + [sparse])
        let targets = ["task_smooth,accuracy", "task_emergent,accuracy", sparse]
        let report = try Self.validation(cutoff: cutoff, targets: targets).run(panel: halved, threadCount: 2)
        #expect(report.targets.map(\.name) == ["task_smooth,accuracy", "task_emergent,accuracy"])
        #expect(report.targets.map(\.pool) == [0, 0], "targets observed on the same models share their pool")
        let pool = report.pools[0]
        let withTarget = Set(poolRows.filter { !blanked.contains($0) }.map { panel.modelNames[$0] })
        #expect(Set(pool.models) == withTarget && pool.withoutTarget == blanked.count)
        let poolCost = panel.models.filter { withTarget.contains($0.name) }.reduce(0.0) { $0 + ($1.parametersB ?? 0) }
        #expect(abs(pool.cost - poolCost) < 1e-9 * poolCost)
        #expect(zip(pool.budgets, [0.2, 0.4]).allSatisfy { abs($0 - $1 * poolCost) < 1e-9 * poolCost })
        let bought =
            pool.selections.flatMap { $0.results.compactMap { $0?.models } } + pool.randomSubsets.flatMap { $0 }
            + pool.cheapest.results.compactMap { $0?.models }
        #expect(!bought.isEmpty && bought.allSatisfy { Set($0).isSubset(of: withTarget) })
        for target in report.targets {
            for budget in target.budgets {
                #expect(budget.selectors[0].failure == nil, "\(target.name): \(budget.selectors[0].failure ?? "")")
                let random = try #require(budget.random)
                #expect(random.failure == nil && random.failures == 0 && random.count == 3, "every random draw is fitted")
            }
        }
        #expect(pool.discardedRandomDraws.count == 2)
        let dropped = try #require(report.droppedTargets.first { $0.name == sparse })
        #expect(dropped.reason.contains("its selection pool (3 models with the target)"), "\(dropped.reason)")
    }

    /// A cut by size (`--cutoff-size B`): the test models are exactly the models above B with the
    /// target, the pool the models at or below it; a rule that does not cut along scale is refused.
    @Test func aSizeCutTestsExactlyTheLargerModels() throws {
        let (panel, _, _) = try Self.world()
        let sizes = panel.models.compactMap(\.parametersB).sorted()
        let cut = sizes[sizes.count / 2]
        var validation = try Self.validation(cutoff: .nan, targets: ["task_smooth,accuracy", "task_emergent,accuracy"])
        validation.split = .sizeCutoff(cut)
        let report = try validation.run(panel: panel, threadCount: 2)
        let above = Set(panel.models.filter { ($0.parametersB ?? .infinity) > cut }.map(\.name))
        let below = Set(panel.models.filter { ($0.parametersB ?? .infinity) <= cut }.map(\.name))
        #expect(!above.isEmpty && !below.isEmpty && report.targets.count == 2)
        for target in report.targets { #expect(Set(target.testModels) == above, "\(target.name)") }
        #expect(report.pools.count == 1 && Set(report.pools[0].models) == below)
        #expect(report.settings.splitRule.cutDescription == "\(String(format: "%g", cut))B parameters")
        // V-optimality for the models to predict weighs the test models under any cut.
        validation.selection.targets = .aboveCutoff
        validation.selection.criterion = .v
        #expect(try validation.run(panel: panel, threadCount: 2).targets.count == 2)
        for rule in [SplitRule.top(column: "task_smooth,accuracy", limit: 0.2), .holdout([panel.modelNames[0]]), .none] {
            validation.split = rule
            #expect(throws: EvaluationError.self, "\(rule)") { try validation.run(panel: panel, threadCount: 2) }
        }
        validation.split = .sizeCutoff(sizes.last ?? 0)
        #expect(throws: EvaluationError.self, "a cut above every model leaves no test model") { try validation.run(panel: panel, threadCount: 2) }
    }

    /// A budget too small for any fittable random subset says so instead of dropping the baseline.
    @Test func aBudgetThatCannotBuyAFittableRandomSubsetIsReported() throws {
        let (panel, cutoff, _) = try Self.world()
        var validation = try Self.validation(cutoff: cutoff, targets: ["task_smooth,accuracy"])
        validation.budgets = try BudgetSpec(parsing: "3%")
        let report = try validation.run(panel: panel, threadCount: 2)
        let failure = report.pools.first?.randomFailures.first ?? nil
        #expect(failure?.contains("random draws is valid") == true, "\(failure ?? "no failure")")
        let text = report.targets.first?.budgets.first?.random?.failure ?? ""
        #expect(text.contains("random draws is valid"), "\(text)")
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
        var averaged = try Self.validation(cutoff: cutoff, targets: targets)
        averaged.law.averagesComponents = true
        averaged.selection.anchor = .computeExtremes
        // The defaults with models to predict: V for the test models (their benchmarks, never their
        // targets), the anchor, and the members weighed by cross-validation — or by stacking.
        var recommended = try Self.validation(cutoff: cutoff, targets: targets)
        let design = SelectionSetup.recommended(predicting: true)
        recommended.selection.criterion = design.criterion
        recommended.selection.intercept = design.intercept
        recommended.selection.targets = design.targets
        recommended.selection.anchor = design.anchor
        recommended.law.averagesComponents = true
        recommended.law.averageWeights = .crossValidated
        var stacked = recommended
        stacked.law.averageWeights = .stacking
        for validation in [try Self.validation(cutoff: cutoff, targets: targets), averaged, recommended, stacked] {
            try Self.sameChoices(validation, panel, changed)
        }
    }

    static func sameChoices(_ validation: Validation, _ panel: Panel, _ changed: Panel) throws {
        let original = try validation.run(panel: panel, threadCount: 2)
        let modified = try validation.run(panel: changed, threadCount: 2)
        // The subsets (not the seconds the searches took).
        #expect(original.pools.count == modified.pools.count)
        for (a, b) in zip(original.pools, modified.pools) {
            #expect(a.selections.map { $0.results.map { $0?.models } } == b.selections.map { $0.results.map { $0?.models } })
            #expect(a.randomSubsets == b.randomSubsets)
            #expect(a.cheapest.results.map { $0?.models } == b.cheapest.results.map { $0?.models })
        }
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

    /// With the averaged law (the default), the advice also validates the law of the widest K
    /// alone: the same validation with `averagesComponents` off gives each budget's median, and
    /// the verdict lists exactly the budgets where it is ≥ 5% lower. Without an averaged law, or
    /// when asked not to, nothing is compared.
    @Test func adviceComparesTheWidestLawWithTheAverage() throws {
        let (panel, cutoff, _) = try Self.world()
        var setup = SelectionSetup.recommended
        setup.cutoffFlops = cutoff
        var advice = SelectionAdvice(setup: setup, method: .greedy)
        advice.intervals = nil
        #expect(advice.law.isAveraged)
        let result = try advice.run(panel: panel, budgets: [8, 12], threadCount: 2)
        let alternative = try #require(result.alternative)
        #expect(alternative.componentCount == advice.law.pca.componentCount && alternative.margin == 0.05)
        var widest = advice
        widest.law.averagesComponents = nil
        let plain = try widest.run(panel: panel, budgets: [8, 12], threadCount: 2)
        #expect(plain.alternative == nil)
        for (index, entry) in result.entries.enumerated() {
            let other = try #require(entry.alternativeMedianRatio)
            #expect(other == plain.entries[index].medianRatio)
            #expect(alternative.favouredAt.contains(index) == (other < 0.95 * entry.medianRatio))
        }
        advice.comparesAlternative = false
        #expect(try advice.run(panel: panel, budgets: [8], threadCount: 2).alternative == nil)
    }
}
