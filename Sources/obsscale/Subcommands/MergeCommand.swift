import ArgumentParser
import Foundation
import ObsScale

struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Combine the parts of a split run (--replicates FROM..TO, --shard I/N or auto) into the report a single run writes.",
        discussion: """
            Each part holds replicates (or simulated worlds) of one fit --bootstrap, select --bootstrap or validate --simulate \
            run. The merged JSON is byte for byte the one the whole run writes. Every part is checked first: written by this \
            version, its header consistent with its options, every record of the run's shape with finite numbers. Parts of \
            different runs (options, seeds, data) and overlapping ranges are refused; when replicates are missing, merge names \
            them and prints the commands that recompute them (and, for a Slurm array, the sbatch --array indices).
            """)

    @Argument(help: "The part files, in any order.")
    var parts: [String]

    @Option(help: "Where the merged JSON report goes (written atomically).")
    var json: String

    @Option(
        name: .customLong("save-law"),
        help: """
            For a fit's parts: also write the law the single run's --save-law writes (the replicate laws come from the parts; \
            the run's data is read again for the residual pool).
            """)
    var saveLaw: String?

    @OptionGroup var threadsOption: ThreadsOption

    @OptionGroup var quietOption: QuietOption
    var quiet: Bool { quietOption.quiet }

    func run() throws {
        try runReportingErrors {
            let outputs = try OutputFiles([("--json", json), ("--save-law", saveLaw)], inputs: parts)
            let threadCount = threadsOption.threadCount
            let merged = try ReportMerge.merge(paths: parts, threadCount: threadCount)
            var law: SavedLaw?
            if saveLaw != nil {
                guard let options = merged.fitOptions else {
                    throw ValidationError("--save-law: not allowed for the parts of a \(merged.command) run (allowed: parts of fit --bootstrap)")
                }
                let loaded = try RecordedRun.loadFitPanel(options, outputs: outputs, quiet: true)
                law = try merged.savedLaw(panel: loaded.panel, threadCount: threadCount)
            }
            try outputs.write { label in label == "--save-law" ? try law?.encoded() ?? Data() : merged.report }
            if !(quiet || outputs.usesStandardOutput) {
                StandardOutput.line(
                    TerminalText.escaped(
                        "Merged \(Plural.count(merged.partCount, "part")) of one \(merged.command) run (replicates 0..\(merged.total - 1)) "
                            + "into \(json)" + (saveLaw.map { "; its law saved to \($0)" } ?? "")))
            }
        }
    }
}
