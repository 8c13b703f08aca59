import Foundation
import LinearProgramming
import ObsScaleData
import ObsScaleFit
import ObsScaleNumerics
import Synchronization

/// Calibrates a fit's score intervals under extrapolation by borrowing from the panel's other
/// public metrics (docs/architecture.md, "Calibrated intervals"), as the public prior borrows the
/// law's parameters.
///
/// The bootstrap sees the sampling noise of a law, not the error of extrapolating it to larger
/// models. Every public metric m the target may borrow from (`MetricGroups.mayCalibrate`:
/// leave-one-task-out) is fitted exactly as the target was — on the fit's training models that
/// have m, with the target's prior strength λ around m's own public prior — and predicts the
/// models the fit predicts (the split's test models; without one, the models without the
/// target). Each such prediction is a record: its residual r and its `IntervalFeatures`
/// (σ of m's law, the curve's delta-method error at the model, the distance past the training
/// PC-1, the room to the score's bounds). Two quantile regressions with non-negative coefficients,
/// at τ = (1 + L)/2, learn the upper tail of r and of −r from the features; applied to the
/// target's own features they give its interval at level L (`QuantileLines`), which the bootstrap
/// interval is then hulled with (`IntervalCalibration.hull`).
///
/// Each regression is solved as its dual linear program in GLPK's simplex: maximize Σ r_k·d_k subject to
/// Σ_k x_kj·d_k ≤ 0 for the five features j, τ − 1 ≤ d_k ≤ τ; the coefficients are the rows'
/// duals. With fewer than `minimumMetrics` metrics or `minimumRecords` records the shipped lines
/// are used (`IntervalCalibration.shippedLines`). No target value of a model to predict is read.
/// Cost: one warm-started regression per public metric (none when the metric's public law was
/// fitted on exactly these rows without a penalty), O(p²) features per record, two LPs with five
/// rows per level.
public struct IntervalCalibrator: Sendable {
    /// The levels to calibrate (e.g. the bootstrap's, or 0.5/0.8/0.9/0.95 for a reliability diagram).
    public var levels: [Double]

    /// Fewer calibration metrics than this: the shipped lines.
    public static let minimumMetrics = 3
    /// Fewer records than this: the shipped lines.
    public static let minimumRecords = 100

    public init(levels: [Double]) { self.levels = levels }

    /// One borrowed prediction: a public metric's residual at a model it predicted, and the
    /// features of its law there.
    public struct Record: Codable, Equatable, Sendable {
        public let metric: String
        public let residual: Double
        public let features: IntervalFeatures
    }

    /// The calibration of `fit` (made on `panel` with `split`).
    /// - Parameters:
    ///   - cache: shares the public metrics' laws with other fits in the same capability space.
    ///   - threadCount: workers for the metrics' fits; the result does not depend on it.
    public func calibrate(
        _ fit: ScalingLawFit, panel: Panel, split: Split, cache: CalibrationCache? = nil, threadCount: Int = 1
    ) throws -> IntervalCalibration {
        for level in levels where !(level > 0 && level < 1) {
            throw EvaluationError.invalidSetting(.calibrationLevels, value: "\(level)", allowed: "levels strictly between 0 and 1")
        }
        let law = fit.law
        let train = fit.predictions.indices.filter { fit.predictions[$0].role == .train }
        let scores = Matrix(rows: fit.predictions.map(\.capabilities))
        let targets = train.map { fit.predictions[$0].observed ?? .nan }
        let features = IntervalFeatureModel(
            regression: law.regression, trainScores: scores.selectingRows(train), targets: targets, penalty: law.penalty)
        let records = self.records(fit, panel: panel, split: split, scores: scores, train: train, cache: cache, threadCount: threadCount)
        let metrics = Set(records.map(\.metric)).count
        if metrics < Self.minimumMetrics || records.count < Self.minimumRecords {
            let reason =
                "\(Plural.count(metrics, "public metric")) with \(Plural.count(records.count, "record")) to calibrate on (at least "
                + "\(Self.minimumMetrics) and \(Self.minimumRecords) needed)"
            return IntervalCalibration(
                lines: levels.map { IntervalCalibration.shippedLines(at: $0) }, features: features, source: .shipped(reason: reason))
        }
        var lines: [QuantileLines] = []
        for level in levels {
            guard let fitted = Self.quantileLines(records, level: level) else {
                let reason = "the quantile regression at level \(level) found no optimum (a numerical failure of the LP)"
                return IntervalCalibration(
                    lines: levels.map { IntervalCalibration.shippedLines(at: $0) }, features: features, source: .shipped(reason: reason))
            }
            lines.append(fitted)
        }
        return IntervalCalibration(lines: lines, features: features, source: .publicMetrics(metrics: metrics, records: records.count))
    }

