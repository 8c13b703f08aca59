import ArgumentParser
import ObsScale

/// Options every command shares: where the data is and which models to keep (DESIGN §6).
struct PanelOptions: ParsableArguments {
    @Option(help: "Panel CSV (default: $OBSSCALE_PANEL, then data/obsscaling/, then the synthetic panel).")
    var panel: String?

    @Option(help: "A shipped model set, e.g. paper-2024 or paper-2024-all (data/presets/NAME.json), or a preset file.")
    var preset: String?

    @Option(help: "Keep only these families (comma-separated).")
    var families: String?

    @Option(name: .customLong("exclude-families"), help: "Drop these families (comma-separated).")
    var excludeFamilies: String?

    @Option(name: .customLong("exclude-models"), help: "Drop these models (comma-separated).")
    var excludeModels: String?

    @Option(help: "Downstream CSV joined on Model (repeatable). Default: known companion files beside the panel.")
    var downstream: [String] = []

    @Option(help: "Benchmark columns used for imputation and PCA (comma-separated; default: all the panel's benchmarks).")
    var benchmarks: String?

    @Option(help: "Write the result as JSON to this file (atomically).")
    var json: String?

    @Flag(help: "Print nothing but errors.")
    var quiet = false

    var query: PanelQuery {
        PanelQuery(panelPath: panel, downstreamPaths: downstream, preset: preset,
                   filter: ModelFilter(families: commaList(families), excludeFamilies: commaList(excludeFamilies) ?? [],
                                       excludeModels: commaList(excludeModels) ?? []))
    }

    var benchmarkList: [String]? { commaList(benchmarks) }

    /// Loads the panel, printing the default-panel notice unless quiet.
    func load() throws -> PanelQuery.Loaded {
        let loaded = try query.load()
        if let notice = loaded.location.notice { printNotice(notice, quiet: quiet) }
        if let names = benchmarkList {
            for name in names where !loaded.panel.numericColumnNames.contains(name) {
                throw DataError.unknownColumn(column: name, suggestions: closeMatches(to: name, in: loaded.panel.numericColumnNames))
            }
        }
        return loaded
    }

    /// "77 models in 21 families (preset paper-2024) from FILE".
    func describe(_ loaded: PanelQuery.Loaded) -> String {
        let panel = loaded.panel
        var text = "\(panel.count) models in \(panel.familyNames.count) families"
        if let preset = loaded.preset { text += " (preset \(preset.name))" }
        return text + " from \(loaded.location.panelPath)"
    }
}
