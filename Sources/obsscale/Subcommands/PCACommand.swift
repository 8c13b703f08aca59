import ArgumentParser
import Foundation
import ObsScale

struct PCACommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pca",
        abstract: "Impute missing benchmark scores and show the capability space: explained variance, loadings, scores.")

    @OptionGroup var panelOptions: PanelOptions

    @Option(help: "Number of components to report (default: 5, or fewer when the panel has fewer benchmark columns).")
    var components: Int?

    @OptionGroup var spaceOptions: CapabilitySpaceOptions
    var imputeRank: Int { spaceOptions.imputeRank }
    var standardize: Bool { spaceOptions.standardize }

    @Flag(help: "Also print every model's capability scores.")
    var scores = false

    @OptionGroup var htmlOption: HTMLOption
    var html: String? { htmlOption.html }

    func run() throws {
        try runReportingErrors {
            let outputs = try panelOptions.outputs([("--html", html)])
            let loaded = try panelOptions.load(companions: .skip, outputs: outputs)
            let columnCount = try loaded.panel.capabilityColumns(panelOptions.benchmarks).count
            let analysis = CapabilityAnalysis(
                benchmarks: panelOptions.benchmarks, imputer: PCAImputer(rank: imputeRank),
                componentCount: components ?? min(5, columnCount), standardize: standardize)
            let result = try analysis.run(panel: loaded.panel)
            func report() -> ReportDocument { PCAReport.document(result, panelDescription: panelOptions.describe(loaded), showScores: scores) }
            try outputs.write { label in
                label == "--html"
                    ? htmlPage(report())
                    : try JSONReport(command: "pca", options: PCAOptions(query: panelOptions.query, analysis: analysis), result: result).encoded()
            }
            printReport(report(), quiet: panelOptions.quiet(outputs))
        }
    }
}
