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

    @Option(name: .customLong("impute-rank"), help: "Rank of the PCA imputation.")
    var imputeRank = 1

    @Flag(help: "Standardize benchmark columns before the PCA (default: centred only, as the paper).")
    var standardize = false

    @Flag(help: "Also print every model's capability scores.")
    var scores = false

    @Option(help: "Write a self-contained HTML report (explained variance, loadings heatmap) to this file (atomically).")
    var html: String?

    func run() throws {
        try runReportingErrors {
            let outputs = try panelOptions.outputs([("--html", html)])
            let loaded = try panelOptions.load(companions: .skip, outputs: outputs)
            let columnCount = try loaded.panel.capabilityColumns(panelOptions.benchmarks).count
            let analysis = CapabilityAnalysis(
                benchmarks: panelOptions.benchmarks, imputer: PCAImputer(rank: imputeRank),
                componentCount: components ?? min(5, columnCount), standardize: standardize)
            let result = try analysis.run(panel: loaded.panel)
            try outputs.write { label in
                label == "--html"
                    ? HTMLPage.pca(result, panelDescription: panelOptions.describe(loaded)).data
                    : try JSONReport(command: "pca", options: PCAOptions(query: panelOptions.query, analysis: analysis), result: result).encoded()
            }
            printReport(
                PCAReport.render(result, panelDescription: panelOptions.describe(loaded), showScores: scores), quiet: panelOptions.quiet(outputs))
        }
    }
}
