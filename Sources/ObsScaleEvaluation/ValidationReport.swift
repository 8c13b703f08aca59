import Foundation
import ObsScaleFit
import ObsScaleNumerics
import ObsScaleSelect

/// The result of `Validation.run`.
public struct ValidationReport: Codable, Equatable, Sendable {
    /// A subset fit's scores on the test models.
    public struct Score: Codable, Equatable, Sendable {
        public var trainCount = 0
        public var testMSE = Double.nan
        /// Mean squared difference from the all-models fit's test predictions (nil for that fit).
        public var agreementMSE: Double?
        /// MSE against the noise-free truth (simulated worlds only).
        public var truthMSE: Double?
        /// The fit's predictions of the test models, in `testModels` order.
        public var testPredictions: [Double] = []
        public var failure: String?
        /// K of the fit (chosen by cross-validation with `--components auto`).
        public var componentCount: Int?
        /// λ of the fit's prior when it had one (0: the prior was not used).
        public var priorStrength: Double?
        /// How its score intervals fared on the test models (with `Validation.intervals`).
        public var intervals: IntervalScore?
    }

    /// How well a fit's score intervals hold on the models it predicts: at the nominal level, the
    /// share of observed values inside (coverage), the mean width, and the mean Winkler interval
    /// score — width + (2/α)·(distance by which the observed value falls outside), α = 1 − level:
    /// lower is better, and it rewards intervals narrow where the law is reliable and wide where it
    /// extrapolates; and the coverage at every level of the reliability diagram. Sums are kept so
    /// scores pool over targets (`pooled`).
    public struct IntervalScore: Codable, Equatable, Sendable {
        /// The coverage at one level of the reliability diagram.
        public struct Reliability: Codable, Equatable, Sendable {
            public let level: Double
            public let covered: Int
            public let count: Int
            public let coverage: Double

            init(level: Double, covered: Int, count: Int) {
                self.level = level
                self.covered = covered
                self.count = count
                coverage = count > 0 ? Double(covered) / Double(count) : .nan
            }
        }
        public let level: Double
        /// Test predictions scored.
        public let count: Int
        public let covered: Int
        public let widthSum: Double
        public let scoreSum: Double
        public let reliability: [Reliability]

        public var coverage: Double { count > 0 ? Double(covered) / Double(count) : .nan }
        public var meanWidth: Double { count > 0 ? widthSum / Double(count) : .nan }
        public var intervalScore: Double { count > 0 ? scoreSum / Double(count) : .nan }

        /// The score of intervals `[lower, upper]` (per level, one per prediction) for `observed`.
        public init(level: Double, observed: [Double], intervals: [Double: [(lower: Double, upper: Double)]]) {
            self.level = level
            count = observed.count
            let main = intervals[level] ?? []
            covered = zip(observed, main).filter { $1.lower <= $0 && $0 <= $1.upper }.count
            widthSum = main.reduce(0) { $0 + ($1.upper - $1.lower) }
            scoreSum = zip(observed, main).reduce(0) { total, pair in total + Self.winkler(pair.1, pair.0, level: level) }
            reliability = intervals.keys.sorted().map { at in
                Reliability(
                    level: at, covered: zip(observed, intervals[at] ?? []).filter { $1.lower <= $0 && $0 <= $1.upper }.count,
                    count: observed.count)
            }
        }

        init(level: Double, count: Int, covered: Int, widthSum: Double, scoreSum: Double, reliability: [Reliability]) {
            self.level = level
            self.count = count
            self.covered = covered
            self.widthSum = widthSum
            self.scoreSum = scoreSum
            self.reliability = reliability
        }

        /// Winkler's interval score of one interval at `level`: (upper − lower) + (2/α)·miss.
        public static func winkler(_ interval: (lower: Double, upper: Double), _ observed: Double, level: Double) -> Double {
            let alpha = 1 - level
            let miss = max(0, interval.lower - observed) + max(0, observed - interval.upper)
            return (interval.upper - interval.lower) + 2 / alpha * miss
        }

