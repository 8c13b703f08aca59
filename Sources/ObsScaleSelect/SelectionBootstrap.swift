import Foundation
import ObsScaleData
import ObsScaleFit
import ObsScaleNumerics

/// The bootstrap of a selection: how stable is the chosen subset under the sampling
/// noise of the panel it was computed from?
///
/// Replicate r draws the pool's models (or whole families) with replacement from
/// `Xoshiro256StarStar.stream(seed:, index: r)`, refits imputation and PCA on the drawn rows, and
/// builds L from them (with `targets == .pool`); every pool model stays selectable, with its
/// capabilities in the replicate's PC space. The selection is then redone with the same method,
/// budgets and constraints — except that `auto`, when the pool is too large to enumerate, redoes it
/// with greedy + exchange (`replicateMethod`) rather than branch-and-bound: a certificate per
/// replicate would cost R proofs, and a search stopped by the clock would make the result depend
/// on the machine. Reported per budget: how often each unit is chosen, the spread of the
/// replicate optima, how often the full-data subset is chosen again, and its regret
/// V_r(S_full)/V_r(S_r) − 1 in each replicate's geometry.
///
/// The result is identical for any thread count as long as every search finishes within its
/// time limit (a search stopped by the clock depends on the machine's speed).
/// Cost: R selections (one thread each, replicates in parallel).
public struct SelectionBootstrap: Codable, Equatable, Sendable {
    public var replicateCount = 100
    public var level = 0.95
    public var resampling: BootstrapResampling = .models
    public var seed: UInt64 = 0

    public init(replicateCount: Int = 100, level: Double = 0.95, resampling: BootstrapResampling = .models, seed: UInt64 = 0) {
        self.replicateCount = replicateCount
        self.level = level
        self.resampling = resampling
        self.seed = seed
    }

    /// Bootstraps the selection `results` (from `Selection.solve` on `setup.build(panel:)`).
    public func run(
        setup: SelectionSetup, panel: Panel, budgets: [Double], options: SelectionOptions,
        results: [SelectionResult], threadCount: Int, progress: ProgressHandler? = nil
    ) throws -> SelectionBootstrapSummary {
        let shard = try replicates(
            setup: setup, panel: panel, budgets: budgets, options: options, results: results, indices: 0...max(0, replicateCount - 1),
            threadCount: threadCount, progress: progress)
        return summarize(replicateMethod: shard.replicateMethod, budgets: budgets, results: results, replicates: shard.replicates)
    }

    /// Checks the replicate count (1 to 100,000) and the level (strictly between 0 and 1): what
    /// `replicates` checks first; `merge` checks a part's options with it.
    /// - Throws: `SelectionError.invalidSetting` naming the setting, the value and what is allowed.
    public func checkSettings() throws {
        guard (1...100_000).contains(replicateCount) else {
            throw SelectionError.invalidSetting(.selectionBootstrapReplicateCount, value: "\(replicateCount)", allowed: "1 to 100000 replicates")
        }
        guard level > 0, level < 1 else {
            throw SelectionError.invalidSetting(.selectionBootstrapLevel, value: "\(level)", allowed: "a probability strictly between 0 and 1")
        }
    }

