import Foundation
import ObsScaleData
import ObsScaleNumerics

/// Compute efficiency of model families (the paper's §3.3 and §6): how much capability a family
/// gains per decade of training compute, and how capable it is at a common compute.
///
/// In the capability space `obsscale pca` builds (imputation and PCA on every panel model), each
/// family with FLOPs known for at least two models gets, for every component k, the
/// least-squares line PC-k ≈ slope·log10(C / 1E21) + intercept over its models with FLOPs: the
/// slope is the family's compute efficiency (capability per decade), with R² = 1 − SSres/SStot,
/// n, and the slope's standard error √(SSres / (n − 2) / Sxx) (n ≥ 3). A two-model line passes
/// through both points (R² = 1 trivially, no standard error): such families are reported and
/// marked but left out of the average R². Families are ranked by their line's PC-1 at common
/// computes (`rankingFlops`) and by the PC-1 slope.
///
/// Cost: the capability analysis (O(models · benchmarks²) per imputation sweep) plus O(models · K)
/// for the lines.
public struct ComputeEfficiency: Codable, Equatable, Sendable {
    /// The capability space (as `obsscale pca`).
    public var analysis: CapabilityAnalysis
    /// Components a line is fitted for (PC-1…PC-K).
    public var componentCount: Int
    /// Computes (×1E21 FLOPs) at which families are compared by their line's PC-1 (1E22 and 1E23).
    public var rankingFlops: [Double]

    public init(analysis: CapabilityAnalysis = CapabilityAnalysis(componentCount: 3), componentCount: Int = 3, rankingFlops: [Double] = [10, 100]) {
        self.analysis = analysis
        self.componentCount = componentCount
        self.rankingFlops = rankingFlops
    }

    /// One least-squares line of a component on log10 FLOPs.
    public struct Line: Codable, Equatable, Sendable {
        public let slope: Double
        public let intercept: Double
        /// 1 − SSres/SStot; nil when the component does not vary within the family.
        public let r2: Double?
        /// √(SSres / (n − 2) / Sxx); nil with two models.
        public let slopeStandardError: Double?

        /// The line at log10(C / 1E21) = `log10Flops`.
        public func value(atLog10Flops log10Flops: Double) -> Double { intercept + slope * log10Flops }
    }

    public struct Family: Codable, Equatable, Sendable {
        public let family: String
        /// Its models with known FLOPs (the line's points), in panel order.
        public let models: [String]
        /// One line per component, PC-1 first.
        public let lines: [Line]
        /// Exactly two models: the line interpolates them (R² = 1 says nothing).
        public var twoModels: Bool { models.count == 2 }
        /// PC-1 of the line at each of `rankingFlops`.
        public let pc1AtRankingFlops: [Double]
    }

    public struct ExcludedFamily: Codable, Equatable, Sendable {
        public let family: String
        public let reason: String
    }

    public struct Result: Codable, Equatable, Sendable {
        public let settings: ComputeEfficiency
        public let capabilities: CapabilityAnalysis.Result
        /// Each model's training FLOPs (×1E21), panel order; nil where unknown.
        public let flops: [Double?]
        /// Families with a line, in order of first appearance in the panel.
        public let families: [Family]
        public let excludedFamilies: [ExcludedFamily]
        /// Per component, the mean R² over families with at least 3 models (nil when none).
        public let averageR2: [Double?]
        public let modelsWithoutFlops: [String]
        /// Per ranking compute, family names by PC-1 at that compute, highest first.
        public let rankingsAtFlops: [[String]]
        /// Family names by PC-1 slope, steepest first.
        public let rankingBySlope: [String]
        /// Per component, the models far from the all-family trend: residual from the pooled
        /// least-squares line over every model with FLOPs larger than `outlierThreshold`
        /// residual standard deviations (panel order).
        public let outliers: [[String]]
    }

    /// Residual standard deviations beyond which a model is an outlier of the all-family trend.
    public static let outlierThreshold = 2.0

    /// Runs the capability analysis on `panel` and fits the lines.
    public func run(panel: Panel) throws -> Result {
        guard componentCount >= 1 else {
            throw FitError.invalidSetting(.computeEfficiencyComponentCount, value: "\(componentCount)", allowed: "≥ 1")
        }
        for flops in rankingFlops where !(flops > 0 && flops.isFinite) {
            throw FitError.invalidSetting(.computeEfficiencyRankingFlops, value: "\(flops)", allowed: "positive, finite FLOPs (×1E21)")
        }
        var analysis = analysis
        analysis.componentCount = max(analysis.componentCount, componentCount)
        let capabilities = try analysis.run(panel: panel)
        let lineCount = min(componentCount, capabilities.scores.columnCount)
        return summarize(
            capabilities: capabilities, names: panel.modelNames, families: panel.models.map(\.family),
            flops: panel.models.map(\.flops), lineCount: lineCount)
    }

