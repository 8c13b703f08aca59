import Foundation
import Testing
import _TestSupport

/// Runs split with `--replicates FROM..TO` and combined with `obsscale merge`: the merged JSON is
/// the single run's byte for byte (parts made with 1 and 2 threads, in any order), and parts of
/// different runs, overlapping or missing ranges are refused.
struct ShardedRunTests {
    static let fitArguments = [
        "fit", "--panel", TestPaths.syntheticPanel, "--target", "task_smooth,accuracy", "--cutoff-flops", "30", "--at-flops", "300",
        "--reference-family", "Family-01",
        "--bootstrap", "40", "--seed", "5",
    ]
    static let selectArguments = [
        "select", "--panel", TestPaths.syntheticPanel, "--budget", "5%,10%", "--cutoff-flops", "30", "--method", "exchange",
        "--bootstrap", "16", "--seed", "2",
    ]
    static let validateArguments = ["validate", "--simulate", "4", "--cutoff-flops", "10", "--budget", "10,20", "--bootstrap", "10", "--seed", "4"]

    /// The single run's JSON and the merge of four parts (threads alternating 1 and 2, merged in
    /// reverse order).
    static func singleAndMerged(_ arguments: [String], ranges: [String], singleThreads: String) throws -> (single: Data, merged: Data) {
        let folder = TestPaths.temporaryDirectory()
        let single = folder.appendingPathComponent("single.json").path
        let result = try runCLI(arguments + ["--threads", singleThreads, "--json", single, "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        var parts: [String] = []
        for (index, range) in ranges.enumerated() {
            let part = folder.appendingPathComponent("part\(index).json").path
            let run = try runCLI(arguments + ["--replicates", range, "--threads", index % 2 == 0 ? "1" : "2", "--json", part])
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stdout.contains("Replicates \(range) of "), "\(run.stdout)")
            parts.append(part)
        }
        let merged = folder.appendingPathComponent("merged.json").path
        let merge = try runCLI(["merge"] + parts.reversed() + ["--json", merged])
        #expect(merge.status == 0, "\(merge.stderr)")
        #expect(merge.stdout.contains("Merged 4 parts of one \(arguments[0]) run"), "\(merge.stdout)")
        return (try Data(contentsOf: URL(fileURLWithPath: single)), try Data(contentsOf: URL(fileURLWithPath: merged)))
    }

    @Test(arguments: ["1", "2"]) func fitBootstrapMergesToTheSingleRun(threads: String) throws {
        let (single, merged) = try Self.singleAndMerged(Self.fitArguments, ranges: ["0..9", "10..24", "25..25", "26..39"], singleThreads: threads)
        #expect(single == merged)
        let result = try loadJSON(data: merged)["result"] as? [String: Any]
        #expect((result?["bootstrap"] as? [String: Any])?["replicatesSucceeded"] as? Int == 40)
    }

    @Test(arguments: ["1", "2"]) func selectBootstrapMergesToTheSingleRun(threads: String) throws {
        let (single, merged) = try Self.singleAndMerged(Self.selectArguments, ranges: ["0..3", "4..7", "8..11", "12..15"], singleThreads: threads)
        #expect(single == merged)
        let result = try loadJSON(data: merged)["result"] as? [String: Any]
        #expect((result?["bootstrap"] as? [String: Any])?["replicatesSucceeded"] as? Int == 16)
    }

    @Test(arguments: ["1", "2"]) func simulationStudyMergesToTheSingleRun(threads: String) throws {
        let (single, merged) = try Self.singleAndMerged(Self.validateArguments, ranges: ["0..0", "1..1", "2..2", "3..3"], singleThreads: threads)
        #expect(single == merged)
        let result = try loadJSON(data: merged)["result"] as? [String: Any]
        #expect(result?["worldsRun"] as? Int == 4)
    }

    @Test func mergeRefusesPartsThatDoNotMakeOneRun() throws {
        let folder = TestPaths.temporaryDirectory()
        func part(_ range: String, _ extra: [String] = []) throws -> String {
            let path = folder.appendingPathComponent("part-\(range)-\(extra.joined()).json").path
            let run = try runCLI(Self.fitArguments + extra + ["--replicates", range, "--json", path, "--quiet"])
            #expect(run.status == 0, "\(run.stderr)")
            return path
        }
        let first = try part("0..19"), second = try part("20..39"), overlapping = try part("10..29")
        let otherSeed = try part("20..39", ["--seed", "6"]), otherLevel = try part("20..39", ["--level", "0.9"])
        let single = folder.appendingPathComponent("single.json").path
        #expect(try runCLI(Self.fitArguments + ["--json", single, "--quiet"]).status == 0)
        // A damaged part: one replicate lost its predictions.
        var object = try loadJSON(URL(fileURLWithPath: second))
        var records = object["records"] as? [[String: Any]] ?? []
        records[3]["predictions"] = [0.5]
        object["records"] = records
        let damaged = folder.appendingPathComponent("damaged.json").path
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: damaged))
        let output = folder.appendingPathComponent("merged.json").path
        let cases: [([String], String)] = [
            ([first], "replicates 20..39 of 0..39 are in no part"),
            ([second], "replicates 0..19 of 0..39 are in no part"),
            ([first, overlapping, second], "overlaps"),
            ([first, otherSeed], "not the same seed (6) as"),
            ([first, otherLevel], "not the same options as"),
            ([first, single], "single.json: not a part of a split run (write parts with --replicates FROM..TO or --shard I/N, and --json FILE)"),
            ([first, folder.appendingPathComponent("absent.json").path], "absent.json"),
            (
                [first, damaged],
                "damaged.json: replicate 23: predictions has 1 values (allowed: 150, as every replicate of this run) (a damaged or edited part?)"
            ),
        ]
        for (parts, message) in cases {
            let merge = try runCLI(["merge"] + parts + ["--json", output])
            #expect(merge.status == 64, "\(parts): \(merge.stderr)")
            #expect(merge.stderr.contains(message), "\(merge.stderr)")
            #expect(!FileManager.default.fileExists(atPath: output))
        }
    }

    @Test(
        arguments: [
            (["--replicates", "0..9"], "--replicates: '0..9' is not allowed (allowed: only with --bootstrap N)"),
            (["--bootstrap", "10", "--replicates", "5..10", "--json", "p.json"], "within 0..9 of --bootstrap 10"),
            (["--bootstrap", "10", "--replicates", "0..4"], "needs --json PART.json"),
            (["--bootstrap", "10", "--replicates", "0..4", "--json", "p.json", "--html", "r.html"], "--html: not allowed with --replicates"),
            (["--bootstrap", "10", "--replicates", "0..4", "--json", "p.json", "--save-law", "l.json"], "--save-law: not allowed with --replicates"),
            (["--bootstrap", "10", "--replicates", "4..2", "--json", "p.json"], "FROM..TO with 0 ≤ FROM ≤ TO"),
        ])
    func badReplicateRangesAreRefused(extra: [String], message: String) throws {
        let folder = TestPaths.temporaryDirectory()
        let result = try runCLI(["fit", "--panel", TestPaths.syntheticPanel, "--target", "task_smooth,accuracy"] + extra, directory: folder)
        #expect(result.status == 64)
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("p.json").path))
    }

    @Test(
        arguments: [
            (["merge", "--json", "out.json"], "Missing expected argument '<parts> ...'"),
            (["merge", "p.json", "--json", "out.json", "--threads", "0"], "--threads: '0' is not allowed (allowed: ≥ 1)"),
            (
                ["validate", "--simulate", "4", "--cutoff-flops", "10", "--budget", "10", "--replicates", "2..5", "--json", "out.json"],
                "--replicates: '2..5' is not allowed (allowed: within 0..3 of --simulate 4)"
            ),
            (
                ["validate", "--cutoff-flops", "10", "--budget", "10", "--replicates", "0..1", "--json", "out.json"],
                "--replicates: '0..1' is not allowed (allowed: only with --simulate N)"
            ),
            (
                ["select", "--budget", "10%", "--bootstrap", "4", "--replicates", "0..1", "--json", "out.json", "--html", "r.html"],
                "--html: not allowed with --replicates"
            ),
        ])
    func badSplitAndMergeOptionsAreRefused(arguments: [String], message: String) throws {
        let folder = TestPaths.temporaryDirectory()
        let result = try runCLI(arguments, directory: folder)
        #expect(result.status == 64)
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("out.json").path))
    }
}
