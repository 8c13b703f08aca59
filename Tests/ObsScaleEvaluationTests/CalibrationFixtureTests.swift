import Foundation
import ObsScale
import Testing
import _TestSupport

@testable import ObsScaleEvaluation
@testable import ObsScaleFit

/// The calibrated interval against the numpy/scipy reference (Fixtures/calibration.json,
/// Benchmarks/baseline/calibration_baseline.py): the delta-method features of a penalized
/// sigmoid-floor law, and the non-negative quantile regressions of 400 records at four levels
/// (scipy's HiGHS on the primal LP; obsscale's GLPK on the dual).
struct CalibrationFixtureTests {
    nonisolated(unsafe) static let fixture = (try? loadJSON(TestPaths.fixture("calibration.json", near: #filePath))) ?? [:]

    @Test func deltaMethodFeaturesMatchNumpy() throws {
        let reference = try #require(Self.fixture["features"] as? [String: Any])
        let scores = Matrix(rows: matrixRows(reference["trainScores"]))
        let parameters = doubles(reference["parameters"])
        let penaltyJSON = try #require(reference["penalty"] as? [String: Any])
        let penalty = ParameterPenalty(
            center: doubles(penaltyJSON["center"]), weights: doubles(penaltyJSON["weights"]),
            strength: (penaltyJSON["strength"] as? NSNumber)?.doubleValue ?? .nan)
        let law = SigmoidFit(
            settings: SigmoidRegression(), alpha: parameters[0], beta: Array(parameters[1...2]), floor: parameters[3], loss: 0,
            iterations: 0, termination: .gradientTolerance, gradientNorm: 0, startsTried: 1)
        let model = IntervalFeatureModel(regression: law, trainScores: scores, targets: doubles(reference["targets"]), penalty: penalty)
        #expect(maxRelativeDifference([model.sigma], [(reference["sigma"] as? NSNumber)?.doubleValue ?? .nan]) < 1e-12)
        #expect(maxRelativeDifference(model.covariance.storage, matrixRows(reference["covariance"]).flatMap { $0 }, floor: 1e-12) < 1e-8)
        #expect(model.trainingMaximum == (reference["trainingMaximum"] as? NSNumber)?.doubleValue)
        #expect(maxRelativeDifference([model.trainingSpread], [(reference["trainingSpread"] as? NSNumber)?.doubleValue ?? .nan]) < 1e-12)
        let new = matrixRows(reference["newScores"])
        let features = new.map { model.features(law, capabilities: $0) }
        #expect(maxRelativeDifference(new.map { law.predict($0) }, doubles(reference["predicted"])) < 1e-12)
        #expect(maxRelativeDifference(features.map(\.curveSD), doubles(reference["curveSD"]), floor: 1e-12) < 1e-8)
        #expect(maxRelativeDifference(features.map(\.distance), doubles(reference["distance"]), floor: 1e-12) < 1e-12)
        #expect(features[0].distance > 0 && features.dropFirst().allSatisfy { $0.distance == 0 || $0.distance > 0 })
        #expect(maxRelativeDifference(features.map(\.headroom), doubles(reference["headroom"]), floor: 1e-12) < 1e-12)
        #expect(maxRelativeDifference(features.map(\.footroom), doubles(reference["footroom"]), floor: 1e-12) < 1e-12)
    }

    static func pinballLoss(_ coefficients: [Double], response: [Double], terms: [[Double]], tau: Double) -> Double {
        zip(response, terms).reduce(0) { total, pair in
            let u = pair.0 - Matrix.dot(coefficients, pair.1)
            return total + u * (tau - (u < 0 ? 1 : 0))
        }
    }

    @Test(arguments: ["0.5", "0.8", "0.9", "0.95"])
    func quantileLinesAreTheOptimaOfScipy(level: String) throws {
        let lines = try #require(Self.fixture["lines"] as? [String: Any])
        let columns = try #require(lines["records"] as? [String: Any])
        let residual = doubles(columns["residual"])
        let records = residual.indices.map { k in
            IntervalCalibrator.Record(
                metric: "m\(k % 7)", residual: residual[k],
                features: IntervalFeatures(
                    sigma: doubles(columns["sigma"])[k], curveSD: doubles(columns["curveSD"])[k], distance: doubles(columns["distance"])[k],
                    headroom: doubles(columns["headroom"])[k], footroom: doubles(columns["footroom"])[k]))
        }
        let expected = try #require((lines["levels"] as? [String: Any])?[level] as? [String: Any])
        let value = try #require(Double(level))
        let computed = try #require(IntervalCalibrator.quantileLines(records, level: value))
        #expect(computed.upper.allSatisfy { $0 >= 0 } && computed.lower.allSatisfy { $0 >= 0 })
        let tau = (1 + value) / 2
        let upperLoss = Self.pinballLoss(computed.upper, response: residual, terms: records.map(\.features.upperTerms), tau: tau)
        let lowerLoss = Self.pinballLoss(computed.lower, response: residual.map { -$0 }, terms: records.map(\.features.lowerTerms), tau: tau)
        #expect(maxRelativeDifference([upperLoss, lowerLoss], doubles([expected["upperLoss"], expected["lowerLoss"]])) < 1e-9)
        #expect(maxRelativeDifference(computed.upper, doubles(expected["upper"]), floor: 1e-6) < 1e-6, "upper \(computed.upper)")
        #expect(maxRelativeDifference(computed.lower, doubles(expected["lower"]), floor: 1e-6) < 1e-6, "lower \(computed.lower)")
        // The share of records between scipy's lines, counted here, is the lines' record coverage
        // up to the records each side's line passes through (at most five per side, the features).
        let upperExpected = doubles(expected["upper"]), lowerExpected = doubles(expected["lower"])
        let inside = records.filter {
            -Matrix.dot(lowerExpected, $0.features.lowerTerms) <= $0.residual + 1e-6
                && $0.residual <= Matrix.dot(upperExpected, $0.features.upperTerms) + 1e-6
        }
        let share = Double(inside.count) / Double(records.count)
        #expect(abs((computed.recordCoverage ?? -1) - share) <= 10.0 / Double(records.count), "\(computed.recordCoverage ?? -1) vs \(share)")
        #expect(abs(share - value) < 0.05, "scipy's lines hold \(share) of the records at level \(value)")
        let probes = matrixRows(lines["probes"])
        let intervals = matrixRows(expected["intervals"])
        for (probe, interval) in zip(probes, intervals) {
            let features = IntervalFeatures(sigma: probe[0], curveSD: probe[1], distance: probe[2], headroom: probe[3], footroom: probe[4])
            let (lower, upper) = computed.interval(predicted: 1 - probe[3], features: features, range: 0...1)
            #expect(maxRelativeDifference([lower, upper], interval, floor: 1e-6) < 1e-6)
        }
    }

    /// The hull contains the bootstrap interval and the lines' interval.
    @Test func theHullContainsBoth() {
        let bootstrap = BootstrapInterval(estimate: 0.4, replicates: [0.3, 0.35, 0.4, 0.45, 0.5], level: 0.8)
        let wider = bootstrap.widened(lower: 0.2, upper: 0.45)
        #expect(wider.lower == 0.2 && wider.upper == bootstrap.upper && wider.estimate == 0.4 && wider.median == bootstrap.median)
    }
}
