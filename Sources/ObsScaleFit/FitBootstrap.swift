import Foundation
import ObsScaleData
import ObsScaleNumerics

/// What a bootstrap replicate draws with replacement.
public enum BootstrapResampling: String, Codable, CaseIterable, Sendable {
    /// n training models out of the n (the classical case-resampling bootstrap).
    case models
    /// F whole families out of the F families with training models: keeps the dependence between
    /// models of one family (same data, same recipe) inside a replicate; wider, more honest
    /// intervals when families differ systematically.
    case families
}

/// Settings of the bootstrap of a fitted scaling law.
///
/// Replicate r draws the training set with replacement from `Xoshiro256StarStar.stream(seed:, index: r)`,
/// refits (the regression always; imputation and PCA too with `refitPCA`) and predicts every panel
/// model and every requested compute. Intervals are percentile intervals of the successful
/// replicates at `level` (numpy's linear quantiles), standard errors their sample standard
/// deviation. The output does not depend on the thread count.
///
/// Two intervals per prediction: the *curve* interval (the uncertainty of the fitted law at that
/// model, f_r(x)) and the *prediction* interval for the model's actual score, f_r(x) + e*, with e*
/// drawn (from the same stream) from out-of-sample residuals: the centered leave-one-family-out
/// residuals of the full training set (each training family predicted by the law fitted
/// without it), or with a single family the leverage-adjusted training residuals rᵢ/√(1 − hᵢᵢ) —
/// a bootstrap prediction interval in the manner of Davison & Hinkley (1997, Alg. 6.4), kept
/// within the scores' range (accuracies in [0, 1] for the sigmoid links). The
/// curve interval assumes the law is exactly right; on held-out models the law's own
/// approximation error (a model's capabilities are only partly captured by K PCs of a few
/// benchmarks) usually dominates, and only the prediction interval covers it.
///
/// A law with a prior or `--components auto` keeps its K and λ in every replicate by default (the
/// intervals then show the estimation uncertainty given those choices, at the cost of one fit per
/// replicate); its penalty's center is rebuilt in the replicate's capability space when `refitPCA`
/// moves that space. With `refitChoices` each replicate makes the choices again by
/// cross-validation on its own rows — wider, more honest intervals that include the uncertainty of
/// the choice, at (strengths × folds) fits per replicate.
///
/// Defaults: 1,000 replicates (stable 2.5/97.5% percentiles to about ±0.01 of the spread), 95%,
/// models resampled, capabilities fixed to the full-data fit (the paper treats them as given).
/// Cost: `replicateCount` regressions, O(R · iterations · n · p²), plus R imputations and PCAs
/// (O(R · n · B²) each) with `refitPCA`; memory O(R · models).
public struct FitBootstrap: Codable, Equatable, Sendable {
    public var replicateCount = 1000
    public var level = 0.95
    public var resampling: BootstrapResampling = .models
    /// Refit imputation and PCA on each replicate's training rows (needs `pcaOn == .train`).
    public var refitPCA = false
    public var seed: UInt64 = 0
    /// Make the law's cross-validated choices (λ, K) again in each replicate (needs a law that
    /// makes them).
    public var refitChoices = false

    public init(
        replicateCount: Int = 1000, level: Double = 0.95, resampling: BootstrapResampling = .models,
        refitPCA: Bool = false, seed: UInt64 = 0, refitChoices: Bool = false
    ) {
        self.replicateCount = replicateCount
        self.level = level
        self.resampling = resampling
        self.refitPCA = refitPCA
        self.seed = seed
        self.refitChoices = refitChoices
    }

