import Foundation
import ObsScaleData
import ObsScaleNumerics

/// Where imputation and PCA are fitted.
public enum PCAFitRows: String, Codable, CaseIterable, Sendable {
    /// On the training rows only, applied to the others (the paper's procedure).
    case train
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

    public init(
        benchmarks: [String]? = nil, imputer: PCAImputer = PCAImputer(), pca: PCA = PCA(),
        regression: SigmoidRegression = SigmoidRegression(), pcaOn: PCAFitRows = .train,
        targetRange: ClosedRange<Double>? = nil, referenceFamily: String = "Llama-2"
    ) {
        self.benchmarks = benchmarks
        self.imputer = imputer
        self.pca = pca
        self.regression = regression
        self.pcaOn = pcaOn
        self.targetRange = targetRange
        self.referenceFamily = referenceFamily
    }

    /// Fits the law for `target` on the split's training models and predicts every panel model.
    ///
    /// Models without a target value are predicted but not scored. Steps: impute and PCA on the
    /// `pcaOn` rows, apply to all; regress the (normalized) target on the capability scores of
    /// the training models that have it; score train and test; equivalent FLOPs against the
    /// reference family; benchmark weights βᵀγ.
    public func fit(panel: Panel, target: String, split: Split) throws -> ScalingLawFit {
        let benchmarkNames = benchmarks ?? panel.benchmarkNames
        let rawTargets = try panel.values(of: target)
        let benchmarkMatrix = try panel.matrix(columns: benchmarkNames)
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
        guard !train.isEmpty else {
            throw FitError.tooFewRows(what: "training models with a value for '\(target)'", needed: 1, found: 0)
        }
        let fitRows = pcaOn == .train ? train : Array(0..<panel.count)
        let imputerModel = try imputer.fit(benchmarkMatrix.selectingRows(fitRows), columnNames: benchmarkNames)
        let imputed = imputerModel.transform(benchmarkMatrix)
        let pcaModel = try pca.fit(imputerModel.imputed, columnNames: benchmarkNames)
        let scores = pcaModel.transform(imputed)
        let regressionFit = try regression.fit(scores: scores.selectingRows(train), targets: train.map { normalized[$0] })
        let law = FittedScalingLaw(
            settings: self, target: target, benchmarkNames: benchmarkNames, imputer: imputerModel,
            pca: pcaModel, regression: regressionFit)
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
            (0..<pca.componentCount).reduce(0.0) { $0 + regressionFit.beta[$1] * pcaModel.allComponents[$1, j] / pcaModel.scales[j] }
        }
        return ScalingLawFit(
            law: law, predictions: predictions, trainMetrics: metrics(train),
            testMetrics: metrics(test), equivalentFlops: reference,
            benchmarkWeights: Dictionary(uniqueKeysWithValues: zip(benchmarkNames, weights)))
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

    /// Predicts the (normalized) metric from benchmark scores in `benchmarkNames` order (NaN = missing).
    public func predict(benchmarkScores: [Double]) -> Double {
        let matrix = Matrix(rowCount: 1, columnCount: benchmarkScores.count, storage: benchmarkScores)
        return regression.predict(pca.transform(imputer.transform(matrix)).row(0))
    }

    /// The fitted formula, e.g. `y = 1.00·σ(-2.498 + 2.565·PC-1 + …) + 0.000`.
    public var formula: String {
        let terms = regression.beta.enumerated().map { index, value in
            (value < 0 ? " - " : " + ") + String(format: "%.4g", abs(value)) + "·PC-\(index + 1)"
        }.joined()
        let linear = String(format: "%.4g", regression.alpha) + terms
        switch settings.regression.link {
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
        let y = rows.map { linearPredictors[$0] }
        let meanX = Statistics.mean(x), meanY = Statistics.mean(y)
        let sxx = x.reduce(0) { $0 + ($1 - meanX) * ($1 - meanX) }
        guard sxx > 0 else { return nil }
        let slope = zip(x, y).reduce(0) { $0 + ($1.0 - meanX) * ($1.1 - meanY) } / sxx
        guard slope != 0, slope.isFinite else { return nil }
        return EquivalentFlops(
            referenceFamily: referenceFamily, slope: slope, intercept: meanY - slope * meanX,
            referenceModels: rows.map { panel.models[$0].name })
    }
}