        /// Several scores pooled over their predictions (nil when there are none).
        public static func pooled(_ scores: [IntervalScore]) -> IntervalScore? {
            guard let first = scores.first else { return nil }
            return IntervalScore(
                level: first.level, count: scores.reduce(0) { $0 + $1.count }, covered: scores.reduce(0) { $0 + $1.covered },
                widthSum: scores.reduce(0) { $0 + $1.widthSum }, scoreSum: scores.reduce(0) { $0 + $1.scoreSum },
                reliability: first.reliability.indices.map { r in
                    Reliability(
                        level: first.reliability[r].level, covered: scores.reduce(0) { $0 + $1.reliability[r].covered },
                        count: scores.reduce(0) { $0 + $1.reliability[r].count })
                })
        }

        enum CodingKeys: String, CodingKey {
            case level, count, covered, widthSum, scoreSum, reliability, coverage, meanWidth, intervalScore
        }

        public init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            self.init(
                level: try container.decode(Double.self, forKey: .level), count: try container.decode(Int.self, forKey: .count),
                covered: try container.decode(Int.self, forKey: .covered), widthSum: try container.decode(Double.self, forKey: .widthSum),
                scoreSum: try container.decode(Double.self, forKey: .scoreSum),
                reliability: try container.decode([Reliability].self, forKey: .reliability))
        }

