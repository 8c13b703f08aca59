import Foundation
import ObsScaleData
import ObsScaleNumerics

/// Which score interval a fit reports (`--interval`).
public enum IntervalKind: String, Codable, CaseIterable, Sendable {
    /// Calibrated under extrapolation (the default): quantile lines learned on the public metrics'
    /// own out-of-range errors (`IntervalCalibration`), hulled with the bootstrap's interval.
    case calibrated
    /// The bootstrap's: percentiles of the replicate curves plus a resampled held-out residual.
    /// It sees the sampling noise of the law, not the error of extrapolating it.
    case bootstrap
}

/// The five regressors of a calibrated interval at one prediction (docs/architecture.md,
/// "Calibrated intervals"): the law's residual scale σ, the delta-method standard error of its
/// curve at the model, the model's distance past the training range in capability (PC-1), and the
/// room between the prediction and the score's bounds.
public struct IntervalFeatures: Codable, Equatable, Sendable {
    /// σ = √(SSR / max(n − p, 1)) on the training models (p free parameters).
    public let sigma: Double
    /// √(gᵀCg): the fitted curve's standard error at the model (`IntervalFeatureModel`).
    public let curveSD: Double
    /// max(0, PC-1 − training maximum) / training SD of PC-1.
    public let distance: Double
    /// high − ŷ (0 for the unbounded linear link).
    public let headroom: Double
    /// ŷ − low (0 for the unbounded linear link).
    public let footroom: Double

    /// (1, σ, sd, d1, headroom): the upper quantile line's regressors.
    public var upperTerms: [Double] { [1, sigma, curveSD, distance, headroom] }
    /// (1, σ, sd, d1, footroom): the lower quantile line's regressors.
    public var lowerTerms: [Double] { [1, sigma, curveSD, distance, footroom] }
}

/// What a fitted law needs to compute `IntervalFeatures` at any model — the training models'
/// summary, saved with a law so `predict` computes them for new models.
///
/// The delta method: C = σ²·H⁺(JᵀJ)H⁺ over the free parameters (the floor is free unless it lies
/// within 1e-12 of a bound), J the Jacobian of the fitted values at the training models, H = JᵀJ +
/// diag(λ·w) with the fit's penalty (H = JᵀJ without one), H⁺ the pseudo-inverse (eigenvalues below
/// 1e-15 of the largest dropped, as numpy's `pinv`); the curve's variance at a model with gradient
/// g is gᵀCg. O(m·p² + p³) to build, O(p²) per model.
public struct IntervalFeatureModel: Codable, Equatable, Sendable {
    public let sigma: Double
    /// C over the free parameters.
    public let covariance: Matrix
    /// The largest PC-1 score of the training models.
    public let trainingMaximum: Double
    /// The population standard deviation of their PC-1 scores (1 when it is 0).
    public let trainingSpread: Double
    /// [min(0, min y), max(1, max y)] over the training targets for the sigmoid links; nil for the
    /// unbounded linear link.
    public let scoreRange: ClosedRange<Double>?

    /// The model of `regression` fitted on `trainScores` (training models × K) with `targets`.
    public init(regression: SigmoidFit, trainScores: Matrix, targets: [Double], penalty: ParameterPenalty?) {
        let jacobian = regression.freeJacobian(scores: trainScores)
        let rows = trainScores.rowCount, free = jacobian.columnCount
        var squares = 0.0
        for i in 0..<rows {
            let residual = targets[i] - regression.predict(trainScores.row(i))
            squares += residual * residual
        }
        let variance = squares / Double(max(rows - free, 1))
        sigma = variance.squareRoot()
        let gram = jacobian.gram
        var curvature = gram
        if let penalty, penalty.isActive {
            let freeIndices = regression.freeParameterIndices
            for (position, parameter) in freeIndices.enumerated() where parameter < penalty.weights.count {
                curvature[position, position] += penalty.strength * penalty.weights[parameter]
            }
        }
        let inverse = Self.pseudoInverse(curvature)
        var sandwich = inverse * gram * inverse
        for index in 0..<(free * free) { sandwich[flat: index] *= variance }
        covariance = sandwich
        let pc1 = (0..<rows).map { trainScores[$0, 0] }
        trainingMaximum = pc1.max() ?? 0
        let spread = Statistics.populationStandardDeviation(pc1)
        trainingSpread = spread > 0 && spread.isFinite ? spread : 1
        scoreRange = regression.settings.link == .linear ? nil : min(0, targets.min() ?? 0)...max(1, targets.max() ?? 1)
    }

