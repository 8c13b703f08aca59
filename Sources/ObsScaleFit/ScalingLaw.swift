import Foundation
import ObsScaleData
import ObsScaleNumerics
import Synchronization

/// Where imputation and PCA are fitted.
public enum PCAFitRows: String, Codable, CaseIterable, Sendable {
    /// On the training rows only, applied to the others (the paper's procedure).
    case train
    /// On the training side of the split — every model there, with or without the target (its
    /// benchmark scores are public): the pool a subset was chosen from, never a test model.
    case pool
    /// On every panel model (benchmark scores are public); the target is still used only on training rows.
    case panel
}

/// Settings of an observational scaling law (the paper's Algorithm A.1).
public struct ScalingLaw: Codable, Equatable, Sendable {
    /// Benchmark columns the capabilities are extracted from (default: the panel's benchmarks).
    public var benchmarks: [String]?
    public var imputer = PCAImputer()
    public var pca = PCA()
    public var regression = SigmoidRegression()
    public var pcaOn: PCAFitRows = .train
    /// Fit and score (y − low)/(high − low) instead of y (e.g. low = chance accuracy).
    public var targetRange: ClosedRange<Double>?
    /// Family whose compute defines equivalent FLOPs (paper eq. 7–8).
    public var referenceFamily = "Llama-2"
    /// A prior for the law's parameters, with its strength chosen by cross-validation (none: the
    /// paper's fit).
    public var prior: PriorSource = .none
    /// With a value, K is chosen by cross-validation among 1…`maxAutoComponents`
    /// (`--components auto`); nil: K = `pca.componentCount`.
    public var maxAutoComponents: Int?
    /// How λ and K are chosen.
    public var selection = ModelSelection()
    /// true: the law predicts the mean of the laws with K = 1…`pca.componentCount` (`--components
    /// average`, `SigmoidFit.average`), each fitted as a law of its own K (with its own prior
    /// strength). A law fitted on the 15–60 models a small budget buys extrapolates with its
    /// higher components poorly determined; the average hedges between the simpler and the fuller
    /// laws instead of choosing one on a noisy cross-validation (README, "How good is a subset?").
    /// Only for a subset of the pool (`averages`): on (nearly) every pool model the law is the
    /// K-component one. nil or false: one K. Optional so that laws saved before it load.
    public var averagesComponents: Bool?
    /// How an averaged law weighs its members (`--average-weights`); nil: `.crossValidated`.
    public var averageWeights: AverageWeights?

    /// The weights of the laws an averaged law averages.
    public enum AverageWeights: String, Codable, Sendable, CaseIterable {
        /// wₖ ∝ 1/CVₖ, CVₖ the member's cross-validated MSE on the training models (family folds
        /// and the most-capable fold, at its chosen prior strength): a member the training data
        /// contradict counts less, so a target that loads on every capability is predicted by
        /// the fuller laws — on simulated worlds with truth, equal weights were 1.4–2.2× worse
        /// than K = 3 there, inverse-error weights 1.0–1.3× — while a subset too small to tell the
        /// laws apart keeps them near equal; on the two validation worlds it was the best weighting
        /// (README, "How good is a subset?"). Equal weights when some member has no finite
        /// positive error. The members' errors are the folds' — no test model is read.
        case crossValidated = "cv"
        /// wₖ = 1/M.
        case equal
        /// Stacking: the weights whose combination of the members' held-out predictions has the
        /// least cross-validated error (`ScalingLaw.stackingWeights`).
        case stacking
    }

    public init(
        benchmarks: [String]? = nil, imputer: PCAImputer = PCAImputer(), pca: PCA = PCA(),
        regression: SigmoidRegression = SigmoidRegression(), pcaOn: PCAFitRows = .train,
        targetRange: ClosedRange<Double>? = nil, referenceFamily: String = "Llama-2",
        prior: PriorSource = .none, maxAutoComponents: Int? = nil, selection: ModelSelection = ModelSelection()
    ) {
        self.benchmarks = benchmarks
        self.imputer = imputer
        self.pca = pca
        self.regression = regression
        self.pcaOn = pcaOn
        self.targetRange = targetRange
        self.referenceFamily = referenceFamily
        self.prior = prior
        self.maxAutoComponents = maxAutoComponents
        self.selection = selection
    }

