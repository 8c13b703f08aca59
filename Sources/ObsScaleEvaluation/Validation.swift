import Foundation
import ObsScaleData
import ObsScaleFit
import ObsScaleNumerics
import ObsScaleSelect

/// How close does a subset's fit come to evaluating every model, at a given cost? The paper's
/// Section 5 evaluation of a selection, for several budgets, selectors and target metrics at once.
///
/// Split the panel at `cutoffFlops`. The selection pool of a target is the models at or below the
/// cutoff that pass `selection`'s filters *and have the target*: in a validation only a model with
/// an observed result can be "evaluated", so a selector never buys a model whose result does not
/// exist, and a budget given as a percentage is that share of this pool's cost. Targets observed
/// on the same models share one pool (`ValidationReport.Pool`); its subsets are chosen once per
/// selector and budget (selection never looks at a target's values). With `fittableSubsets` (the
/// default) every subset must hold at least as many models as the law has parameters
/// (`ScalingLaw.parameterCount`): a subset that cannot be fitted is no answer. Baselines spend the
/// same budget: with `cost == .count` and family units the paper's draw of random family
/// combinations (`PaperRandomBaseline`), otherwise `randomCount` random subsets of the baseline
/// unit (the first selector's) that fit the budget and can be fitted (`RandomSelector` redraws
/// the others and the pool counts them, so the baseline does not drop out where a small budget
/// makes it matter most); and the cheapest units first.
///
/// Then, for every target: fit the scaling law `law` on each subset, predict the test models —
/// those above the cutoff with the target — and score the test MSE; the same for the all-models
/// fit (every pool model with the target). A target whose test values vary by less than
/// `minTestStandardDeviation`, which the all-models fit predicts within an MSE of 1e-8, or whose
/// pool is too small to fit the law is dropped and listed. The report summarises each selector and
/// baseline per budget by the ratio of its test MSE to the all-models fit's
/// (`ValidationReport.summary`), and keeps the paper's geometric means.
///
/// A public prior (`law.prior`) is built from the public metrics on the whole pool — never from a
/// test model, nor from the target. With `truth` (simulated worlds), every fit is also scored
/// against the noise-free values of the test models. Fits that fail are recorded with their reason
/// and left out of the means. Targets are scored in parallel; the result does not depend on the
/// thread count.
public struct Validation: Codable, Equatable, Sendable {
    public var targets: [String]
    public var budgets: BudgetSpec
    /// Pool = models with FLOPs ≤ this (×1E21), test = the models above (and unknown FLOPs); not
    /// used when `split` or `heldOutModels` is given.
    public var cutoffFlops: Double
    /// Another cut instead of `cutoffFlops`: `.sizeCutoff(B)` for panels without compute (pool =
    /// models of at most B billion parameters, test = the larger ones and unknown sizes), or
    /// `.dateCutoff(day)` (pool = models released up to the day, test = the later ones and unknown
    /// dates: forecasting the next period's models). Only cuts along scale or time are allowed
    /// (`isValidationCut`); nil: the FLOPs cutoff.
    public var split: SplitRule?
    /// Pool and criterion of the selection; its `cutoffFlops` is set to `cutoffFlops`.
    public var selection = SelectionSetup()
    public var selectors: [ValidationSelector] = [ValidationSelector(method: .exhaustive)]
    /// Random subsets per budget (0: no random baseline).
    public var randomCount = 5
    /// The scaling law fitted on each subset.
    public var law = ScalingLaw()
    public var seed: UInt64 = 0
    public var timeLimitSeconds = 10.0
    /// `auto` stops once the certified gap is at most this (`SelectionOptions.gapTolerance`).
    public var gapTolerance = SelectionOptions.defaultGapTolerance
    /// Targets whose test values have a smaller standard deviation are dropped (degenerate).
    public var minTestStandardDeviation = 0.01
    /// Summaries per group of targets as well (`TargetGrouping`).
    public var grouping: TargetGrouping = .none
    /// Score intervals to measure on the test models (nil: none) — for the all-models fit and every
    /// selector's and the cheapest-first subset's fit (not the random draws').
    public var intervals: IntervalMeasurement?
    /// Every selector and random subset holds at least `law.parameterCount` models (false: the
    /// selection's own constraints only, as the paper's brute force, which may choose subsets
    /// that cannot be fitted).
    public var fittableSubsets = true
    /// Test models named instead of split at `cutoffFlops` (which is then not used): the pool is
    /// every other model that passes the selection's filters. `SelectionAdvice` holds out a random
    /// share of a pool that has no cutoff this way.
    public var heldOutModels: [String]?

