import Foundation
import ObsScaleData
import ObsScaleNumerics

/// A fitted law stored to predict later without refitting (the paper's pre-registration: it
/// predicted models released after it was written). `fit --save-law FILE` writes one;
/// `obsscale predict --law FILE` applies it to new models' benchmark scores.
///
/// It holds everything the prediction needs: the imputer and the PCA (so new models are imputed
/// and projected exactly as the fit's), the regression, the target range, the reference family's
/// equivalent-FLOPs line and, with a bootstrap, every replicate's law (capabilities fixed) and the
/// residual pool of the prediction intervals. Versioned: a file written by this version keeps
/// loading in later ones (`formatVersion` only grows; `Tests/ObsScaleFitTests/Fixtures/saved_law_v1.json`
/// is loaded by the tests).
public struct SavedLaw: Codable, Equatable, Sendable {
    /// The format this version writes: 2 adds the calibration of the score intervals, 3 the
    /// reference family's points (forecasts at a compute with intervals), 4 the weights of an
    /// averaged law's members (an older obsscale would predict with equal weights, so it must
    /// refuse the file).
    public static let currentFormatVersion = 4

    public var formatVersion: Int
    /// The obsscale version that wrote it.
    public var tool: String
    public var law: FittedScalingLaw
    public var equivalentFlops: EquivalentFlops?
    /// The bootstrap that made `replicateParameters` (nil without one).
    public var bootstrap: FitBootstrap?
    /// (α, β₁…β_K, b) of each successful bootstrap replicate.
    public var replicateParameters: [[Double]]?
    /// Residuals drawn for the prediction intervals (normalized scale).
    public var residuals: [Double]?
    /// The calibration of the score intervals (format 2; nil: the bootstrap's intervals).
    public var calibration: IntervalCalibration?
    /// The reference family's models the equivalent-FLOPs line was fitted on (format 3; nil in
    /// older files or without a line): each replicate law refits its own line on them, which
    /// gives a forecast at a compute its interval, as `fit --at-flops` does.
    public var referencePoints: ReferencePoints?

    /// The reference family's models with FLOPs: their log10 FLOPs (×1E21) and capability scores.
    public struct ReferencePoints: Codable, Equatable, Sendable {
        public var log10Flops: [Double]
        /// K scores per model, in the order of `log10Flops`.
        public var scores: [[Double]]
    }

    public init(fit: ScalingLawFit, tool: String, bootstrap: FitBootstrap? = nil, replicateParameters: [[Double]]? = nil, residuals: [Double]? = nil)
    {
        formatVersion = Self.currentFormatVersion
        self.tool = tool
        law = fit.law
        equivalentFlops = fit.equivalentFlops
        self.bootstrap = bootstrap
        self.replicateParameters = replicateParameters
        self.residuals = residuals
        calibration = fit.calibration
        if let line = fit.equivalentFlops {
            let members = Set(line.referenceModels)
            let points = fit.predictions.filter { members.contains($0.model) && $0.family == line.referenceFamily && $0.flops != nil }
            referencePoints = ReferencePoints(log10Flops: points.map { log10($0.flops ?? 1) }, scores: points.map(\.capabilities))
        }
    }

    /// The law of `fit` with, under a bootstrap, the replicate laws read from its `replicates`
    /// (`FitBootstrap.replicateLaws(_:panel:replicates:threadCount:)`), written by this version
    /// of obsscale: what `fit --save-law` and `merge --save-law` write.
    public init(fit: ScalingLawFit, panel: Panel, bootstrap: FitBootstrap?, replicates: [FitBootstrap.Replicate], threadCount: Int) throws {
        let tool = "obsscale \(ObsScaleVersion.current)"
        guard let bootstrap else {
            self.init(fit: fit, tool: tool)
            return
        }
        let laws = try bootstrap.replicateLaws(fit, panel: panel, replicates: replicates, threadCount: threadCount)
        self.init(fit: fit, tool: tool, bootstrap: bootstrap, replicateParameters: laws.parameters, residuals: laws.residuals)
    }