    /// The recommended law (the `obsscale fit` and `validate` defaults): imputation and PCA on the
    /// whole pool (public benchmarks of every training-side model), a public prior chosen by
    /// cross-validation, and on a subset of the pool the mean of the laws with K = 1…3 weighted by
    /// their cross-validated errors (`averagesComponents`, `averageWeights`; on the whole pool the
    /// K = 3 law), otherwise the paper's settings. Chosen on two validation worlds — the paper's
    /// public metrics split by FLOPs and the Open LLM Leaderboard's v1 → v2 models split by size —
    /// by the worse world's ratio at 5, 10 and 20% of the pool's parameters (README, "How good is
    /// a subset?"): with the recommended selection for models to predict, the weighted average
    /// reached a worse-world median of 1.16 / 1.00 / 1.05, equal weights 1.22 / 1.01 / 1.07.
    /// `ScalingLaw()` is the paper's own procedure.
    public static let recommended: ScalingLaw = {
        var law = ScalingLaw(pcaOn: .pool, prior: .publicMetrics(exclude: []))
        law.averagesComponents = true
        law.averageWeights = .crossValidated
        return law
    }()

    /// Parameters of the regression (α, β₁…β_K and, for the sigmoid-floor link, b): a subset needs at
    /// least this many models with the target to fit the law.
    public var parameterCount: Int { pca.componentCount + 1 + (regression.link == .sigmoidFloor ? 1 : 0) }

    /// Whether the fit makes a choice by cross-validation (a prior's strength, or K).
    public var choosesByCrossValidation: Bool { prior != .none || maxAutoComponents != nil }

    /// Whether `fit` averages the laws of K = 1…K (`averagesComponents` with K > 1 and no auto K).
    public var isAveraged: Bool { averagesComponents == true && pca.componentCount > 1 && maxAutoComponents == nil }

    /// Fits the law for `target` on the split's training models and predicts every panel model.
    ///
    /// Models without a target value are predicted but not scored. Steps: impute and PCA on the
    /// `pcaOn` rows, apply to all; with a prior or `--components auto`, choose λ and K by
    /// cross-validation on the training models (`ModelSelection`); regress the (normalized)
    /// target on the capability scores of the training models that have it; score train and
    /// test; equivalent FLOPs against the reference family; benchmark weights βᵀγ.
    ///
    /// - Parameters:
    ///   - poolRows: the models on the training side whose public data may inform the fit without
    ///     their target values — the public metrics of a public prior, and the capability space
    ///     with `pcaOn == .pool` (default: the split's training side, with or without the target).
    ///   - cache: shares the public metrics' fits between targets fitted in the same capability
    ///     space (e.g. the targets of one validation); results never depend on it.
    public func fit(
        panel: Panel, target: String, split: Split, poolRows: [Int]? = nil, cache: PublicFitsCache? = nil
    ) throws
        -> ScalingLawFit
    {
        if isAveraged && averages(panel: panel, target: target, split: split, poolRows: poolRows) {
            return try averagedFit(panel: panel, target: target, split: split, poolRows: poolRows, cache: cache)
        }
        let benchmarkNames = try panel.capabilityColumns(benchmarks, excluding: [target])
        let rawTargets = try panel.values(of: target)
        try FitError.checkTarget(target, notAmong: benchmarkNames, in: panel)
        let benchmarkMatrix = try panel.capabilityMatrix(columns: benchmarkNames)
        var normalized = rawTargets
        if let range = targetRange {
            guard range.upperBound > range.lowerBound, range.lowerBound.isFinite, range.upperBound.isFinite else {
                throw FitError.invalidSetting(
                    .scalingLawTargetRange, value: "\(range.lowerBound),\(range.upperBound)",
                    allowed: "LOW,HIGH with LOW < HIGH, both finite")
            }
            normalized = rawTargets.map { ($0 - range.lowerBound) / (range.upperBound - range.lowerBound) }
        }
        let train = split.train.filter { !normalized[$0].isNaN }
        let test = split.test.filter { !normalized[$0].isNaN }
        if targetRange == nil && regression.link != .linear {
            try FitError.checkUnitRange(rawTargets, rows: train + test, target: target, modelNames: panel.modelNames)
        }
        guard !train.isEmpty else {
            throw FitError.tooFewRows(what: "training models with a value for '\(target)'", needed: 1, found: 0)
        }
        let poolRows = poolRows ?? split.train
        let fitRows = capabilityRows(train: train, poolRows: poolRows, panelCount: panel.count)
        let imputerModel = try imputer.fit(benchmarkMatrix.selectingRows(fitRows), columnNames: benchmarkNames)
        let imputed = imputerModel.transform(benchmarkMatrix)
        let (pcaModel, choice, penalty) = try capabilitiesAndChoice(
            panel: panel, target: target, train: train, targets: train.map { normalized[$0] }, columnNames: benchmarkNames, imputer: imputerModel,
            imputed: imputed, fitRows: fitRows, poolRows: poolRows,
            predictionRows: split.test.isEmpty ? Self.rows(of: panel, outside: split.train) : split.test, cache: cache)
        let scores = pcaModel.transform(imputed)
        let regressionFit = try regression.fit(scores: scores.selectingRows(train), targets: train.map { normalized[$0] }, penalty: penalty)
        let law = FittedScalingLaw(
            settings: self, target: target, benchmarkNames: benchmarkNames, imputer: imputerModel,
            pca: pcaModel, regression: regressionFit, choice: choice, penalty: penalty,
            poolRows: prior == .none && pcaOn != .pool ? nil : poolRows)
        return Self.assemble(
            panel: panel, target: target, law: law, scores: scores, normalized: normalized, train: train, test: test, split: split)
    }

