import Foundation
import ObsScaleData
import ObsScaleFit
import ObsScaleNumerics

/// A selection method and the unit it selects, as `validate --method` names it: `exhaustive`
/// (families), `exchange:model`, `greedy:model`, `bnb:family`, …
public struct ValidationSelector: Codable, Equatable, Hashable, Sendable, CustomStringConvertible {
    public var method: SelectionMethod
    public var unit: SelectionUnit

    public init(method: SelectionMethod, unit: SelectionUnit = .family) {
        self.method = method
        self.unit = unit
    }

    /// Parses `METHOD[:UNIT]` (unit default: family).
    public init(parsing text: String) throws {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        let methods = SelectionMethod.allCases.filter { $0 != .random }.map(\.rawValue)
        guard (1...2).contains(parts.count), let method = SelectionMethod(rawValue: parts[0]), method != .random,
              let unit = parts.count == 2 ? SelectionUnit(rawValue: parts[1]) : .family else {
            throw SelectionError.invalidOption(name: "--method", value: text,
                                               allowed: "METHOD[:UNIT] with METHOD one of \(methods.joined(separator: ", ")) and UNIT family or model (random subsets come from --random)")
        }
        self.init(method: method, unit: unit)
    }

    public var description: String { "\(method.rawValue):\(unit.rawValue)" }
}

