import ArgumentParser
import Foundation
import ObsScale

/// The bootstrap of `fit`, `select` and `validate --simulate`, and the split of its replicates
/// (or worlds) across processes: `--replicates FROM..TO`, `--shard I/N`, `--shard auto`.
struct BootstrapOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Bootstrap replicates (0: none): resample, refit, and report percentile intervals.",
            discussion: "Default: 0, except validate on a panel: 100 (the replicates behind each fit's score intervals)."))
    var bootstrap: Int?

    @Option(help: "Coverage of the bootstrap intervals.")
    var level = 0.95

    @Option(help: "What a bootstrap replicate resamples: models or whole families.")
    var resample: BootstrapResampling = .models

    @Option(
        name: .customLong("replicates"),
        help: ArgumentHelp(
            "Run only replicates FROM..TO (0-based, inclusive; worlds with validate --simulate) and write them as a part with --json.",
            discussion: "obsscale merge PART.json… --json OUT combines the parts into the report of a single run."),
        transform: Parse.replicateRange)
    var replicateRange: ClosedRange<Int>?

    @Option(
        name: .customLong("shard"),
        help: ArgumentHelp(
            "Run only part I of N equal ranges of the replicates (I/N, 0-based), or auto: this job-array task's part; write it with --json.",
            discussion: """
                auto reads SLURM_ARRAY_TASK_ID with SLURM_ARRAY_TASK_COUNT (a Slurm array 0-(N-1)), or JOB_COMPLETION_INDEX \
                (a Kubernetes Indexed Job, with --shards N). The part is the one --replicates writes for the same range.
                """),
        transform: Parse.shard)
    var shardPart: ShardRequest?

    @Option(
        name: .customLong("shards"),
        help: """
            With --shard auto: the number of parts N (a Kubernetes Indexed Job's completions; in Slurm it replaces the array's \
            size, so a task resubmitted alone, sbatch --array=I, keeps its part).
            """)
    var shards: Int?

    /// The replicate count (nil: no bootstrap).
    var replicates: Int? { replicates(default: 0) }

    /// The replicate count with a command's own default when `--bootstrap` is not given (nil: none).
    func replicates(default count: Int) -> Int? {
        let chosen = bootstrap ?? count
        return chosen > 0 ? chosen : nil
    }

    /// Which replicates this process runs (nil: all of them, a whole run).
    var shardRequest: ShardRequest? {
        if let replicateRange { return .replicates(replicateRange) }
        if case .auto = shardPart { return .auto(count: shards) }
        return shardPart
    }

    func validate() throws {
        if let bootstrap, bootstrap < 0 {
            throw ValidationError("--bootstrap: '\(bootstrap)' is not allowed (allowed: 0 (none) or a number of replicates ≥ 1)")
        }
    }

    /// The flag and value that asked for a split, as typed (for messages).
    var shardArgument: String {
        switch shardRequest {
        case let .replicates(range)?: return "--replicates: '\(range.lowerBound)..\(range.upperBound)'"
        case let .part(index, count)?: return "--shard: '\(index)/\(count)'"
        case .auto?: return "--shard: 'auto'"
        case nil: return ""
        }
    }

    /// Checks a split run's other options: one way of naming the replicates, a count to split
    /// (`count`: the replicate or world count; nil: none requested), a part written to `--json`
    /// and nothing a whole run would (`--html`, `--save-law`, …: `conflicts` names those given).
    /// Whether the range fits the count is the library's check (`shard(count:countSetting:)`).
    func validateShard(json: String?, count: Int?, countFlag: String = "--bootstrap", conflicts: [String] = []) throws {
        if replicateRange != nil && shardPart != nil {
            throw ValidationError("--shard: not allowed with --replicates (allowed: one of them)")
        }
        if let shards, shardPart != .auto(count: nil) {
            throw ValidationError("--shards: '\(shards)' is not allowed (allowed: only with --shard auto; --shard I/N gives N itself)")
        }
        guard shardRequest != nil else { return }
        guard count != nil else { throw ValidationError("\(shardArgument) is not allowed (allowed: only with \(countFlag) N)") }
        guard json != nil else { throw ValidationError("\(shardArgument) needs --json PART.json (where the part is written)") }
        if let conflict = conflicts.first {
            let flag = replicateRange != nil ? "--replicates" : "--shard"
            throw ValidationError("\(conflict): not allowed with \(flag) (a part has no report of its own; merge the parts first)")
        }
    }

    /// The replicates this process runs (nil: a whole run), resolved by the library against the
    /// run's `count` (the setting `countSetting`) and, for `--shard auto`, the environment.
    func shard(count: Int?, countSetting: Setting) throws -> Shard? {
        guard let request = shardRequest, let count else { return nil }
        return try request.resolve(total: count, totalSetting: countSetting, environment: ProcessInfo.processInfo.environment)
    }

    /// The options that say only which replicates a process runs, where its part goes and how
    /// fast (with a value, except `--quiet`): left out of the command line a part records.
    static let splitOptions: Set<String> = ["--replicates", "--shard", "--shards", "--json", "--threads"]

    /// The command line a part records (`ReportPart.arguments`): the subcommand and its
    /// arguments without `splitOptions` and `--quiet`, so every part of a run records the same
    /// and `merge` can complete it into the command that recomputes a missing part.
    static func partArguments(_ arguments: [String] = Array(CommandLine.arguments.dropFirst())) -> [String] {
        var kept: [String] = []
        var skipValue = false
        for argument in arguments {
            if skipValue {
                skipValue = false
                continue
            }
            if argument == "--quiet" { continue }
            if splitOptions.contains(argument) {
                skipValue = true
                continue
            }
            if let equals = argument.firstIndex(of: "="), splitOptions.contains(String(argument[..<equals])) { continue }
            kept.append(argument)
        }
        return kept
    }
}

/// Writes one part of a split run — replicates `shard.range` of `total`, with the command line
/// that recomputes any part (`BootstrapOptions.partArguments`) — and says where it went: what
/// every command that splits its runs does with a range's records (`PartedCommand`).
func writePart<Command: PartedCommand>(
    _ kind: Command.Type, seed: UInt64?, options: Command.Options, shared: Command.PartShared, records: [Command.Run.Record],
    shard: Shard, total: Int, path: String, outputs: OutputFiles, quiet: Bool
) throws {
    let part = Command.part(
        seed: seed, options: options, shared: shared, indices: shard.range, total: total, records: records,
        arguments: BootstrapOptions.partArguments())
    try outputs.write { _ in try part.encoded() }
    printPartWritten(shard, total: total, path: path, quiet: quiet)
}

/// Says where a split run's part went and how to combine the parts.
func printPartWritten(_ shard: Shard, total: Int, path: String, quiet: Bool) {
    guard !quiet else { return }
    var part = ""
    if let index = shard.index, let count = shard.count { part = " (part \(index)/\(count)\(shard.source.map { ", \($0)" } ?? ""))" }
    StandardOutput.line(
        "Replicates \(shard.range.lowerBound)..\(shard.range.upperBound) of \(total)\(part) written to \(path); obsscale merge PART.json… --json "
            + "OUT combines the parts."
    )
}