    /// Whether an averaged law averages on this split: only while the training models with the
    /// target are fewer than `selection.maximumTrainingShare` (90%) of the pool — as the prior, the
    /// average is for a subset; a law fitted on (nearly) the whole pool is the K-component law,
    /// which the target's own data determine (in the validation study the average fitted on every
    /// pool model predicted 6–11% worse than it). O(models).
    public func averages(panel: Panel, target: String, split: Split, poolRows: [Int]?) -> Bool {
        guard isAveraged, let values = try? panel.values(of: target) else { return false }
        let training = split.train.filter { !values[$0].isNaN }.count
        return Double(training) < selection.maximumTrainingShare * Double((poolRows ?? split.train).count)
    }

    /// The law averaged over K = 1…`pca.componentCount` (`averagesComponents`): each member is this
    /// law with its own K (its own cross-validated prior strength), fitted on the same rows in the
    /// same capability space (the components of a PCA do not depend on how many are kept); the
    /// result predicts the members' weighted mean (`SigmoidFit.average`, weights from the members'
    /// cross-validated errors by `averageWeights`), each member's choice, penalty and error kept
    /// in `FittedScalingLaw.members`. Cost: K fits and K × folds fits for the members'
    /// cross-validation (`memberCrossValidation`).
    func averagedFit(panel: Panel, target: String, split: Split, poolRows: [Int]?, cache: PublicFitsCache?) throws -> ScalingLawFit {
        // The widest member first: a training set too small for the law fails with the K-component
        // law's requirement (K + 2 models), not the smallest member's.
        let fits = Array(
            try (1...pca.componentCount).reversed().map { k -> ScalingLawFit in
                var member = self
                member.averagesComponents = nil
                member.pca.componentCount = k
                return try member.fit(panel: panel, target: target, split: split, poolRows: poolRows, cache: cache)
            }.reversed())
        guard let widest = fits.last else { throw FitError.invalidSetting(.pcaComponentCount, value: "0", allowed: "≥ 1") }
        let normalized = widest.predictions.map { $0.observed ?? .nan }
        let train = widest.predictions.indices.filter { widest.predictions[$0].role == .train }
        let test = widest.predictions.indices.filter { widest.predictions[$0].role == .test }
        let scores = widest.law.pca.transform(widest.law.imputer.transform(try panel.matrix(columns: widest.law.benchmarkNames)))
        let trainTargets = train.map { normalized[$0] }
        let (folds, heldOut) = memberCrossValidation(fits, panel: panel, scores: scores, train: train, targets: trainTargets)
        let errors = heldOut.map { Self.meanFoldError($0, folds: folds, targets: trainTargets) }
        let rule = averageWeights ?? .crossValidated
        let weights =
            rule == .stacking
            ? Self.stackingWeights(heldOut, folds: folds, targets: trainTargets) : Self.memberWeights(errors: errors, rule: rule)
        guard
            let regression = SigmoidFit.average(
                fits.map(\.law.regression), weights: weights, scores: scores.selectingRows(train), targets: trainTargets)
        else { throw FitError.invalidSetting(.pcaComponentCount, value: "0", allowed: "≥ 1") }
        var law = FittedScalingLaw(
            settings: self, target: target, benchmarkNames: widest.law.benchmarkNames, imputer: widest.law.imputer, pca: widest.law.pca,
            regression: regression, poolRows: widest.law.poolRows)
        law.members = zip(fits, errors).map { fit, error in
            FittedScalingLaw.Member(
                componentCount: fit.law.pca.settings.componentCount, choice: fit.law.choice, penalty: fit.law.penalty,
                crossValidatedError: error)
        }
        return Self.assemble(
            panel: panel, target: target, law: law, scores: scores, normalized: normalized, train: train, test: test, split: split)
    }

