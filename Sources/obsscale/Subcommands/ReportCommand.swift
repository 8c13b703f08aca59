import ArgumentParser
import Foundation
import ObsScale

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Turn a JSON report of fit, select or validate (e.g. a merged split run's) into the text and HTML reports the run writes.",
        discussion: """
            The report names its data (the panel, downstream files, preset and filters); they are read again from there, \
            as the run read them, for what the JSON does not hold (the pool's capability space of a selection's charts, the \
            panel's description). The text and --html are byte for byte the single run's but for select's search \
            times (measurements, not in the JSON: shown as —). For a fit's saved law, \
            use merge --save-law (the law's replicate laws are in the parts, not in the merged report).
            """)

    @Argument(help: "The JSON report (written by --json, or by merge).")
    var report: String

    @OptionGroup var htmlOption: HTMLOption
    var html: String? { htmlOption.html }

    @OptionGroup var quietOption: QuietOption
    var quiet: Bool { quietOption.quiet }

    func run() throws {
        try runReportingErrors {
            let outputs = try OutputFiles([("--html", html)], inputs: [report])
            let data = try TextInput.contents(ofFile: report)
            let rendered = try RecordedRun.render(data, path: report, outputs: outputs, quiet: quiet)
            guard html == nil || rendered.hasPage else {
                throw ValidationError("--html: not available for this report (\(rendered.what) has no HTML page)")
            }
            try outputs.write { _ in htmlPage(rendered.document, flagOverrides: rendered.flagOverrides) }
            printReport(rendered.document, quiet: quiet, flagOverrides: rendered.flagOverrides)
        }
    }
}

/// A run recorded in a JSON report, rendered again: its data reloaded from the report's query and
/// its text and HTML made by the functions the command itself calls.
enum RecordedRun {
    struct Rendered {
        /// "fit", "select --simulate", … for messages.
        let what: String
        let document: ReportDocument
        /// Whether the report has a page (`validate --simulate` has none).
        var hasPage = true
        /// How the command's text names its settings (`printReport`).
        var flagOverrides: [Setting: String] = [:]
    }

    /// Why a file cannot be rendered (a message that names no setting).
    struct Unrenderable: InputError {
        let text: String

        func message(naming name: (Setting) -> String) -> String { text }
    }

    static func render(_ data: Data, path: String, outputs: OutputFiles, quiet: Bool) throws -> Rendered {
        struct Header: Decodable { let command: String?, kind: String?, schemaVersion: Int? }
        guard let header = try? JSONDecoder().decode(Header.self, from: data), let command = header.command, header.schemaVersion != nil else {
            throw Unrenderable(text: "\(path): not a JSON report of obsscale (write one with --json, or with merge)")
        }
        if header.kind == FitPart.partKind {
            throw Unrenderable(text: "\(path): a part of a split run; merge the parts first (obsscale merge PARTS --json FILE)")
        }
        do {
            switch command {
            case "fit": return try fit(data, outputs: outputs, quiet: quiet)
            case "select": return try select(data, outputs: outputs, quiet: quiet)
            case "validate": return try validate(data, outputs: outputs, quiet: quiet)
            default:
                throw Unrenderable(text: "\(path): a report of '\(command)' (allowed: reports of fit, select and validate)")
            }
        } catch let error as DecodingError {
            throw Unrenderable(text: "\(path): not a report this version of obsscale reads: \(SavedLaw.describe(error))")
        }
    }

    /// The panel of a fit, as `fit` loads it.
    static func loadFitPanel(_ options: FitOptions, outputs: OutputFiles, quiet: Bool) throws -> PanelQuery.Loaded {
        try PanelOptions.load(
            options.query, companions: FitCommand.companions(usesPrior: options.law.prior != .none, target: options.target),
            request: ColumnRequest(capabilities: options.law.benchmarks, targets: [options.target]), outputs: outputs, quiet: quiet)
    }

    static func fit(_ data: Data, outputs: OutputFiles, quiet: Bool) throws -> Rendered {
        let report = try JSONReport<FitOptions, ScalingLawFit>.decode(data)
        let options = report.options
        guard options.predictor == nil || options.predictor == .pcs else {
            throw Unrenderable(text: "a fit --predictor \(options.predictor?.rawValue ?? "") report: rerun it (it is fast) with --html")
        }
        let loaded = try loadFitPanel(options, outputs: outputs, quiet: quiet)
        let fit = report.result
        guard loaded.panel.models.map(\.name) == fit.predictions.map(\.model) else { throw dataChanged(loaded, then: fit.predictions.count) }
        let panelDescription = PanelOptions.describe(loaded), split = FitReport.describe(options.split)
        return Rendered(
            what: "fit", document: FitReport.document(fit, panelDescription: panelDescription, splitDescription: split, atFlops: options.atFlops))
    }

    static func select(_ data: Data, outputs: OutputFiles, quiet: Bool) throws -> Rendered {
        let report = try JSONReport<SelectOptions, SelectOutput>.decode(data)
        let options = report.options, output = report.result
        let setup = options.setup
        let loaded = try PanelOptions.load(
            options.query, companions: SelectCommand.companions(advises: output.advice != nil, cost: setup.cost),
            request: ColumnRequest(capabilities: setup.benchmarks),
            outputs: outputs, quiet: quiet)
        let problem = try setup.build(panel: loaded.panel)
        guard problem.poolModels == output.pool else { throw dataChanged(loaded, then: nil) }
        let budget = try BudgetSpec(parsing: options.budgetSpec)
        let panelDescription = PanelOptions.describe(loaded)
        // The search times are the run's measurements, not in the JSON: shown as "—".
        let untimed = output.results.map { result in
            var result = result
            result.seconds = .nan
            return result
        }
        return Rendered(
            what: "select",
            document: SelectReport.document(
                untimed, problem: problem, panelDescription: panelDescription, costName: setup.cost.description,
                criterion: setup.criterion, bootstrap: output.bootstrap, advice: output.advice, budgetLabels: budget.labels))
    }

    static func validate(_ data: Data, outputs: OutputFiles, quiet: Bool) throws -> Rendered {
        struct Probe: Decodable { let options: ValidateOptions }
        let options = try JSONCoding.decoder().decode(Probe.self, from: data).options
        if options.study != nil {
            let report = try JSONReport<ValidateOptions, SimulationStudyReport>.decode(data)
            return Rendered(
                what: "validate --simulate", document: ValidationReportText.document(report.result), hasPage: false,
                flagOverrides: FlagNames.validateOverrides)
        }
        let report = try JSONReport<ValidateOptions, ValidationReport>.decode(data)
        guard let query = options.query else { throw Unrenderable(text: "a validate report without its data (options.query)") }
        let loaded = try PanelOptions.load(
            query, companions: .join, request: ColumnRequest(capabilities: options.validation?.law.benchmarks), outputs: outputs, quiet: quiet)
        let panelDescription = PanelOptions.describe(loaded)
        return Rendered(
            what: "validate", document: ValidationReportText.document(report.result, panelDescription: panelDescription),
            flagOverrides: FlagNames.validateOverrides)
    }

    static func dataChanged(_ loaded: PanelQuery.Loaded, then: Int?) -> Unrenderable {
        Unrenderable(
            text:
                "\(loaded.location.panelPath): its models are not those of the run"
                + (then.map { " (\(loaded.panel.count) now, \($0) then)" } ?? "") + ": the data changed since the report was written"
        )
    }
}
