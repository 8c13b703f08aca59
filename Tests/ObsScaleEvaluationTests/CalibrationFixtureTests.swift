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
    /// Fixtures/calibration.json.
    struct Fixture: Decodable, Sendable {
        struct Features: Decodable, Sendable {
            struct Penalty: Decodable, Sendable {
                let center: [Double]
                let weights: [Double]
                let strength: Double
            }
            let trainScores: [[Double]]
            let targets: [Double]
            let parameters: [Double]
            let penalty: Penalty
            let sigma: Double
            let covariance: [[Double]]
            let trainingMaximum: Double
            let trainingSpread: Double
            let newScores: [[Double]]
            let predicted: [Double]
            let curveSD: [Double]
            let distance: [Double]
            let headroom: [Double]
            let footroom: [Double]
        }
        struct Lines: Decodable, Sendable {
            struct Records: Decodable, Sendable {
                let residual: [Double]
                let sigma: [Double]
                let curveSD: [Double]
                let distance: [Double]
                let headroom: [Double]
                let footroom: [Double]
            }
            struct Level: Decodable, Sendable {
                let upperLoss: Double
                let lowerLoss: Double
                let upper: [Double]
                let lower: [Double]
                let intervals: [[Double]]
            }
            let records: Records
            let probes: [[Double]]
            /// By level as written ("0.5", "0.8", …).
            let levels: [String: Level]
        }
        let features: Features
        let lines: Lines
    }

    static let fixture = Result { try decodeFixture(Fixture.self, TestPaths.fixture("calibration.json", near: #filePath)) }

    @Test func deltaMethodFeaturesMatchNumpy() throws {
        let reference = try Self.fixture.get().features
        let scores = Matrix(rows: reference.trainScores)
        let parameters = reference.parameters
        try #require(parameters.count == 4, "parameters \(parameters)")
        let penalty = ParameterPenalty(center: reference.penalty.center, weights: reference.penalty.weights, strength: reference.penalty.strength)
        let law = SigmoidFit(
            settings: SigmoidRegression(), alpha: parameters[0], beta: Array(parameters[1...2]), floor: parameters[3], loss: 0,
            iterations: 0, termination: .gradientTolerance, gradientNorm: 0, startsTried: 1)
        let model = IntervalFeatureModel(regression: law, trainScores: scores, targets: reference.targets, penalty: penalty)
        #expect(maxRelativeDifference([model.sigma], [reference.sigma]) < 1e-12)
        #expect(maxRelativeDifference(model.covariance.storage, reference.covariance.flatMap { $0 }, floor: 1e-12) < 1e-8)
        #expect(model.trainingMaximum == reference.trainingMaximum)
        #expect(maxRelativeDifference([model.trainingSpread], [reference.trainingSpread]) < 1e-12)
        let new = reference.newScores
        let features = new.map { model.features(law, capabilities: $0) }
        #expect(maxRelativeDifference(new.map { law.predict($0) }, reference.predicted) < 1e-12)
        #expect(maxRelativeDifference(features.map(\.curveSD), reference.curveSD, floor: 1e-12) < 1e-8)
        #expect(maxRelativeDifference(features.map(\.distance), reference.distance, floor: 1e-12) < 1e-12)
        #expect(features[0].distance > 0 && features.dropFirst().allSatisfy { $0.distance == 0 || $0.distance > 0 })
        #expect(maxRelativeDifference(features.map(\.headroom), reference.headroom, floor: 1e-12) < 1e-12)
        #expect(maxRelativeDifference(features.map(\.footroom), reference.footroom, floor: 1e-12) < 1e-12)
    }

    static func pinballLoss(_ coefficients: [Double], response: [Double], terms: [[Double]], tau: Double) -> Double {
        zip(response, terms).reduce(0) { total, pair in
            let u = pair.0 - Matrix.dot(coefficients, pair.1)
            return total + u * (tau - (u < 0 ? 1 : 0))
        }
    }

    /// A feature below a millionth of its column's largest counts as 0 — a column spanning many
    /// orders of magnitude stalled GLPK's simplex for minutes — so a record with σ = 1e-9·max σ
    /// gives exactly the lines of the same record with σ = 0.
    @Test func aNegligibleFeatureIsZero() throws {
        let columns = try Self.fixture.get().lines.records
        func records(sigmaOfFirst: Double) -> [IntervalCalibrator.Record] {
            columns.residual.indices.map { k in
                IntervalCalibrator.Record(
                    metric: "m\(k % 7)", residual: columns.residual[k],
                    features: IntervalFeatures(
                        sigma: k == 0 ? sigmaOfFirst : columns.sigma[k], curveSD: columns.curveSD[k], distance: columns.distance[k],
                        headroom: columns.headroom[k], footroom: columns.footroom[k]))
            }
        }
        let largest = try #require(columns.sigma.max())
        let tiny = try #require(IntervalCalibrator.quantileLines(records(sigmaOfFirst: 1e-9 * largest), level: 0.95))
        let zero = try #require(IntervalCalibrator.quantileLines(records(sigmaOfFirst: 0), level: 0.95))
        #expect(tiny.upper == zero.upper && tiny.lower == zero.lower)
    }

    @Test(arguments: ["0.5", "0.8", "0.9", "0.95"])
    func quantileLinesAreTheOptimaOfScipy(level: String) throws {
        let lines = try Self.fixture.get().lines
        let columns = lines.records
        let residual = columns.residual
        try #require(
            [columns.sigma, columns.curveSD, columns.distance, columns.headroom, columns.footroom].allSatisfy { $0.count == residual.count })
        let records = residual.indices.map { k in
            IntervalCalibrator.Record(
                metric: "m\(k % 7)", residual: residual[k],
                features: IntervalFeatures(
                    sigma: columns.sigma[k], curveSD: columns.curveSD[k], distance: columns.distance[k],
                    headroom: columns.headroom[k], footroom: columns.footroom[k]))
        }
        let expected = try #require(lines.levels[level], "calibration.json has no level \(level)")
        let value = try #require(Double(level))
        let computed = try #require(IntervalCalibrator.quantileLines(records, level: value))
        #expect(computed.upper.allSatisfy { $0 >= 0 } && computed.lower.allSatisfy { $0 >= 0 })
        let tau = (1 + value) / 2
        let upperLoss = Self.pinballLoss(computed.upper, response: residual, terms: records.map(\.features.upperTerms), tau: tau)
        let lowerLoss = Self.pinballLoss(computed.lower, response: residual.map { -$0 }, terms: records.map(\.features.lowerTerms), tau: tau)
        #expect(maxRelativeDifference([upperLoss, lowerLoss], [expected.upperLoss, expected.lowerLoss]) < 1e-9)
        #expect(maxRelativeDifference(computed.upper, expected.upper, floor: 1e-6) < 1e-6, "upper \(computed.upper)")
        #expect(maxRelativeDifference(computed.lower, expected.lower, floor: 1e-6) < 1e-6, "lower \(computed.lower)")
        // The share of records between scipy's lines, counted here, is the lines' record coverage
        // up to the records each side's line passes through (at most five per side, the features).
        let upperExpected = expected.upper, lowerExpected = expected.lower
        let inside = records.filter {
            -Matrix.dot(lowerExpected, $0.features.lowerTerms) <= $0.residual + 1e-6
                && $0.residual <= Matrix.dot(upperExpected, $0.features.upperTerms) + 1e-6
        }
        let share = Double(inside.count) / Double(records.count)
        #expect(abs((computed.recordCoverage ?? -1) - share) <= 10.0 / Double(records.count), "\(computed.recordCoverage ?? -1) vs \(share)")
        #expect(abs(share - value) < 0.05, "scipy's lines hold \(share) of the records at level \(value)")
        let probes = lines.probes
        let intervals = expected.intervals
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
