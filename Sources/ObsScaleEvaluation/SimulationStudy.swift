import Foundation
import ObsScaleData
import ObsScaleFit
import ObsScaleNumerics
import ObsScaleSelect

/// The validation repeated over many simulated worlds, where the truth is known:
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

    public func run(
        threadCount: Int = ProcessInfo.processInfo.activeProcessorCount,
        progress: ProgressHandler? = nil
    ) throws -> SimulationStudyReport {
        summarize(try worlds(indices: 0...max(0, worldCount - 1), threadCount: threadCount, progress: progress))
    }

    /// Worlds `indices` (of 0..<`worldCount`) alone, each exactly as `run` makes it: one shard of
    /// a study split across processes or machines. `summarize` turns the worlds of all shards, in
    /// index order, into `run`'s report.
    public func worlds(
        indices: ClosedRange<Int>, threadCount: Int = ProcessInfo.processInfo.activeProcessorCount, progress: ProgressHandler? = nil
    ) throws -> [World] {
        try checkSettings()
        guard indices.lowerBound >= 0, indices.upperBound < worldCount else {
            throw EvaluationError.invalidSetting(
                .simulationWorldIndices, value: "\(indices.lowerBound)..\(indices.upperBound)",
                allowed: "indices within 0..\(worldCount - 1) (0-based, inclusive)")
        }
        return Parallel.replicates(indices: Range(indices), threadCount: threadCount, progress: progress) { index -> World in
            do {
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
                        let split = try Split(panel: generated.panel, rule: validation.splitRule)
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
            } catch {
                return World(failure: "\(error)")
            }
        }
    }

    /// Checks the world count (1 to 100,000) and the simulated worlds' settings: what `worlds`
    /// checks first; `merge` checks a part's options with it.
    /// - Throws: `EvaluationError` or `DataError` naming the setting, the value and what is allowed.
    public func checkSettings() throws {
        guard (1...100_000).contains(worldCount) else {
            throw EvaluationError.invalidSetting(.simulationWorldCount, value: "\(worldCount)", allowed: "1 to 100000 worlds")
        }
        try world.validate()
    }

    /// The report of worlds 0..<`worldCount` (all shards' `worlds`, in index order).
    public func summarize(_ worlds: [World]) -> SimulationStudyReport {
        SimulationStudyReport(study: self, worlds: worlds)
    }

    /// One world's validation and coverage counts, or why it failed. Codable: the records a
    /// sharded study writes and `summarize` reads back.
    public struct World: Codable, Sendable {
        public var report: ValidationReport?
        public var coverage = Coverage()
        public var failure: String?
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
            Coverage(
                total: lhs.total + rhs.total, curveCoversTruth: lhs.curveCoversTruth + rhs.curveCoversTruth,
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
        /// The budget as written (`20`, `10%`).
        public let budget: String
        /// Per selector: mean test MSE and mean MSE against the truth.
        public let selectorTestMSE: [Double]
        public let selectorTruthMSE: [Double]
        public let randomTestMSE: Double
        public let randomTruthMSE: Double
        public let allModelsTestMSE: Double
        public let allModelsTruthMSE: Double
        /// Per selector: fraction of worlds where its truth MSE beats the random subsets' mean.
        public let selectorWinRate: [Double]
        /// Per selector: fraction of worlds whose fit used its prior (nil without a prior).
        public let selectorPriorUse: [Double]?
    }
    public let study: SimulationStudy
    public let worldsRun: Int
    public let failures: [String: Int]
    public let selectors: [String]
    public let cells: [Cell]
    /// Held-out cases inside the bootstrap intervals, summed over worlds (with a bootstrap).
    public let coverage: SimulationStudy.Coverage?

    init(study: SimulationStudy, worlds outcomes: [SimulationStudy.World]) {
        self.study = study
        var worlds: [(report: ValidationReport, coverage: SimulationStudy.Coverage)] = []
        var failures: [String: Int] = [:]
        for outcome in outcomes {
            if let report = outcome.report { worlds.append((report, outcome.coverage)) } else { failures[outcome.failure ?? "", default: 0] += 1 }
        }
        self.failures = failures
        worldsRun = worlds.count
        selectors = study.validation.selectors.map(\.description)
        let coverage = worlds.reduce(SimulationStudy.Coverage()) { $0 + $1.coverage }
        self.coverage = coverage.total > 0 ? coverage : nil
        var cells: [Cell] = []
        // Targets by name (a world may drop a degenerate one), budgets as written.
        var targetNames: [String] = []
        for world in worlds { for target in world.report.targets where !targetNames.contains(target.name) { targetNames.append(target.name) } }
        let budgets = study.validation.budgets.labels
        for name in targetNames {
            for (b, budget) in budgets.enumerated() {
                let rows = worlds.compactMap { world in world.report.targets.first { $0.name == name } }
                func average(_ value: (ValidationReport.Target) -> Double?) -> Double {
                    Statistics.mean(rows.compactMap(value).filter { !$0.isNaN })
                }
                let selectorCount = selectors.count
                cells.append(
                    Cell(
                        target: name, budget: budget,
                        selectorTestMSE: (0..<selectorCount).map { s in
                            average { $0.budgets[b].selectors[s].failure == nil ? $0.budgets[b].selectors[s].testMSE : nil }
                        },
                        selectorTruthMSE: (0..<selectorCount).map { s in average { $0.budgets[b].selectors[s].truthMSE } },
                        randomTestMSE: average { $0.budgets[b].random?.meanTestMSE },
                        randomTruthMSE: average { $0.budgets[b].random?.meanTruthMSE },
                        allModelsTestMSE: average { $0.allModels.failure == nil ? $0.allModels.testMSE : nil },
                        allModelsTruthMSE: average { $0.allModels.truthMSE },
                        selectorWinRate: (0..<selectorCount).map { s in
                            let pairs = rows.compactMap { row -> Bool? in
                                guard let mine = row.budgets[b].selectors[s].truthMSE, let random = row.budgets[b].random?.meanTruthMSE,
                                    !mine.isNaN, !random.isNaN
                                else { return nil }
                                return mine < random
                            }
                            return pairs.isEmpty ? .nan : Double(pairs.filter { $0 }.count) / Double(pairs.count)
                        },
                        selectorPriorUse: study.validation.law.prior == .none
                            ? nil
                            : (0..<selectorCount).map { s in
                                let strengths = rows.compactMap { $0.budgets[b].selectors[s].priorStrength }
                                return strengths.isEmpty ? .nan : Double(strengths.filter { $0 > 0 }.count) / Double(strengths.count)
                            }))
            }
        }
        self.cells = cells
    }
}