        /// Also writes the derived `coverage`, `meanWidth` and `intervalScore`, for scripts.
        public func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(level, forKey: .level)
            try container.encode(count, forKey: .count)
            try container.encode(covered, forKey: .covered)
            try container.encode(widthSum, forKey: .widthSum)
            try container.encode(scoreSum, forKey: .scoreSum)
            try container.encode(reliability, forKey: .reliability)
            try container.encode(coverage, forKey: .coverage)
            try container.encode(meanWidth, forKey: .meanWidth)
            try container.encode(intervalScore, forKey: .intervalScore)
        }
    }
    /// Mean and spread of the random subsets' scores at one budget.
    public struct RandomSummary: Codable, Equatable, Sendable {
        public let count: Int
        public let failures: Int
        public let meanTestMSE: Double
        public let standardDeviation: Double
        public let minTestMSE: Double
        public let maxTestMSE: Double
        public let meanAgreementMSE: Double
        public let meanTruthMSE: Double?
        public let testMSEs: [Double]
        /// Why no random subset could be drawn (e.g. no family combination fits the budget).
        public let failure: String?

        init(_ scores: [Score], failure: String? = nil) {
            self.failure = failure
            let fitted = scores.filter { $0.failure == nil }
            let mses = fitted.map(\.testMSE)
            count = scores.count
            failures = scores.count - fitted.count
            meanTestMSE = Statistics.mean(mses)
            standardDeviation = Statistics.sampleStandardDeviation(mses)
            minTestMSE = mses.min() ?? .nan
            maxTestMSE = mses.max() ?? .nan
            meanAgreementMSE = Statistics.mean(fitted.compactMap(\.agreementMSE))
            let truths = fitted.compactMap(\.truthMSE)
            meanTruthMSE = truths.isEmpty ? nil : Statistics.mean(truths)
            testMSEs = mses
        }
    }
    public struct Budget: Codable, Equatable, Sendable {
        public let budget: Double
        /// One per selector, in `selections` order.
        public let selectors: [Score]
        public let random: RandomSummary?
        /// The cheapest-first baseline.
        public let cheapest: Score?
    }
    public struct Target: Codable, Equatable, Sendable {
        public let name: String
        /// Its selection pool: the index into `pools`.
        public let pool: Int
        public let testModels: [String]
        public let allModels: Score
        /// One per budget, in the order of `budgetLabels`.
        public let budgets: [Budget]
    }
    /// A target left out of every summary, and why.
    public struct DroppedTarget: Codable, Equatable, Sendable {
        public let name: String
        public let reason: String
    }

    public struct Selection: Codable, Equatable, Sendable {
        public let selector: String
        /// Per budget: the chosen subset, or nil with the reason in `failures`.
        public let results: [SelectionResult?]
        public let failures: [String?]
    }

    /// The models a selector may choose for a group of targets — the selection pool's models that
    /// have them — and what every selector and baseline chose there, per budget.
    public struct Pool: Codable, Equatable, Sendable {
        public let models: [String]
        /// Models of the selection pool left out because they lack these targets.
        public let withoutTarget: Int
        /// Total cost of `models`; percentages of the budget are shares of it.
        public let cost: Double
        /// The budgets in cost units.
        public let budgets: [Double]
        /// One per selector.
        public let selections: [Selection]
        /// The cheapest-first baseline's subsets.
        public let cheapest: Selection
        /// The random subsets' models, per budget.
        public let randomSubsets: [[[String]]]
        /// Their mean cost, per budget.
        public let randomCosts: [Double]
        /// Random draws redrawn per budget because they could not be fitted (fewer models than the
        /// law's parameters, or a singular design).
        public let discardedRandomDraws: [Int]
        /// Why no random subset could be drawn at a budget (nil: they were).
        public let randomFailures: [String?]
        /// Why nothing could be selected in this pool (e.g. fewer models than the law's parameters);
        /// its targets are dropped with this reason.
        public let failure: String?

        init(
            models: [String], withoutTarget: Int, cost: Double, budgets: [Double], selections: [Selection], cheapest: Selection,
            randomSubsets: [[[String]]], randomCosts: [Double], discardedRandomDraws: [Int], randomFailures: [String?]
        ) {
            self.models = models
            self.withoutTarget = withoutTarget
            self.cost = cost
            self.budgets = budgets
            self.selections = selections
            self.cheapest = cheapest
            self.randomSubsets = randomSubsets
            self.randomCosts = randomCosts
            self.discardedRandomDraws = discardedRandomDraws
            self.randomFailures = randomFailures
            failure = nil
        }

        init(failed reason: String, models: [String], withoutTarget: Int) {
            self.models = models
            self.withoutTarget = withoutTarget
            cost = .nan
            budgets = []
            selections = []
            cheapest = Selection(selector: "", results: [], failures: [])
            randomSubsets = []
            randomCosts = []
            discardedRandomDraws = []
            randomFailures = []
            failure = reason
        }
    }

    /// The geometric mean at one budget over the targets where every selector, the random subsets
    /// and the all-models fit have a test MSE (so the columns are comparable).
    public struct GeometricMean: Codable, Equatable, Sendable {
        /// The budget as written (`10%`).
        public let budget: String
        /// Targets averaged over.
        public let targetCount: Int
        /// Per selector.
        public let testMSE: [Double]
        public let agreementMSE: [Double]
        /// Of the per-target random means.
        public let randomTestMSE: Double
        public let allModelsTestMSE: Double
    }

    /// How a selector fares against the random subsets over every (target, budget) cell where
    /// both have a score: the cells where its test MSE is below the random mean, and the median
    /// ratio of its test MSE to the random mean.
    public struct Comparison: Codable, Equatable, Sendable {
        public let selector: String
        public let cells: Int
        public let wins: Int
        public let medianRatio: Double
    }

    /// How a selector or baseline fares at one budget, over the targets (or one group of them),
    /// against evaluating every model: the ratio of its fit's test MSE to the all-models fit's.
    public struct SummaryEntry: Codable, Equatable, Sendable {
        /// A selector (`exchange:model`), or a baseline (`random:model`, `random (paper)`, `cheapest:model`).
        public let selector: String
        /// The budget as written (`10%`, `12`): targets with different pools spend different amounts.
        public let budget: String
        /// Cost actually spent, the mean over the targets (and over the draws for the random
        /// baseline; NaN if none).
        public let cost: Double
        /// The group of targets (nil: all of them).
        public let group: String?
        /// Targets with a ratio (both fits succeeded).
        public let targets: Int
        public let medianRatio: Double
        public let geometricMeanRatio: Double
        public let p90Ratio: Double
        /// Share of the targets with a ratio of at most 1.2.
        // The JSON key scripts read (`shareWithin1_2`); the name follows it.
        // swift-format-ignore: AlwaysUseLowerCamelCase
        public let shareWithin1_2: Double
        /// Targets whose subset fit failed (the all-models fit succeeded).
        public let failures: Int
        /// Median over targets of (its test MSE / the random subsets' mean test MSE at this budget).
        public let medianRatioToRandom: Double
        /// Share of the targets where it beats the random subsets' mean.
        public let shareBeatingRandom: Double
        /// Its fits' score intervals pooled over the targets' test predictions (with
        /// `Validation.intervals`; nil for the random draws): the coverage at the nominal level,
        /// the mean width, the mean interval score and the reliability diagram.
        public let intervals: IntervalScore?
        /// `intervals`' coverage, mean width and mean interval score (NaN without them).
        public var coverage: Double { intervals?.coverage ?? .nan }
        public var meanWidth: Double { intervals?.meanWidth ?? .nan }
        public var intervalScore: Double { intervals?.intervalScore ?? .nan }

        // swift-format-ignore: AlwaysUseLowerCamelCase
        enum CodingKeys: String, CodingKey {
            case selector, budget, cost, group, targets, medianRatio, geometricMeanRatio, p90Ratio, shareWithin1_2, failures
            case medianRatioToRandom, shareBeatingRandom, intervals, coverage, meanWidth, intervalScore
        }

        init(
            selector: String, budget: String, cost: Double, group: String?, targets: Int, medianRatio: Double, geometricMeanRatio: Double,
            p90Ratio: Double, shareWithin1_2: Double, failures: Int, medianRatioToRandom: Double, shareBeatingRandom: Double,
            intervals: IntervalScore?
        ) {
            self.selector = selector
            self.budget = budget
            self.cost = cost
            self.group = group
            self.targets = targets
            self.medianRatio = medianRatio
            self.geometricMeanRatio = geometricMeanRatio
            self.p90Ratio = p90Ratio
            self.shareWithin1_2 = shareWithin1_2
            self.failures = failures
            self.medianRatioToRandom = medianRatioToRandom
            self.shareBeatingRandom = shareBeatingRandom
            self.intervals = intervals
        }

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            self.init(
                selector: try c.decode(String.self, forKey: .selector), budget: try c.decode(String.self, forKey: .budget),
                cost: try c.decode(Double.self, forKey: .cost), group: try c.decodeIfPresent(String.self, forKey: .group),
                targets: try c.decode(Int.self, forKey: .targets), medianRatio: try c.decode(Double.self, forKey: .medianRatio),
                geometricMeanRatio: try c.decode(Double.self, forKey: .geometricMeanRatio), p90Ratio: try c.decode(Double.self, forKey: .p90Ratio),
                shareWithin1_2: try c.decode(Double.self, forKey: .shareWithin1_2), failures: try c.decode(Int.self, forKey: .failures),
                medianRatioToRandom: try c.decode(Double.self, forKey: .medianRatioToRandom),
                shareBeatingRandom: try c.decode(Double.self, forKey: .shareBeatingRandom),
                intervals: try c.decodeIfPresent(IntervalScore.self, forKey: .intervals))
        }

        /// Also writes `coverage`, `meanWidth` and `intervalScore` (when measured), for scripts.
        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(selector, forKey: .selector)
            try c.encode(budget, forKey: .budget)
            try c.encode(cost, forKey: .cost)
            try c.encodeIfPresent(group, forKey: .group)
            try c.encode(targets, forKey: .targets)
            try c.encode(medianRatio, forKey: .medianRatio)
            try c.encode(geometricMeanRatio, forKey: .geometricMeanRatio)
            try c.encode(p90Ratio, forKey: .p90Ratio)
            try c.encode(shareWithin1_2, forKey: .shareWithin1_2)
            try c.encode(failures, forKey: .failures)
            try c.encode(medianRatioToRandom, forKey: .medianRatioToRandom)
            try c.encode(shareBeatingRandom, forKey: .shareBeatingRandom)
            try c.encodeIfPresent(intervals, forKey: .intervals)
            if intervals != nil {
                try c.encode(coverage, forKey: .coverage)
                try c.encode(meanWidth, forKey: .meanWidth)
                try c.encode(intervalScore, forKey: .intervalScore)
            }
        }
    }

    public let settings: Validation
    /// The budgets as written, in order (a target's `budgets` follow it).
    public let budgetLabels: [String]
    /// The selectors, in the order of every `Budget.selectors`.
    public let selectors: [String]
    /// Name of the cheapest-first baseline.
    public let cheapest: String
    /// Name of the random baseline (nil without one).
    public let randomBaseline: String?
    /// The selection pools: one per set of pool models that have a target.
    public let pools: [Pool]
    public let targets: [Target]
    /// Degenerate targets, and those whose pool is too small, left out of every summary.
    public let droppedTargets: [DroppedTarget]
    /// Per selector and baseline, budget (and group): the ratios to the all-models fit.
    public let summary: [SummaryEntry]
    /// The all-models fits' score intervals pooled over the targets (with `Validation.intervals`).
    public let allModelsIntervals: IntervalScore?
    public let geometricMeans: [GeometricMean]
    public let comparisons: [Comparison]

    init(
        settings: Validation, budgetLabels: [String], selectors: [String], cheapest: String, randomBaseline: String?, pools: [Pool],
        targets: [Target], droppedTargets: [DroppedTarget]
    ) {
        self.settings = settings
        self.budgetLabels = budgetLabels
        self.selectors = selectors
        self.cheapest = cheapest
        self.randomBaseline = randomBaseline
        self.pools = pools
        self.targets = targets
        self.droppedTargets = droppedTargets
        allModelsIntervals = IntervalScore.pooled(targets.compactMap(\.allModels.intervals))
        summary = Self.summarize(
            targets: targets, budgetLabels: budgetLabels, selectors: selectors, cheapest: cheapest, randomBaseline: randomBaseline, pools: pools,
            grouping: settings.grouping)
        func fitted(_ score: Score) -> Double? { score.failure == nil ? score.testMSE : nil }
        geometricMeans = budgetLabels.indices.map { b in
            let complete = targets.filter { target in
                let budget = target.budgets[b]
                let values =
                    budget.selectors.map(fitted) + [fitted(target.allModels)]
                    + (settings.randomCount > 0 ? [budget.random?.meanTestMSE] : [])
                return values.allSatisfy { $0.map { $0 > 0 && $0.isFinite } ?? false }
            }
            func overTargets(_ value: (Target) -> Double?) -> Double {
                complete.isEmpty ? .nan : Statistics.geometricMean(complete.map { value($0) ?? .nan })
            }
            return GeometricMean(
                budget: budgetLabels[b], targetCount: complete.count,
                testMSE: selectors.indices.map { s in overTargets { fitted($0.budgets[b].selectors[s]) } },
                agreementMSE: selectors.indices.map { s in overTargets { $0.budgets[b].selectors[s].agreementMSE } },
                randomTestMSE: overTargets { $0.budgets[b].random?.meanTestMSE },
                allModelsTestMSE: overTargets { fitted($0.allModels) })
        }
        comparisons = selectors.indices.map { s in
            var ratios: [Double] = []
            for target in targets {
                for budget in target.budgets {
                    guard let mine = fitted(budget.selectors[s]), let random = budget.random?.meanTestMSE,
                        random.isFinite, random > 0
                    else { continue }
                    ratios.append(mine / random)
                }
            }
            return Comparison(
                selector: selectors[s], cells: ratios.count, wins: ratios.filter { $0 < 1 }.count,
                medianRatio: ratios.isEmpty ? .nan : Statistics.quantile(ratios, 0.5))
        }
    }

    /// The pool of a target.
    public func pool(of target: Target) -> Pool { pools[target.pool] }

    /// The summary entries: every selector, then the random and cheapest baselines, per budget;
    /// for all targets, then per group.
    static func summarize(
        targets: [Target], budgetLabels: [String], selectors: [String], cheapest: String, randomBaseline: String?, pools: [Pool],
        grouping: TargetGrouping
    ) -> [SummaryEntry] {
        func fitted(_ score: Score?) -> Double? {
            guard let score, score.failure == nil, score.testMSE.isFinite else { return nil }
            return score.testMSE
        }
        struct Column {
            let name: String
            /// The cost it spent for a target at budget b.
            let cost: (Target, Int) -> Double
            /// Its test MSE for a target at budget b (nil: none), and whether it failed there.
            let mse: (Target, Int) -> Double?
            let failed: (Target, Int) -> Bool
            /// Its intervals' score for a target at budget b.
            var intervals: (Target, Int) -> IntervalScore? = { _, _ in nil }
        }
        var columns: [Column] = []
        for (s, selector) in selectors.enumerated() {
            columns.append(
                Column(
                    name: selector, cost: { target, b in pools[target.pool].selections[s].results[b]?.totalCost ?? .nan },
                    mse: { fitted($0.budgets[$1].selectors[s]) }, failed: { $0.budgets[$1].selectors[s].failure != nil },
                    intervals: { $0.budgets[$1].selectors[s].intervals }))
        }
        if let randomBaseline {
            columns.append(
                Column(
                    name: randomBaseline, cost: { target, b in pools[target.pool].randomCosts[b] },
                    mse: { target, b in target.budgets[b].random.flatMap { $0.meanTestMSE.isFinite ? $0.meanTestMSE : nil } },
                    failed: { target, b in target.budgets[b].random.map { $0.failure != nil || $0.failures == $0.count } ?? true }))
        }
        columns.append(
            Column(
                name: cheapest, cost: { target, b in pools[target.pool].cheapest.results[b]?.totalCost ?? .nan },
                mse: { fitted($0.budgets[$1].cheapest) }, failed: { $0.budgets[$1].cheapest?.failure != nil },
                intervals: { $0.budgets[$1].cheapest?.intervals }))
        var groups: [(String?, [Target])] = [(nil, targets)]
        if grouping == .prefix {
            var order: [String] = []
            var members: [String: [Target]] = [:]
            for target in targets {
                let group = MetricGroups.task(of: target.name)
                if members[group] == nil { order.append(group) }
                members[group, default: []].append(target)
            }
            groups += order.map { ($0, members[$0] ?? []) }
        }
        var entries: [SummaryEntry] = []
        for (group, members) in groups {
            for column in columns {
                for b in budgetLabels.indices {
                    var ratios: [Double] = [], toRandom: [Double] = []
                    var failures = 0
                    for target in members {
                        guard let all = fitted(target.allModels) else { continue }
                        guard let mine = column.mse(target, b) else {
                            if column.failed(target, b) { failures += 1 }
                            continue
                        }
                        ratios.append(mine / all)
                        if let random = target.budgets[b].random?.meanTestMSE, random.isFinite, random > 0 { toRandom.append(mine / random) }
                    }
                    let sorted = ratios.sorted()
                    let costs = members.map { column.cost($0, b) }.filter(\.isFinite)
                    entries.append(
                        SummaryEntry(
                            selector: column.name, budget: budgetLabels[b], cost: costs.isEmpty ? .nan : Statistics.mean(costs), group: group,
                            targets: ratios.count,
                            medianRatio: Statistics.quantile(sorted: sorted, 0.5),
                            geometricMeanRatio: Statistics.geometricMean(ratios),
                            p90Ratio: Statistics.quantile(sorted: sorted, 0.9),
                            shareWithin1_2: ratios.isEmpty ? .nan : Double(ratios.filter { $0 <= 1.2 }.count) / Double(ratios.count),
                            failures: failures,
                            medianRatioToRandom: toRandom.isEmpty ? .nan : Statistics.quantile(toRandom, 0.5),
                            shareBeatingRandom: toRandom.isEmpty ? .nan : Double(toRandom.filter { $0 < 1 }.count) / Double(toRandom.count),
                            intervals: IntervalScore.pooled(members.compactMap { column.intervals($0, b) })))
                }
            }
        }
        return entries
    }
}
