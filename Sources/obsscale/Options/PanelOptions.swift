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

    @Option(help: "Downstream CSV joined on Model (repeatable), besides the known companion files beside the panel.")
    var downstream: [String] = []

    @Flag(name: .customLong("no-companions"), help: "Do not read the companion downstream files beside the panel.")
    var noCompanions = false

    @Option(
        help: "Benchmark columns used for imputation and PCA (comma-separated; default: all the panel's benchmarks).",
        transform: Parse.commaList)
    var benchmarks: [String]?

    @Option(
        help: "Field delimiter of the panel and downstream files: ',', ';' or tab ('\\t' or 'tab'); default: detected from the header.",
        transform: Parse.delimiter)
    var delimiter: String?

    @Option(name: .customLong("model-column"), help: "The panel's model-name column (default: Model or an alias: model_name, name).")
    var modelColumn: String?

    @Option(name: .customLong("family-column"), help: "The family column (default: Model Family or an alias: family).")
    var familyColumn: String?

    @Option(name: .customLong("size-column"), help: "The model-size column, billions of parameters (default: Model Size (B) or params, size).")
    var sizeColumn: String?

    @Option(name: .customLong("tokens-column"), help: "The pretraining-tokens column, trillions (default: Pretraining Data Size (T) or tokens (T)).")
    var tokensColumn: String?

    @Option(name: .customLong("flops-column"), help: "The training-compute column, units of 1E21 FLOPs (default: FLOPs (1E21) or flops).")
    var flopsColumn: String?

    @Option(
        name: .customLong("date-column"),
        help: "The panel's release-date column (YYYY-MM-DD, a time may follow), for --cutoff-date; not read unless named.")
    var dateColumn: String?

    @Option(help: "A model name on several rows (one per submission): refuse (error), keep the first or last row, or average them (mean).")
    var duplicates: PanelFormat.DuplicatePolicy = .error

    @Option(
        name: .customLong("family-from"),
        help: """
            Families from the model names when the file has no family column, or for its empty cells: org (the part before '/') or \
            model (each alone).
            """)
    var familyFrom: PanelFormat.FamilySource?

    @Option(name: .customLong("score-scale"), help: "Scale of the benchmark and target scores in the files: fraction (0–1) or percent (0–100).")
    var scoreScale: PanelFormat.ScoreScale = .fraction

    @Option(
        name: .customLong("exclude-column-true"),
        help: "Leave out the rows where this true/false column is true (repeatable). A column named Flagged is used by default.")
    var excludeColumnTrue: [String] = []

    @Option(name: .customLong("exclude-column-false"), help: "Leave out the rows where this true/false column is false (repeatable).")
    var excludeColumnFalse: [String] = []

    @Flag(name: .customLong("keep-flagged"), help: "Keep the rows a Flagged column marks (left out by default, with a note).")
    var keepFlagged = false

    @Option(help: "Write the result as JSON to this file (atomically; '-' or /dev/stdout: standard output, instead of the text report).")
    var json: String?

    @OptionGroup var quietOption: QuietOption
    var quiet: Bool { quietOption.quiet }

    var query: PanelQuery {
        PanelQuery(
            panelPath: panel, downstreamPaths: downstream, preset: preset,
            filter: ModelFilter(families: families, excludeFamilies: excludeFamilies, excludeModels: excludeModels),
            format: PanelFormat(
                delimiter: delimiter, modelColumn: modelColumn, familyColumn: familyColumn, sizeColumn: sizeColumn, tokensColumn: tokensColumn,
                flopsColumn: flopsColumn, duplicates: duplicates, familyFrom: familyFrom, scoreScale: scoreScale,
                excludeWhereTrue: excludeColumnTrue, excludeWhereFalse: excludeColumnFalse, keepsFlaggedRows: keepFlagged,
                dateColumn: dateColumn),
            skipsCompanions: noCompanions)
    }

    /// The run's output files — `--json` and `others` — resolved and checked before any work:
    /// against each other and against the files named on the command line (the panel, the
    /// downstream files and `inputs`). `load(outputs:)` checks them again against the files found.
    func outputs(_ others: [(label: String, path: String?)] = [], inputs: [String?] = []) throws -> OutputFiles {
        try OutputFiles([("--json", json)] + others, inputs: ([panel] + downstream + inputs).compactMap { $0 })
    }

    /// Whether the text report is left out: `--quiet`, or an output written to standard output.
    func quiet(_ outputs: OutputFiles) -> Bool { quiet || outputs.usesStandardOutput }

    /// Loads the panel, printing the default-panel notice (stderr) and the loader's notes (stdout,
    /// before the report: they can change the answer) unless quiet. Default panels and presets
    /// are also looked for beside the executable, so a build finds its checkout's data.
    /// - Parameters:
    ///   - companions: whether the companion downstream files are read (`--downstream` files
    ///     always are).
    ///   - targets: the columns the command reads as targets (scores on `--score-scale`).
    ///   - capabilities: the capability columns when not `--benchmarks` (a saved law's).
    ///   - placesModels: false for a command that does not use capabilities (`columns`).
    ///   - outputs: refused if one of them is a file found (the default panel, a companion file).
    func load(
        companions: PanelQuery.CompanionFiles = .join, targets: [String] = [], capabilities: [String]? = nil, placesModels: Bool = true,
        outputs: OutputFiles
    ) throws -> PanelQuery.Loaded {
        try Self.load(
            query, companions: companions,
            request: ColumnRequest(capabilities: capabilities ?? benchmarks, placesModels: placesModels, targets: targets),
            outputs: outputs, quiet: quiet)
    }

    /// Loads the panel a query names (a command line's, or one a report recorded), with the
    /// notices and notes `load` prints.
    static func load(
        _ query: PanelQuery, companions: PanelQuery.CompanionFiles, request: ColumnRequest, outputs: OutputFiles, quiet: Bool
    ) throws -> PanelQuery.Loaded {
        let location = try PanelLocation.resolve(
            panel: query.panelPath, downstream: query.downstreamPaths, roots: ProjectPaths.roots(executablePath: executablePath))
        try outputs.check(notOverwriting: [location.panelPath] + location.downstreamPaths)
        let loaded = try query.load(roots: ProjectPaths.roots(executablePath: executablePath), companions: companions, request: request)
        if let notice = loaded.location.notice { printNotice(notice.message(naming: FlagNames.naming()), quiet: quiet) }
        if !quiet {
            for note in loaded.panel.notes {
                StandardOutput.line(TerminalText.escaped("note: " + note.message(naming: FlagNames.naming())))
            }
        }
        if !request.placesModels {
            for name in request.capabilities ?? [] { _ = try loaded.panel.resolvedColumn(name) }
        }
        return loaded
    }

    /// "77 models in 21 families (preset paper-2024) from FILE".
    func describe(_ loaded: PanelQuery.Loaded) -> String { Self.describe(loaded) }

    static func describe(_ loaded: PanelQuery.Loaded) -> String {
        let panel = loaded.panel
        var text = "\(panel.count) models in \(panel.familyNames.count) families"
        if let preset = loaded.preset { text += " (preset \(preset.name))" }
        return text + " from \(loaded.location.panelPath)"
    }
}