    public init(targets: [String], budgets: [Double], cutoffFlops: Double) {
        self.init(targets: targets, budgets: BudgetSpec(amounts: budgets), cutoffFlops: cutoffFlops)
    }

    public init(targets: [String], budgets: BudgetSpec, cutoffFlops: Double) {
        self.targets = targets
        self.budgets = budgets
        self.cutoffFlops = cutoffFlops
    }

    /// The rule that divides the panel into the training side (the pool) and the test models.
    public var splitRule: SplitRule { split ?? .flopsCutoff(cutoffFlops) }

    /// The all-models fit predicting the test models this well leaves no room for a ratio.
    public static let degenerateAllModelsMSE = 1e-8

    /// Runs the evaluation on a panel.
    ///
    /// - Parameters:
    ///   - panel: the panel (with the targets joined).
    ///   - truth: noise-free target values per target name, in panel order (simulated worlds).
    ///   - threadCount: workers for the selection searches and the targets; results do not depend on it.
    ///   - progress: told as targets are scored (after the selections).
    public func run(
        panel: Panel, truth: [String: [Double]] = [:],
        threadCount: Int = ProcessInfo.processInfo.activeProcessorCount,
        progress: ProgressHandler? = nil
    ) throws -> ValidationReport {
        guard !targets.isEmpty else { throw EvaluationError.invalidSetting(.validationTargets, value: "none", allowed: "at least one target column") }
        if let split, !split.isValidationCut {
            throw EvaluationError.invalidSetting(
                .validationSplit, value: "\(split)", allowed: "a cut by size (sizeCutoff) or release date (dateCutoff), or nil for the FLOPs cutoff")
        }
        guard heldOutModels != nil || split != nil || (cutoffFlops > 0 && cutoffFlops.isFinite) else {
            throw EvaluationError.invalidSetting(.validationCutoffFlops, value: "\(cutoffFlops)", allowed: "a finite number > 0 (×1E21)")
        }
        guard randomCount >= 0 else { throw EvaluationError.invalidSetting(.validationRandomCount, value: "\(randomCount)", allowed: "≥ 0") }
        guard minTestStandardDeviation >= 0, minTestStandardDeviation.isFinite else {
            throw EvaluationError.invalidSetting(
                .validationMinTestStandardDeviation, value: "\(minTestStandardDeviation)", allowed: "a finite number ≥ 0")
        }
        guard threadCount >= 1 else { throw EvaluationError.invalidSetting(.validationThreadCount, value: "\(threadCount)", allowed: "≥ 1") }
        try intervals?.check()
        let targetValues = try targets.map { try panel.values(of: $0) }
        let index = Dictionary(panel.modelNames.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        var setup = selection
        if fittableSubsets { setup.minModels = max(setup.minModels ?? 0, law.parameterCount) }
        let split: Split
        if let heldOutModels {
            let heldOutRows = try Set(
                heldOutModels.map { name in
                    guard let row = index[name] else {
                        throw EvaluationError.invalidSetting(.validationHeldOutModels, value: name, allowed: "models of the panel")
                    }
                    return row
                })
            guard !heldOutRows.isEmpty else {
                throw EvaluationError.invalidSetting(.validationHeldOutModels, value: "none", allowed: "at least one model, or nil")
            }
            setup.heldOut = heldOutModels
            if setup.targets == .aboveCutoff { setup.targets = .models(heldOutModels) }
            split = Split(train: (0..<panel.count).filter { !heldOutRows.contains($0) }, test: heldOutRows.sorted())
        } else if let rule = self.split {
            // The pool is the training side: every test model is held out of it, and a criterion
            // for the models to predict (`TargetSet.aboveCutoff`) weighs exactly the test models.
            split = try Split(panel: panel, rule: rule)
            let testModels = split.test.map { panel.modelNames[$0] }
            guard !testModels.isEmpty else {
                throw EvaluationError.invalidSetting(
                    .validationSplit, value: rule.cutDescription ?? "\(rule)", allowed: "a cut with at least one model past it to test on")
            }
            setup.heldOut += testModels
            if setup.targets == .aboveCutoff { setup.targets = .models(testModels) }
        } else {
            setup.cutoffFlops = cutoffFlops
            split = try Split(panel: panel, rule: .flopsCutoff(cutoffFlops))
        }
        for budget in budgets.resolved(totalCost: 1) where !(budget > 0 && budget.isFinite) {
            throw SelectionError.invalidSetting(.selectionBudgets, value: "\(budget)", allowed: "finite numbers > 0")
        }

        // One pool per pattern of missing targets among the pool models; subsets chosen once per pool.
        let fullPool = try setup.pool(of: panel)
        var poolOfMissing: [[Int]: Int] = [:]
        var pools: [ValidationReport.Pool] = []
        var targetPool: [Int] = []
        for values in targetValues {
            let missing = fullPool.indices.filter { values[$0].isNaN }
            if let known = poolOfMissing[missing] {
                targetPool.append(known)
                continue
            }
            poolOfMissing[missing] = pools.count
            targetPool.append(pools.count)
            var poolSetup = setup
            poolSetup.heldOut += missing.map { panel.modelNames[$0] }
            pools.append(selectPool(poolSetup, panel: panel, withoutTarget: missing.count, threadCount: threadCount))
        }

        // Targets, in parallel: each fits its own laws; public priors share one cache of the public
        // metrics' fits per capability space.
        let cache = PublicFitsCache()
        let calibrationCache = CalibrationCache(publicFits: cache)
        let law = self.law, minimumSD = minTestStandardDeviation, randomCount = self.randomCount, intervals = self.intervals
        let seed = self.seed
        let chosenPools = pools, poolIndices = targetPool
        let scored = Parallel.replicates(count: targets.count, threadCount: threadCount, progress: progress) { t -> TargetOutcome in
            let target = targets[t], values = targetValues[t]
            let pool = chosenPools[poolIndices[t]]
            if let failure = pool.failure {
                return .dropped(.init(name: target, reason: "its selection pool (\(pool.models.count) models with the target): \(failure)"))
            }
            let test = split.test.filter { !values[$0].isNaN }
            let testSD = Statistics.sampleStandardDeviation(test.map { values[$0] })
            guard testSD.isNaN || testSD >= minimumSD else {
                return .dropped(
                    .init(name: target, reason: "test values vary too little (standard deviation \(compact(testSD)) < \(compact(minimumSD)))"))
            }
            let trainAll = split.train.filter { !values[$0].isNaN }
            let targetTruth = truth[target]
            func score(_ trainRows: [Int], reference: [Double]?, measureIntervals: Bool = false) -> ValidationReport.Score {
                do {
                    let fitSplit = Split(train: trainRows, test: test)
                    let fit = try law.fit(panel: panel, target: target, split: fitSplit, poolRows: split.train, cache: cache)
                    let predicted = test.map { fit.predictions[$0].predicted }
                    // Seeded by the validation's seed and the target, so every fit of a target
                    // draws the same replicate streams.
                    let intervalScore =
                        try measureIntervals
                        ? intervals.map {
                            try $0.score(fit, panel: panel, split: fitSplit, seed: SplitMix64.mix(seed ^ UInt64(t)), cache: calibrationCache)
                        }
                        : nil
                    return ValidationReport.Score(
                        trainCount: fit.trainMetrics.count, testMSE: fit.testMetrics.mse,
                        agreementMSE: reference.map { Statistics.meanSquaredDifference(predicted, $0) },
                        truthMSE: targetTruth.map { truthValues in
                            Statistics.meanSquaredDifference(predicted, test.map { normalized(truthValues[$0]) })
                        },
                        testPredictions: predicted, failure: nil, componentCount: fit.law.pca.settings.componentCount,
                        priorStrength: fit.law.choice?.strength, intervals: intervalScore)
                } catch {
                    return ValidationReport.Score(failure: "\(error)")
                }
            }
            func normalized(_ value: Double) -> Double {
                guard let range = law.targetRange else { return value }
                return (value - range.lowerBound) / (range.upperBound - range.lowerBound)
            }
            let all = score(trainAll, reference: nil, measureIntervals: true)
            if all.failure == nil && all.testMSE < Self.degenerateAllModelsMSE {
                return .dropped(
                    .init(name: target, reason: "the all-models fit is (near) exact on the test models (test MSE \(compact(all.testMSE)) < 1e-8)"))
            }
            func rows(_ models: [String]) -> [Int] { models.compactMap { index[$0] } }
            let perBudget = pool.budgets.indices.map { b -> ValidationReport.Budget in
                func scoreOf(_ selection: ValidationReport.Selection) -> ValidationReport.Score {
                    selection.results[b].map { score(rows($0.models), reference: all.testPredictions, measureIntervals: true) }
                        ?? ValidationReport.Score(failure: "selection: " + (selection.failures[b] ?? "none"))
                }
                var randomSummary: ValidationReport.RandomSummary?
                if randomCount > 0 {
                    if let failure = pool.randomFailures[b] {
                        randomSummary = ValidationReport.RandomSummary([], failure: failure)
                    } else {
                        randomSummary = ValidationReport.RandomSummary(
                            pool.randomSubsets[b].map { score(rows($0), reference: all.testPredictions) })
                    }
                }
                return ValidationReport.Budget(
                    budget: pool.budgets[b], selectors: pool.selections.map(scoreOf), random: randomSummary, cheapest: scoreOf(pool.cheapest))
            }
            return .kept(
                .init(name: target, pool: poolIndices[t], testModels: test.map { panel.modelNames[$0] }, allModels: all, budgets: perBudget))
        }
        var kept: [ValidationReport.Target] = [], dropped: [ValidationReport.DroppedTarget] = []
        for outcome in scored {
            switch outcome {
            case let .kept(target): kept.append(target)
            case let .dropped(target): dropped.append(target)
            }
        }
        let baselineUnit = selectors.first?.unit ?? .family
        let paperDraw = setup.cost == .count && baselineUnit == .family
        return ValidationReport(
            settings: self, budgetLabels: budgets.labels, selectors: selectors.map(\.description), cheapest: "cheapest:\(baselineUnit.rawValue)",
            randomBaseline: randomCount == 0 ? nil : (paperDraw ? "random (paper)" : "random:\(baselineUnit.rawValue)"), pools: pools,
            targets: kept, droppedTargets: dropped)
    }

    /// The subsets of one pool: every selector and baseline at every budget (percentages of this
    /// pool's cost). A pool that cannot be selected from at all (too few models) is returned with
    /// its `failure`; a budget a selector cannot serve is recorded in that selection, not thrown.
    func selectPool(_ setup: SelectionSetup, panel: Panel, withoutTarget: Int, threadCount: Int) -> ValidationReport.Pool {
        let baselineUnit = selectors.first?.unit ?? .family
        var problems: [SelectionUnit: SelectionProblem] = [:]
        func problem(_ unit: SelectionUnit) throws -> SelectionProblem {
            if let cached = problems[unit] { return cached }
            var unitSetup = setup
            unitSetup.unit = unit
            let built = try unitSetup.build(panel: panel)
            problems[unit] = built
            return built
        }
        // The baselines are cheapest-first and random subsets as a user would draw them: under the
        // user's constraints (include, exclude, …) but without the selectors' anchor, which is
        // part of a design.
        var baselineSetup = setup
        baselineSetup.unit = baselineUnit
        baselineSetup.anchor = .none
        let baselineProblem: SelectionProblem
        do {
            baselineProblem = setup.anchor == .none ? try problem(baselineUnit) : try baselineSetup.build(panel: panel)
        } catch {
            let models = (try? setup.pool(of: panel).indices.map { panel.modelNames[$0] }) ?? []
            return ValidationReport.Pool(failed: "\(error)", models: models, withoutTarget: withoutTarget)
        }
        let poolCost = baselineProblem.units.reduce(0) { $0 + $1.cost }
        let budgets = self.budgets.resolved(totalCost: poolCost)
        // A search that ends without a feasible subset (exhaustive search says so in its notes) is
        // that budget's failure, like a thrown one.
        func outcomes(_ name: String, _ solve: (Double) throws -> SelectionResult) -> ValidationReport.Selection {
            let results = budgets.map { budget in
                Result {
                    let result = try solve(budget)
                    guard result.value.isFinite else {
                        let notes = result.notes.map { $0.hasPrefix("no feasible subset: ") ? String($0.dropFirst(20)) : $0 }
                        throw SelectionError.noFeasibleSubset(budget: budget, detail: SettingText(notes.joined(separator: "; ")))
                    }
                    return result
                }
            }
            return ValidationReport.Selection(
                selector: name, results: results.map { try? $0.get() },
                failures: results.map { outcome in
                    if case let .failure(error) = outcome { return "\(error)" }
                    return nil
                })
        }
        let chosen = selectors.map { selector in
            var options = SelectionOptions(method: selector.method, timeLimitSeconds: timeLimitSeconds, seed: seed, threadCount: threadCount)
            options.gapTolerance = gapTolerance
            return outcomes(selector.description) { budget in
                try Selection.solve(try problem(selector.unit), budgets: [budget], options: options)[0]
            }
        }
        let cheapest = outcomes("cheapest:\(baselineUnit.rawValue)") { try CheapestSelector().select(baselineProblem, budget: $0) }
        let paperDraw = setup.cost == .count && baselineUnit == .family
        var fittable = baselineSetup
        fittable.minModels = max(setup.minModels ?? 0, law.parameterCount)
        let randomProblem = Result { fittable.minModels == setup.minModels ? baselineProblem : try fittable.build(panel: panel) }
        let random: [Result<[SelectionResult], Error>] =
            randomCount == 0
            ? []
            : budgets.map { budget in
                Result {
                    if paperDraw { return try PaperRandomBaseline(count: randomCount, seed: seed).select(baselineProblem, budget: budget) }
                    let problem = try randomProblem.get()
                    return try (0..<randomCount).map { draw in
                        try RandomSelector(seed: SplitMix64.mix(seed ^ UInt64(draw))).select(problem, budget: budget)
                    }
                }
            }
        let subsets = random.map { (try? $0.get()) ?? [] }
        return ValidationReport.Pool(
            models: baselineProblem.poolModels, withoutTarget: withoutTarget, cost: poolCost, budgets: budgets, selections: chosen,
            cheapest: cheapest, randomSubsets: subsets.map { $0.map(\.models) }, randomCosts: subsets.map { Statistics.mean($0.map(\.totalCost)) },
            discardedRandomDraws: subsets.map { draws in paperDraw ? 0 : draws.reduce(0) { $0 + $1.iterations - 1 } },
            randomFailures: random.map { outcome in
                if case let .failure(error) = outcome { return "\(error)" }
                return nil
            })
    }

    enum TargetOutcome: Sendable {
        case kept(ValidationReport.Target)
        case dropped(ValidationReport.DroppedTarget)
    }
}

/// How targets are grouped in the summary (`--group-by`).
public enum TargetGrouping: String, Codable, CaseIterable, Sendable {
    /// One summary over every target.
    case none
    /// Also one per task: the metric name up to its first underscore or comma (`MetricGroups.task`).
    case prefix
}

/// A number in messages: three significant digits.
private func compact(_ value: Double) -> String { String(format: "%.3g", value) }
