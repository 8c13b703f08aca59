import ArgumentParser
import Foundation
import ObsScale

struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Apply a saved law (fit --save-law) to new models' benchmark scores, with intervals; score it against results that arrived.",
        discussion: """
            The panel (--panel) holds the new models with the law's benchmark columns. With --downstream RESULTS.csv holding \
            the law's target, the predictions are scored (MSE, and the share of observed values inside the score intervals).
            """)

    @OptionGroup var panelOptions: PanelOptions

    @Option(help: "The saved law (written by fit --save-law).")
    var law: String

    @Option(help: "Seed of the residual draws of the score intervals.")
    var seed: UInt64 = 0

    @OptionGroup(title: "Intervals") var intervalOptions: IntervalOptions

    @OptionGroup var forecastOption: ForecastOption
    var atFlops: [Double] { forecastOption.atFlops }

    /// The panel options, with families from the model names where the file has no family column
    /// (`--family-from model` unless given): a law predicts each model on its own, so new models
    /// need no family.
    var newModelOptions: PanelOptions {
        var options = panelOptions
        if options.familyFrom == nil { options.familyFrom = .model }
        return options
    }

    func run() throws {
        let panelOptions = newModelOptions
        try runReportingErrors {
            let outputs = try panelOptions.outputs(inputs: [law])
            let saved = try SavedLaw.load(path: law)
            let loaded = try panelOptions.load(targets: [saved.law.target], capabilities: saved.law.benchmarkNames, outputs: outputs)
            let result = try saved.predict(panel: loaded.panel, seed: seed, interval: intervalOptions.interval, atFlops: atFlops)
            try outputs.write { _ in
                try JSONReport(
                    command: "predict", seed: seed,
                    options: PredictOptions(
                        query: panelOptions.query, lawPath: law, interval: intervalOptions.interval, atFlops: atFlops.isEmpty ? nil : atFlops),
                    result: result
                ).encoded()
            }
            printReport(
                PredictReport.document(result, panelDescription: panelOptions.describe(loaded), lawPath: law), quiet: panelOptions.quiet(outputs)
            )
        }
    }
}
