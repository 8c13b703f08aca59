import ObsScaleData
import ObsScaleNumerics

/// The capability space of a panel (`obsscale pca`): impute the benchmark columns on every
/// model, run the PCA, and report explained variance, loadings and every model's scores.
public struct CapabilityAnalysis: Codable, Equatable, Sendable {
    public var benchmarks: [String]?
    public var imputer = PCAImputer()
    /// Components reported (a law uses 3; 5 are computed for diagnostics).
    public var componentCount = 5
    public var standardize = false

    public init(benchmarks: [String]? = nil, imputer: PCAImputer = PCAImputer(), componentCount: Int = 5, standardize: Bool = false) {
        self.benchmarks = benchmarks
        self.imputer = imputer
        self.componentCount = componentCount
        self.standardize = standardize
    }

    public struct Result: Codable, Equatable, Sendable {
        public let settings: CapabilityAnalysis
        public let models: [String]
        public let families: [String]
        public let imputer: PCAImputerModel
        public let pca: PCAModel
        /// Scores, models × components.
        public let scores: Matrix
    }

    public func run(panel: Panel) throws -> Result {
        let names = try panel.capabilityColumns(benchmarks)
        let imputed = try imputer.fit(try panel.capabilityMatrix(columns: names), columnNames: names)
        let model = try PCA(componentCount: componentCount, standardize: standardize).fit(imputed.imputed, columnNames: names)
        return Result(
            settings: self, models: panel.modelNames, families: panel.models.map(\.family), imputer: imputed,
            pca: model, scores: model.transform(imputed.imputed))
    }
}