    /// Replicates `indices` (of 0..<`replicateCount`) alone, each exactly as `run` makes it, and
    /// the method they selected with: one shard of a run split across processes or machines.
    /// `summarize` turns the replicates of all shards, in index order, into `run`'s summary.
    public func replicates(
        setup: SelectionSetup, panel: Panel, budgets: [Double], options: SelectionOptions,
        results: [SelectionResult], indices: ClosedRange<Int>, threadCount: Int, progress: ProgressHandler? = nil
    ) throws -> (replicateMethod: SelectionMethod, replicates: [Replicate]) {
        try checkSettings()
        guard threadCount >= 1 else { throw SelectionError.invalidSetting(.selectionBootstrapThreadCount, value: "\(threadCount)", allowed: "≥ 1") }
        guard indices.lowerBound >= 0, indices.upperBound < replicateCount else {
            throw SelectionError.invalidSetting(
                .selectionBootstrapIndices, value: "\(indices.lowerBound)..\(indices.upperBound)",
                allowed: "indices within 0..\(replicateCount - 1) (0-based, inclusive)")
        }
        let pool = try setup.pool(of: panel)
        let families = pool.indices.map { panel.models[$0].family }
        var familyOrder: [String] = []
        var familyRows: [String: [Int]] = [:]
        for (position, family) in families.enumerated() {
            if familyRows[family] == nil { familyOrder.append(family) }
            familyRows[family, default: []].append(position)
        }
        let groups = familyOrder.map { familyRows[$0] ?? [] }
        var serialOptions = options
        serialOptions.threadCount = 1
        let replicateMethod = try Self.replicateMethod(options, problem: setup.problem(pool, fitRows: nil))
        serialOptions.method = replicateMethod
        let replicateOptions = serialOptions
        let replicates = Parallel.replicates(indices: Range(indices), threadCount: threadCount, progress: progress) { index -> Replicate in
            var random = Xoshiro256StarStar.stream(seed: seed, index: UInt64(index))
            let rows: [Int]
            switch resampling {
            case .models: rows = (0..<pool.indices.count).map { _ in random.nextInt(below: pool.indices.count) }
            case .families: rows = (0..<groups.count).flatMap { _ in groups[random.nextInt(below: groups.count)] }
            }
            do {
                let problem = try setup.problem(pool, fitRows: rows)
                let chosen = try Selection.solve(problem, budgets: budgets, options: replicateOptions)
                let unitIndex = Dictionary(problem.units.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
                return Replicate(
                    outcomes: zip(chosen, results).map { replicate, full in
                        let fullSubset = full.units.compactMap { unitIndex[$0] }
                        return Outcome(units: replicate.units, value: replicate.value, fullSubsetValue: problem.value(of: fullSubset))
                    })
            } catch {
                return Replicate(failure: "\(error)")
            }
        }
        return (replicateMethod, replicates)
    }

    /// The summary of replicates 0..<`replicateCount` (all shards' `replicates`, in index order)
    /// of the selection `results` at `budgets`.
    public func summarize(
        replicateMethod: SelectionMethod, budgets: [Double], results: [SelectionResult], replicates: [Replicate]
    ) -> SelectionBootstrapSummary {
        SelectionBootstrapSummary(settings: self, replicateMethod: replicateMethod, budgets: budgets, results: results, replicates: replicates)
    }

    /// The method of the replicates: the selection's own, but greedy + exchange for an `auto` that
    /// would branch and bound.
    static func replicateMethod(_ options: SelectionOptions, problem: SelectionProblem) -> SelectionMethod {
        options.method == .auto && problem.combinationCount > options.autoExhaustiveLimit ? .exchange : options.method
    }

    /// One replicate's selection at one budget.
    public struct Outcome: Codable, Sendable {
        /// The units the replicate chose.
        public var units: [String]
        /// V_r(S_r).
        public var value: Double
        /// V_r(S_full): the full-data subset in the replicate's geometry.
        public var fullSubsetValue: Double
    }

    /// One replicate: its outcome per budget, or why it failed (e.g. a resampled pool too
    /// degenerate for PCA). Codable: the records a sharded run writes and `summarize` reads back.
    public struct Replicate: Codable, Sendable {
        public var outcomes: [Outcome] = []
        public var failure: String?
    }
}

/// The result of `SelectionBootstrap.run`.
public struct SelectionBootstrapSummary: Codable, Equatable, Sendable {
    public struct Budget: Codable, Equatable, Sendable {
        public struct Frequency: Codable, Equatable, Sendable {
            public let unit: String
            /// Fraction of the successful replicates that chose the unit.
            public let fraction: Double
            /// Whether the full-data selection chose it.
            public let chosen: Bool
        }
        public let budget: Double
        /// Units chosen at least once (or by the full-data selection), most frequent first.
        public let frequencies: [Frequency]
        /// The replicate optima V_r(S_r); estimate = the full-data value.
        public let value: BootstrapInterval
        /// Regret of the full-data subset in each replicate, V_r(S_full)/V_r(S_r) − 1 (estimate 0).
        public let regret: BootstrapInterval
        /// Fraction of replicates that chose exactly the full-data subset.
        public let sameSubset: Double
        /// Mean Jaccard similarity |S_r ∩ S_full| / |S_r ∪ S_full|.
        public let meanJaccard: Double
    }
    public let settings: SelectionBootstrap
    /// The method each replicate selected with (`SelectionBootstrap.replicateMethod`).
    public let replicateMethod: SelectionMethod
    public let replicatesSucceeded: Int
    /// Failed replicates per reason (e.g. a resampled pool too degenerate for PCA).
    public let failures: [String: Int]
    public let budgets: [Budget]

