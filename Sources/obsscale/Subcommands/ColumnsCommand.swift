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
            let loaded = try panelOptions.load(placesModels: false)
            let summary = PanelSummary(panel: loaded.panel)
            if let path = panelOptions.json {
                try JSONReport(command: "columns", options: panelOptions.query, result: summary).write(to: path)
            }
            printReport(ColumnsReport.render(summary, panelDescription: panelOptions.describe(loaded)), quiet: panelOptions.quiet)
        }
    }
}