    /// The features of `regression` (the law this model was built from) at capability scores
    /// `capabilities`. O(p²).
    public func features(_ regression: SigmoidFit, capabilities: [Double]) -> IntervalFeatures {
        let predicted = regression.predict(capabilities)
        let gradient = regression.freeJacobian(scores: Matrix(rows: [capabilities])).row(0)
        var variance = 0.0
        if covariance.rowCount == gradient.count {
            for a in 0..<gradient.count {
                for b in 0..<gradient.count { variance += gradient[a] * covariance[a, b] * gradient[b] }
            }
        }
        let pc1 = capabilities.first ?? 0
        return IntervalFeatures(
            sigma: sigma, curveSD: max(variance, 0).squareRoot(), distance: max(0, pc1 - trainingMaximum) / trainingSpread,
            headroom: scoreRange.map { $0.upperBound - predicted } ?? 0, footroom: scoreRange.map { predicted - $0.lowerBound } ?? 0)
    }

    /// The Moore–Penrose pseudo-inverse of a symmetric matrix through its eigendecomposition
    /// (eigenvalues at most 1e-15 of the largest in magnitude count as 0).
    static func pseudoInverse(_ matrix: Matrix) -> Matrix {
        let n = matrix.rowCount
        guard n > 0, let eigen = try? SymmetricEigen(matrix) else { return Matrix(rowCount: n, columnCount: n) }
        let largest = eigen.values.map(abs).max() ?? 0
        var inverse = Matrix(rowCount: n, columnCount: n)
        for (k, value) in eigen.values.enumerated() where abs(value) > 1e-15 * largest {
            for i in 0..<n {
                for j in 0..<n { inverse[i, j] += eigen.vectors[i, k] * eigen.vectors[j, k] / value }
            }
        }
        return inverse
    }
}

/// Two quantile lines at one level L: the upper bound ŷ + b⁺·(1, σ, sd, d1, headroom) and the
/// lower bound ŷ − b⁻·(1, σ, sd, d1, footroom), with b⁺, b⁻ ≥ 0 the (1 + L)/2 quantile
/// regressions of the residuals r and −r of other metrics' out-of-range predictions
/// (`IntervalCalibrator` in ObsScaleEvaluation). Clipped to the score range.
public struct QuantileLines: Codable, Equatable, Sendable {
    public let level: Double
    public let upper: [Double]
    public let lower: [Double]
    /// The share of the records the lines were fitted on that lie between them (in-sample: near
    /// `level` by construction, a check that the regression found its quantiles); nil for lines
    /// not fitted here (the shipped ones).
    public let recordCoverage: Double?

    public init(level: Double, upper: [Double], lower: [Double], recordCoverage: Double? = nil) {
        self.level = level
        self.upper = upper
        self.lower = lower
        self.recordCoverage = recordCoverage
    }

    /// The interval around `predicted` with `features`, clipped to `range`.
    public func interval(predicted: Double, features: IntervalFeatures, range: ClosedRange<Double>?) -> (lower: Double, upper: Double) {
        let up = Matrix.dot(upper, features.upperTerms), down = Matrix.dot(lower, features.lowerTerms)
        let low = predicted - down, high = predicted + up
        guard let range else { return (low, high) }
        return (min(max(low, range.lowerBound), range.upperBound), min(max(high, range.lowerBound), range.upperBound))
    }
}