    /// Checks the settings against a fit (what `run` and `replicates` check first; `merge`
    /// checks a part's options with it).
    /// - Throws: `FitError.invalidSetting` naming the setting, the value and what is allowed.
    public func validate(_ fit: ScalingLawFit, log10Flops: [Double]) throws {
        guard (1...1_000_000).contains(replicateCount) else {
            throw FitError.invalidSetting(.fitBootstrapReplicateCount, value: "\(replicateCount)", allowed: "1 to 1000000 replicates")
        }
        guard level > 0, level < 1 else {
            throw FitError.invalidSetting(.fitBootstrapLevel, value: "\(level)", allowed: "a probability strictly between 0 and 1, e.g. 0.95")
        }
        if refitChoices && !fit.law.settings.choosesByCrossValidation {
            throw FitError.invalidSetting(
                .fitBootstrapRefitChoices, value: "without a prior or auto components",
                allowed: "a law with \(Setting.scalingLawPrior) or \(Setting.scalingLawMaxAutoComponents) (nothing to choose again otherwise)")
        }
        if refitChoices && fit.law.members != nil {
            throw FitError.invalidSetting(
                .fitBootstrapRefitChoices, value: "with a law averaged over K",
                allowed:
                    "a law of one K (\(Setting.scalingLawAveragesComponents) off): "
                    + "each replicate refits the averaged members with their strengths kept"
            )
        }
        if refitPCA && fit.law.settings.pcaOn != .train {
            throw FitError.invalidSetting(
                .fitBootstrapRefitPCA, value: "with \(Setting.scalingLawPCAOn) \(fit.law.settings.pcaOn.rawValue)",
                allowed: "\(Setting.scalingLawPCAOn) train (with panel or pool, imputation and PCA do not depend on the training models)")
        }
        if !log10Flops.isEmpty && fit.equivalentFlops == nil {
            throw FitError.invalidSetting(
                .fitBootstrapLog10Flops, value: SettingText(log10Flops.map { "\(pow(10, $0))" }.joined(separator: ",")),
                allowed:
                    "only with a reference family of ≥ 2 models with FLOPs (\(Setting.scalingLawReferenceFamily); "
                    + "'\(fit.law.settings.referenceFamily)' has fewer)"
            )
        }
        for value in log10Flops where !value.isFinite {
            throw FitError.invalidSetting(.fitBootstrapLog10Flops, value: "\(pow(10, value))", allowed: "finite FLOPs > 0 (units of 1E21)")
        }
    }

    /// Bootstraps `fit` (made by `fit.law.settings.fit(panel:target:split:)` on `panel`).
    ///
    /// - Parameters:
    ///   - fit: the full-data fit.
    ///   - panel: the panel it was fitted on.
    ///   - log10Flops: computes (log10 of FLOPs ×1E21) at which to predict a reference-family model.
    ///   - threadCount: workers; the result is identical for any value.
    ///   - progress: told as replicates finish.
    /// - Throws: `FitError` for invalid settings. Replicates that cannot be fitted are counted in
    ///   the summary, never thrown.
    public func run(
        _ fit: ScalingLawFit, panel: Panel, log10Flops: [Double] = [],
        threadCount: Int = ProcessInfo.processInfo.activeProcessorCount, memoryBudget: UInt64 = MemoryLimit.budget(),
        progress: ProgressHandler? = nil
    ) throws -> FitBootstrapSummary {
        let replicates = try replicates(
            fit, panel: panel, log10Flops: log10Flops, indices: 0...max(0, replicateCount - 1), threadCount: threadCount,
            memoryBudget: memoryBudget, progress: progress)
        return summarize(fit, log10Flops: log10Flops, replicates: replicates, threadCount: threadCount)
    }

    /// Replicates `indices` (of 0..<`replicateCount`) alone, each exactly as `run` makes it: one
    /// shard of a run split across processes or machines. `summarize` turns the replicates of all
    /// shards, in index order, into the summary `run` returns.
    /// - Parameter memoryBudget: bytes the replicates may hold (default: `MemoryLimit.budget()`);
    ///   a run whose estimate (`bytesPerReplicate`) exceeds it is refused before it starts.
    /// - Throws: `FitError` for invalid settings, indices outside 0..<`replicateCount`, or a run
    ///   that would not fit in memory.
    public func replicates(
        _ fit: ScalingLawFit, panel: Panel, log10Flops: [Double] = [], indices: ClosedRange<Int>,
        threadCount: Int = ProcessInfo.processInfo.activeProcessorCount, memoryBudget: UInt64 = MemoryLimit.budget(),
        progress: ProgressHandler? = nil
    ) throws -> [Replicate] {
        try validate(fit, log10Flops: log10Flops)
        guard threadCount >= 1 else { throw FitError.invalidSetting(.fitBootstrapThreadCount, value: "\(threadCount)", allowed: "≥ 1") }
        guard indices.lowerBound >= 0, indices.upperBound < replicateCount else {
            throw FitError.invalidSetting(
                .fitBootstrapIndices, value: "\(indices.lowerBound)..\(indices.upperBound)",
                allowed: "indices within 0..\(replicateCount - 1) (0-based, inclusive)")
        }
        try checkMemory(fit, log10FlopsCount: log10Flops.count, replicates: indices.count, budget: memoryBudget)
        let context = try Context(fit: fit, panel: panel, settings: self, threadCount: threadCount)
        let computes = log10Flops + Self.curveGrid(fit)
        return Parallel.replicates(indices: Range(indices), threadCount: threadCount, progress: progress) { index in
            context.replicate(index, log10Flops: computes)
        }
    }

    /// Bytes one replicate's record holds: every model's prediction and simulated observation, the
    /// parameters, the requested computes and the curve's (8 bytes each), and the arrays' headers.
    public static func bytesPerReplicate(_ fit: ScalingLawFit, log10FlopsCount: Int) -> Int {
        let computes = log10FlopsCount + curveGrid(fit).count
        return 8 * (2 * fit.predictions.count + fit.law.regression.parameters.count + 2 * computes) + 6 * 48
    }