    /// Reads a saved law and checks it (`check()`): a file from another format, not a saved law,
    /// or edited into something the prediction cannot use is a clear error naming the field.
    /// Non-finite numbers follow obsscale's JSON conventions (`JSONCoding`); files of format 1
    /// written with "nan"/"inf" before that convention are read too.
    public static func load(path: String) throws -> SavedLaw {
        try decode(TextInput.contents(ofFile: path), path: path)
    }

    /// `load` of bytes already read (`path` names them in messages).
    public static func decode(_ data: Data, path: String) throws -> SavedLaw {
        struct Header: Decodable { let formatVersion: Int? }
        guard let header = try? JSONDecoder().decode(Header.self, from: data), let version = header.formatVersion else {
            throw FitError.notASavedLaw(path: path)
        }
        guard version <= currentFormatVersion else {
            throw DataError.unreadableFile(
                path: path, reason: "saved law format \(version) is newer than this obsscale reads (\(currentFormatVersion)); update obsscale")
        }
        guard version >= 1 else {
            throw FitError.invalidSavedLaw(
                path: path, field: "formatVersion", problem: "\(version) is not a format (allowed: 1 to \(currentFormatVersion))")
        }
        let law: SavedLaw
        do {
            law = try JSONCoding.decoder().decode(SavedLaw.self, from: data)
        } catch let error as DecodingError {
            let legacy = JSONDecoder()
            legacy.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
            guard let decoded = try? legacy.decode(SavedLaw.self, from: data) else {
                throw DataError.unreadableFile(path: path, reason: "invalid saved law: \(Self.describe(error))")
            }
            law = decoded
        }
        try law.check(path: path)
        return law
    }

    /// Largest absolute value a law's coefficient may have: fitted laws have coefficients of at
    /// most a few hundred; far larger ones can only come from an edited file and would overflow.
    public static let largestCoefficient = 1e6

