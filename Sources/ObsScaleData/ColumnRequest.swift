/// The columns a command reads from a panel besides the identity columns, so the loader knows
/// which columns must be numbers and which hold scores.
///
/// A column nobody asks for may hold anything (a leaderboard's licence, date or type column is
/// kept as a text column and ignored); the paper's benchmarks and the columns named here must be
/// numbers. Benchmarks, `capabilities` and `targets` are scores: read on
/// `PanelFormat.scoreScale`, and capability scores must lie in [0, 1].
public struct ColumnRequest: Equatable, Sendable {
    /// The capability columns (nil: the panel's benchmarks), matched ignoring letter case.
    public var capabilities: [String]?
    /// Whether the command places models in capability space (every command but `columns`):
    /// models without a score in any capability column are then left out, with a note.
    public var placesModels: Bool
    /// Target (downstream metric) columns, read as scores.
    public var targets: [String]

    public init(capabilities: [String]? = nil, placesModels: Bool = true, targets: [String] = []) {
        self.capabilities = capabilities
        self.placesModels = placesModels
        self.targets = targets
    }

    /// Whether `header` is a requested capability column (letter case and the spelling of
    /// blanks ignored, as `Panel.capabilityColumns` matches them) or target column (exactly, as
    /// targets are looked up).
    func requests(_ header: String) -> (capability: Bool, target: Bool) {
        let name = PanelFormat.normalized(header)
        return (capabilities?.contains { $0 == header || PanelFormat.normalized($0) == name } ?? false, targets.contains(header))
    }
}