    /// Refuses a run whose replicates would not fit in `budget` bytes, saying how many would.
    func checkMemory(_ fit: ScalingLawFit, log10FlopsCount: Int, replicates: Int, budget: UInt64) throws {
        let perReplicate = Self.bytesPerReplicate(fit, log10FlopsCount: log10FlopsCount)
        let needed = Double(perReplicate) * Double(replicates)
        guard needed > Double(budget) else { return }
        let fitting = Int(Double(budget) / Double(perReplicate))
        throw FitError.invalidSetting(
            .fitBootstrapReplicateCount, value: "\(replicates)",
            allowed: SettingText(
                "at most \(fitting) replicates on these \(fit.predictions.count) models: each holds \(MemoryLimit.describe(Double(perReplicate))), "
                    + "so \(replicates) need \(MemoryLimit.describe(needed)), more than the \(MemoryLimit.describe(Double(budget))) this run may use "
                    + "(80% of the memory available to it); use fewer replicates (2000 give stable 95% intervals) or fewer models"))
    }

    /// The summary of the replicates 0..<`replicateCount` of `fit` (all shards' `replicates`, in
    /// index order). O(R · models · log R) for the percentiles, spread over `threadCount` workers.
    public func summarize(
        _ fit: ScalingLawFit, log10Flops: [Double] = [], replicates: [Replicate], threadCount: Int = ProcessInfo.processInfo.activeProcessorCount
    ) -> FitBootstrapSummary {
        FitBootstrapSummary(
            settings: self, fit: fit, log10Flops: log10Flops, curveLog10Flops: Self.curveGrid(fit), replicates: replicates,
            threadCount: max(1, threadCount))
    }

    /// The replicate laws themselves — (α, β, b) of each successful replicate, in replicate order —
    /// and the residual pool of its prediction intervals (the full training set's centered
    /// leave-one-family-out residuals, or leverage-adjusted training residuals with one family):
    /// what `SavedLaw` keeps so new models get the same intervals later. Replicate r is the one
    /// `run` makes (same stream), so applied to this panel they reproduce its curve intervals.
    /// Needs fixed capabilities and fixed choices (with `refitPCA` or `refitChoices` a replicate's
    /// law lives in its own capability space). Cost: as `run`.
    public func replicateLaws(
        _ fit: ScalingLawFit, panel: Panel, threadCount: Int = ProcessInfo.processInfo.activeProcessorCount
    ) throws -> (
        parameters: [[Double]], residuals: [Double]
    ) {
        try checkSavable(fit)
        let context = try Context(fit: fit, panel: panel, settings: self, threadCount: threadCount)
        let parameters = Parallel.replicates(count: replicateCount, threadCount: threadCount) { index -> [Double]? in
            var random = Xoshiro256StarStar.stream(seed: seed, index: UInt64(index))
            let rows = context.draw(&random)
            guard let (regression, _) = try? context.fitLaw(rows: rows), regression.termination.converged else { return nil }
            return regression.parameters
        }
        return (parameters.compactMap { $0 }, context.residualPool(fit))
    }

    /// Settings whose replicate laws can be saved: a run's, with fixed capabilities and choices
    /// (with `refitPCA` or `refitChoices` a replicate's law lives in its own capability space).
    func checkSavable(_ fit: ScalingLawFit) throws {
        try validate(fit, log10Flops: [])
        guard !refitPCA, !refitChoices else {
            throw FitError.invalidSetting(
                refitPCA ? .fitBootstrapRefitPCA : .fitBootstrapRefitChoices, value: "true",
                allowed: "false to save the replicate laws (each replicate must live in the saved capability space)")
        }
    }

    /// The same replicate laws read from replicates `run` (or the shards' `replicates`) already
    /// made — those without a failure, in index order — so a saved law costs no second bootstrap
    /// and a merged split run saves the law the single run saves. Cost: the residual pool's
    /// leave-one-family-out refits.
    public func replicateLaws(
        _ fit: ScalingLawFit, panel: Panel, replicates: [Replicate], threadCount: Int = ProcessInfo.processInfo.activeProcessorCount
    ) throws -> (parameters: [[Double]], residuals: [Double]) {
        try checkSavable(fit)
        guard replicates.count == replicateCount else {
            throw FitError.invalidSetting(
                .fitBootstrapReplicateCount, value: "\(replicates.count) replicates given", allowed: "all \(replicateCount) of the run")
        }
        let context = try Context(fit: fit, panel: panel, settings: self, threadCount: threadCount)
        return (replicates.filter { $0.failure == nil }.map(\.parameters), context.residualPool(fit))
    }

