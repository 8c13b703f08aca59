import Foundation
import Testing
import _TestSupport

/// `--shard I/N` and `--shard auto` (Slurm arrays, Kubernetes Indexed Jobs): the part of a shard
/// is byte for byte the part `--replicates` writes for its range, for fit, select and validate;
/// bad shards and `auto` outside a job array are refused; `merge` of an incomplete set names the
/// missing parts and prints commands that, run as printed, complete it.
struct ShardCLITests {
    /// The variables `--shard auto` reads, unset in every test so that the suite behaves the same
    /// inside a job array.
    static let arrayVariables = [
        "SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_COUNT", "SLURM_ARRAY_TASK_MIN", "SLURM_ARRAY_TASK_MAX", "JOB_COMPLETION_INDEX", "SLURM_JOB_ID",
    ]

    /// A command, its part 1 of 4 as a range, and the run's count.
    static let commands: [(arguments: [String], range: String)] = [
        (ShardedRunTests.fitArguments, "10..19"),  // --bootstrap 40
        (ShardedRunTests.selectArguments, "4..7"),  // --bootstrap 16
        // --simulate 4; exchange has no time limit, so a loaded machine cannot change a world.
        (ShardedRunTests.validateArguments + ["--method", "exchange"], "1..1"),
    ]

    @Test(arguments: 0..<3) func everyFormOfAShardWritesTheReplicatesPart(command: Int) throws {
        let (arguments, range) = Self.commands[command]
        let folder = TestPaths.temporaryDirectory()
        func part(_ name: String, _ split: [String], environment: [String: String] = [:], threads: String = "1") throws -> Data {
            let path = folder.appendingPathComponent("\(name).json").path
            let run = try runCLI(
                arguments + split + ["--threads", threads, "--json", path], environment: environment, unsetting: Self.arrayVariables)
            #expect(run.status == 0, "\(name): \(run.stderr)")
            #expect(run.stdout.contains("Replicates \(range) of "), "\(name): \(run.stdout)")
            return try Data(contentsOf: URL(fileURLWithPath: path))
        }
        let reference = try part("replicates", ["--replicates", range])
        #expect(try part("shard", ["--shard", "1/4"], threads: "2") == reference)
        #expect(try part("slurm", ["--shard", "auto"], environment: ["SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_COUNT": "4"]) == reference)
        #expect(
            try part(
                "slurm-full", ["--shard", "auto"],
                environment: ["SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_COUNT": "4", "SLURM_ARRAY_TASK_MIN": "0", "SLURM_ARRAY_TASK_MAX": "3"])
                == reference)
        // A task resubmitted alone (sbatch --array=1) runs in an array of one: --shards keeps the split.
        #expect(
            try part(
                "slurm-resubmitted", ["--shard", "auto", "--shards", "4"],
                environment: ["SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_COUNT": "1", "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_MAX": "1"])
                == reference)
        #expect(try part("kubernetes", ["--shard", "auto", "--shards", "4"], environment: ["JOB_COMPLETION_INDEX": "1"]) == reference)
    }

    @Test func shardsOfAFitMergeToTheSingleRun() throws {
        let folder = TestPaths.temporaryDirectory()
        let single = folder.appendingPathComponent("single.json").path
        #expect(try runCLI(ShardedRunTests.fitArguments + ["--json", single, "--quiet"]).status == 0)
        var parts: [String] = []
        for index in 0..<3 {
            let path = folder.appendingPathComponent("part-\(index).json").path
            let run = try runCLI(ShardedRunTests.fitArguments + ["--shard", "\(index)/3", "--json", path, "--quiet"])
            #expect(run.status == 0, "\(run.stderr)")
            parts.append(path)
        }
        let merged = folder.appendingPathComponent("merged.json").path
        let merge = try runCLI(["merge"] + parts + ["--json", merged])
        #expect(merge.status == 0, "\(merge.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: single)) == Data(contentsOf: URL(fileURLWithPath: merged)))
    }

    static let fit = ["fit", "--panel", TestPaths.syntheticPanel, "--target", "task_smooth,accuracy", "--bootstrap", "40"]

    @Test(
        arguments: [
            (
                [String](), [String: String](),
                "--shard auto: not in a job array: looked for SLURM_ARRAY_TASK_ID (Slurm, sbatch --array) and JOB_COMPLETION_INDEX (a Kubernetes Indexed Job), and neither is set (allowed: inside a job array; elsewhere --shard I/N or --replicates FROM..TO)"
            ),
            ([], ["SLURM_JOB_ID": "7"], "SLURM_JOB_ID is set: a Slurm job, but not an array; submit with sbatch --array=0-(N−1)"),
            (
                [], ["JOB_COMPLETION_INDEX": "1"],
                "--shard auto: JOB_COMPLETION_INDEX is '1' (allowed: with the number of parts (the Indexed Job's completions) given by --shards N)"
            ),
            (
                ["--shards", "4"], ["JOB_COMPLETION_INDEX": "4"],
                "--shard: '4/4 (JOB_COMPLETION_INDEX=4, 4 parts)' is not allowed (allowed: I/N with 0 ≤ I < N"
            ),
            (
                ["--shards", "0"], ["JOB_COMPLETION_INDEX": "0"],
                "--shard: '0/0 (JOB_COMPLETION_INDEX=0, 0 parts)' is not allowed (allowed: I/N with N ≥ 1 parts)"
            ),
            ([], ["JOB_COMPLETION_INDEX": "-1"], "--shard auto: JOB_COMPLETION_INDEX is '-1' (allowed: an integer ≥ 0)"),
            ([], ["SLURM_ARRAY_TASK_ID": "1"], "--shard auto: SLURM_ARRAY_TASK_COUNT is 'unset'"),
            (
                [], ["SLURM_ARRAY_TASK_ID": "4", "SLURM_ARRAY_TASK_COUNT": "4"],
                "--shard: '4/4 (SLURM_ARRAY_TASK_ID=4 of SLURM_ARRAY_TASK_COUNT=4)' is not allowed (allowed: I/N with 0 ≤ I < N"
            ),
            (
                [], ["SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_COUNT": "1", "SLURM_ARRAY_TASK_MIN": "2", "SLURM_ARRAY_TASK_MAX": "2"],
                "--shard auto: SLURM_ARRAY_TASK_MIN..SLURM_ARRAY_TASK_MAX is '2..2' (allowed: 0..0, an array 0-(N−1) of SLURM_ARRAY_TASK_COUNT=1 tasks, whose size is then the number of parts; in any other array, such as a task resubmitted alone (sbatch --array=2), give the number of parts with --shards N)"
            ),
        ])
    func autoIsRefusedOutsideAJobArrayItCanUse(extra: [String], environment: [String: String], message: String) throws {
        let folder = TestPaths.temporaryDirectory()
        let result = try runCLI(
            Self.fit + ["--shard", "auto", "--json", "p.json"] + extra, environment: environment,
            unsetting: Self.arrayVariables.filter { environment[$0] == nil }, directory: folder)
        #expect(result.status == 64)
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("p.json").path))
    }

    @Test(
        arguments: [
            (["--shard", "4/4", "--json", "p.json"], "--shard: '4/4' is not allowed (allowed: I/N with 0 ≤ I < N (parts are numbered from 0))"),
            (["--shard", "0/0", "--json", "p.json"], "--shard: '0/0' is not allowed (allowed: I/N with N ≥ 1 parts)"),
            (["--shard=1/-2", "--json", "p.json"], "--shard: '1/-2' is not allowed (allowed: I/N with N ≥ 1 parts)"),
            (["--shard=-1/4", "--json", "p.json"], "--shard: '-1/4' is not allowed (allowed: I/N with 0 ≤ I < N"),
            (
                ["--shard", "0/41", "--json", "p.json"],
                "--shard: '0/41' is not allowed (allowed: at most 40 parts for --bootstrap 40 (a part holds at least one replicate))"
            ),
            (["--shard", "1of4", "--json", "p.json"], "'1of4' is not allowed (allowed: I/N (part I of N, 0-based, e.g. 0/4 … 3/4) or auto"),
            (["--shard", "1/4"], "--shard: '1/4' needs --json PART.json"),
            (["--shard", "1/4", "--replicates", "0..9", "--json", "p.json"], "--shard: not allowed with --replicates (allowed: one of them)"),
            (
                ["--shard", "1/4", "--shards", "4", "--json", "p.json"],
                "--shards: '4' is not allowed (allowed: only with --shard auto; --shard I/N gives N itself)"
            ),
            (["--shards", "4", "--json", "p.json"], "--shards: '4' is not allowed (allowed: only with --shard auto"),
            (["--shard", "1/4", "--json", "p.json", "--html", "r.html"], "--html: not allowed with --shard"),
        ])
    func badShardsAreRefused(extra: [String], message: String) throws {
        let folder = TestPaths.temporaryDirectory()
        let result = try runCLI(Self.fit + extra, unsetting: Self.arrayVariables, directory: folder)
        #expect(result.status == 64)
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("p.json").path))
    }

    @Test(
        arguments: [
            (
                ["fit", "--panel", TestPaths.syntheticPanel, "--target", "task_smooth,accuracy", "--shard", "0/4", "--json", "p.json"],
                "--shard: '0/4' is not allowed (allowed: only with --bootstrap N)"
            ),
            (
                ["validate", "--simulate", "4", "--cutoff-flops", "10", "--budget", "10", "--shard", "0/5", "--json", "p.json"],
                "--shard: '0/5' is not allowed (allowed: at most 4 parts for --simulate 4 (a part holds at least one replicate))"
            ),
            (
                ["select", "--panel", TestPaths.syntheticPanel, "--budget", "10%", "--bootstrap", "4", "--shard", "auto", "--json", "p.json"],
                "--shard auto: not in a job array"
            ),
        ])
    func shardsOfEveryCommandAreChecked(arguments: [String], message: String) throws {
        let folder = TestPaths.temporaryDirectory()
        let result = try runCLI(arguments, unsetting: Self.arrayVariables, directory: folder)
        #expect(result.status == 64)
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("p.json").path))
    }

    /// Runs a rerun line that merge printed (`  obsscale …`) with this build's binary, in `folder`.
    static func runPrinted(_ line: String, in folder: URL) throws -> CommandResult {
        let command = line.trimmingCharacters(in: .whitespaces)
        #expect(command.hasPrefix("obsscale "))
        return try runProcess("/bin/sh", ["-c", "'\(obsscaleBinary)' " + command.dropFirst("obsscale ".count)], directory: folder)
    }

    @Test func mergeOfMissingPartsPrintsCommandsThatCompleteTheRun() throws {
        let folder = TestPaths.temporaryDirectory()
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("parts"), withIntermediateDirectories: true)
        for index in [0, 2] {
            let run = try runCLI(
                ShardedRunTests.fitArguments + ["--shard", "auto", "--threads", "1", "--json", "parts/part-\(index).json", "--quiet"],
                environment: ["SLURM_ARRAY_TASK_ID": "\(index)", "SLURM_ARRAY_TASK_COUNT": "5"], unsetting: Self.arrayVariables, directory: folder)
            #expect(run.status == 0, "\(run.stderr)")
        }
        let merge = try runCLI(["merge", "parts/part-0.json", "parts/part-2.json", "--json", "fit.json"], directory: folder)
        #expect(merge.status == 64)
        let lines = merge.stderr.split(separator: "\n").map(String.init)
        #expect(
            lines.first
                == "obsscale: error: replicates 8..15, 24..39 of 0..39 are in no part (allowed: parts that together hold every replicate)",
            "\(merge.stderr)")
        #expect(
            lines.contains(
                "Missing: parts 1, 3, 4 of 5. Recompute them in the directory the parts were written from, then merge again with the new parts:"))
        #expect(
            lines.contains("In a Slurm job array whose tasks run --shard auto --shards 5, resubmit only these tasks: sbatch --array=1,3,4 JOB_SCRIPT")
        )
        let commands = lines.filter { $0.hasPrefix("  obsscale ") }
        let expectedTail = ["--shard 1/5 --json parts/part-1.json", "--shard 3/5 --json parts/part-3.json", "--shard 4/5 --json parts/part-4.json"]
        #expect(commands.count == 3)
        for (command, tail) in zip(commands, expectedTail) {
            #expect(
                command.hasPrefix("  obsscale fit --panel \(TestPaths.syntheticPanel) --target task_smooth,accuracy --cutoff-flops 30"), "\(command)")
            #expect(command.hasSuffix(tail), "\(command)")
            #expect(!command.contains("--threads") && !command.contains("--quiet") && !command.contains("auto"), "\(command)")
            #expect(try Self.runPrinted(command, in: folder).status == 0)
        }
        let parts = (0..<5).map { "parts/part-\($0).json" }
        let completed = try runCLI(["merge"] + parts + ["--json", "fit.json"], directory: folder)
        #expect(completed.status == 0, "\(completed.stderr)")
        let single = try runCLI(ShardedRunTests.fitArguments + ["--json", "single.json", "--quiet"], directory: folder)
        #expect(single.status == 0)
        #expect(
            try Data(contentsOf: folder.appendingPathComponent("single.json")) == Data(contentsOf: folder.appendingPathComponent("fit.json")))
    }

    @Test func mergeOfMissingRangesPrintsReplicatesCommands() throws {
        let folder = TestPaths.temporaryDirectory()
        for range in ["0..9", "15..29"] {
            let run = try runCLI(
                ShardedRunTests.selectArguments.map { $0 == "16" ? "40" : $0 } + ["--replicates", range, "--json", "sel-\(range).json", "--quiet"],
                directory: folder)
            #expect(run.status == 0, "\(run.stderr)")
        }
        let merge = try runCLI(["merge", "sel-0..9.json", "sel-15..29.json", "--json", "select.json"], directory: folder)
        #expect(merge.status == 64)
        let commands = merge.stderr.split(separator: "\n").map(String.init).filter { $0.hasPrefix("  obsscale ") }
        #expect(commands.count == 2, "\(merge.stderr)")
        #expect(commands.first?.hasSuffix("--replicates 10..14 --json sel-10..14.json") == true, "\(merge.stderr)")
        #expect(commands.last?.hasSuffix("--replicates 30..39 --json sel-30..39.json") == true, "\(merge.stderr)")
        #expect(!merge.stderr.contains("sbatch"))
        for command in commands { #expect(try Self.runPrinted(command, in: folder).status == 0) }
        let completed = try runCLI(
            ["merge", "sel-0..9.json", "sel-10..14.json", "sel-15..29.json", "sel-30..39.json", "--json", "select.json"], directory: folder)
        #expect(completed.status == 0, "\(completed.stderr)")
    }
}