/// The calibration of a fit's score intervals under extrapolation: its quantile lines at the
/// levels asked for, the features model of the fitted law, and what the lines were learned on.
/// The interval obsscale reports is the hull of the lines' interval and the bootstrap's (`hull`):
/// the lines learn where the law's errors grow (past the training range, near a bound, where its
/// curve is uncertain); the bootstrap keeps what the training data say about this target, so the
/// hull never covers less than the bootstrap alone where the public metrics are unlike the target.
public struct IntervalCalibration: Codable, Equatable, Sendable {
    /// Where the lines come from.
    public enum Source: Codable, Equatable, Sendable {
        /// The panel's other public metrics, fitted on this fit's training models and scored on
        /// the models it predicts (leave-one-task-out): `metrics` metrics, `records` predictions.
        case publicMetrics(metrics: Int, records: Int)
        /// Too few public metrics or records (`reason`): the lines obsscale ships, learned once on
        /// the public panel (`IntervalCalibration.shippedLines`).
        case shipped(reason: String)
    }

    public let lines: [QuantileLines]
    public let features: IntervalFeatureModel
    public let source: Source

    public init(lines: [QuantileLines], features: IntervalFeatureModel, source: Source) {
        self.lines = lines
        self.features = features
        self.source = source
    }

    /// The lines at `level` (nil when it was not calibrated at that level).
    public func lines(at level: Double) -> QuantileLines? { lines.first { abs($0.level - level) < 1e-12 } }

    /// The lines' interval for a model predicted by `regression` at `capabilities`, at `level`.
    public func interval(level: Double, regression: SigmoidFit, capabilities: [Double]) -> (lower: Double, upper: Double)? {
        guard let lines = lines(at: level) else { return nil }
        return lines.interval(
            predicted: regression.predict(capabilities), features: features.features(regression, capabilities: capabilities),
            range: features.scoreRange)
    }

    /// The calibrated interval: `bootstrap` widened to contain the lines' interval.
    public func hull(_ bootstrap: BootstrapInterval, level: Double, regression: SigmoidFit, capabilities: [Double]) -> BootstrapInterval {
        guard let (lower, upper) = interval(level: level, regression: regression, capabilities: capabilities) else { return bootstrap }
        return bootstrap.widened(lower: lower, upper: upper)
    }

    /// Where the shipped lines were learned.
    public static let shippedSource = ShippedQuantileLines.source

    /// The shipped lines at `level`, interpolated linearly between the levels they were learned at
    /// (`level` clamped to 0.5…0.99).
    public static func shippedLines(at level: Double) -> QuantileLines {
        let table = ShippedQuantileLines.table
        let clamped = min(max(level, table[0].level), table[table.count - 1].level)
        guard let index = table.firstIndex(where: { $0.level >= clamped - 1e-12 }) else { return table[table.count - 1] }
        let high = table[index]
        guard index > 0, high.level > clamped + 1e-12 else { return QuantileLines(level: level, upper: high.upper, lower: high.lower) }
        let low = table[index - 1]
        let t = (clamped - low.level) / (high.level - low.level)
        func mix(_ a: [Double], _ b: [Double]) -> [Double] { zip(a, b).map { $0 + t * ($1 - $0) } }
        return QuantileLines(level: level, upper: mix(low.upper, high.upper), lower: mix(low.lower, high.lower))
    }
}

extension BootstrapInterval {
    /// The interval widened to contain [lower, upper] (estimate, median and standard error kept).
    public func widened(lower: Double, upper: Double) -> BootstrapInterval {
        BootstrapInterval(
            estimate: estimate, lower: min(self.lower, lower), upper: max(self.upper, upper), standardError: standardError, median: median)
    }
}

extension SigmoidFit {
    /// Indices into `parameters` of the free parameters (the floor only when inside its bounds),
    /// the columns of `freeJacobian`.
    var freeParameterIndices: [Int] {
        let k = beta.count
        let floorFree =
            settings.link == .sigmoidFloor
            && floor > settings.floorBounds.lowerBound + 1e-12 && floor < settings.floorBounds.upperBound - 1e-12
        return Array(0...k) + (floorFree ? [k + 1] : [])
    }
}