    /// 41 computes spanning the panel's equivalent FLOPs (half a decade beyond each end), where
    /// the summary's `curve` gives the law and its band — the band of the report's chart.
    public static func curveGrid(_ fit: ScalingLawFit) -> [Double] {
        guard fit.equivalentFlops != nil else { return [] }
        let values = fit.predictions.compactMap(\.equivalentLog10Flops).filter(\.isFinite)
        guard let low = values.min(), let high = values.max() else { return [] }
        return (0...40).map { (low - 0.5) + (high - low + 1) * Double($0) / 40 }
    }

    /// One replicate's outcome: predictions of every panel model, the test MSE, the parameters
    /// and the predictions at the requested computes (then the curve's); or why it failed.
    /// Codable: the records a sharded run writes and `summarize` reads back.
    public struct Replicate: Codable, Sendable {
        public var predictions: [Double] = []
        /// predictions + a resampled residual.
        public var newObservations: [Double] = []
        public var testMSE = Double.nan
        public var parameters: [Double] = []
        public var atFlops: [Double] = []
        public var atFlopsObservations: [Double] = []
        /// Why the replicate has no fit (a `Failure`'s description); nil when it has one.
        public var failure: String?

        init(failure: Failure? = nil) { self.failure = failure?.description }

        /// Why a replicate has no fit: a status, not an error of the user's settings.
        enum Failure: Sendable, CustomStringConvertible {
            /// The replicate's regression stopped without converging, for this reason.
            case notConverged(Termination)
            /// The replicate's data cannot be fitted (e.g. a resample too degenerate for PCA).
            case unfit(String)

            var description: String {
                switch self {
                case let .notConverged(termination): return "regression did not converge (stopped by \(termination.rawValue))"
                case let .unfit(reason): return reason
                }
            }
        }
    }

    /// Everything a replicate reads, computed once and shared read-only by the workers.
    struct Context: Sendable {
        let settings: FitBootstrap
        let law: FittedScalingLaw
        let panel: Panel
        let benchmarkMatrix: Matrix
        /// Capability scores of every panel model under the full-data fit.
        let scores: Matrix
        /// Normalized targets (NaN when missing).
        let targets: [Double]
        let train: [Int]
        let test: [Int]
        /// Training rows grouped by family, in order of first appearance among the training rows.
        let trainFamilies: [[Int]]
        let start: [Double]
        /// The rows imputation and PCA were fitted on in the full-data fit.
        let fitRows: [Int]
        /// Public metrics' fits shared by replicates in the same capability space (`refitChoices`).
        let publicFits = PublicFitsCache()
        /// Leave-one-family-out residuals of the full training set (centered): each training
        /// family predicted by the law fitted without it. Empty with a single family.
        private(set) var heldOutResiduals: [Double] = []
        /// Where a score can lie: for the sigmoid links [0, 1] widened to the observed training
        /// targets (accuracies, possibly normalized below chance); unbounded for the linear link.
        let scoreRange: ClosedRange<Double>

        /// - Parameter threadCount: workers of the leave-one-family-out refits.
        init(fit: ScalingLawFit, panel: Panel, settings: FitBootstrap, threadCount: Int = 1) throws {
            self.settings = settings
            law = fit.law
            self.panel = panel
            benchmarkMatrix = try panel.capabilityMatrix(columns: fit.law.benchmarkNames)
            let k = fit.law.pca.settings.componentCount
            var scores = Matrix(rowCount: panel.count, columnCount: k)
            for (row, prediction) in fit.predictions.enumerated() {
                for c in 0..<k { scores[row, c] = prediction.capabilities[c] }
            }
            self.scores = scores
            targets = fit.predictions.map { $0.observed ?? .nan }
            train = fit.predictions.indices.filter { fit.predictions[$0].role == .train }
            test = fit.predictions.indices.filter { fit.predictions[$0].role == .test }
            var order: [String] = []
            var groups: [String: [Int]] = [:]
            for row in train {
                let family = panel.models[row].family
                if groups[family] == nil { order.append(family) }
                groups[family, default: []].append(row)
            }
            trainFamilies = order.map { groups[$0] ?? [] }
            start = fit.law.regression.parameters
            switch fit.law.settings.pcaOn {
            case .train: fitRows = train
            case .pool: fitRows = fit.law.poolRows ?? train
            case .panel: fitRows = Array(0..<panel.count)
            }
            let targets = self.targets
            let observed = train.map { targets[$0] }
            scoreRange =
                fit.law.settings.regression.link == .linear
                ? -Double.infinity...Double.infinity
                : min(0, observed.min() ?? 0)...max(1, observed.max() ?? 1)
            if trainFamilies.count >= 2 {
                // One refit per training family, in parallel (each into its own slot, so the
                // residuals are in family order for any thread count).
                let context = self
                let perFamily = Parallel.replicates(count: trainFamilies.count, threadCount: threadCount) { index -> [Double] in
                    let family = context.trainFamilies[index]
                    let left = Set(family)
                    guard let (regression, familyScores) = try? context.fitLaw(rows: context.train.filter { !left.contains($0) }),
                        regression.termination.converged
                    else { return [] }
                    return family.map { context.targets[$0] - regression.predict(familyScores.row($0)) }
                }
                let residuals = perFamily.flatMap { $0 }
                let center = Statistics.mean(residuals)
                heldOutResiduals = residuals.map { $0 - center }
            }
        }