    /// The calibration records of `fit`: every public metric it may borrow from, fitted on its
    /// training models and scored on the models it predicts (metric order, then model order).
    public func records(
        _ fit: ScalingLawFit, panel: Panel, split: Split, scores: Matrix, train: [Int], cache: CalibrationCache?, threadCount: Int
    ) -> [Record] {
        let law = fit.law, settings = law.settings, regression = settings.regression
        let poolRows = law.poolRows ?? split.train
        let predictionRows = split.test.isEmpty ? (0..<panel.count).filter { !Set(split.train).contains($0) } : split.test
        let publicFits = settings.publicMetricFits(
            panel: panel, scores: scores,
            fitRows: settings.capabilityRows(train: train, poolRows: poolRows, panelCount: panel.count), poolRows: poolRows,
            cache: cache?.publicFits)
        let laws = Dictionary(publicFits.entries.map { ($0.metric, $0.parameters) }, uniquingKeysWith: { first, _ in first })
        let strength = law.penalty?.strength ?? 0
        let componentCount = scores.columnCount
        let metrics = settings.publicMetrics(panel).filter { MetricGroups.mayCalibrate(law.target, with: $0) }
        let space = PublicFitsCache.Key(
            fitRows: settings.capabilityRows(train: train, poolRows: poolRows, panelCount: panel.count), poolRows: poolRows,
            componentCount: componentCount)
        let perMetric = Parallel.replicates(count: metrics.count, threadCount: threadCount) { index -> [Record] in
            let metric = metrics[index]
            guard let values = try? panel.values(of: metric) else { return [] }
            let rows = train.filter { !values[$0].isNaN }
            let predicted = predictionRows.filter { !values[$0].isNaN }
            // The same metric on the same rows with the same pull gives the same records for every
            // target of a study (the law's settings are the study's): computed once.
            let key = RecordKey(space: space, metric: metric, rows: rows, predicted: predicted, strength: strength)
            let compute = { () -> [Record] in
                let y = rows.map { values[$0] }
                guard rows.count >= componentCount + 3, !predicted.isEmpty, Statistics.populationStandardDeviation(y) > 1e-9 else { return [] }
                // Fitted as the target was (same rows, same pull λ towards the metric's own prior),
                // from its public law — where it was fitted on these very rows, a few iterations.
                let penalty = strength > 0 ? publicFits.prior(for: metric).map { ParameterPenalty(prior: $0, strength: strength) } : nil
                guard
                    let metricFit = try? regression.fit(
                        scores: scores.selectingRows(rows), targets: y, start: laws[metric] ?? penalty?.center, penalty: penalty),
                    metricFit.termination.converged
                else { return [] }
                let model = IntervalFeatureModel(regression: metricFit, trainScores: scores.selectingRows(rows), targets: y, penalty: penalty)
                return predicted.compactMap { row in
                    let capabilities = scores.row(row)
                    let residual = values[row] - metricFit.predict(capabilities)
                    guard residual.isFinite else { return nil }
                    return Record(metric: metric, residual: residual, features: model.features(metricFit, capabilities: capabilities))
                }
            }
            return cache?.records(for: key, make: compute) ?? compute()
        }
        return perMetric.flatMap { $0 }
    }

    /// What one metric's records depend on within a study.
    struct RecordKey: Hashable, Sendable {
        let space: PublicFitsCache.Key
        let metric: String
        let rows: [Int]
        let predicted: [Int]
        let strength: Double
    }

