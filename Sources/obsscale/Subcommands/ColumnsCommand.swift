import ArgumentParser
import Foundation
import ObsScale

struct ColumnsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "columns",
        abstract: "List the panel's benchmark and downstream columns, with how many models have each, to pick --target and --benchmarks.")

    @OptionGroup var panelOptions: PanelOptions

    func run() throws {
        try runReportingErrors {
            let outputs = try panelOptions.outputs()
            let loaded = try panelOptions.load(placesModels: false, outputs: outputs)
            let summary = PanelSummary(panel: loaded.panel)
            try outputs.write { _ in try JSONReport(command: "columns", options: panelOptions.query, result: summary).encoded() }
            printReport(ColumnsReport.document(summary, panelDescription: panelOptions.describe(loaded)), quiet: panelOptions.quiet(outputs))
        }
    }
}