        /// The residuals a saved law draws from: the centered leave-one-family-out residuals, or
        /// with one family the full fit's leverage-adjusted training residuals.
        func residualPool(_ fit: ScalingLawFit) -> [Double] {
            heldOutResiduals.isEmpty
                ? trainingResiduals(rows: train, regression: fit.law.regression, scores: scores, predictions: fit.predictions.map(\.predicted))
                : heldOutResiduals
        }

        /// The rows of a replicate (panel indices, with repeats).
        func draw(_ random: inout Xoshiro256StarStar) -> [Int] {
            switch settings.resampling {
            case .models:
                return (0..<train.count).map { _ in train[random.nextInt(below: train.count)] }
            case .families:
                return (0..<trainFamilies.count).flatMap { _ in trainFamilies[random.nextInt(below: trainFamilies.count)] }
            }
        }

        func replicate(_ index: Int, log10Flops: [Double]) -> Replicate {
            do {
                var random = Xoshiro256StarStar.stream(seed: settings.seed, index: UInt64(index))
                return try refit(rows: draw(&random), log10Flops: log10Flops, random: &random)
            } catch {
                return Replicate(failure: .unfit("\(error)"))
            }
        }

        /// Refits on `rows` (panel indices, repeats allowed) and predicts; `random` draws the
        /// residuals of the prediction intervals.
        func refit(rows: [Int], log10Flops: [Double], random: inout Xoshiro256StarStar) throws -> Replicate {
            let (regression, replicateScores) = try fitLaw(rows: rows)
            guard regression.termination.converged else { return Replicate(failure: .notConverged(regression.termination)) }
            var result = Replicate()
            let k = replicateScores.columnCount
            let linearPredictors =
                regression.members == nil
                ? replicateScores.storage.withUnsafeBufferPointer { storage in
                    (0..<panel.count).map { row in
                        (0..<k).reduce(regression.alpha) { $0 + regression.beta[$1] * storage[row * k + $1] }
                    }
                } : (0..<panel.count).map { regression.linearPredictor(replicateScores.row($0)) }
            result.predictions = linearPredictors.map { regression.predict(linearPredictor: $0) }
            if !test.isEmpty {
                result.testMSE = test.reduce(0) { $0 + pow(result.predictions[$1] - targets[$1], 2) } / Double(test.count)
            }
            result.parameters = regression.parameters
            let residuals =
                heldOutResiduals.isEmpty
                ? trainingResiduals(
                    rows: rows, regression: regression, scores: replicateScores,
                    predictions: result.predictions) : heldOutResiduals
            result.newObservations = result.predictions.map { scoreRange.clamp($0 + residuals[random.nextInt(below: residuals.count)]) }
            if !log10Flops.isEmpty {
                // A replicate whose reference family came out flat has no equivalent FLOPs: its
                // compute predictions are NaN and left out of those intervals only.
                guard
                    let reference = EquivalentFlops.fit(
                        panel: panel, linearPredictors: linearPredictors,
                        referenceFamily: law.settings.referenceFamily)
                else {
                    result.atFlops = log10Flops.map { _ in .nan }
                    result.atFlopsObservations = result.atFlops
                    return result
                }
                result.atFlops = log10Flops.map { regression.predict(linearPredictor: reference.linearPredictor(log10Flops: $0)) }
                result.atFlopsObservations = result.atFlops.map { scoreRange.clamp($0 + residuals[random.nextInt(below: residuals.count)]) }
            }
            return result
        }