/// The paper's Section 5 evaluation of a selection (DESIGN §5 "validate"), for several budgets,
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
    ///   - truth: noise-free target values per target name, in panel order (simulated worlds).
    ///   - threadCount: workers for the selection searches; results do not depend on it.
    ///   - progress: told as targets are scored (after the selections).
    public func run(panel: Panel, truth: [String: [Double]] = [:],
                    threadCount: Int = ProcessInfo.processInfo.activeProcessorCount,
                    progress: ProgressHandler? = nil) throws -> ValidationReport {
        guard !targets.isEmpty else { throw SelectionError.invalidOption(name: "--target", value: "none", allowed: "at least one target column") }
        guard cutoffFlops > 0, cutoffFlops.isFinite else {
            throw SelectionError.invalidOption(name: "--cutoff-flops", value: "\(cutoffFlops)", allowed: "a finite number > 0 (×1E21)")
        }
        guard randomCount >= 0 else { throw SelectionError.invalidOption(name: "--random", value: "\(randomCount)", allowed: "≥ 0") }
        guard !selectors.isEmpty || randomCount > 0 else {
            throw SelectionError.invalidOption(name: "--method", value: "none", allowed: "at least one selector, or --random R > 0")
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
            chosen.append(.init(selector: selector.description, results: outcomes.map { try? $0.get() },
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
            random = budgets.map { budget in Result { try PaperRandomBaseline(count: randomCount, seed: seed).select(familyProblem, budget: budget) } }
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
                    return ValidationReport.Score(trainCount: fit.trainMetrics.count, testMSE: fit.testMetrics.mse,
                                                  agreementMSE: reference.map { meanSquaredDifference(predicted, $0) },
                                                  truthMSE: targetTruth.map { truthValues in
                                                      meanSquaredDifference(predicted, test.map { normalized(truthValues[$0]) }) },
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
        return ValidationReport(settings: self, pool: pool, selections: chosen,
                                randomSubsets: random.map { ((try? $0.get()) ?? []).map(\.units) }, targets: reports)
    }
}

func meanSquaredDifference(_ a: [Double], _ b: [Double]) -> Double {
    precondition(a.count == b.count)
    return a.isEmpty ? .nan : zip(a, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } / Double(a.count)
}

/// Geometric mean of positive values (NaN when empty or any value is not positive and finite).
public func geometricMean(_ values: [Double]) -> Double {
    guard !values.isEmpty, values.allSatisfy({ $0 > 0 && $0.isFinite }) else { return .nan }
    return exp(values.reduce(0) { $0 + log($1) } / Double(values.count))
}

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
            meanTestMSE = mean(mses)
            standardDeviation = sampleStandardDeviation(mses)
            minTestMSE = mses.min() ?? .nan
            maxTestMSE = mses.max() ?? .nan
            meanAgreementMSE = mean(fitted.compactMap(\.agreementMSE))
            let truths = fitted.compactMap(\.truthMSE)
            meanTruthMSE = truths.isEmpty ? nil : mean(truths)
            testMSEs = mses
        }
    }
    public struct Budget: Codable, Equatable, Sendable {
        public let budget: Double
        /// One per selector, in `selections` order.
        public let selectors: [Score]
        public let random: RandomSummary?
    }
    public struct Target: Codable, Equatable, Sendable {
        public let name: String
        public let testModels: [String]
        public let allModels: Score
        public let budgets: [Budget]
    }
    public struct Selection: Codable, Equatable, Sendable {
        public let selector: String
        /// Per budget: the chosen subset, or nil with the reason in `failures`.
        public let results: [SelectionResult?]
        public let failures: [String?]
    }

    /// The geometric mean at one budget over the targets where every selector, the random subsets
    /// and the all-models fit have a test MSE (so the columns are comparable).
    public struct GeometricMean: Codable, Equatable, Sendable {
        public let budget: Double
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

    public let settings: Validation
    public let pool: [String]
    public let selections: [Selection]
    /// The random subsets' units, per budget.
    public let randomSubsets: [[[String]]]
    public let targets: [Target]
    public let geometricMeans: [GeometricMean]
    public let comparisons: [Comparison]

    init(settings: Validation, pool: [String], selections: [Selection], randomSubsets: [[[String]]], targets: [Target]) {
        self.settings = settings
        self.pool = pool
        self.selections = selections
        self.randomSubsets = randomSubsets
        self.targets = targets
        func fitted(_ score: Score) -> Double? { score.failure == nil ? score.testMSE : nil }
        geometricMeans = settings.budgets.indices.map { b in
            let complete = targets.filter { target in
                let budget = target.budgets[b]
                let values = budget.selectors.map(fitted) + [fitted(target.allModels)]
                    + (settings.randomCount > 0 ? [budget.random?.meanTestMSE] : [])
                return values.allSatisfy { $0.map { $0 > 0 && $0.isFinite } ?? false }
            }
            func overTargets(_ value: (Target) -> Double?) -> Double {
                complete.isEmpty ? .nan : ObsScaleSelect.geometricMean(complete.map { value($0) ?? .nan })
            }
            return GeometricMean(budget: settings.budgets[b], targetCount: complete.count,
                          testMSE: selections.indices.map { s in overTargets { fitted($0.budgets[b].selectors[s]) } },
                          agreementMSE: selections.indices.map { s in overTargets { $0.budgets[b].selectors[s].agreementMSE } },
                          randomTestMSE: overTargets { $0.budgets[b].random?.meanTestMSE },
                          allModelsTestMSE: overTargets { fitted($0.allModels) })
        }
        comparisons = selections.indices.map { s in
            var ratios: [Double] = []
            for target in targets {
                for budget in target.budgets {
                    guard let mine = fitted(budget.selectors[s]), let random = budget.random?.meanTestMSE,
                          random.isFinite, random > 0 else { continue }
                    ratios.append(mine / random)
                }
            }
            return Comparison(selector: selections[s].selector, cells: ratios.count, wins: ratios.filter { $0 < 1 }.count,
                              medianRatio: ratios.isEmpty ? .nan : quantile(ratios, 0.5))
        }
    }
}

/// The validation repeated over many simulated worlds (DESIGN §5), where the truth is known:
/// every selector's error against the noise-free curve, averaged over worlds, and — with
/// `bootstrapReplicates` — the coverage of the bootstrap intervals of the all-models fit's
/// held-out predictions.
///
/// World w is generated with the seed `Xoshiro256StarStar.stream(seed: world.seed, index: w).next()`;
/// worlds run in parallel (one thread each) and land in their own slots, so the result does not
/// depend on the thread count. Worlds whose validation fails are counted with their reason.
public struct SimulationStudy: Codable, Equatable, Sendable {
    public var world = SimulationSettings()
    public var worldCount = 100
    /// The validation run in each world; its `targets` are replaced by the world's targets.
    public var validation: Validation
    /// Bootstrap of the all-models fit for the coverage of its intervals (nil: none); its seed
    /// is replaced by each world's seed.
    public var bootstrap: FitBootstrap?

    public init(validation: Validation) { self.validation = validation }

    public func run(threadCount: Int = ProcessInfo.processInfo.activeProcessorCount,
                    progress: ProgressHandler? = nil) throws -> SimulationStudyReport {
        guard (1...100_000).contains(worldCount) else {
            throw SelectionError.invalidOption(name: "--simulate", value: "\(worldCount)", allowed: "1 to 100000 worlds")
        }
        try world.validate()
        let outcomes = parallelReplicates(count: worldCount, threadCount: threadCount, progress: progress) { index -> Result<World, Error> in
            Result {
                var settings = world
                var stream = Xoshiro256StarStar.stream(seed: world.seed, index: UInt64(index))
                settings.seed = stream.next()
                let generated = try SyntheticWorld.generate(settings)
                var validation = self.validation
                validation.targets = generated.truth.targets.map(\.name)
                let truth = Dictionary(uniqueKeysWithValues: generated.truth.targets.map { ($0.name, $0.trueValues) })
                let report = try validation.run(panel: generated.panel, truth: truth, threadCount: 1)
                var coverage = Coverage()
                if var bootstrap {
                    bootstrap.seed = settings.seed
                    for target in generated.truth.targets {
                        let split = try Split(panel: generated.panel, rule: .flopsCutoff(validation.cutoffFlops))
                        let fit = try validation.law.fit(panel: generated.panel, target: target.name, split: split)
                        let summary = try bootstrap.run(fit, panel: generated.panel, threadCount: 1)
                        for (row, prediction) in fit.predictions.enumerated() where prediction.role == .test {
                            let curve = summary.predictions[row].interval, score = summary.predictions[row].predictionInterval
                            let truthValue = target.trueValues[row]
                            coverage.total += 1
                            if curve.lower <= truthValue && truthValue <= curve.upper { coverage.curveCoversTruth += 1 }
                            if score.lower <= truthValue && truthValue <= score.upper { coverage.predictionCoversTruth += 1 }
                            if let observed = prediction.observed, score.lower <= observed && observed <= score.upper {
                                coverage.predictionCoversObserved += 1
                            }
                        }
                    }
                }
                return World(report: report, coverage: coverage)
            }
        }
        return SimulationStudyReport(study: self, outcomes: outcomes)
    }

    struct World {
        var report: ValidationReport
        var coverage: Coverage
    }

    /// Counts of held-out (world, target, model) cases inside the bootstrap intervals.
    public struct Coverage: Codable, Equatable, Sendable {
        public var total = 0
        /// The curve interval contains the noise-free truth.
        public var curveCoversTruth = 0
        /// The prediction interval contains the noise-free truth.
        public var predictionCoversTruth = 0
        /// The prediction interval contains the observed (noisy) held-out score.
        public var predictionCoversObserved = 0

        static func + (lhs: Coverage, rhs: Coverage) -> Coverage {
            Coverage(total: lhs.total + rhs.total, curveCoversTruth: lhs.curveCoversTruth + rhs.curveCoversTruth,
                     predictionCoversTruth: lhs.predictionCoversTruth + rhs.predictionCoversTruth,
                     predictionCoversObserved: lhs.predictionCoversObserved + rhs.predictionCoversObserved)
        }
    }
}

/// Averages of `SimulationStudy.run` over the worlds that ran.
public struct SimulationStudyReport: Codable, Equatable, Sendable {
    /// Means over worlds for one (target, budget).
    public struct Cell: Codable, Equatable, Sendable {
        public let target: String
        public let budget: Double
        /// Per selector: mean test MSE and mean MSE against the truth.
        public let selectorTestMSE: [Double]
        public let selectorTruthMSE: [Double]
        public let randomTestMSE: Double
        public let randomTruthMSE: Double
        public let allModelsTestMSE: Double
        public let allModelsTruthMSE: Double
        /// Per selector: fraction of worlds where its truth MSE beats the random subsets' mean.
        public let selectorWinRate: [Double]
    }
    public let study: SimulationStudy
    public let worldsRun: Int
    public let failures: [String: Int]
    public let selectors: [String]
    public let cells: [Cell]
    /// Held-out cases inside the bootstrap intervals, summed over worlds (with a bootstrap).
    public let coverage: SimulationStudy.Coverage?

    init(study: SimulationStudy, outcomes: [Result<SimulationStudy.World, Error>]) {
        self.study = study
        var worlds: [SimulationStudy.World] = []
        var failures: [String: Int] = [:]
        for outcome in outcomes {
            switch outcome {
            case let .success(world): worlds.append(world)
            case let .failure(error): failures["\(error)", default: 0] += 1
            }
        }
        self.failures = failures
        worldsRun = worlds.count
        selectors = study.validation.selectors.map(\.description)
        let coverage = worlds.reduce(SimulationStudy.Coverage()) { $0 + $1.coverage }
        self.coverage = coverage.total > 0 ? coverage : nil
        var cells: [Cell] = []
        let targetNames = worlds.first?.report.targets.map(\.name) ?? []
        for (t, name) in targetNames.enumerated() {
            for (b, budget) in study.validation.budgets.enumerated() {
                let rows = worlds.map { $0.report.targets[t] }
                func average(_ value: (ValidationReport.Target) -> Double?) -> Double {
                    mean(rows.compactMap(value).filter { !$0.isNaN })
                }
                let selectorCount = selectors.count
                cells.append(Cell(
                    target: name, budget: budget,
                    selectorTestMSE: (0..<selectorCount).map { s in average { $0.budgets[b].selectors[s].failure == nil ? $0.budgets[b].selectors[s].testMSE : nil } },
                    selectorTruthMSE: (0..<selectorCount).map { s in average { $0.budgets[b].selectors[s].truthMSE } },
                    randomTestMSE: average { $0.budgets[b].random?.meanTestMSE },
                    randomTruthMSE: average { $0.budgets[b].random?.meanTruthMSE },
                    allModelsTestMSE: average { $0.allModels.failure == nil ? $0.allModels.testMSE : nil },
                    allModelsTruthMSE: average { $0.allModels.truthMSE },
                    selectorWinRate: (0..<selectorCount).map { s in
                        let pairs = rows.compactMap { row -> Bool? in
                            guard let mine = row.budgets[b].selectors[s].truthMSE, let random = row.budgets[b].random?.meanTruthMSE,
                                  !mine.isNaN, !random.isNaN else { return nil }
                            return mine < random
                        }
                        return pairs.isEmpty ? .nan : Double(pairs.filter { $0 }.count) / Double(pairs.count)
                    }))
            }
        }
        self.cells = cells
    }
}
