import Foundation
import ObsScaleData
import ObsScaleFit
import ObsScaleNumerics
import ObsScaleSelect

/// What to expect from a selection before evaluating anything: for each budget, how close a fit
/// on a subset chosen this way comes to evaluating every pool model, measured on the panel's
/// public metrics as stand-ins for the new evaluation (`obsscale select --advise`).
///
/// It runs a `Validation` with the selection's own setup and method, the law `law` (the
/// recommended one, `obsscale fit`'s default) and every public accuracy metric of the panel
/// (`Panel.accuracyMetricNames`; degenerate ones dropped as in `validate`) as a target. The test
/// models are those above the pool's FLOPs cutoff when it has one — the models a law is fitted to
/// predict —, else those larger than its maximum size (`maxSizeB`, for a panel without compute),
/// and otherwise a random `heldOutShare` of the pool (drawn with `seed`; models the
/// selection must include are never held out), the budgets then scaled by the remaining pool's
/// share of the cost so that each spends the same share of it. The expected ratio at a budget is
/// the median over the metrics of (subset's test MSE / all-models test MSE), with the 90th
/// percentile; the random baseline at the same cost is reported beside it. With `intervals`, the
/// expected coverage, width and interval score of the law's score intervals on the test models
/// (calibrated by default, as `obsscale fit` reports them), pooled over the metrics.
///
/// When the law averages over K (the default), the same validation is run again with the law of
/// the widest K alone (`alternative`, without intervals): the averaged law was chosen on real
/// panels where the first component carries most of the signal, and a panel whose metrics need
/// every component favours the widest law — the advice says so (`Advice.alternative`).
///
/// Cost: one validation — about 3 s for the 114 public metrics of the paper's panel, a few times
/// that with the intervals — and a second, without intervals, for the alternative.
public struct SelectionAdvice: Codable, Equatable, Sendable {
    public var setup: SelectionSetup
    public var method: SelectionMethod
    public var law = ScalingLaw.recommended
    /// Share of the pool held out as test models when the pool has no FLOPs cutoff.
    public var heldOutShare = 0.25
    /// Random subsets per budget for the baseline.
    public var randomCount = 5
    public var seed: UInt64 = 0
    public var timeLimitSeconds = 10.0
    public var gapTolerance = SelectionOptions.defaultGapTolerance
    /// The score intervals to expect (nil: none): `fit`'s calibrated 95% intervals by default.
    public var intervals: IntervalMeasurement? = IntervalMeasurement(replicateCount: 100)
    /// Also validate the alternative to an averaged law (the law of its widest K alone).
    public var comparesAlternative = true

    public init(setup: SelectionSetup, method: SelectionMethod) {
        self.setup = setup
        self.method = method
    }

    /// The expectation at one budget.
    public struct Entry: Codable, Equatable, Sendable {
        /// In the pool's cost units, as asked.
        public let budget: Double
        /// The budget in the validation's pool (smaller when part of the pool is held out).
        public let validatedBudget: Double
        /// Metrics with a ratio.
        public let targets: Int
        public let medianRatio: Double
        public let p90Ratio: Double
        // The JSON key scripts read (`shareWithin1_2`); the name follows it.
        // swift-format-ignore: AlwaysUseLowerCamelCase
        public let shareWithin1_2: Double
        /// Median ratio of the random subsets at the same cost.
        public let randomMedianRatio: Double
        /// Metrics whose subset fit failed.
        public let failures: Int
        /// The coverage, mean width and mean interval score of the subset fits' score intervals on
        /// the test models, pooled over the metrics (nil without `intervals`).
        public let coverage: Double?
        public let meanWidth: Double?
        public let intervalScore: Double?
        /// The median ratio with the alternative law (nil: none validated).
        public var alternativeMedianRatio: Double?
    }

    /// The law validated beside an averaged one, and what the panel says of it.
    public struct Alternative: Codable, Equatable, Sendable {
        /// The law's components, e.g. 3 for `--components 3`.
        public let componentCount: Int
        /// Budgets (their indices) where its median ratio is at least `margin` lower than the
        /// averaged law's: the panel favours it there.
        public let favouredAt: [Int]
        /// The relative margin a favoured budget needs (5%).
        public let margin: Double
    }

    public struct Advice: Codable, Equatable, Sendable {
        /// Which models were predicted: "the 30 models above the cutoff (84×1E21 FLOPs)" or
        /// "a random 25% of the pool (19 models, seed 0)".
        public let testSet: String
        public let testModels: [String]
        /// The public metrics scored, and how many were dropped as degenerate.
        public let targetCount: Int
        public let droppedTargetCount: Int
        public let entries: [Entry]
        /// The alternative to an averaged law (nil: the law is not averaged, or not compared).
        public var alternative: Alternative?
    }

    /// A panel favours the alternative at a budget when its median ratio is this much lower.
    public static let alternativeMargin = 0.05

