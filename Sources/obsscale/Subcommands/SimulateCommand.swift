import ArgumentParser
import Foundation
import ObsScale

struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Generate a synthetic panel with known truth: panel.csv, targets.csv and truth.json.")

    @Option(help: "Number of model families.")
    var families = 30

    @Option(name: .customLong("models-per-family"), help: "Models in each family.")
    var modelsPerFamily = 5

    @Option(help: "Total number of models (overrides --models-per-family; spread over the families).")
    var models: Int?

    @Option(name: .customLong("missing-rate"), help: "Fraction of benchmark cells left empty.")
    var missingRate = 0.05

    @Option(help: "Number of latent capabilities.")
    var capabilities = 3

    @Option(
        name: .customLong("public-metrics"),
        help: "Public downstream metrics besides the targets, and a third target driven by a capability they do not load on (0: none).")
    var publicMetrics = 0

    @Option(help: "Random seed (same seed, same files).")
    var seed: UInt64 = 2024

    @Option(help: "Output folder (created if needed).")
    var out: String

    @OptionGroup var quietOption: QuietOption
    var quiet: Bool { quietOption.quiet }

    func run() throws {
        try runReportingErrors {
            var settings = SimulationSettings()
            settings.familyCount = families
            settings.modelsPerFamily = modelsPerFamily
            settings.modelCount = models
            settings.missingRate = missingRate
            settings.capabilityCount = capabilities
            settings.publicMetricCount = publicMetrics
            settings.seed = seed
            let world = try SyntheticWorld.generate(settings)
            let paths = try world.write(to: out)
            if !quiet {
                StandardOutput.line(
                    "Simulated \(world.panel.count) models in \(world.panel.familyNames.count) families (seed \(seed)), "
                        + "targets: \(world.truth.targets.map(\.name).joined(separator: ", "))")
                for path in paths { StandardOutput.line("  wrote \(path)") }
            }
        }
    }
}