        /// The law (regression, and imputation + PCA with `refitPCA`) fitted on `rows`, and the
        /// capability scores of every panel model under it. The regression may not have converged:
        /// callers read its `termination`.
        func fitLaw(rows: [Int]) throws -> (SigmoidFit, Matrix) {
            var replicateScores = scores
            var penalty = law.penalty
            if settings.refitChoices {
                let imputer =
                    settings.refitPCA
                    ? try law.settings.imputer.fit(benchmarkMatrix.selectingRows(rows), columnNames: law.benchmarkNames) : law.imputer
                let (pca, _, chosen) = try law.settings.capabilitiesAndChoice(
                    panel: panel, target: law.target, train: rows, targets: rows.map { targets[$0] }, columnNames: law.benchmarkNames,
                    imputer: imputer, imputed: imputer.transform(benchmarkMatrix), fitRows: settings.refitPCA ? rows : fitRows,
                    poolRows: law.poolRows ?? train,
                    predictionRows: test.isEmpty ? ScalingLaw.rows(of: panel, outside: train) : test, cache: publicFits)
                replicateScores = pca.transform(imputer.transform(benchmarkMatrix))
                penalty = chosen
            } else if settings.refitPCA {
                let imputer = try law.settings.imputer.fit(benchmarkMatrix.selectingRows(rows), columnNames: law.benchmarkNames)
                let pca = try law.pca.settings.fit(imputer.imputed, columnNames: law.benchmarkNames)
                replicateScores = pca.transform(imputer.transform(benchmarkMatrix))
                // The prior's center lives in a capability space: rebuild it in the replicate's.
                if let strength = penalty?.strength, case let .publicMetrics(exclude) = law.settings.prior, let poolRows = law.poolRows {
                    let fits = PublicMetricFits(
                        panel: panel, metrics: law.settings.publicMetrics(panel), rows: poolRows, scores: replicateScores,
                        regression: law.settings.regression)
                    penalty = fits.prior(for: law.target, exclude: exclude).map { ParameterPenalty(prior: $0, strength: strength) }
                }
            }
            if let members = law.members, let memberFits = law.regression.members, memberFits.count == members.count {
                // A law averaged over K: refit every member on its leading components (its prior
                // rebuilt in the replicate's space when the capabilities were refitted), then average.
                let fits = try zip(members, memberFits).map { member, memberFit -> SigmoidFit in
                    let k = member.componentCount
                    let memberScores = replicateScores.leadingColumns(k)
                    var memberPenalty = member.penalty
                    if settings.refitPCA, let strength = member.penalty?.strength, case let .publicMetrics(exclude) = law.settings.prior,
                        let poolRows = law.poolRows
                    {
                        let fits = PublicMetricFits(
                            panel: panel, metrics: panel.accuracyMetricNames, rows: poolRows, scores: memberScores,
                            regression: law.settings.regression)
                        memberPenalty = fits.prior(for: law.target, exclude: exclude).map { ParameterPenalty(prior: $0, strength: strength) }
                    }
                    return try law.settings.regression.fit(
                        scores: memberScores.selectingRows(rows), targets: rows.map { targets[$0] }, start: memberFit.parameters,
                        penalty: memberPenalty)
                }
                // The weights are the full fit's: a replicate re-estimates the laws, not how much
                // each is trusted (a cross-validation per replicate would cost folds × K fits).
                guard
                    let averaged = SigmoidFit.average(
                        fits, weights: law.regression.memberWeights, scores: replicateScores.selectingRows(rows), targets: rows.map { targets[$0] })
                else { throw FitError.invalidSetting(.pcaComponentCount, value: "0", allowed: "≥ 1") }
                return (averaged, replicateScores)
            }
            let regression = try law.settings.regression.fit(
                scores: replicateScores.selectingRows(rows),
                targets: rows.map { targets[$0] }, start: start, penalty: penalty)
            return (regression, replicateScores)
        }

        /// Centered training residuals scaled to out-of-sample size by their leverages, rᵢ/√(1 − hᵢᵢ)
        /// (or by √(m/(m − p)) when JᵀJ is singular): the fallback with a single training family.
        func trainingResiduals(rows: [Int], regression: SigmoidFit, scores: Matrix, predictions: [Double]) -> [Double] {
            let leverages = regression.leverages(scores: scores.selectingRows(rows))
            let parameterCount = Double(regression.parameters.count), m = Double(rows.count)
            let residuals = rows.indices.map { j -> Double in
                let raw = targets[rows[j]] - predictions[rows[j]]
                guard let leverages else { return raw * (m > parameterCount ? (m / (m - parameterCount)).squareRoot() : 1) }
                return raw / max(1 - leverages[j], 1e-3).squareRoot()
            }
            let center = Statistics.mean(residuals)
            return residuals.map { $0 - center }
        }
    }
}

/// A percentile interval with the bootstrap standard error.
public struct BootstrapInterval: Codable, Equatable, Sendable {
    /// The full-data estimate.
    public let estimate: Double
    public let lower: Double
    public let upper: Double
    /// Sample standard deviation of the replicates (n − 1); NaN replicates are left out.
    public let standardError: Double
    public let median: Double

    init(estimate: Double, lower: Double, upper: Double, standardError: Double, median: Double) {
        self.estimate = estimate
        self.lower = lower
        self.upper = upper
        self.standardError = standardError
        self.median = median
    }