/// The README's cluster files are those in scripts/ (shown verbatim), and the Kubernetes pod's
/// command, run as a pod of the Indexed Job runs it (`JOB_COMPLETION_INDEX` set), writes its part.
struct ClusterScriptTests {
    static let files = ["scripts/slurm/bootstrap.sbatch", "scripts/slurm/merge.sbatch", "scripts/kubernetes/bootstrap-job.yaml"]

    @Test(arguments: files) func theREADMEShowsTheFileVerbatim(file: String) throws {
        let readme = try String(contentsOf: TestPaths.root.appendingPathComponent("README.md"), encoding: .utf8)
        let text = try String(contentsOf: TestPaths.root.appendingPathComponent(file), encoding: .utf8)
        #expect(readme.contains("```\(file.hasSuffix(".yaml") ? "yaml" : "bash")\n\(text)```"), "README.md does not show \(file) as it is")
    }

    @Test func theKubernetesPodCommandWritesItsPart() throws {
        let manifest = try String(contentsOf: TestPaths.root.appendingPathComponent(Self.files[2]), encoding: .utf8)
        let lines = manifest.split(separator: "\n", omittingEmptySubsequences: false)
        guard let start = lines.firstIndex(where: { $0.hasSuffix("- |") }) else {
            Issue.record("no `args: - |` block in the manifest")
            return
        }
        let data = TestPaths.sharedData
        let script = lines[(start + 1)...].prefix { $0.hasPrefix("              ") }.map { $0.dropFirst(14) }.joined(separator: "\n")
        #expect(script.hasPrefix("exec obsscale fit "))
        let folder = TestPaths.temporaryDirectory()
        let command = script.replacingOccurrences(of: "exec obsscale ", with: "exec '\(obsscaleBinary)' ")
            .replacingOccurrences(of: "/data/obsscaling", with: data.path).replacingOccurrences(of: "/results", with: folder.path)
        let pod = try runProcess("/bin/sh", ["-c", command], environment: ["JOB_COMPLETION_INDEX": "9"], unsetting: ShardCLITests.arrayVariables)
        #expect(pod.status == 0, "\(pod.stderr)")
        // The pod's part is the last tenth of the run, as --replicates writes it.
        let arguments =
            ["fit", "--panel", data.appendingPathComponent("base_llm_benchmark_eval.csv").path, "--preset", "paper-2024"]
            + ["--target", "gsm8k_cot_8_exact_match,flexible-extract", "--cutoff-flops", "84", "--pca-on", "train", "--refit-pca"]
            + ["--bootstrap", "10000", "--seed", "7", "--replicates", "9000..9999", "--json", "reference.json", "--quiet"]
        #expect(try runCLI(arguments, directory: folder).status == 0)
        #expect(
            try Data(contentsOf: folder.appendingPathComponent("part-9.json")) == Data(contentsOf: folder.appendingPathComponent("reference.json")))
    }
}
