import Foundation

/// What a panel holds, for a user choosing `--target` and `--benchmarks` (`obsscale columns`).
public struct ColumnSummary: Codable, Equatable, Sendable {
    public enum Kind: String, Codable, Sendable {
        /// One of the known benchmarks (a capability column by default).
        case benchmark
        /// Any other numeric column: a downstream metric (a possible target or capability).
        case metric
    }

    public let name: String
    public let kind: Kind
    /// Models with a value.
    public let models: Int
    public let minimum: Double?
    public let maximum: Double?
    /// Values above 1 and at most 100: a percentage (needs `--target-range 0,100` as a target).
    public var looksLikePercent: Bool { (maximum ?? 0) > 1 && (maximum ?? 0) <= 100 && (minimum ?? 0) >= 0 }

    /// The panel's numeric columns: benchmarks first, then metrics, each in file order.
    public static func summaries(of panel: Panel) -> [ColumnSummary] {
        let kinds = panel.benchmarkNames.map { ($0, Kind.benchmark) } + panel.metricNames.map { ($0, Kind.metric) }
        return kinds.map { name, kind in
            let values = (panel.columns[name] ?? []).filter { !$0.isNaN }
            return ColumnSummary(name: name, kind: kind, models: values.count, minimum: values.min(), maximum: values.max())
        }
    }
}

/// The models side of `obsscale columns`: how many models, families, and how many have each
/// identity value a command may need.
public struct PanelSummary: Codable, Equatable, Sendable {
    public let models: Int
    public let families: Int
    public let withFlops: Int
    /// FLOPs derived as 6·N·D.
    public let withDerivedFlops: Int
    public let withSize: Int
    public let withTokens: Int
    public let columns: [ColumnSummary]
    /// Columns holding text (ignored: a benchmark, target or cost must be numeric), in file order.
    public let textColumns: [String]
    /// The loader's notes (columns found under an alias, rows left out or merged, cells read as
    /// missing, downstream rows matched loosely or not at all), settings in Swift terms.
    public let notes: [String]

    public init(panel: Panel) {
        models = panel.count
        families = panel.familyNames.count
        withFlops = panel.models.filter { $0.flops != nil }.count
        withDerivedFlops = panel.models.filter(\.flopsDerived).count
        withSize = panel.models.filter { $0.parametersB != nil }.count
        withTokens = panel.models.filter { $0.tokensT != nil }.count
        columns = ColumnSummary.summaries(of: panel)
        textColumns = panel.textColumnNames
        notes = panel.notes.map(\.description)
    }
}