    /// Each member's cross-validation at its chosen prior strength, on the folds its choice used
    /// (`ModelSelection.foldRows` on the training models): per member, per fold, the held-out
    /// predictions (`ModelSelection.heldOutPredictions`). The mean over the folds of their MSE is
    /// the member's point on its choice's curve. O(members · folds fits).
    func memberCrossValidation(
        _ members: [ScalingLawFit], panel: Panel, scores: Matrix, train: [Int], targets: [Double]
    )
        -> (folds: [ModelSelection.Fold], predictions: [[[Double]]])
    {
        let folds = selection.foldRows(families: train.map { panel.models[$0].family }, capability: train.map { scores[$0, 0] })
        let predictions = members.map { member -> [[Double]] in
            let k = member.law.pca.settings.componentCount
            let candidate = ModelSelection.Candidate(
                componentCount: k, scores: scores.leadingColumns(k).selectingRows(train), prior: member.law.choice?.prior)
            return selection.heldOutPredictions(
                candidate, strength: member.law.choice?.strength ?? 0, targets: targets, folds: folds, regression: regression)
        }
        return (folds, predictions)
    }

    /// The mean over the folds of the held-out MSE (NaN when a fold could not be fitted).
    static func meanFoldError(_ predictions: [[Double]], folds: [ModelSelection.Fold], targets: [Double]) -> Double {
        Statistics.mean(ModelSelection.foldErrors(predictions, folds: folds, targets: targets))
    }

    /// The members' weights from their cross-validated errors (`AverageWeights`): nil (equal) for
    /// `.equal` or when an error is not finite and positive, else wₖ = (1/CVₖ) / Σⱼ 1/CVⱼ.
    public static func memberWeights(errors: [Double], rule: AverageWeights) -> [Double]? {
        guard rule == .crossValidated, errors.allSatisfy({ $0.isFinite && $0 > 0 }) else { return nil }
        let inverse = errors.map { 1 / $0 }
        let total = inverse.reduce(0, +)
        return inverse.map { $0 / total }
    }

    /// Stacking weights (Breiman 1996): the w on the simplex (w ≥ 0, Σw = 1) whose combination of
    /// the members' held-out predictions has the least cross-validated error,
    ///     min_w Σ_f (1/|f|) Σ_{i∈f} (yᵢ − Σₖ wₖ p̂ₖᵢ⁽ᶠ⁾)²,
    /// a quadratic wᵀAw − 2bᵀw + c solved exactly by trying every support (2ᴹ − 1 equality-
    /// constrained solves of at most M + 1 unknowns; M ≤ 8 members in practice). Folds where some
    /// member could not be fitted are left out; nil (equal weights) when none is left.
    /// O(2ᴹ·M³ + rows·M²).
    public static func stackingWeights(_ predictions: [[[Double]]], folds: [ModelSelection.Fold], targets: [Double]) -> [Double]? {
        let memberCount = predictions.count
        guard memberCount >= 1, memberCount <= 16 else { return nil }
        var a = [Double](repeating: 0, count: memberCount * memberCount), b = [Double](repeating: 0, count: memberCount)
        var usedFolds = 0
        for (f, fold) in folds.enumerated() {
            guard predictions.allSatisfy({ f < $0.count && $0[f].allSatisfy(\.isFinite) }) else { continue }
            usedFolds += 1
            let scale = 1 / Double(fold.heldOut.count)
            for (position, row) in fold.heldOut.enumerated() {
                for j in 0..<memberCount {
                    let pj = predictions[j][f][position]
                    b[j] += scale * targets[row] * pj
                    for k in 0..<memberCount { a[j * memberCount + k] += scale * pj * predictions[k][f][position] }
                }
            }
        }
        guard usedFolds > 0 else { return nil }
        func objective(_ w: [Double]) -> Double {
            var value = 0.0
            for j in 0..<memberCount {
                value -= 2 * b[j] * w[j]
                for k in 0..<memberCount { value += w[j] * a[j * memberCount + k] * w[k] }
            }
            return value
        }
        var best: (weights: [Double], value: Double)?
        for support in 1..<(1 << memberCount) {
            let members = (0..<memberCount).filter { support & (1 << $0) != 0 }
            guard let solved = Self.simplexStationaryPoint(a: a, b: b, dimension: memberCount, support: members),
                solved.allSatisfy({ $0 >= -1e-12 })
            else { continue }
            var w = [Double](repeating: 0, count: memberCount)
            for (index, member) in members.enumerated() { w[member] = max(0, solved[index]) }
            let total = w.reduce(0, +)
            guard total > 0 else { continue }
            w = w.map { $0 / total }
            let value = objective(w)
            if best.map({ value < $0.value - 1e-15 }) ?? true { best = (w, value) }
        }
        return best?.weights
    }

