import Foundation

/// What every command starts from: which panel and downstream files, which preset, which
/// filters. `load()` resolves, reads, joins and filters, so commands get one checked `Panel`.
public struct PanelQuery: Codable, Equatable, Sendable {
    public var panelPath: String?
    public var downstreamPaths: [String] = []
    public var preset: String?
    public var filter = ModelFilter()
    /// Delimiter, identity column names and leaderboard settings of the user's files (default:
    /// detected; the paper's layout).
    public var format = PanelFormat()
    /// Leave out the companion files found beside the panel (`PanelLocation.companionFiles`);
    /// by default they are read besides `downstreamPaths`, so a user's own results join the
    /// public metrics (a public prior needs them).
    public var skipsCompanions = false

    public init(
        panelPath: String? = nil, downstreamPaths: [String] = [], preset: String? = nil, filter: ModelFilter = ModelFilter(),
        format: PanelFormat = PanelFormat(), skipsCompanions: Bool = false
    ) {
        self.panelPath = panelPath
        self.downstreamPaths = downstreamPaths
        self.preset = preset
        self.filter = filter
        self.format = format
        self.skipsCompanions = skipsCompanions
    }

    enum CodingKeys: String, CodingKey { case panelPath, downstreamPaths, preset, filter, format, skipsCompanions }

    /// Reads reports written before `format` and `skipsCompanions` existed.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        panelPath = try container.decodeIfPresent(String.self, forKey: .panelPath)
        downstreamPaths = try container.decodeIfPresent([String].self, forKey: .downstreamPaths) ?? []
        preset = try container.decodeIfPresent(String.self, forKey: .preset)
        filter = try container.decodeIfPresent(ModelFilter.self, forKey: .filter) ?? ModelFilter()
        format = try container.decodeIfPresent(PanelFormat.self, forKey: .format) ?? PanelFormat()
        skipsCompanions = try container.decodeIfPresent(Bool.self, forKey: .skipsCompanions) ?? false
    }

    /// `skipsCompanions` is written only when set.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(panelPath, forKey: .panelPath)
        try container.encode(downstreamPaths, forKey: .downstreamPaths)
        try container.encodeIfPresent(preset, forKey: .preset)
        try container.encode(filter, forKey: .filter)
        try container.encode(format, forKey: .format)
        if skipsCompanions { try container.encode(skipsCompanions, forKey: .skipsCompanions) }
    }

    /// The loaded panel, the resolved location (with any default-panel notice) and the preset.
    public struct Loaded: Sendable {
        public var panel: Panel
        public var location: PanelLocation
        public var preset: Preset?
        /// The capability columns as the panel names them (the request's, resolved; nil when the
        /// request places no models).
        public var capabilityColumns: [String]?
    }

    /// Whether the companion downstream files found beside the panel (`PanelLocation`) are read
    /// (none with `skipsCompanions`). Files named with `downstreamPaths` are always read.
    public enum CompanionFiles: Sendable, Equatable {
        /// Read them (a command that needs every public metric, e.g. for a prior).
        case join
        /// Do not open them (the command reads benchmarks only).
        case skip
        /// Read them only when one of these columns is not in the panel file itself, and join
        /// only these columns from them.
        case joinIfMissing([String])
    }

    /// Resolves the files (`PanelLocation.resolve`), loads and joins them, applies the preset then
    /// the filters, and — when the request places models in capability space — leaves out the
    /// models without any capability score (with a note). `roots` are where default panels and
    /// presets are looked for (default: `ProjectPaths.roots(environment:)`); `companions` says
    /// whether companion downstream files are opened at all (most of the reading time of the
    /// public files is in them); `request` names the columns the command reads (`ColumnRequest`).
    public func load(
        environment: [String: String] = ProcessInfo.processInfo.environment, roots: [URL]? = nil, companions: CompanionFiles = .join,
        request: ColumnRequest = ColumnRequest()
    ) throws -> Loaded {
        let roots = roots ?? ProjectPaths.roots(environment: environment)
        let location = try PanelLocation.resolve(
            panel: panelPath, downstream: downstreamPaths, companions: !skipsCompanions, environment: environment, roots: roots)
        var panel = try Panel.load(panelPath: location.panelPath, downstreamPaths: [], format: format, request: request)
        // Named files are read whole; companion files as the command needs them.
        var readsCompanions = true
        var onlyColumns: Set<String>?
        switch companions {
        case .join: break
        case .skip: readsCompanions = false
        case let .joinIfMissing(columns):
            readsCompanions = !Set(columns).isSubset(of: panel.numericColumnNames)
            onlyColumns = Set(columns)
        }
        for path in location.downstreamPaths {
            let companion = location.companionPaths.contains(path)
            guard readsCompanions || !companion else { continue }
            try panel.join(downstreamPath: path, format: format, request: request, columns: companion ? onlyColumns : nil)
        }
        var loadedPreset: Preset?
        if let preset {
            let definition = try Preset.load(preset, roots: roots)
            let missing = definition.families.filter { !panel.familyNames.contains($0) }
            if location.notice != nil && !missing.isEmpty {
                throw DataError.presetNeedsPublicPanel(preset: definition.name, panelPath: location.panelPath, missing: missing)
            }
            let kept = try definition.filter.keptIndices(in: panel, strict: true, excludedModelsStrict: false)
            panel = panel.subset(kept)
            loadedPreset = definition
        }
        if !filter.isEmpty {
            panel = panel.subset(try filter.keptIndices(in: panel))
        }
        var capabilityColumns: [String]?
        if request.placesModels {
            let columns = try panel.capabilityColumns(request.capabilities, excluding: request.targets)
            panel = try panel.droppingUnscoredModels(columns: columns)
            capabilityColumns = columns
        }
        return Loaded(panel: panel, location: location, preset: loadedPreset, capabilityColumns: capabilityColumns)
    }
}