    /// The lines, exclusions, averages and rankings for given scores (models × ≥ `lineCount`).
    func summarize(capabilities: CapabilityAnalysis.Result, names: [String], families: [String], flops: [Double?], lineCount: Int) -> Result {
        let lines = Self.familyLines(
            scores: capabilities.scores, names: names, families: families, flops: flops, componentCount: lineCount,
            rankingLog10Flops: rankingFlops.map { log10($0) })
        let averageR2 = (0..<lineCount).map { k -> Double? in
            let values = lines.families.filter { $0.models.count >= 3 }.compactMap { $0.lines[k].r2 }
            return values.isEmpty ? nil : Statistics.mean(values)
        }
        let rankings = rankingFlops.indices.map { point in
            lines.families.enumerated().sorted {
                $0.element.pc1AtRankingFlops[point] > $1.element.pc1AtRankingFlops[point]
                    || ($0.element.pc1AtRankingFlops[point] == $1.element.pc1AtRankingFlops[point] && $0.offset < $1.offset)
            }.map(\.element.family)
        }
        let bySlope = lines.families.enumerated().sorted {
            $0.element.lines[0].slope > $1.element.lines[0].slope || ($0.element.lines[0].slope == $1.element.lines[0].slope && $0.offset < $1.offset)
        }.map(\.element.family)
        let withFlops = names.indices.filter { Self.hasFlops(flops[$0]) }
        let x = withFlops.map { log10(flops[$0] ?? 1) }
        let meanX = Statistics.mean(x)
        let sxx = x.reduce(0) { $0 + ($1 - meanX) * ($1 - meanX) }
        let outliers = (0..<lineCount).map { k -> [String] in
            guard withFlops.count >= 3, sxx > 0 else { return [] }
            let y = withFlops.map { capabilities.scores[$0, k] }
            let pooled = Self.line(x: x, y: y, sxx: sxx)
            let residuals = zip(x, y).map { $1 - pooled.value(atLog10Flops: $0) }
            let spread = (residuals.reduce(0) { $0 + $1 * $1 } / Double(residuals.count - 2)).squareRoot()
            return zip(withFlops, residuals).filter { abs($0.1) > Self.outlierThreshold * spread }.map { names[$0.0] }
        }
        return Result(
            settings: self, capabilities: capabilities, flops: flops, families: lines.families, excludedFamilies: lines.excluded,
            averageR2: averageR2,
            modelsWithoutFlops: names.indices.filter { !Self.hasFlops(flops[$0]) }.map { names[$0] },
            rankingsAtFlops: rankings, rankingBySlope: bySlope, outliers: outliers)
    }

    static func hasFlops(_ flops: Double?) -> Bool { (flops ?? 0) > 0 && (flops ?? 0).isFinite }

    /// Per family (first-appearance order), the least-squares line of each of the first
    /// `componentCount` score columns on log10 FLOPs over its models with FLOPs.
    public static func familyLines(
        scores: Matrix, names: [String], families: [String], flops: [Double?], componentCount: Int, rankingLog10Flops: [Double]
    ) -> (families: [Family], excluded: [ExcludedFamily]) {
        var order: [String] = []
        var members: [String: [Int]] = [:]
        for (row, family) in families.enumerated() {
            if members[family] == nil {
                order.append(family)
                members[family] = []
            }
            if hasFlops(flops[row]) { members[family]?.append(row) }
        }
        var result: [Family] = []
        var excluded: [ExcludedFamily] = []
        for family in order {
            let rows = members[family] ?? []
            guard rows.count >= 2 else {
                excluded.append(ExcludedFamily(family: family, reason: "fewer than 2 models with FLOPs (\(rows.count))"))
                continue
            }
            let x = rows.map { log10(flops[$0] ?? 1) }
            let meanX = Statistics.mean(x)
            let sxx = x.reduce(0) { $0 + ($1 - meanX) * ($1 - meanX) }
            guard sxx > 0 else {
                excluded.append(ExcludedFamily(family: family, reason: "FLOPs do not vary (all \(flops[rows[0]] ?? 0)×1E21)"))
                continue
            }
            let lines = (0..<componentCount).map { k in line(x: x, y: rows.map { scores[$0, k] }, sxx: sxx) }
            result.append(
                Family(
                    family: family, models: rows.map { names[$0] }, lines: lines,
                    pc1AtRankingFlops: rankingLog10Flops.map { lines[0].value(atLog10Flops: $0) }))
        }
        return (result, excluded)
    }

    /// Ordinary least squares y ≈ slope·x + intercept (`Statistics.leastSquaresLine`; Sxx > 0,
    /// given for the slope's standard error) with R² and the standard error.
    static func line(x: [Double], y: [Double], sxx: Double) -> Line {
        let n = Double(x.count)
        let meanY = Statistics.mean(y)
        let (slope, intercept) = Statistics.leastSquaresLine(x: x, y: y) ?? (.nan, .nan)
        let ssTotal = y.reduce(0) { $0 + ($1 - meanY) * ($1 - meanY) }
        let ssResidual = zip(x, y).reduce(0) { $0 + pow($1.1 - intercept - slope * $1.0, 2) }
        return Line(
            slope: slope, intercept: intercept, r2: ssTotal > 0 ? 1 - ssResidual / ssTotal : nil,
            slopeStandardError: x.count >= 3 ? (ssResidual / (n - 2) / sxx).squareRoot() : nil)
    }
}