    /// Features below this, or below `relativeNegligibleFeature` times their largest value over the
    /// records, are 0 in the quantile regressions: such a term moves a line by at most a millionth
    /// of that feature's largest term, and GLPK's primal simplex can stall for minutes on a column
    /// spanning many orders of magnitude (a record with σ = 7e-8 beside σ = 0.2 did, on the public
    /// panel's validation at 10% of the parameters).
    static let negligibleFeature = 1e-12
    static let relativeNegligibleFeature = 1e-6
    /// Simplex iterations allowed per record in one quantile regression: an optimum is reached in
    /// about one bound flip per record; a program that needs far more has stalled, and the lines
    /// fall back to the shipped ones (with the reason).
    static let iterationsPerRecord = 50

    /// The two quantile regressions at `level` (τ = (1 + level)/2): b⁺ of r on (1, σ, sd, d1,
    /// headroom) and b⁻ of −r on (1, σ, sd, d1, footroom), each min_{b ≥ 0} Σ ρ_τ(·), solved as
    /// its dual LP. Exact LP optima by GLPK's primal simplex without presolve (every column is
    /// bounded, five rows; on the public panel's validation 18 ms per LP against 26 ms for GLPK's
    /// dual simplex with the long-step ratio test, and 15 against 95 ms for the harder side of a
    /// single fit, with the same optima; presolve made it slower); a feature that is 0 in every
    /// record (the room to the bounds of the unbounded linear link) gets coefficient 0; one below
    /// `negligibleFeature` (absolute or relative) counts as 0. nil when GLPK finds no optimum within
    /// `iterationsPerRecord` iterations per record. Cost: O(iterations·records).
    public static func quantileLines(_ records: [Record], level: Double) -> QuantileLines? {
        let tau = (1 + level) / 2
        func regression(_ response: (Record) -> Double, _ terms: (IntervalFeatures) -> [Double]) -> [Double]? {
            var program = LinearProgram(sense: .maximize)
            for record in records { program.addVariable(lowerBound: tau - 1, upperBound: tau, objective: response(record)) }
            let rows = records.map { terms($0.features) }
            var rowOfFeature: [Int?] = []
            for j in 0..<5 {
                // A feature below 1e-12 (a curve error of 1e-23 where the law is flat) is 0: GLPK's
                // checks refuse coefficients under 1e-15, and it adds nothing to a quantile line.
                let threshold = max(Self.negligibleFeature, Self.relativeNegligibleFeature * rows.reduce(0.0) { max($0, $1[j]) })
                let column = rows.indices.compactMap { k in rows[k][j] < threshold ? nil : (index: k, coefficient: rows[k][j]) }
                rowOfFeature.append(column.isEmpty ? nil : program.addConstraint(terms: column, upperBound: 0))
            }
            let options = SolveOptions(presolve: false, iterationLimit: Self.iterationsPerRecord * records.count + 1000)
            guard let solution = try? program.solve(options: options), solution.status == .optimal,
                solution.duals.count == program.constraints.count
            else { return nil }
            return rowOfFeature.map { row in row.map { max(0, solution.duals[$0]) } ?? 0 }
        }
        guard let upper = regression({ $0.residual }, \.upperTerms), let lower = regression({ -$0.residual }, \.lowerTerms) else { return nil }
        // A line passes exactly through up to five records (an LP vertex): those count as inside.
        let inside = records.filter { record in
            let low = -Matrix.dot(lower, record.features.lowerTerms), high = Matrix.dot(upper, record.features.upperTerms)
            return low - 1e-9 * (1 + abs(low)) <= record.residual && record.residual <= high + 1e-9 * (1 + abs(high))
        }
        return QuantileLines(level: level, upper: upper, lower: lower, recordCoverage: Double(inside.count) / Double(max(records.count, 1)))
    }
}

/// What the calibrations of one study share (thread-safe): the public metrics' laws of each
/// capability space and each metric's records on the same rows with the same pull, which every
/// target fitted on those rows reuses. The law's settings must be the same for every fit sharing it.
public final class CalibrationCache: Sendable {
    public let publicFits: PublicFitsCache
    private let entries = Mutex<[IntervalCalibrator.RecordKey: [IntervalCalibrator.Record]]>([:])

    public init(publicFits: PublicFitsCache = PublicFitsCache()) { self.publicFits = publicFits }

    func records(for key: IntervalCalibrator.RecordKey, make: () -> [IntervalCalibrator.Record]) -> [IntervalCalibrator.Record] {
        if let known = entries.withLock({ $0[key] }) { return known }
        let made = make()
        entries.withLock { $0[key] = made }
        return made
    }
}