    /// The stationary point of wᵀAw − 2bᵀw on {Σ_{k∈S} wₖ = 1, wₖ = 0 off S}: the KKT system
    /// [2A_SS 1; 1ᵀ 0][w; μ] = [2b_S; 1] by Gaussian elimination with partial pivoting; nil when
    /// it is singular.
    static func simplexStationaryPoint(a: [Double], b: [Double], dimension: Int, support: [Int]) -> [Double]? {
        let n = support.count + 1
        var system = [Double](repeating: 0, count: n * (n + 1))
        let scale = max(1e-300, support.reduce(0.0) { max($0, abs(a[$1 * dimension + $1])) })
        for (i, row) in support.enumerated() {
            for (j, column) in support.enumerated() { system[i * (n + 1) + j] = 2 * a[row * dimension + column] / scale }
            system[i * (n + 1) + n - 1] = 1
            system[i * (n + 1) + n] = 2 * b[row] / scale
        }
        for j in 0..<(n - 1) { system[(n - 1) * (n + 1) + j] = 1 }
        system[(n - 1) * (n + 1) + n] = 1
        for column in 0..<n {
            let pivot = (column..<n).max { abs(system[$0 * (n + 1) + column]) < abs(system[$1 * (n + 1) + column]) } ?? column
            guard abs(system[pivot * (n + 1) + column]) > 1e-12 else { return nil }
            if pivot != column {
                for j in 0...n { system.swapAt(pivot * (n + 1) + j, column * (n + 1) + j) }
            }
            for row in 0..<n where row != column {
                let factor = system[row * (n + 1) + column] / system[column * (n + 1) + column]
                if factor == 0 { continue }
                for j in column...n { system[row * (n + 1) + j] -= factor * system[column * (n + 1) + j] }
            }
        }
        return (0..<(n - 1)).map { system[$0 * (n + 1) + n] / system[$0 * (n + 1) + $0] }
    }

    /// Predictions, metrics, equivalent FLOPs and benchmark weights of a fitted law.
    static func assemble(
        panel: Panel, target: String, law: FittedScalingLaw, scores: Matrix, normalized: [Double], train: [Int], test: [Int], split: Split
    ) -> ScalingLawFit {
        let regressionFit = law.regression, pcaModel = law.pca, benchmarkNames = law.benchmarkNames
        let referenceFamily = law.settings.referenceFamily
        var roles = [ModelPrediction.Role](repeating: .unlabeled, count: panel.count)
        for index in train { roles[index] = .train }
        for index in test { roles[index] = .test }
        var predictions: [ModelPrediction] = []
        predictions.reserveCapacity(panel.count)
        for index in 0..<panel.count {
            let s = scores.row(index)
            let linearPredictor = regressionFit.linearPredictor(s)
            let predicted = regressionFit.predict(linearPredictor: linearPredictor)
            let observed = normalized[index].isNaN ? nil : normalized[index]
            predictions.append(
                ModelPrediction(
                    model: panel.models[index].name, family: panel.models[index].family,
                    flops: panel.models[index].flops, role: roles[index], capabilities: s,
                    linearPredictor: linearPredictor, observed: observed,
                    predicted: predicted, residual: observed.map { $0 - predicted },
                    equivalentLog10Flops: nil))
        }
        func metrics(_ rows: [Int]) -> FitMetrics {
            FitMetrics(observed: rows.map { normalized[$0] }, predicted: rows.map { predictions[$0].predicted })
        }
        let reference = EquivalentFlops.fit(
            panel: panel, linearPredictors: predictions.map(\.linearPredictor),
            referenceFamily: referenceFamily)
        if let reference {
            for index in predictions.indices {
                predictions[index].equivalentLog10Flops = reference.equivalentLog10Flops(predictions[index].linearPredictor)
            }
        }
        let weights = (0..<benchmarkNames.count).map { j in
            (0..<pcaModel.settings.componentCount).reduce(0.0) {
                $0 + regressionFit.beta[$1] * pcaModel.allComponents[$1, j] / pcaModel.scales[j]
            }
        }
        var result = ScalingLawFit(
            law: law, predictions: predictions, trainMetrics: metrics(train),
            testMetrics: metrics(test), equivalentFlops: reference,
            benchmarkWeights: Dictionary(uniqueKeysWithValues: zip(benchmarkNames, weights)))
        if test.isEmpty && !split.test.isEmpty {
            result.warnings = [
                "the split holds out \(Plural.count(split.test.count, "model")), \(split.test.count == 1 ? "without" : "none with") a value for "
                    + "'\(target)': nothing is scored (\(split.test.count == 1 ? "it is" : "they are") predicted only)"
            ]
        }
        return result
    }
}

