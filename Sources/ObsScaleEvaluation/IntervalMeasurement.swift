import Foundation
import ObsScaleData
import ObsScaleFit
import ObsScaleNumerics

/// The score intervals a validation measures on the models each fit predicts (`validate
/// --bootstrap N`): which interval (`kind`), the bootstrap behind it, the nominal level, and the
/// levels of the reliability diagram. Each measured fit is bootstrapped (`replicateCount`
/// replicates, capabilities fixed, seeded per fit by the validation's seed) and, for calibrated
/// intervals, calibrated at every level (`IntervalCalibrator`); the test values are only read to
/// score the intervals. Cost per fit: the bootstrap's refits, plus the calibration's (one
/// regression per public metric and two small LPs per level).
public struct IntervalMeasurement: Codable, Equatable, Sendable {
    public var kind: IntervalKind
    public var replicateCount: Int
    /// The nominal level of `coverage`, `meanWidth` and `intervalScore`.
    public var level: Double
    /// The levels of the reliability diagram (nominal against observed coverage).
    public var reliabilityLevels: [Double]

    /// The levels of a reliability diagram: 50, 80, 90 and 95%.
    public static let diagramLevels = [0.5, 0.8, 0.9, 0.95]

    /// Each level costs one calibration (two LPs) per fit, so the diagram's levels are asked for
    /// when a diagram is drawn (`validate --html`).
    public init(replicateCount: Int, level: Double = 0.95, kind: IntervalKind = .calibrated, reliabilityLevels: [Double] = []) {
        self.kind = kind
        self.replicateCount = replicateCount
        self.level = level
        self.reliabilityLevels = reliabilityLevels
    }

    /// Every level measured, ascending.
    public var levels: [Double] { Array(Set(reliabilityLevels + [level])).sorted() }

    func check() throws {
        guard replicateCount >= 1 else {
            throw EvaluationError.invalidSetting(.intervalReplicateCount, value: "\(replicateCount)", allowed: "≥ 1 replicates")
        }
        for value in levels where !(value > 0 && value < 1) {
            throw EvaluationError.invalidSetting(.intervalLevel, value: "\(value)", allowed: "levels strictly between 0 and 1")
        }
    }

    /// The score of `fit`'s intervals on its test models (`split.test` with the target).
    public func score(
        _ fit: ScalingLawFit, panel: Panel, split: Split, seed: UInt64, cache: CalibrationCache?
    ) throws -> ValidationReport.IntervalScore {
        var fit = fit
        let levels = self.levels
        if kind == .calibrated { fit.calibration = try IntervalCalibrator(levels: levels).calibrate(fit, panel: panel, split: split, cache: cache) }
        let bootstrap = FitBootstrap(replicateCount: replicateCount, level: level, seed: seed)
        let replicates = try bootstrap.replicates(fit, panel: panel, indices: 0...(replicateCount - 1), threadCount: 1)
            .filter { $0.failure == nil }
        let test = fit.predictions.indices.filter { fit.predictions[$0].role == .test }
        var intervals: [Double: [(lower: Double, upper: Double)]] = [:]
        for row in test {
            let prediction = fit.predictions[row]
            let draws = replicates.map { $0.newObservations[row] }
            for at in levels {
                var interval = BootstrapInterval(estimate: prediction.predicted, replicates: draws, level: at)
                if let calibration = fit.calibration {
                    interval = calibration.hull(interval, level: at, regression: fit.law.regression, capabilities: prediction.capabilities)
                }
                intervals[at, default: []].append((interval.lower, interval.upper))
            }
        }
        return ValidationReport.IntervalScore(level: level, observed: test.map { fit.predictions[$0].observed ?? .nan }, intervals: intervals)
    }
}