extension SimulationStudy: ReplicatedRun {
    public var replicateCount: Int { worldCount }
    public var runSeed: UInt64 { world.seed }

    /// Settings the study accepts (`checkSettings`).
    public func checkRun(_ shared: NoSharedResult) throws { try checkSettings() }

    /// A world that ran has the run's budgets and selectors for every target, fits that
    /// succeeded have finite errors ≥ 0 and predictions, and coverage counts within their total.
    public func problem(with world: World, shared: NoSharedResult) -> String? {
        guard let report = world.report else { return world.failure?.isEmpty != false ? "neither a report nor a failure reason" : nil }
        let selectors = validation.selectors.count
        guard report.budgetLabels == validation.budgets.labels else {
            return "budgets \(report.budgetLabels) (allowed: the run's \(validation.budgets.labels))"
        }
        for (p, pool) in report.pools.enumerated() {
            if let bad = pool.budgets.firstIndex(where: { !$0.isFinite }) {
                return "pools[\(p)].budgets[\(bad)] is \(JSONCoding.text(of: pool.budgets[bad])) (allowed: finite)"
            }
        }
        func scoreProblem(_ score: ValidationReport.Score, _ name: String) -> String? {
            guard score.failure == nil else { return nil }
            let errors = [
                ("testMSE", score.testMSE as Double?), ("truthMSE", score.truthMSE), ("agreementMSE", score.agreementMSE),
                ("priorStrength", score.priorStrength),
            ]
            for case let (field, value?) in errors where !(value.isFinite && value >= 0) {
                return "\(name).\(field) is \(JSONCoding.text(of: value)) (allowed: a finite number ≥ 0 for a fit that succeeded)"
            }
            if let bad = score.testPredictions.firstIndex(where: { !$0.isFinite }) {
                return "\(name).testPredictions[\(bad)] is \(JSONCoding.text(of: score.testPredictions[bad])) (allowed: finite)"
            }
            return nil
        }
        for (t, target) in report.targets.enumerated() {
            guard target.budgets.count == report.budgetLabels.count, target.budgets.allSatisfy({ $0.selectors.count == selectors }),
                report.pools.indices.contains(target.pool)
            else {
                return "targets[\(t)] does not have the run's \(report.budgetLabels.count) budgets of \(selectors) selectors each in one of its pools"
            }
            if let problem = scoreProblem(target.allModels, "targets[\(t)].allModels") { return problem }
            for (b, budget) in target.budgets.enumerated() {
                for (s, score) in budget.selectors.enumerated() {
                    if let problem = scoreProblem(score, "targets[\(t)].budgets[\(b)].selectors[\(s)]") { return problem }
                }
                if let random = budget.random, random.count > random.failures {
                    let means = [("meanTestMSE", random.meanTestMSE as Double?), ("meanTruthMSE", random.meanTruthMSE)]
                    for case let (field, value?) in means where !(value.isFinite && value >= 0) {
                        return "targets[\(t)].budgets[\(b)].random.\(field) is \(JSONCoding.text(of: value)) "
                            + "(allowed: a finite number ≥ 0 when a random subset was fitted)"
                    }
                }
            }
        }
        let coverage = world.coverage
        let counts = [coverage.curveCoversTruth, coverage.predictionCoversTruth, coverage.predictionCoversObserved]
        guard coverage.total >= 0, counts.allSatisfy({ (0...coverage.total).contains($0) }) else {
            return "coverage counts \(counts) of \(coverage.total) (allowed: between 0 and the total)"
        }
        return nil
    }

    public func summarize(_ shared: NoSharedResult, records: [World], threadCount: Int) -> SimulationStudyReport {
        summarize(records)
    }
}