    public init(estimate: Double, replicates: [Double], level: Double) {
        self.estimate = estimate
        let tail = (1 - level) / 2
        let replicates = replicates.filter { !$0.isNaN }
        let sorted = replicates.sorted()
        lower = Statistics.quantile(sorted: sorted, tail)
        upper = Statistics.quantile(sorted: sorted, 1 - tail)
        median = Statistics.quantile(sorted: sorted, 0.5)
        standardError = Statistics.sampleStandardDeviation(replicates)
    }
}

/// The result of `FitBootstrap.run`: intervals for every prediction, parameter and requested
/// compute, the distribution of test MSE, and the failed replicates.
public struct FitBootstrapSummary: Codable, Equatable, Sendable {
    public struct Prediction: Codable, Equatable, Sendable {
        public let model: String
        /// Of the fitted curve at the model.
        public let interval: BootstrapInterval
        /// Of the model's score: the calibrated interval when the fit has a calibration
        /// (`ScalingLawFit.calibration`: the hull of its quantile lines and the bootstrap's score
        /// interval), else the bootstrap's (curve plus resampled residual).
        public let predictionInterval: BootstrapInterval
        /// The bootstrap's score interval, when `predictionInterval` is the calibrated one.
        public let bootstrapPredictionInterval: BootstrapInterval?
    }
    public struct AtFlops: Codable, Equatable, Sendable {
        /// FLOPs (×1E21) of a hypothetical reference-family model.
        public let flops: Double
        public let interval: BootstrapInterval
        public let predictionInterval: BootstrapInterval
    }
    public struct Failures: Codable, Equatable, Sendable {
        public let count: Int
        /// Number of failed replicates per reason.
        public let reasons: [String: Int]
        /// The first failed replicate indices (at most 20).
        public let firstReplicates: [Int]
    }
    public let settings: FitBootstrap
    /// Which interval `predictions[].predictionInterval` is (nil in reports of earlier versions:
    /// the bootstrap's). The computes of `atFlops` and `curve` have no capability scores, so their
    /// score intervals are the bootstrap's.
    public let interval: IntervalKind?
    public let replicatesSucceeded: Int
    public let failures: Failures
    /// One per panel model, in panel order.
    public let predictions: [Prediction]
    /// α, β₁…β_K and (sigmoid-floor) b.
    public let parameters: [String: BootstrapInterval]
    /// Test MSE over the held-out models: estimate = the full-data fit's, interval over replicates.
    public let testMSE: BootstrapInterval?
    public let atFlops: [AtFlops]
    /// The law at 41 computes spanning the panel's equivalent FLOPs, with both intervals (empty
    /// without an equivalent-FLOPs calibration).
    public let curve: [AtFlops]

    /// Summarises the replicates; the per-model intervals (two sorts of R values each) are
    /// computed in parallel, each into its own slot.
    init(
        settings: FitBootstrap, fit: ScalingLawFit, log10Flops: [Double], curveLog10Flops: [Double],
        replicates: [FitBootstrap.Replicate], threadCount: Int
    ) {
        self.settings = settings
        let succeeded = replicates.filter { $0.failure == nil }
        replicatesSucceeded = succeeded.count
        var reasons: [String: Int] = [:]
        var firstFailed: [Int] = []
        for (index, replicate) in replicates.enumerated() {
            guard let failure = replicate.failure else { continue }
            reasons[failure, default: 0] += 1
            if firstFailed.count < 20 { firstFailed.append(index) }
        }
        failures = Failures(count: replicates.count - succeeded.count, reasons: reasons, firstReplicates: firstFailed)
        let level = settings.level
        interval = fit.calibration?.lines(at: level) == nil ? .bootstrap : .calibrated
        predictions = Parallel.replicates(count: fit.predictions.count, threadCount: threadCount) { row in
            let prediction = fit.predictions[row]
            let score = BootstrapInterval(
                estimate: prediction.predicted, replicates: succeeded.map { $0.newObservations[row] }, level: level)
            let calibrated = fit.calibration.flatMap { calibration in
                calibration.lines(at: level) == nil
                    ? nil : calibration.hull(score, level: level, regression: fit.law.regression, capabilities: prediction.capabilities)
            }
            return Prediction(
                model: prediction.model,
                interval: BootstrapInterval(estimate: prediction.predicted, replicates: succeeded.map { $0.predictions[row] }, level: level),
                predictionInterval: calibrated ?? score, bootstrapPredictionInterval: calibrated == nil ? nil : score)
        }
        let main = fit.law.regression.parameters
        let names =
            ["alpha"] + (1...fit.law.regression.beta.count).map { "beta\($0)" } + (main.count > fit.law.regression.beta.count + 1 ? ["floor"] : [])
        parameters = Dictionary(
            uniqueKeysWithValues: names.enumerated().map { index, name in
                (name, BootstrapInterval(estimate: main[index], replicates: succeeded.map { $0.parameters[index] }, level: level))
            })
        testMSE =
            fit.testMetrics.count == 0
            ? nil
            : BootstrapInterval(estimate: fit.testMetrics.mse, replicates: succeeded.map(\.testMSE), level: level)
        func intervals(_ computes: [Double], offset: Int) -> [AtFlops] {
            computes.enumerated().map { position, log10C in
                let index = offset + position
                let estimate = fit.equivalentFlops.map { fit.law.regression.predict(linearPredictor: $0.linearPredictor(log10Flops: log10C)) } ?? .nan
                return AtFlops(
                    flops: pow(10, log10C),
                    interval: BootstrapInterval(estimate: estimate, replicates: succeeded.map { $0.atFlops[index] }, level: level),
                    predictionInterval: BootstrapInterval(
                        estimate: estimate, replicates: succeeded.map { $0.atFlopsObservations[index] },
                        level: level))
            }
        }
        atFlops = intervals(log10Flops, offset: 0)
        curve = intervals(curveLog10Flops, offset: log10Flops.count)
    }
}