    /// Checks every dimension, range and value `predict` relies on, so an edited or damaged file
    /// is refused with the field named instead of crashing or printing garbage. O(size of the law).
    public func check(path: String) throws {
        func refuse(_ field: String, _ problem: String) -> FitError { .invalidSavedLaw(path: path, field: field, problem: problem) }
        func finite(_ values: [Double], _ field: String, bound: Double = .infinity) throws {
            if let index = values.firstIndex(where: { !$0.isFinite || abs($0) > bound }) {
                let allowed = bound.isFinite ? "finite numbers of at most \(String(format: "%g", bound)) in absolute value" : "finite numbers"
                throw refuse("\(field)[\(index)]", "\(values[index]) is not allowed (allowed: \(allowed))")
            }
        }
        func count(_ values: Int, _ field: String, _ expected: Int, _ why: String) throws {
            guard values == expected else { throw refuse(field, "has \(values) entries; \(why) needs \(expected)") }
        }
        let names = law.benchmarkNames
        let benchmarks = names.count
        guard benchmarks >= 1 else { throw refuse("law.benchmarkNames", "is empty (a law needs at least one benchmark)") }
        guard Set(names).count == benchmarks else { throw refuse("law.benchmarkNames", "names a benchmark twice") }
        guard !law.target.isEmpty else { throw refuse("law.target", "is empty") }
        if names.contains(law.target) {
            throw refuse("law.target", "'\(law.target)' is one of the law's capability benchmarks (a law cannot predict its own input)")
        }
        let why = "\(Plural.count(benchmarks, "benchmark")) in law.benchmarkNames"
        let imputer = law.imputer
        try count(imputer.means.count, "law.imputer.means", benchmarks, why)
        try count(imputer.scales.count, "law.imputer.scales", benchmarks, why)
        try count(imputer.center.count, "law.imputer.center", benchmarks, why)
        try count(imputer.components.columnCount, "law.imputer.components.columnCount", benchmarks, why)
        try finite(imputer.means + imputer.center + imputer.components.storage, "law.imputer")
        if let index = imputer.scales.firstIndex(where: { !($0.isFinite && $0 > 0) }) {
            throw refuse("law.imputer.scales[\(index)]", "\(imputer.scales[index]) is not allowed (allowed: a finite number > 0)")
        }
        guard (0...benchmarks).contains(imputer.components.rowCount) else {
            throw refuse("law.imputer.components.rowCount", "\(imputer.components.rowCount) is not allowed (allowed: 0 to \(benchmarks))")
        }
        guard (1...100_000).contains(imputer.settings.maxIterations), imputer.settings.tolerance.isFinite, imputer.settings.tolerance >= 0 else {
            throw refuse(
                "law.imputer.settings",
                "maxIterations \(imputer.settings.maxIterations) or tolerance \(imputer.settings.tolerance) is not allowed (allowed: 1 to 100000 "
                    + "iterations, a finite tolerance ≥ 0)"
            )
        }
        let pca = law.pca
        guard pca.columnNames == names else { throw refuse("law.pca.columnNames", "differ from law.benchmarkNames") }
        try count(pca.mean.count, "law.pca.mean", benchmarks, why)
        try count(pca.scales.count, "law.pca.scales", benchmarks, why)
        try count(pca.allComponents.columnCount, "law.pca.allComponents.columnCount", benchmarks, why)
        let computed = pca.allComponents.rowCount
        guard (1...benchmarks).contains(computed) else {
            throw refuse("law.pca.allComponents.rowCount", "\(computed) is not allowed (allowed: 1 to \(benchmarks) components)")
        }
        let components = pca.settings.componentCount
        guard (1...computed).contains(components) else {
            throw refuse("law.pca.settings.componentCount", "\(components) is not allowed (allowed: 1 to \(computed), the components saved)")
        }
        try count(pca.explainedVarianceRatio.count, "law.pca.explainedVarianceRatio", computed, "\(Plural.count(computed, "saved component"))")
        try finite(pca.mean + pca.allComponents.storage + pca.explainedVarianceRatio, "law.pca")
        if let index = pca.scales.firstIndex(where: { !($0.isFinite && $0 > 0) }) {
            throw refuse("law.pca.scales[\(index)]", "\(pca.scales[index]) is not allowed (allowed: a finite number > 0)")
        }
        let regression = law.regression
        for (index, member) in (regression.members ?? []).enumerated() {
            guard (1...components).contains(member.beta.count), member.settings.link == regression.settings.link else {
                throw refuse(
                    "law.regression.members[\(index)]",
                    "\(member.beta.count) coefficients with the \(member.settings.link.rawValue) link is not allowed (allowed: 1 to \(components), "
                        + "the law's link)"
                )
            }
            try finite([member.alpha, member.floor] + member.beta, "law.regression.members[\(index)]", bound: Self.largestCoefficient)
            guard member.members == nil else { throw refuse("law.regression.members[\(index)].members", "is not allowed (allowed: none)") }
        }
        if let weights = regression.memberWeights {
            try count(weights.count, "law.regression.memberWeights", regression.members?.count ?? 0, "one weight per member")
            try finite(weights, "law.regression.memberWeights", bound: 1)
            if let index = weights.firstIndex(where: { $0 < 0 }) {
                throw refuse("law.regression.memberWeights[\(index)]", "\(weights[index]) is not allowed (allowed: 0 to 1)")
            }
            let total = weights.reduce(0, +)
            guard abs(total - 1) <= 1e-9 else {
                throw refuse("law.regression.memberWeights", "sum to \(total), which is not allowed (allowed: a sum of 1)")
            }
        }
        try count(regression.beta.count, "law.regression.beta", components, "law.pca.settings.componentCount = \(components)")
        try finite([regression.alpha], "law.regression.alpha", bound: Self.largestCoefficient)
        try finite(regression.beta, "law.regression.beta", bound: Self.largestCoefficient)
        let link = regression.settings.link
        let floors = regression.settings.floorBounds
        if link == .sigmoidFloor {
            guard floors.lowerBound >= 0, floors.upperBound < 1 else {
                throw refuse("law.regression.settings.floorBounds", "\(floors) is not allowed (allowed: within [0, 1))")
            }
            guard floors.contains(regression.floor) else {
                throw refuse("law.regression.floor", "\(regression.floor) is not allowed (allowed: \(floors.lowerBound) to \(floors.upperBound))")
            }
        } else if regression.floor != 0 {
            throw refuse("law.regression.floor", "\(regression.floor) is not allowed (allowed: 0 for the \(link.rawValue) link)")
        }
        if let range = law.settings.targetRange, !(range.lowerBound.isFinite && range.upperBound.isFinite && range.lowerBound < range.upperBound) {
            throw refuse("law.settings.targetRange", "\(range) is not allowed (allowed: finite LOW < HIGH)")
        }
        if let line = equivalentFlops {
            guard line.slope.isFinite, line.slope != 0, line.intercept.isFinite else {
                throw refuse(
                    "equivalentFlops", "slope \(line.slope), intercept \(line.intercept) is not allowed (allowed: a finite line with a nonzero slope)"
                )
            }
        }
        if let bootstrap {
            guard bootstrap.level > 0, bootstrap.level < 1 else {
                throw refuse("bootstrap.level", "\(bootstrap.level) is not allowed (allowed: strictly between 0 and 1, e.g. 0.95)")
            }
        }
        let parameterCount = regression.parameters.count
        for (index, parameters) in (replicateParameters ?? []).enumerated() {
            let field = "replicateParameters[\(index)]"
            try count(parameters.count, field, parameterCount, "a law with \(parameterCount) parameters")
            try finite(parameters, field, bound: Self.largestCoefficient)
            if link == .sigmoidFloor, let floor = parameters.last, !floors.contains(floor) {
                throw refuse(
                    "\(field)[\(parameterCount - 1)]", "floor \(floor) is not allowed (allowed: \(floors.lowerBound) to \(floors.upperBound))")
            }
        }
        if replicateParameters != nil && bootstrap == nil { throw refuse("bootstrap", "is missing (replicateParameters need its level)") }
        if let points = referencePoints {
            guard equivalentFlops != nil else { throw refuse("referencePoints", "is not allowed without equivalentFlops") }
            guard points.log10Flops.count >= 2 else {
                throw refuse("referencePoints.log10Flops", "has \(points.log10Flops.count) entries (allowed: at least 2, as the line)")
            }
            try count(points.scores.count, "referencePoints.scores", points.log10Flops.count, "one per entry of referencePoints.log10Flops")
            try finite(points.log10Flops, "referencePoints.log10Flops", bound: 100)
            for (index, row) in points.scores.enumerated() {
                try count(row.count, "referencePoints.scores[\(index)]", components, "law.pca.settings.componentCount = \(components)")
                try finite(row, "referencePoints.scores[\(index)]", bound: Self.largestCoefficient)
            }
        }
        if let calibration { try check(calibration, refuse: refuse) }
        try finite(residuals ?? [], "residuals", bound: link == .linear ? Self.largestCoefficient : 1)
    }