extension ScalingLaw {
    /// The capability space of the fit and, when the law makes one, its cross-validated choice of
    /// K and λ with the resulting penalty. `train` are panel rows (repeats allowed, as in a
    /// bootstrap replicate) with their `targets`; `imputed` is the imputed panel, `imputer` fitted
    /// on `fitRows`.
    func capabilitiesAndChoice(
        panel: Panel, target: String, train: [Int], targets: [Double], columnNames: [String], imputer: PCAImputerModel, imputed: Matrix,
        fitRows: [Int], poolRows: [Int], predictionRows: [Int], cache: PublicFitsCache?
    ) throws -> (PCAModel, ModelSelection.Choice?, ParameterPenalty?) {
        guard choosesByCrossValidation else { return (try pca.fit(imputer.imputed, columnNames: columnNames), nil, nil) }
        let candidates = try componentCandidates(maximum: min(columnNames.count, fitRows.count - 1))
        let widest = try PCA(componentCount: candidates.max() ?? pca.componentCount, standardize: pca.standardize)
            .fit(imputer.imputed, columnNames: columnNames)
        let allScores = widest.transform(imputed)
        let options = try candidates.map { k -> ModelSelection.Candidate in
            let scores = allScores.leadingColumns(k)
            return ModelSelection.Candidate(
                componentCount: k, scores: scores.selectingRows(train),
                prior: try priorAt(k, panel: panel, target: target, fitRows: fitRows, poolRows: poolRows, scores: scores, cache: cache),
                predictionScores: scores.selectingRows(predictionRows), poolSize: poolRows.count)
        }
        let folds = selection.foldRows(families: train.map { panel.models[$0].family }, capability: train.map { allScores[$0, 0] })
        let choice = selection.choose(
            candidates: options, defaultComponents: pca.componentCount, targets: targets, folds: folds, regression: regression)
        let penalty = choice.priorUsed ? choice.prior.map { ParameterPenalty(prior: $0, strength: choice.strength) } : nil
        return (widest.truncated(to: choice.componentCount), choice, penalty)
    }

    /// The public metrics a prior is built from: the panel's accuracy metrics that are not
    /// capability columns (a capability column is fitted from itself, a prior no target has).
    public func publicMetrics(_ panel: Panel) -> [String] {
        let capabilities = Set((try? panel.capabilityColumns(benchmarks)) ?? [])
        return panel.accuracyMetricNames.filter { !capabilities.contains($0) }
    }

    /// The panel rows not in `rows`.
    static func rows(of panel: Panel, outside rows: [Int]) -> [Int] {
        let excluded = Set(rows)
        return (0..<panel.count).filter { !excluded.contains($0) }
    }

    /// The K tried: 1…`maxAutoComponents` (capped by what the data allow), or the law's own K.
    func componentCandidates(maximum: Int) throws -> [Int] {
        guard let maxAutoComponents else { return [pca.componentCount] }
        guard maxAutoComponents >= 1 else {
            throw FitError.invalidSetting(.scalingLawMaxAutoComponents, value: "\(maxAutoComponents)", allowed: "≥ 1")
        }
        return Array(1...max(1, min(maxAutoComponents, maximum)))
    }

    /// The prior at K components: the given one (which must have K + 1 (+ floor) parameters), or
    /// the public metrics' fitted on `poolRows` in this capability space (`scores`, every panel
    /// row), from the cache when another target already needed them.
    func priorAt(
        _ k: Int, panel: Panel, target: String, fitRows: [Int], poolRows: [Int], scores: Matrix, cache: PublicFitsCache?
    ) throws
        -> ParameterPrior?
    {
        switch prior {
        case .none:
            return nil
        case let .given(given):
            let count = k + 1 + (regression.link == .sigmoidFloor ? 1 : 0)
            guard given.mean.count == count else {
                throw FitError.invalidSetting(
                    .scalingLawPrior, value: "\(given.mean.count) parameters",
                    allowed: "\(count): α, β₁…β\(k)\(regression.link == .sigmoidFloor ? ", b" : "") "
                        + "for K = \(k) (\(regression.link.rawValue))")
            }
            return given
        case let .publicMetrics(exclude):
            return publicMetricFits(panel: panel, scores: scores, fitRows: fitRows, poolRows: poolRows, cache: cache)
                .prior(for: target, exclude: exclude)
        }
    }

