import Foundation
import ObsScaleData
import ObsScaleNumerics

/// What a scaling law regresses the target on.
public enum LawPredictor: String, Codable, CaseIterable, Sendable {
    /// The capability scores (the observational law; `ScalingLaw`).
    case pcs
    /// log10 of training FLOPs (×1E21): the compute-based baseline.
    case flops
    /// log10 of the model size (billions of parameters).
    case params

    /// The regressor's value for a model (nil when unknown or not positive).
    public func value(of model: ModelInfo) -> Double? {
        let raw: Double?
        switch self {
        case .pcs: raw = nil
        case .flops: raw = model.flops
        case .params: raw = model.parametersB
        }
        guard let raw, raw > 0, raw.isFinite else { return nil }
        return log10(raw)
    }

    /// The x-axis of the law, for reports.
    public var axisLabel: String {
        switch self {
        case .pcs: return "capabilities"
        case .flops: return "training FLOPs (×1E21)"
        case .params: return "model size (B parameters)"
        }
    }
}

/// The paper's compute-based baselines (§4.1): the same link, loss, target range and split as a
/// scaling law, with one regressor — log10 FLOPs or log10 model size — instead of the capability
/// scores: E ≈ h(α + β·x). Models without the regressor cannot be in the fit or scored; they are
/// listed. The public prior lives in the capability space, so these fits use none (as the paper's).
///
/// Cost: one sigmoid regression on the training models, O(iterations · m).
public struct ComputeBaseline: Codable, Equatable, Sendable {
    /// `.flops` or `.params`.
    public var predictor: LawPredictor
    /// Link, loss, bounds (the law's).
    public var regression: SigmoidRegression
    /// Fit and score (y − low)/(high − low).
    public var targetRange: ClosedRange<Double>?

    public init(predictor: LawPredictor, regression: SigmoidRegression = SigmoidRegression(), targetRange: ClosedRange<Double>? = nil) {
        self.predictor = predictor
        self.regression = regression
        self.targetRange = targetRange
    }

    public struct Prediction: Codable, Equatable, Sendable {
        public let model: String
        public let family: String
        public let role: ModelPrediction.Role
        /// The regressor (log10 FLOPs or log10 size); nil where unknown.
        public let x: Double?
        public let observed: Double?
        /// nil where the regressor is unknown.
        public let predicted: Double?
    }

    public struct Fit: Codable, Equatable, Sendable {
        public let settings: ComputeBaseline
        public let target: String
        public let regression: SigmoidFit
        public let predictions: [Prediction]
        public let trainMetrics: FitMetrics
        public let testMetrics: FitMetrics
        /// Training and test models with the target but without the regressor.
        public let excludedTrain: [String]
        public let excludedTest: [String]

        /// The law's prediction at regressor value `x`.
        public func predicted(atX x: Double) -> Double { regression.predict([x]) }
    }

    /// Fits the baseline for `target` on the split's training models.
    public func fit(panel: Panel, target: String, split: Split) throws -> Fit {
        guard predictor != .pcs else {
            throw FitError.invalidSetting(
                .computeBaselinePredictor, value: SettingText(predictor.rawValue), allowed: "flops or params (pcs is the scaling law)")
        }
        var values = try panel.values(of: target)
        if let range = targetRange {
            guard range.upperBound > range.lowerBound, range.lowerBound.isFinite, range.upperBound.isFinite else {
                throw FitError.invalidSetting(
                    .scalingLawTargetRange, value: "\(range.lowerBound),\(range.upperBound)", allowed: "LOW,HIGH with LOW < HIGH, both finite")
            }
            values = values.map { ($0 - range.lowerBound) / (range.upperBound - range.lowerBound) }
        }
        if targetRange == nil && regression.link != .linear {
            try FitError.checkUnitRange(values, rows: split.train + split.test, target: target, modelNames: panel.modelNames)
        }
        let x = panel.models.map { predictor.value(of: $0) }
        let labelledTrain = split.train.filter { !values[$0].isNaN }
        let labelledTest = split.test.filter { !values[$0].isNaN }
        let train = labelledTrain.filter { x[$0] != nil }
        let test = labelledTest.filter { x[$0] != nil }
        let distinct = Set(train.compactMap { x[$0] })
        guard distinct.count >= 2 else {
            throw FitError.tooFewRows(
                what: "training models with '\(target)' and a known \(predictor == .flops ? "FLOPs" : "model size") (distinct values)", needed: 2,
                found: distinct.count)
        }
        let fit = try regression.fit(scores: Matrix(rows: train.map { [x[$0] ?? 0] }), targets: train.map { values[$0] })
        var roles = [ModelPrediction.Role](repeating: .unlabeled, count: panel.count)
        for row in labelledTrain { roles[row] = .train }
        for row in labelledTest { roles[row] = .test }
        let predictions = panel.models.indices.map { row in
            Prediction(
                model: panel.models[row].name, family: panel.models[row].family, role: roles[row], x: x[row],
                observed: values[row].isNaN ? nil : values[row], predicted: x[row].map { fit.predict([$0]) })
        }
        func metrics(_ rows: [Int]) -> FitMetrics {
            FitMetrics(observed: rows.map { values[$0] }, predicted: rows.map { predictions[$0].predicted ?? .nan })
        }
        return Fit(
            settings: self, target: target, regression: fit, predictions: predictions, trainMetrics: metrics(train), testMetrics: metrics(test),
            excludedTrain: labelledTrain.filter { x[$0] == nil }.map { panel.models[$0].name },
            excludedTest: labelledTest.filter { x[$0] == nil }.map { panel.models[$0].name })
    }
}

/// `fit --compare-predictors`: the scaling law and both compute baselines on the same split,
/// with each test MSE on its own test models and on the test models all three can predict.
public struct PredictorComparison: Codable, Equatable, Sendable {
    public let law: ScalingLawFit
    public let flops: ComputeBaseline.Fit
    public let params: ComputeBaseline.Fit
    /// Test models every predictor can score.
    public let commonTestModels: [String]
    /// Test MSE on `commonTestModels`: capabilities, FLOPs, size.
    public let commonTestMSE: [Double]

    /// Fits the three laws (`law` with the capabilities; the baselines with its link, loss and range).
    public static func run(law: ScalingLaw, panel: Panel, target: String, split: Split) throws -> PredictorComparison {
        let lawFit = try law.fit(panel: panel, target: target, split: split)
        let baselines = try [LawPredictor.flops, .params].map {
            try ComputeBaseline(predictor: $0, regression: law.regression, targetRange: law.targetRange).fit(
                panel: panel, target: target, split: split)
        }
        let common = lawFit.predictions.indices.filter { row in
            lawFit.predictions[row].role == .test && baselines.allSatisfy { $0.predictions[row].predicted != nil }
        }
        func mse(_ predicted: (Int) -> Double) -> Double {
            FitMetrics(observed: common.map { lawFit.predictions[$0].observed ?? .nan }, predicted: common.map(predicted)).mse
        }
        return PredictorComparison(
            law: lawFit, flops: baselines[0], params: baselines[1], commonTestModels: common.map { lawFit.predictions[$0].model },
            commonTestMSE: [
                mse { lawFit.predictions[$0].predicted }, mse { baselines[0].predictions[$0].predicted ?? .nan },
                mse { baselines[1].predictions[$0].predicted ?? .nan },
            ])
    }
}