    /// The calibration's lines (five coefficients ≥ 0 per side, a level in (0, 1), a record coverage in [0, 1]) and features
    /// model (a finite σ ≥ 0, a covariance over the law's free parameters, a positive spread, a
    /// finite score range).
    func check(_ calibration: IntervalCalibration, refuse: (String, String) -> FitError) throws {
        for (index, lines) in calibration.lines.enumerated() {
            let field = "calibration.lines[\(index)]"
            guard lines.level > 0, lines.level < 1 else { throw refuse("\(field).level", "\(lines.level) is not allowed (allowed: between 0 and 1)") }
            for (side, coefficients) in [("upper", lines.upper), ("lower", lines.lower)] {
                guard coefficients.count == 5, coefficients.allSatisfy({ $0.isFinite && $0 >= 0 && $0 <= Self.largestCoefficient }) else {
                    throw refuse("\(field).\(side)", "\(coefficients) is not allowed (allowed: 5 finite coefficients ≥ 0)")
                }
            }
            if let coverage = lines.recordCoverage, !(coverage >= 0 && coverage <= 1) {
                throw refuse("\(field).recordCoverage", "\(coverage) is not allowed (allowed: a share between 0 and 1)")
            }
        }
        let features = calibration.features
        guard features.sigma.isFinite, features.sigma >= 0 else {
            throw refuse("calibration.features.sigma", "\(features.sigma) is not allowed (allowed: a finite number ≥ 0)")
        }
        let free = law.regression.freeParameterIndices.count
        guard features.covariance.rowCount == free, features.covariance.columnCount == free,
            features.covariance.storage.allSatisfy({ $0.isFinite && abs($0) <= Self.largestCoefficient })
        else {
            throw refuse(
                "calibration.features.covariance", "is not a finite \(free) × \(free) matrix (the law's free parameters)")
        }
        guard features.trainingSpread.isFinite, features.trainingSpread > 0, features.trainingMaximum.isFinite else {
            throw refuse("calibration.features.trainingSpread", "\(features.trainingSpread) is not allowed (allowed: a finite number > 0)")
        }
        if let range = features.scoreRange, !(range.lowerBound.isFinite && range.upperBound.isFinite) {
            throw refuse("calibration.features.scoreRange", "\(range) is not allowed (allowed: finite bounds)")
        }
    }