    /// The public metrics' laws fitted on `poolRows` in the capability space `scores` (every panel
    /// row; imputation and PCA fitted on `fitRows`), from `cache` when another fit already needed
    /// them: the raw material of public priors and of calibrated intervals.
    public func publicMetricFits(panel: Panel, scores: Matrix, fitRows: [Int], poolRows: [Int], cache: PublicFitsCache?) -> PublicMetricFits {
        let key = PublicFitsCache.Key(fitRows: fitRows, poolRows: poolRows, componentCount: scores.columnCount)
        let make = { PublicMetricFits(panel: panel, metrics: self.publicMetrics(panel), rows: poolRows, scores: scores, regression: self.regression) }
        return cache?.fits(for: key, make: make) ?? make()
    }

    /// The rows imputation and PCA were fitted on for a fit whose law has these settings, given its
    /// training rows and pool rows.
    public func capabilityRows(train: [Int], poolRows: [Int], panelCount: Int) -> [Int] {
        switch pcaOn {
        case .train: return train
        case .pool: return poolRows
        case .panel: return Array(0..<panelCount)
        }
    }
}

/// The public metrics' fits of each capability space met so far, shared by the fits of one study
/// (thread-safe; a space is keyed by the rows imputation and PCA were fitted on, the rows the
/// metrics are fitted on and K). The law's settings must be the same for every fit sharing it.
public final class PublicFitsCache: Sendable {
    public struct Key: Hashable, Sendable {
        public let fitRows: [Int]
        public let poolRows: [Int]
        public let componentCount: Int

        public init(fitRows: [Int], poolRows: [Int], componentCount: Int) {
            self.fitRows = fitRows
            self.poolRows = poolRows
            self.componentCount = componentCount
        }
    }

    private let entries = Mutex<[Key: PublicMetricFits]>([:])

    public init() {}

    /// The fits for `key`, computed by `make` the first time.
    func fits(for key: Key, make: () -> PublicMetricFits) -> PublicMetricFits {
        if let known = entries.withLock({ $0[key] }) { return known }
        let made = make()
        return entries.withLock { entries in
            if let known = entries[key] { return known }
            entries[key] = made
            return made
        }
    }
}

/// Everything needed to predict a new model from its benchmark scores.
public struct FittedScalingLaw: Codable, Equatable, Sendable {
    public let settings: ScalingLaw
    public let target: String
    public let benchmarkNames: [String]
    public let imputer: PCAImputerModel
    public let pca: PCAModel
    public let regression: SigmoidFit
    /// The cross-validated choice of K and λ, when the law makes one (a prior or auto K).
    public var choice: ModelSelection.Choice?
    /// The pull towards the prior the regression was fitted with (nil: none).
    public var penalty: ParameterPenalty?
    /// The laws of K = 1…K whose average this law is (`ScalingLaw.averagesComponents`); nil for one K.
    public var members: [Member]?

    /// One law of an average over K (its regression is `regression.members`, in the same order):
    /// its K and how its prior strength was chosen.
    public struct Member: Codable, Equatable, Sendable {
        public let componentCount: Int
        public let choice: ModelSelection.Choice?
        public let penalty: ParameterPenalty?
        /// Its cross-validated MSE on the training models, which sets its weight
        /// (`ScalingLaw.AverageWeights`); nil in laws saved before weights existed.
        public var crossValidatedError: Double?
    }
    /// The training-side rows that informed the fit without their targets (a public prior's
    /// metrics, `pcaOn == .pool`'s capability space); nil when none did.
    public var poolRows: [Int]?

    public init(
        settings: ScalingLaw, target: String, benchmarkNames: [String], imputer: PCAImputerModel, pca: PCAModel,
        regression: SigmoidFit, choice: ModelSelection.Choice? = nil, penalty: ParameterPenalty? = nil, poolRows: [Int]? = nil
    ) {
        self.settings = settings
        self.target = target
        self.benchmarkNames = benchmarkNames
        self.imputer = imputer
        self.pca = pca
        self.regression = regression
        self.choice = choice
        self.penalty = penalty
        self.poolRows = poolRows
    }

    /// Predicts the (normalized) metric from benchmark scores in `benchmarkNames` order (NaN = missing).
    public func predict(benchmarkScores: [Double]) -> Double {
        let matrix = Matrix(rowCount: 1, columnCount: benchmarkScores.count, storage: benchmarkScores)
        return regression.predict(pca.transform(imputer.transform(matrix)).row(0))
    }

