import Foundation

/// What every command starts from: which panel and downstream files, which preset, which
/// filters. `load()` resolves, reads, joins and filters, so commands get one checked `Panel`.
public struct PanelQuery: Codable, Equatable, Sendable {
    public var panelPath: String?
    public var downstreamPaths: [String] = []
    public var preset: String?
    public var filter = ModelFilter()
    /// Delimiter and identity column names of the user's files (default: detected).
    public var format = PanelFormat()

    public init(
        panelPath: String? = nil, downstreamPaths: [String] = [], preset: String? = nil, filter: ModelFilter = ModelFilter(),
        format: PanelFormat = PanelFormat()
    ) {
        self.panelPath = panelPath
        self.downstreamPaths = downstreamPaths
        self.preset = preset
        self.filter = filter
        self.format = format
    }

    enum CodingKeys: String, CodingKey { case panelPath, downstreamPaths, preset, filter, format }

    /// Reads reports written before `format` existed.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        panelPath = try container.decodeIfPresent(String.self, forKey: .panelPath)
        downstreamPaths = try container.decodeIfPresent([String].self, forKey: .downstreamPaths) ?? []
        preset = try container.decodeIfPresent(String.self, forKey: .preset)
        filter = try container.decodeIfPresent(ModelFilter.self, forKey: .filter) ?? ModelFilter()
        format = try container.decodeIfPresent(PanelFormat.self, forKey: .format) ?? PanelFormat()
    }

    /// The loaded panel, the resolved location (with any default-panel notice) and the preset.
    public struct Loaded: Sendable {
        public var panel: Panel
        public var location: PanelLocation
        public var preset: Preset?
    }

    /// Resolves the files (`PanelLocation.resolve`), loads and joins them, applies the preset then
    /// the filters. `roots` are where default panels and presets are looked for (default:
    /// `ProjectPaths.roots(environment:)`).
    public func load(environment: [String: String] = ProcessInfo.processInfo.environment, roots: [URL]? = nil) throws -> Loaded {
        let roots = roots ?? ProjectPaths.roots(environment: environment)
        let location = try PanelLocation.resolve(panel: panelPath, downstream: downstreamPaths, environment: environment, roots: roots)
        var panel = try Panel.load(panelPath: location.panelPath, downstreamPaths: location.downstreamPaths, format: format)
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
        return Loaded(panel: panel, location: location, preset: loadedPreset)
    }
}
