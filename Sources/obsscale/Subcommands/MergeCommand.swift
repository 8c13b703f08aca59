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

    @Option(help: "Worker threads for the summary (default: all cores; results do not depend on it).")
    var threads: Int?

    @Flag(help: "Print nothing on success.")
    var quiet = false

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads: '\(threads)' is not allowed (allowed: ≥ 1)") }
    }

    func run() throws {
        try runReportingErrors {
            let outputs = try OutputFiles([("--json", json)], inputs: parts)
            let merged = try ReportMerge.merge(paths: parts, threadCount: threads ?? ProcessInfo.processInfo.activeProcessorCount)
            try outputs.write { _ in merged.report }
            printReport(
                "Merged \(merged.partCount) part(s) of one \(merged.command) run (replicates 0..\(merged.total - 1)) into \(json)\n",
                quiet: quiet || outputs.usesStandardOutput)
        }
    }
}