    /// The fitted formula, e.g. `y = 1.00·σ(-2.498 + 2.565·PC-1 + …) + 0.000`.
    public var formula: String {
        guard let members = regression.members else { return Self.formula(regression, link: settings.regression.link) }
        return "y = the \(regression.memberWeights == nil ? "" : "weighted ")mean of \(members.count) laws (K = 1…\(members.count))"
    }

    /// The formula of a regression with the given link.
    public static func formula(_ regression: SigmoidFit, link: Link) -> String {
        let terms = regression.beta.enumerated().map { index, value in
            (value < 0 ? " - " : " + ") + String(format: "%.4g", abs(value)) + "·PC-\(index + 1)"
        }.joined()
        let linear = String(format: "%.4g", regression.alpha) + terms
        switch link {
        case .linear: return "y = " + linear
        case .sigmoid: return "y = σ(\(linear))"
        case .sigmoidFloor:
            return "y = " + String(format: "%.4f", 1 - regression.floor) + "·σ(\(linear)) + " + String(format: "%.4f", regression.floor)
        }
    }
}

/// One model's prediction.
public struct ModelPrediction: Codable, Equatable, Sendable {
    public enum Role: String, Codable, Sendable {
        case train, test
        /// In the panel but without a target value.
        case unlabeled
    }
    public let model: String
    public let family: String
    public let flops: Double?
    public let role: Role
    /// Capability scores (PC-1…PC-K).
    public let capabilities: [Double]
    /// P = α + βᵀS.
    public let linearPredictor: Double
    /// Observed (normalized) target, if any.
    public let observed: Double?
    public let predicted: Double
    public let residual: Double?
    /// log10 of the equivalent FLOPs (×1E21) against the reference family, if available.
    public var equivalentLog10Flops: Double?
}

/// A fitted scaling law with its predictions and diagnostics.
public struct ScalingLawFit: Codable, Equatable, Sendable {
    public let law: FittedScalingLaw
    public let predictions: [ModelPrediction]
    public let trainMetrics: FitMetrics
    public let testMetrics: FitMetrics
    /// Equivalent-FLOPs calibration, nil when the reference family has fewer than 2 models with FLOPs.
    public let equivalentFlops: EquivalentFlops?
    /// The capability weights projected back onto the benchmarks, βᵀγ (per benchmark, per unit score).
    public let benchmarkWeights: [String: Double]
    /// Bootstrap intervals, when requested (`FitBootstrap.run`).
    public var bootstrap: FitBootstrapSummary?
    /// The calibration of the score intervals under extrapolation (`IntervalCalibrator` in
    /// ObsScaleEvaluation), applied by the bootstrap's summary; nil: the bootstrap's intervals.
    public var calibration: IntervalCalibration?
    /// What the user should know about this fit (e.g. a split whose held-out models have no
    /// target value, so nothing is scored); nil when there is nothing to say.
    public var warnings: [String]?

    /// The predicted (normalized) metric of a reference-family model trained with `flops` (×1E21):
    /// h(w·log10 C + c), the "how good will a larger model be" question. nil without an
    /// equivalent-FLOPs calibration.
    public func predicted(atFlops flops: Double) -> Double? {
        equivalentFlops.map { law.regression.predict(linearPredictor: $0.linearPredictor(log10Flops: log10(flops))) }
    }
}

/// Equivalent FLOPs (paper eq. 7–8): on the reference family fit P = w·log10(C) + c by least
/// squares; then log10 C̄ = (P − c)/w for every model.
public struct EquivalentFlops: Codable, Equatable, Sendable {
    public let referenceFamily: String
    public let slope: Double
    public let intercept: Double
    public let referenceModels: [String]

    public func equivalentLog10Flops(_ linearPredictor: Double) -> Double { (linearPredictor - intercept) / slope }

    /// The linear predictor of a reference-family model with log10 C = `log10Flops`: w·log10 C + c.
    public func linearPredictor(log10Flops: Double) -> Double { slope * log10Flops + intercept }

    /// nil when the family has fewer than 2 models with distinct known FLOPs or a zero slope.
    static func fit(panel: Panel, linearPredictors: [Double], referenceFamily: String) -> EquivalentFlops? {
        let rows = panel.models.indices.filter { panel.models[$0].family == referenceFamily && panel.models[$0].flops != nil }
        guard rows.count >= 2 else { return nil }
        let x = rows.map { log10(panel.models[$0].flops ?? 1) }
        guard let line = Statistics.leastSquaresLine(x: x, y: rows.map { linearPredictors[$0] }), line.slope != 0, line.slope.isFinite else {
            return nil
        }
        return EquivalentFlops(
            referenceFamily: referenceFamily, slope: line.slope, intercept: line.intercept,
            referenceModels: rows.map { panel.models[$0].name })
    }
}
