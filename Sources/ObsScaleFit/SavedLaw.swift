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
    /// The format this version writes.
    public static let currentFormatVersion = 1

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

    public init(fit: ScalingLawFit, tool: String, bootstrap: FitBootstrap? = nil, replicateParameters: [[Double]]? = nil, residuals: [Double]? = nil)
    {
        formatVersion = Self.currentFormatVersion
        self.tool = tool
        law = fit.law
        equivalentFlops = fit.equivalentFlops
        self.bootstrap = bootstrap
        self.replicateParameters = replicateParameters
        self.residuals = residuals
    }

    /// Reads a saved law; a file from a newer format, or not a saved law, is a clear error.
    public static func load(path: String) throws -> SavedLaw {
        let data = try TextInput.contents(ofFile: path)
        struct Header: Decodable { let formatVersion: Int? }
        guard let header = try? JSONDecoder().decode(Header.self, from: data), let version = header.formatVersion else {
            throw DataError.unreadableFile(path: path, reason: "not a saved law (write one with \(Setting.savedLawPath))")
        }
        guard version <= currentFormatVersion else {
            throw DataError.unreadableFile(
                path: path, reason: "saved law format \(version) is newer than this obsscale reads (\(currentFormatVersion)); update obsscale")
        }
        do {
            return try JSONDecoder().decode(SavedLaw.self, from: data)
        } catch {
            throw DataError.unreadableFile(path: path, reason: "invalid saved law: \(error)")
        }
    }

    /// Writes it atomically (sorted keys, so equal laws are equal files).
    public func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        try AtomicFile.write(encoder.encode(self), to: path)
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
    }

    /// Applies the law to every model of `panel` (its benchmark columns must include the law's).
    /// With `seed`, the prediction intervals draw residuals from `Xoshiro256StarStar.stream(seed:
    /// index: r)` for replicate r. Cost: O(models · (B² + R · K)).
    public func predict(panel: Panel, seed: UInt64 = 0) throws -> Result {
        let matrix = try panel.capabilityMatrix(columns: law.benchmarkNames)
        let scores = law.pca.transform(law.imputer.transform(matrix))
        let targets: [Double]? = panel.numericColumnNames.contains(law.target) ? try panel.values(of: law.target).map(normalize) : nil
        let replicates = (replicateParameters ?? []).compactMap { parameters -> SigmoidFit? in
            guard parameters.count == law.regression.parameters.count else { return nil }
            return law.regression.with(parameters: parameters)
        }
        let level = bootstrap?.level ?? 0.95
        let pool = residuals ?? []
        let draws: [[Double]] = replicates.indices.map { index in
            var random = Xoshiro256StarStar.stream(seed: seed, index: UInt64(index))
            return panel.models.indices.map { _ in pool.isEmpty ? 0 : pool[random.nextInt(below: pool.count)] }
        }
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
                    let bounded = law.settings.regression.link != .linear
                    let scoresWithNoise = curves.indices.map { r in
                        let value = curves[r] + draws[r][row]
                        return bounded ? min(max(value, 0), 1) : value
                    }
                    predictionInterval = BootstrapInterval(estimate: predicted, replicates: scoresWithNoise, level: level)
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
        return Result(law: self, predictions: predictions, scoring: scoring)
    }

    func normalize(_ value: Double) -> Double {
        guard let range = law.settings.targetRange else { return value }
        return (value - range.lowerBound) / (range.upperBound - range.lowerBound)
    }
}
