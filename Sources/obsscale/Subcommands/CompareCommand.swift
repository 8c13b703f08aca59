import ArgumentParser
import Foundation
import ObsScale

struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare targets (e.g. post-training techniques) on one capability space: curves and gaps in equivalent FLOPs.")

    @OptionGroup var panelOptions: PanelOptions

    @Option(help: "A target (repeat; at least two). The first is the baseline every later one is compared with.")
    var target: [String] = []

    /// `--target-range` applies to every target.
    @OptionGroup var scaleOptions: TargetScaleOptions
    var targetRange: ClosedRange<Double>? { scaleOptions.targetRange }
    var referenceFamily: String { scaleOptions.referenceFamilyOrDefault }

    @OptionGroup(title: "Scaling law") var lawOptions: LawOptions<RecommendedLawDefaults>

    @OptionGroup var flopsCut: FlopsCutOption
    var cutoffFlops: Double? { flopsCut.cutoffFlops }

    @Option(name: .customLong("at-flops"), help: "Report the gaps at these computes (×1E21, comma-separated).", transform: Parse.flopsList)
    var atFlops: [Double] = [84, 840, 8400]

    @Option(name: .customLong("gap-threshold"), help: "The gap whose first crossing is the onset.")
    var gapThreshold = 0.05

    @Flag(name: .customLong("by-family"), help: "Also re-express each law in each family's own compute (paper §6) and flag families.")
    var byFamily = false

    @OptionGroup var runOptions: RunOptions

    @OptionGroup(title: "Bootstrap") var bootstrapOptions: BootstrapOptions

    func validate() throws {
        guard target.count >= 2 else { throw ValidationError("--target: '\(target.count) given' is not allowed (allowed: at least two)") }
        guard bootstrapOptions.resample == .models else {
            throw ValidationError("--resample: 'families' is not allowed with compare (allowed: models)")
        }
        guard gapThreshold.isFinite else { throw ValidationError("--gap-threshold: '\(gapThreshold)' is not allowed (allowed: a finite number)") }
    }

    func run() throws {
        try runReportingErrors {
            let outputs = try panelOptions.outputs([("--html", runOptions.html)], inputs: [lawOptions.priorFile])
            let loaded = try panelOptions.load(
                companions: lawOptions.prior == .none ? .joinIfMissing(target) : .join, targets: target, outputs: outputs)
            if !loaded.panel.familyNames.contains(referenceFamily) {
                throw DataError.unknownFamily(
                    name: referenceFamily, suggestions: Suggestions.closeMatches(to: referenceFamily, in: loaded.panel.familyNames))
            }
            var comparison = TechniqueComparison(
                targets: target,
                law: try lawOptions.law(benchmarks: panelOptions.benchmarks, targetRange: targetRange, referenceFamily: referenceFamily))
            comparison.atFlops = atFlops
            comparison.gapThreshold = gapThreshold
            comparison.byFamily = byFamily
            comparison.replicateCount = bootstrapOptions.bootstrap ?? 0
            comparison.level = bootstrapOptions.level
            comparison.seed = runOptions.seed
            let rule: SplitRule = cutoffFlops.map { .flopsCutoff($0) } ?? .none
            let split = try Split(panel: loaded.panel, rule: rule)
            let result = try withProgress("bootstrap", quiet: panelOptions.quiet || comparison.replicateCount == 0) { progress in
                try comparison.run(panel: loaded.panel, split: split, threadCount: runOptions.threadCount, progress: progress)
            }
            let splitDescription = cutoffFlops.map { "fit on FLOPs ≤ \(Format.significant($0))×1E21, test above" } ?? "fit on every model"
            func report() -> ReportDocument {
                CompareReport.document(result, panelDescription: panelOptions.describe(loaded), splitDescription: splitDescription)
            }
            try outputs.write { label in
                label == "--html"
                    ? htmlPage(report())
                    : try JSONReport(
                        command: "compare", seed: comparison.replicateCount > 0 ? comparison.seed : nil,
                        options: CompareOptions(query: panelOptions.query, split: rule, comparison: comparison), result: result
                    ).encoded()
            }
            printReport(report(), quiet: panelOptions.quiet(outputs))
        }
    }
}
