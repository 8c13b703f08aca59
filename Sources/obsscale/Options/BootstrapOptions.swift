import ArgumentParser
import ObsScale

/// The bootstrap of `fit`, `select` and `validate --simulate`.
struct BootstrapOptions: ParsableArguments {
    @Option(help: "Bootstrap replicates (0: none): resample, refit, and report percentile intervals.")
    var bootstrap = 0

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
    var shard: ClosedRange<Int>?

    /// The replicate count (nil: no bootstrap).
    var replicates: Int? { bootstrap > 0 ? bootstrap : nil }

    func validate() throws {
        guard bootstrap >= 0 else {
            throw ValidationError("--bootstrap: '\(bootstrap)' is not allowed (allowed: 0 (none) or a number of replicates ≥ 1)")
        }
    }

    /// Checks a sharded run's other options: it writes a part to `--json` and nothing a whole
    /// run would (`--html`, `--save-law`, …: `conflicts` names those given); `count` is the
    /// replicate (or world) count the range must lie in (nil: none requested).
    func validateShard(json: String?, count: Int?, countFlag: String = "--bootstrap", conflicts: [String] = []) throws {
        guard let shard else { return }
        let range = "\(shard.lowerBound)..\(shard.upperBound)"
        guard let count else { throw ValidationError("--replicates: '\(range)' is not allowed (allowed: only with \(countFlag) N)") }
        guard shard.upperBound < count else {
            throw ValidationError("--replicates: '\(range)' is not allowed (allowed: within 0..\(count - 1) of \(countFlag) \(count))")
        }
        guard json != nil else { throw ValidationError("--replicates: '\(range)' needs --json PART.json (where the part is written)") }
        if let conflict = conflicts.first {
            throw ValidationError("\(conflict): not allowed with --replicates (a part has no report of its own; merge the parts first)")
        }
    }
}