    init(
        settings: SelectionBootstrap, replicateMethod: SelectionMethod, budgets: [Double], results: [SelectionResult],
        replicates: [SelectionBootstrap.Replicate]
    ) {
        self.replicateMethod = replicateMethod
        self.settings = settings
        var failures: [String: Int] = [:]
        var succeeded: [[SelectionBootstrap.Outcome]] = []
        for replicate in replicates {
            if let failure = replicate.failure { failures[failure, default: 0] += 1 } else { succeeded.append(replicate.outcomes) }
        }
        self.failures = failures
        replicatesSucceeded = succeeded.count
        self.budgets = results.indices.map { b in
            let full = results[b]
            let fullSet = Set(full.units)
            let perReplicate = succeeded.map { $0[b] }
            var counts: [String: Int] = [:]
            for outcome in perReplicate { for unit in outcome.units { counts[unit, default: 0] += 1 } }
            for unit in full.units where counts[unit] == nil { counts[unit] = 0 }
            let total = Double(max(1, perReplicate.count))
            let frequencies = counts.map { Budget.Frequency(unit: $0.key, fraction: Double($0.value) / total, chosen: fullSet.contains($0.key)) }
                .sorted { ($0.fraction, $1.unit) > ($1.fraction, $0.unit) }
            let regrets = perReplicate.map { $0.value > 0 && $0.value.isFinite ? $0.fullSubsetValue / $0.value - 1 : .nan }.filter { !$0.isNaN }
            let jaccard = perReplicate.map { outcome -> Double in
                let replicateSet = Set(outcome.units)
                let union = replicateSet.union(fullSet).count
                return union == 0 ? 1 : Double(replicateSet.intersection(fullSet).count) / Double(union)
            }
            return Budget(
                budget: budgets[b], frequencies: frequencies,
                value: BootstrapInterval(estimate: full.value, replicates: perReplicate.map(\.value), level: settings.level),
                regret: BootstrapInterval(estimate: 0, replicates: regrets, level: settings.level),
                sameSubset: Double(perReplicate.filter { Set($0.units) == fullSet }.count) / total,
                meanJaccard: Statistics.mean(jaccard))
        }
    }
}

extension SelectionBootstrap: ReplicatedRun {
    /// What every range of a selection bootstrap computes alike: the full-data selection at each
    /// budget, the run's units and the method of the replicates.
    public struct Shared: Sendable {
        public var budgets: [Double]
        public var results: [SelectionResult]
        public var units: [String]
        public var replicateMethod: SelectionMethod

        public init(budgets: [Double], results: [SelectionResult], units: [String], replicateMethod: SelectionMethod) {
            self.budgets = budgets
            self.results = results
            self.units = units
            self.replicateMethod = replicateMethod
        }
    }

    public var runSeed: UInt64 { seed }

    /// Settings the run accepts (`checkSettings`), one full-data result per budget.
    public func checkRun(_ shared: Shared) throws {
        try checkSettings()
        guard shared.budgets.count == shared.results.count else {
            throw ReplicatedRunProblem("its shared selection is not a part's (allowed: one result per budget)")
        }
    }

    /// A replicate that succeeded has an outcome per budget, of the run's units, with criterion
    /// values that are numbers or +∞ (an infeasible subset).
    public func problem(with record: Replicate, shared: Shared) -> String? {
        guard record.failure == nil else { return record.failure?.isEmpty == true ? "an empty failure reason" : nil }
        guard record.outcomes.count == shared.results.count else {
            return "\(record.outcomes.count) outcomes (allowed: \(shared.results.count), one per budget)"
        }
        let units = Set(shared.units)
        for (b, outcome) in record.outcomes.enumerated() {
            for (name, value) in [("value", outcome.value), ("fullSubsetValue", outcome.fullSubsetValue)] where value.isNaN || value == -.infinity {
                return "outcomes[\(b)].\(name) is \(JSONCoding.text(of: value)) (allowed: a number, or Infinity for an infeasible subset)"
            }
            if let unknown = outcome.units.first(where: { !units.contains($0) }) {
                return "outcomes[\(b)] chose '\(unknown)', not a unit of this run"
            }
        }
        return nil
    }

    public func summarize(_ shared: Shared, records: [Replicate], threadCount: Int) -> SelectionBootstrapSummary {
        summarize(replicateMethod: shared.replicateMethod, budgets: shared.budgets, results: shared.results, replicates: records)
    }
}
