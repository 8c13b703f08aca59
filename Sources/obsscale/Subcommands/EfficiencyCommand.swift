import ArgumentParser
import Foundation
import ObsScale

struct EfficiencyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "efficiency",
        abstract: "Compute efficiency of model families: per family, each capability component against log10 training FLOPs.")

    @OptionGroup var panelOptions: PanelOptions

    @Option(help: "Components to fit a line for (PC-1…PC-K).")
    var components = ComputeEfficiency().componentCount

    @OptionGroup var spaceOptions: CapabilitySpaceOptions
    var imputeRank: Int { spaceOptions.imputeRank }
    var standardize: Bool { spaceOptions.standardize }

    @Option(
        name: .customLong("at-flops"), help: "Rank families by their line's PC-1 at these computes (×1E21, comma-separated).",
        transform: Parse.flopsList)
    var atFlops: [Double] = [10, 100]

    @OptionGroup var htmlOption: HTMLOption
    var html: String? { htmlOption.html }

    func validate() throws {
        guard components >= 1 else { throw ValidationError("--components: '\(components)' is not allowed (allowed: ≥ 1)") }
    }

    func run() throws {
        try runReportingErrors {
            let outputs = try panelOptions.outputs([("--html", html)])
            let loaded = try panelOptions.load(companions: .skip, outputs: outputs)
            let efficiency = ComputeEfficiency(
                analysis: CapabilityAnalysis(
                    benchmarks: panelOptions.benchmarks, imputer: PCAImputer(rank: imputeRank), componentCount: components,
                    standardize: standardize),
                componentCount: components, rankingFlops: atFlops)
            let result = try efficiency.run(panel: loaded.panel)
            func report() -> ReportDocument { EfficiencyReport.document(result, panelDescription: panelOptions.describe(loaded)) }
            try outputs.write { label in
                label == "--html"
                    ? htmlPage(report())
                    : try JSONReport(
                        command: "efficiency", options: EfficiencyOptions(query: panelOptions.query, efficiency: efficiency), result: result
                    )
                    .encoded()
            }
            printReport(report(), quiet: panelOptions.quiet(outputs))
        }
    }
}
