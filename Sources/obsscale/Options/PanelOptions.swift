import ArgumentParser
import Foundation
import ObsScale

/// Options every data command shares: where the data is, which models to keep, the capability
/// columns, and where the JSON goes.
struct PanelOptions: ParsableArguments {
    @Option(help: "Panel CSV (default: $OBSSCALE_PANEL, then data/obsscaling/, then the synthetic panel).")
    var panel: String?

    @Option(help: "A shipped model set, e.g. paper-2024 or paper-2024-all (data/presets/NAME.json), or a preset file.")
    var preset: String?

    @Option(help: "Keep only these families (comma-separated).", transform: Parse.commaList)
    var families: [String]?

    @Option(name: .customLong("exclude-families"), help: "Drop these families (comma-separated).", transform: Parse.commaList)
    var excludeFamilies: [String] = []

    @Option(name: .customLong("exclude-models"), help: "Drop these models (comma-separated).", transform: Parse.commaList)
    var excludeModels: [String] = []

    @Option(help: "Downstream CSV joined on Model (repeatable). Default: known companion files beside the panel.")
    var downstream: [String] = []

    @Option(
        help: "Benchmark columns used for imputation and PCA (comma-separated; default: all the panel's benchmarks).",
        transform: Parse.commaList)
    var benchmarks: [String]?

    @Option(help: "Write the result as JSON to this file (atomically).")
    var json: String?

    @Flag(help: "Print nothing but errors.")
    var quiet = false

    var query: PanelQuery {
        PanelQuery(
            panelPath: panel, downstreamPaths: downstream, preset: preset,
            filter: ModelFilter(families: families, excludeFamilies: excludeFamilies, excludeModels: excludeModels))
    }

    /// Loads the panel, printing the default-panel notice unless quiet. Default panels and presets
    /// are also looked for beside the executable, so a build finds its checkout's data.
    func load() throws -> PanelQuery.Loaded {
        let loaded = try query.load(roots: ProjectPaths.roots(executablePath: CommandLine.arguments.first))
        if let notice = loaded.location.notice { printNotice(FlagNames.translate(notice), quiet: quiet) }
        for name in benchmarks ?? [] where !loaded.panel.numericColumnNames.contains(name) {
            throw DataError.unknownColumn(column: name, suggestions: Suggestions.closeMatches(to: name, in: loaded.panel.numericColumnNames))
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