extension FitBootstrap: ReplicatedRun {
    /// What every range of a fit bootstrap computes alike: the full-data fit (without its
    /// bootstrap summary) and the requested computes (log10 FLOPs ×1E21).
    public struct Shared: Sendable {
        public var fit: ScalingLawFit
        public var log10Flops: [Double]

        public init(fit: ScalingLawFit, log10Flops: [Double]) {
            self.fit = fit
            self.log10Flops = log10Flops
        }
    }

    public var runSeed: UInt64 { seed }

    /// Settings the run accepts (`validate`), and a shared fit without a bootstrap summary, with a
    /// law of ≥ 1 capability and ≥ 1 model.
    public func checkRun(_ shared: Shared) throws {
        try validate(shared.fit, log10Flops: shared.log10Flops)
        guard shared.fit.bootstrap == nil, !shared.fit.law.regression.beta.isEmpty, !shared.fit.predictions.isEmpty else {
            throw ReplicatedRunProblem(
                "its shared fit is not a part's (allowed: no bootstrap summary, a law with ≥ 1 capability, ≥ 1 model)")
        }
    }

    /// A replicate that succeeded predicts every model, has every parameter and every compute
    /// (all finite; the computes all NaN when its reference family came out flat), and a test
    /// MSE (finite ≥ 0, NaN when the run has no test models).
    public func problem(with record: Replicate, shared: Shared) -> String? {
        guard record.failure == nil else { return record.failure?.isEmpty == true ? "an empty failure reason" : nil }
        let models = shared.fit.predictions.count
        let computes = shared.log10Flops.count + Self.curveGrid(shared.fit).count
        let shapes: [(String, Int, Int)] = [
            ("predictions", record.predictions.count, models), ("newObservations", record.newObservations.count, models),
            ("parameters", record.parameters.count, shared.fit.law.regression.parameters.count),
            ("atFlops", record.atFlops.count, computes), ("atFlopsObservations", record.atFlopsObservations.count, computes),
        ]
        for (name, count, expected) in shapes where count != expected {
            return "\(name) has \(count) values (allowed: \(expected), as every replicate of this run)"
        }
        for (name, values) in [("predictions", record.predictions), ("newObservations", record.newObservations), ("parameters", record.parameters)] {
            if let bad = values.firstIndex(where: { !$0.isFinite }) {
                return "\(name)[\(bad)] is \(JSONCoding.text(of: values[bad])) (allowed: finite numbers in a replicate that succeeded)"
            }
        }
        let computed = record.atFlops + record.atFlopsObservations
        if !(computed.allSatisfy(\.isFinite) || computed.allSatisfy(\.isNaN)) {
            return "atFlops/atFlopsObservations mix numbers and NaN or hold an infinity "
                + "(allowed: all finite, or all NaN when the replicate's reference family came out flat)"
        }
        let hasTest = shared.fit.predictions.contains { $0.role == .test }
        if hasTest ? !(record.testMSE.isFinite && record.testMSE >= 0) : !record.testMSE.isNaN {
            let allowed = hasTest ? "a finite number ≥ 0" : "NaN: the run has no test models"
            return "testMSE is \(JSONCoding.text(of: record.testMSE)) (allowed: \(allowed))"
        }
        return nil
    }

    public func summarize(_ shared: Shared, records: [Replicate], threadCount: Int) -> FitBootstrapSummary {
        summarize(shared.fit, log10Flops: shared.log10Flops, replicates: records, threadCount: threadCount)
    }
}
