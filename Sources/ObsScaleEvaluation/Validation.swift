import Foundation
import ObsScaleData
import ObsScaleFit
import ObsScaleNumerics
import ObsScaleSelect

/// The paper's Section 5 evaluation of a selection, for several budgets,
/// selectors and target metrics at once.
///
/// Split the panel at `cutoffFlops`. The selection pool is the models at or below the cutoff
/// (`selection` sets its benchmarks, completeness filter, constraints and costs). For each
/// selector and budget a subset is chosen once (selection does not look at any target). Then, for
/// every target: fit the scaling law `law` on the subset's models that have the target, predict
/// the test models — those above the cutoff with the target — and score the test MSE; the same
/// for `randomCount` random family subsets (the paper's baseline: uniform among the family
/// combinations whose model count lies in [budget − 2, budget]) and for the all-models fit (every
/// model at or below the cutoff with the target). The agreement MSE is the mean squared
/// difference between a subset fit's and the all-models fit's test predictions. Targets are
/// summarised by the geometric mean of their MSEs, as the paper does.
///
/// With `truth` (simulated worlds), every fit is also scored against the noise-free values of the
/// test models. Fits that fail (too few models with the target, a degenerate PCA) are recorded
/// with their reason and left out of the means.
public struct Validation: Codable, Equatable, Sendable {
    public var targets: [String]
    public var budgets: [Double]
    public var cutoffFlops: Double
    /// Pool and criterion of the selection; its `cutoffFlops` is set to `cutoffFlops`.
    public var selection = SelectionSetup()
    public var selectors: [ValidationSelector] = [ValidationSelector(method: .exhaustive)]
    public var randomCount = 5
    /// The scaling law fitted on each subset.
    public var law = ScalingLaw()
    public var seed: UInt64 = 0
    public var timeLimitSeconds = 10.0

    public init(targets: [String], budgets: [Double], cutoffFlops: Double) {
        self.targets = targets
        self.budgets = budgets
        self.cutoffFlops = cutoffFlops
    }

    /// Runs the evaluation on a panel.
    ///
    /// - Parameters:
    ///   - panel: the panel (with the targets joined).
    ///   - truth: noise-free target values per target name, in panel order (simulated worlds).
    ///   - threadCount: workers for the selection searches; results do not depend on it.
    ///   - progress: told as targets are scored (after the selections).
    public func run(
        panel: Panel, truth: [String: [Double]] = [:],
        threadCount: Int = ProcessInfo.processInfo.activeProcessorCount,
        progress: ProgressHandler? = nil
    ) throws -> ValidationReport {
        guard !targets.isEmpty else { throw EvaluationError.invalidSetting(.validationTargets, value: "none", allowed: "at least one target column") }
        guard cutoffFlops > 0, cutoffFlops.isFinite else {
            throw EvaluationError.invalidSetting(.validationCutoffFlops, value: "\(cutoffFlops)", allowed: "a finite number > 0 (×1E21)")
        }
        guard randomCount >= 0 else { throw EvaluationError.invalidSetting(.validationRandomCount, value: "\(randomCount)", allowed: "≥ 0") }
        guard !selectors.isEmpty || randomCount > 0 else {
            throw EvaluationError.invalidSetting(
                .validationSelectors, value: "none", allowed: "at least one selector, or \(Setting.validationRandomCount) R > 0")
        }
        for target in targets { _ = try panel.values(of: target) }
        var setup = selection
        setup.cutoffFlops = cutoffFlops
        let split = try Split(panel: panel, rule: .flopsCutoff(cutoffFlops))
        let index = Dictionary(panel.modelNames.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })

        // Subsets: chosen once, independent of the targets.
        var options = SelectionOptions(method: .auto, timeLimitSeconds: timeLimitSeconds, seed: seed, threadCount: threadCount)
        var problems: [SelectionUnit: SelectionProblem] = [:]
        func problem(_ unit: SelectionUnit) throws -> SelectionProblem {
            if let cached = problems[unit] { return cached }
            var unitSetup = setup
            unitSetup.unit = unit
            let built = try unitSetup.build(panel: panel)
            problems[unit] = built
            return built
        }
        // A budget a selector cannot serve (too small, no feasible subset) is recorded, not thrown.
        var chosen: [ValidationReport.Selection] = []
        for selector in selectors {
            options.method = selector.method
            let selectorProblem = try problem(selector.unit)
            let outcomes = budgets.map { budget in Result { try Selection.solve(selectorProblem, budgets: [budget], options: options)[0] } }
            chosen.append(
                .init(
                    selector: selector.description, results: outcomes.map { try? $0.get() },
                    failures: outcomes.map { outcome in
                        if case let .failure(error) = outcome { return "\(error)" }
                        return nil
                    }))
        }
        var random: [Result<[SelectionResult], Error>] = []
        if randomCount > 0 {
            var familySetup = setup
            familySetup.unit = .family
            familySetup.cost = .count
            let familyProblem = try familySetup.build(panel: panel)
            random = budgets.map { budget in Result { try PaperRandomBaseline(count: randomCount, seed: seed).select(familyProblem, budget: budget) }
            }
        }

        let pool = try problem(selectors.first?.unit ?? .family).poolModels
        var reports: [ValidationReport.Target] = []
        for target in targets {
            let values = try panel.values(of: target)
            let test = split.test.filter { !values[$0].isNaN }
            let trainAll = split.train.filter { !values[$0].isNaN }
            let targetTruth = truth[target]
            func score(_ trainRows: [Int], reference: [Double]?) -> ValidationReport.Score {
                do {
                    let fit = try law.fit(panel: panel, target: target, split: Split(train: trainRows, test: test))
                    let predicted = test.map { fit.predictions[$0].predicted }
                    return ValidationReport.Score(
                        trainCount: fit.trainMetrics.count, testMSE: fit.testMetrics.mse,
                        agreementMSE: reference.map { Statistics.meanSquaredDifference(predicted, $0) },
                        truthMSE: targetTruth.map { truthValues in
                            Statistics.meanSquaredDifference(predicted, test.map { normalized(truthValues[$0]) })
                        },
                        testPredictions: predicted, failure: nil)
                } catch {
                    return ValidationReport.Score(failure: "\(error)")
                }
            }
            func normalized(_ value: Double) -> Double {
                guard let range = law.targetRange else { return value }
                return (value - range.lowerBound) / (range.upperBound - range.lowerBound)
            }
            let all = score(trainAll, reference: nil)
            func rows(_ models: [String]) -> [Int] { models.compactMap { index[$0] } }
            let perBudget = budgets.indices.map { b -> ValidationReport.Budget in
                let selectorScores = chosen.map { selection in
                    selection.results[b].map { score(rows($0.models), reference: all.testPredictions) }
                        ?? ValidationReport.Score(failure: "selection: " + (selection.failures[b] ?? "none"))
                }
                var randomSummary: ValidationReport.RandomSummary?
                if !random.isEmpty {
                    switch random[b] {
                    case let .success(subsets):
                        randomSummary = ValidationReport.RandomSummary(subsets.map { score(rows($0.models), reference: all.testPredictions) })
                    case let .failure(error):
                        randomSummary = ValidationReport.RandomSummary([], failure: "\(error)")
                    }
                }
                return ValidationReport.Budget(budget: budgets[b], selectors: selectorScores, random: randomSummary)
            }
            reports.append(.init(name: target, testModels: test.map { panel.modelNames[$0] }, allModels: all, budgets: perBudget))
            progress?(reports.count, targets.count)
        }
        return ValidationReport(
            settings: self, pool: pool, selections: chosen,
            randomSubsets: random.map { ((try? $0.get()) ?? []).map(\.units) }, targets: reports)
    }
}