    /// Runs the validation for `budgets` (in the pool's cost units).
    /// - Parameter threadCount: workers; the result does not depend on it.
    public func run(
        panel: Panel, budgets: [Double], threadCount: Int = ProcessInfo.processInfo.activeProcessorCount, progress: ProgressHandler? = nil
    ) throws -> Advice {
        let metrics = law.publicMetrics(panel)
        guard !metrics.isEmpty else {
            throw EvaluationError.invalidSetting(
                .adviceTargets, value: "none",
                allowed: "a panel with public downstream metrics (accuracy or exact-match columns in [0, 1]) to validate on")
        }
        var validation = Validation(targets: metrics, budgets: budgets, cutoffFlops: setup.cutoffFlops ?? .nan)
        validation.selection = setup
        validation.selectors = [ValidationSelector(method: method, unit: setup.unit)]
        validation.law = law
        validation.randomCount = randomCount
        validation.seed = seed
        validation.timeLimitSeconds = timeLimitSeconds
        validation.gapTolerance = gapTolerance
        validation.intervals = intervals
        let testSet: String, testModels: [String]
        let largerModels = try setup.maxSizeB.map { try Split(panel: panel, rule: .sizeCutoff($0)).test } ?? []
        if let cutoff = setup.cutoffFlops {
            testModels = try Split(panel: panel, rule: .flopsCutoff(cutoff)).test.map { panel.modelNames[$0] }
            testSet = "the \(testModels.count) models above the cutoff (\(String(format: "%g", cutoff))×1E21 FLOPs)"
        } else if let size = setup.maxSizeB, !largerModels.isEmpty {
            validation.split = .sizeCutoff(size)
            testModels = largerModels.map { panel.modelNames[$0] }
            testSet = "the \(testModels.count) models above the pool's largest size (\(String(format: "%g", size))B parameters)"
        } else {
            guard heldOutShare > 0, heldOutShare < 1 else {
                throw EvaluationError.invalidSetting(.adviceHeldOutShare, value: "\(heldOutShare)", allowed: "a share in (0, 1)")
            }
            let problem = try setup.build(panel: panel)
            let heldOut = heldOutDraw(problem)
            guard !heldOut.isEmpty, heldOut.count <= problem.poolModels.count - 2 else {
                throw EvaluationError.invalidSetting(
                    .adviceHeldOutShare, value: "\(heldOutShare)",
                    allowed: "a share leaving at least one test model and two pool models (pool: \(problem.poolModels.count))")
            }
            var remaining = setup
            remaining.heldOut = heldOut
            let remainingCost = try remaining.build(panel: panel).units.reduce(0) { $0 + $1.cost }
            let poolCost = problem.units.reduce(0) { $0 + $1.cost }
            validation.budgets = BudgetSpec(amounts: budgets.map { $0 * remainingCost / poolCost })
            validation.heldOutModels = heldOut
            testModels = heldOut
            testSet = "a random \(String(format: "%g", 100 * heldOutShare))% of the pool (\(heldOut.count) models, seed \(seed))"
        }
        let report = try validation.run(panel: panel, threadCount: threadCount, progress: progress)
        var alternativeReport: ValidationReport?
        if comparesAlternative && law.isAveraged {
            var widest = validation
            widest.law.averagesComponents = nil
            widest.intervals = nil
            alternativeReport = try widest.run(panel: panel, threadCount: threadCount)
        }
        let validatedBudgets = validation.budgets.resolved(totalCost: .nan)
        let entries = budgets.indices.map { b -> Entry in
            let label = report.budgetLabels[b]
            func entry(_ name: String?, of report: ValidationReport) -> ValidationReport.SummaryEntry? {
                report.summary.first { $0.selector == name && $0.group == nil && $0.budget == label }
            }
            let mine = entry(report.selectors.first, of: report), baseline = entry(report.randomBaseline, of: report)
            var result = Entry(
                budget: budgets[b], validatedBudget: validatedBudgets[b], targets: mine?.targets ?? 0, medianRatio: mine?.medianRatio ?? .nan,
                p90Ratio: mine?.p90Ratio ?? .nan, shareWithin1_2: mine?.shareWithin1_2 ?? .nan,
                randomMedianRatio: baseline?.medianRatio ?? .nan, failures: mine?.failures ?? 0, coverage: mine?.intervals?.coverage,
                meanWidth: mine?.intervals?.meanWidth, intervalScore: mine?.intervals?.intervalScore)
            result.alternativeMedianRatio = alternativeReport.map { entry($0.selectors.first, of: $0)?.medianRatio ?? .nan }
            return result
        }
        var advice = Advice(
            testSet: testSet, testModels: testModels, targetCount: report.targets.count,
            droppedTargetCount: report.droppedTargets.count, entries: entries)
        if alternativeReport != nil {
            let margin = Self.alternativeMargin
            advice.alternative = Alternative(
                componentCount: law.pca.componentCount,
                favouredAt: entries.indices.filter { index in
                    let entry = entries[index]
                    guard let other = entry.alternativeMedianRatio, other.isFinite, entry.medianRatio.isFinite else { return false }
                    return other < (1 - margin) * entry.medianRatio
                }, margin: margin)
        }
        return advice
    }

    /// A seeded random `heldOutShare` of the pool's models, leaving out the must-include units'
    /// models; in pool order.
    func heldOutDraw(_ problem: SelectionProblem) -> [String] {
        let included = Set(setup.include)
        let candidates = problem.units.filter { !included.contains($0.name) }.flatMap(\.models).map { problem.poolModels[$0] }
        var generator = SplitMix64(seed: SplitMix64.mix(seed ^ 0xad71_ce))
        let count = Int((heldOutShare * Double(problem.poolModels.count)).rounded())
        let chosen = Set(candidates.shuffled(using: &generator).prefix(count))
        return problem.poolModels.filter { chosen.contains($0) }
    }
}