    /// A decoding error as a user reads it: the field's path and what was wrong.
    public static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return keys.hasPrefix(".") ? String(keys.dropFirst()) : keys
        }
        switch error {
        case let .keyNotFound(key, context):
            let parent = path(context)
            return "field '\(parent.isEmpty ? "" : parent + ".")\(key.stringValue)' is missing"
        case let .typeMismatch(_, context), let .valueNotFound(_, context), let .dataCorrupted(context):
            let field = path(context)
            return (field.isEmpty ? "" : "field '\(field)': ") + context.debugDescription
        @unknown default:
            return "\(error)"
        }
    }

    /// The law's bytes, in obsscale's JSON conventions (`JSONCoding`; sorted keys, so equal laws
    /// are equal files).
    public func encoded() throws -> Data {
        try JSONCoding.encoder().encode(self)
    }

    /// One model's prediction.
    public struct Prediction: Codable, Equatable, Sendable {
        public let model: String
        public let family: String
        public let flops: Double?
        public let capabilities: [Double]
        public let linearPredictor: Double
        /// Normalized scale (as the fit).
        public let predicted: Double
        public let equivalentLog10Flops: Double?
        /// Percentile interval of the replicate laws' curves at the model (nil without replicates).
        public let interval: BootstrapInterval?
        /// Of the model's score: curve + a residual from the pool.
        public let predictionInterval: BootstrapInterval?
        /// The observed value, when a results file has it (normalized scale).
        public let observed: Double?
    }

    /// How the predictions fared against results that arrived.
    public struct Scoring: Codable, Equatable, Sendable {
        public let metrics: FitMetrics
        /// Share of the scored models inside their score interval (nil without intervals).
        public let coverage: Double?
        public let level: Double?
    }

    public struct Result: Codable, Equatable, Sendable {
        public let law: SavedLaw
        public let predictions: [Prediction]
        /// With a results file that has the target.
        public let scoring: Scoring?
        /// Which score intervals the predictions carry (nil: none).
        public let interval: IntervalKind?
        /// The law's benchmarks some models have no score for, which the law's imputer filled
        /// (nil when every score was there).
        public var imputed: [Imputed]?
        /// Forecasts for a reference-family model at the requested computes (nil: none asked).
        public var forecasts: [Forecast]?
    }

    /// A benchmark the law's imputer filled: how many models lacked it, and the first (up to 5).
    public struct Imputed: Codable, Equatable, Sendable {
        public let benchmark: String
        public let modelCount: Int
        public let firstModels: [String]
    }

    /// Applies the law to every model of `panel` (its benchmark columns must include the law's).
    /// With replicate laws, each model's curve interval comes from them, and its score interval
    /// from the curves plus residuals drawn from the pool — model `row`'s draws from
    /// `Xoshiro256StarStar.stream(seed:index: row)`, so memory stays O(replicates) per model —
    /// hulled with the saved calibration's quantile lines when the law has them and `interval` is
    /// `.calibrated` (a format-1 law has none: its interval is the bootstrap's, and
    /// `Result.interval` says so). Cost: O(models · (B² + R · K)).
    ///
    /// With `atFlops` (×1E21), also the reference-family forecasts there (`forecasts(atFlops:seed:)`).
    public func predict(panel: Panel, seed: UInt64 = 0, interval kind: IntervalKind = .calibrated, atFlops: [Double] = []) throws -> Result {
        let forecasts = atFlops.isEmpty ? nil : try forecasts(atFlops: atFlops, seed: seed)
        let matrix = try panel.capabilityMatrix(columns: law.benchmarkNames)
        let scores = law.pca.transform(law.imputer.transform(matrix))
        let targets: [Double]? = panel.numericColumnNames.contains(law.target) ? try panel.values(of: law.target).map(normalize) : nil
        let replicates = replicateLaws
        let level = bootstrap?.level ?? 0.95
        let pool = residuals ?? []
        let lines = kind == .calibrated ? calibration?.lines(at: level) : nil
        let predictions = panel.models.indices.map { row -> Prediction in
            let capabilities = scores.row(row)
            let z = law.regression.linearPredictor(capabilities)
            let predicted = law.regression.predict(linearPredictor: z)
            var interval: BootstrapInterval?
            var predictionInterval: BootstrapInterval?
            if !replicates.isEmpty {
                let curves = replicates.map { $0.predict(capabilities) }
                interval = BootstrapInterval(estimate: predicted, replicates: curves, level: level)
                if !pool.isEmpty {
                    var random = Xoshiro256StarStar.stream(seed: seed, index: UInt64(row))
                    var score = BootstrapInterval(
                        estimate: predicted, replicates: withResiduals(curves, pool: pool, random: &random), level: level)
                    if lines != nil, let calibration {
                        score = calibration.hull(score, level: level, regression: law.regression, capabilities: capabilities)
                    }
                    predictionInterval = score
                }
            }
            let observed = targets.flatMap { $0[row].isNaN ? nil : $0[row] }
            return Prediction(
                model: panel.models[row].name, family: panel.models[row].family, flops: panel.models[row].flops, capabilities: capabilities,
                linearPredictor: z, predicted: predicted, equivalentLog10Flops: equivalentFlops?.equivalentLog10Flops(z), interval: interval,
                predictionInterval: predictionInterval, observed: observed)
        }
        let scored = predictions.filter { $0.observed != nil }
        var scoring: Scoring?
        if !scored.isEmpty {
            let withIntervals = scored.compactMap { p in p.predictionInterval.map { (p.observed ?? .nan, $0) } }
            scoring = Scoring(
                metrics: FitMetrics(observed: scored.map { $0.observed ?? .nan }, predicted: scored.map(\.predicted)),
                coverage: withIntervals.isEmpty
                    ? nil : Double(withIntervals.filter { $0.1.lower <= $0.0 && $0.0 <= $0.1.upper }.count) / Double(withIntervals.count),
                level: withIntervals.isEmpty ? nil : level)
        }
        let imputed = law.benchmarkNames.indices.compactMap { column -> Imputed? in
            let missing = (0..<matrix.rowCount).filter { matrix[$0, column].isNaN }
            guard !missing.isEmpty else { return nil }
            return Imputed(
                benchmark: law.benchmarkNames[column], modelCount: missing.count, firstModels: missing.prefix(5).map { panel.models[$0].name })
        }
        return Result(
            law: self, predictions: predictions, scoring: scoring,
            interval: predictions.contains { $0.predictionInterval != nil } ? (lines == nil ? .bootstrap : .calibrated) : nil,
            imputed: imputed.isEmpty ? nil : imputed, forecasts: forecasts)
    }

    /// A reference-family model forecast at a compute (`predict --at-flops`).
    public struct Forecast: Codable, Equatable, Sendable {
        /// FLOPs ×1E21.
        public let flops: Double
        /// Normalized scale (as the fit).
        public let predicted: Double
        /// Over the replicate laws, each with the line refitted on the reference points (nil
        /// without replicates or reference points).
        public let interval: BootstrapInterval?
        /// The curve plus a residual from the pool (the bootstrap's, as `fit --at-flops`).
        public let predictionInterval: BootstrapInterval?
    }

    /// Forecasts for a reference-family model trained with each of `flops` (×1E21): the law at
    /// the line's linear predictor w·log10 C + c. With replicate laws and reference points, each
    /// replicate refits the line on its own linear predictors of the reference models (a
    /// replicate whose line comes out flat is left out, as in the fit's bootstrap), and the score
    /// interval adds a residual drawn from `Xoshiro256StarStar.stream(seed:index: 2^32 + i)` for
    /// forecast i. Cost: O(F · R · n_ref · K).
    /// - Throws: `FitError.invalidSetting` when the law has no equivalent-FLOPs line or a compute
    ///   is not finite and positive.
    public func forecasts(atFlops flops: [Double], seed: UInt64 = 0) throws -> [Forecast] {
        guard let line = equivalentFlops else {
            throw FitError.invalidSetting(
                .savedLawForecastFlops, value: SettingText(flops.map { "\($0)" }.joined(separator: ",")),
                allowed: SettingText(
                    "only with a law saved with an equivalent-FLOPs line (its reference family '\(law.settings.referenceFamily)' had "
                        + "fewer than 2 models with FLOPs)")
            )
        }
        if let bad = flops.first(where: { !($0.isFinite && $0 > 0) }) {
            throw FitError.invalidSetting(.savedLawForecastFlops, value: "\(bad)", allowed: "finite FLOPs > 0 (units of 1E21)")
        }
        let replicates = replicateLaws
        let lines: [(slope: Double, intercept: Double)?] =
            referencePoints.map { points in
                replicates.map { replicate in
                    let predictors = points.scores.map { replicate.linearPredictor($0) }
                    guard let fitted = Statistics.leastSquaresLine(x: points.log10Flops, y: predictors), fitted.slope != 0, fitted.slope.isFinite
                    else { return nil }
                    return (fitted.slope, fitted.intercept)
                }
            } ?? []
        let level = bootstrap?.level ?? 0.95
        let pool = residuals ?? []
        return flops.enumerated().map { index, compute in
            let log10C = log10(compute)
            let predicted = law.regression.predict(linearPredictor: line.linearPredictor(log10Flops: log10C))
            let curves = zip(replicates, lines).compactMap { replicate, fitted in
                fitted.map { replicate.predict(linearPredictor: $0.slope * log10C + $0.intercept) }
            }
            guard !curves.isEmpty else { return Forecast(flops: compute, predicted: predicted, interval: nil, predictionInterval: nil) }
            var score: BootstrapInterval?
            if !pool.isEmpty {
                var random = Xoshiro256StarStar.stream(seed: seed, index: (1 << 32) + UInt64(index))
                score = BootstrapInterval(estimate: predicted, replicates: withResiduals(curves, pool: pool, random: &random), level: level)
            }
            return Forecast(
                flops: compute, predicted: predicted, interval: BootstrapInterval(estimate: predicted, replicates: curves, level: level),
                predictionInterval: score)
        }
    }

    /// The saved replicate laws (those with the law's parameter count).
    var replicateLaws: [SigmoidFit] {
        (replicateParameters ?? []).compactMap { parameters in
            parameters.count == law.regression.parameters.count ? law.regression.with(parameters: parameters) : nil
        }
    }

    /// Each curve plus a residual drawn from `pool`, clamped to [0, 1] for a bounded link: the
    /// replicates of a score interval.
    func withResiduals(_ curves: [Double], pool: [Double], random: inout Xoshiro256StarStar) -> [Double] {
        let bounded = law.settings.regression.link != .linear
        return curves.map { curve in
            let value = curve + pool[random.nextInt(below: pool.count)]
            return bounded ? min(max(value, 0), 1) : value
        }
    }

    func normalize(_ value: Double) -> Double {
        guard let range = law.settings.targetRange else { return value }
        return (value - range.lowerBound) / (range.upperBound - range.lowerBound)
    }
}
