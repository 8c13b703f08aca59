import Foundation
import Testing
import _TestSupport

/// `merge` trusts no part further than a run trusts its own replicates: a
/// part's header must fit its run (replicate total, the options' count and seed, settings the run
/// accepts), be of this schema and tool version, and every record must have numbers the run
/// writes. Each edit below once merged into a report claiming more than it held, or silently
/// shrank its intervals; now each is refused (exit 64), naming the file and the record, and
/// nothing is written.
struct MergeChecksTests {
    /// One part holding a whole run: fit (40 replicates), select (16) or validate (4 worlds).
    static func wholePart(_ arguments: [String], range: String, in folder: URL) throws -> [String: Any] {
        let path = folder.appendingPathComponent("whole-\(arguments[0]).json").path
        let run = try runCLI(arguments + ["--replicates", range, "--json", path, "--quiet"])
        #expect(run.status == 0, "\(run.stderr)")
        return try loadJSON(URL(fileURLWithPath: path))
    }

    /// Merges `part` (written to a file) and checks the refusal.
    static func expectRefused(_ part: [String: Any], _ message: String, in folder: URL, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let path = folder.appendingPathComponent("edited-\(UUID().uuidString).json")
        try JSONSerialization.data(withJSONObject: part).write(to: path)
        let output = folder.appendingPathComponent("merged.json").path
        let merge = try runCLI(["merge", path.path, "--json", output])
        #expect(merge.status == 64, "\(message): \(merge.stderr)", sourceLocation: sourceLocation)
        #expect(merge.stderr.contains(path.lastPathComponent + ": " + message), "\(merge.stderr)", sourceLocation: sourceLocation)
        #expect(!FileManager.default.fileExists(atPath: output), sourceLocation: sourceLocation)
    }

    /// `object` with the value at `path` (keys and array indices) replaced.
    static func edited(_ object: Any, _ path: [Any], _ value: Any) -> Any {
        guard let key = path.first else { return value }
        let rest = Array(path.dropFirst())
        if let index = key as? Int, var array = object as? [Any] {
            array[index] = edited(array[index], rest, value)
            return array
        }
        var dictionary = object as? [String: Any] ?? [:]
        let name = key as? String ?? ""
        dictionary[name] = edited(dictionary[name] as Any, rest, value)
        return dictionary
    }

    @Test func fitPartsAreCheckedAgainstTheirRun() throws {
        let folder = TestPaths.temporaryDirectory()
        let part = try Self.wholePart(ShardedRunTests.fitArguments, range: "0..39", in: folder)
        let cases: [([Any], Any, String)] = [
            (["total"], 80, "a part of 80 replicates, but its options ask for 40 (allowed: the same count)"),
            (["options", "bootstrap", "replicateCount"], 80, "a part of 40 replicates, but its options ask for 80 (allowed: the same count)"),
            (["schemaVersion"], 99, "part schema version 99 (allowed: 1, the part schema of obsscale 0.1.0, which merges only its own parts)"),
            (
                ["tool"], "obsscale 9.9",
                "written by 'obsscale 9.9' (allowed: parts written by obsscale 0.1.0: the replicates are the computation of the version that wrote them"
            ),
            (["seed"], 9, "seed 9, but its options say 5 (allowed: the same seed)"),
            (
                ["options", "bootstrap", "level"], 5,
                "its options are not a run's: --level: 5.0 is not allowed (allowed: a probability strictly between 0 and 1"
            ),
            (
                ["records", 3, "predictions", 0], "NaN",
                "replicate 3: predictions[0] is NaN (allowed: finite numbers in a replicate that succeeded) (a damaged or edited part?)"
            ),
            (["records", 4, "newObservations", 7], "Infinity", "replicate 4: newObservations[7] is Infinity (allowed: finite numbers"),
            (["records", 2, "parameters", 1], "-Infinity", "replicate 2: parameters[1] is -Infinity (allowed: finite numbers"),
            (["records", 5, "testMSE"], "NaN", "replicate 5: testMSE is NaN (allowed: a finite number ≥ 0)"),
            (["records", 6, "testMSE"], -1, "replicate 6: testMSE is -1.0 (allowed: a finite number ≥ 0)"),
            (["records", 1, "atFlops", 0], "NaN", "replicate 1: atFlops/atFlopsObservations mix numbers and NaN"),
            (["records", 8, "failure"], "", "replicate 8: an empty failure reason"),
            (["first"], 1, "range 1..39 of 40 with 40 records (allowed: 0 ≤ first ≤ last < total, one record per replicate)"),
        ]
        for (path, value, message) in cases {
            try Self.expectRefused(Self.edited(part, path, value) as? [String: Any] ?? [:], message, in: folder)
        }
    }

    @Test func selectPartsAreCheckedAgainstTheirRun() throws {
        let folder = TestPaths.temporaryDirectory()
        let part = try Self.wholePart(ShardedRunTests.selectArguments, range: "0..15", in: folder)
        let cases: [([Any], Any, String)] = [
            (["options", "bootstrap", "replicateCount"], 17, "a part of 16 replicates, but its options ask for 17"),
            (
                ["records", 2, "outcomes", 0, "value"], "NaN",
                "replicate 2: outcomes[0].value is NaN (allowed: a number, or Infinity for an infeasible subset)"
            ),
            (["records", 3, "outcomes", 1, "fullSubsetValue"], "-Infinity", "replicate 3: outcomes[1].fullSubsetValue is -Infinity"),
            (["records", 4, "outcomes", 1, "units"], ["no-such-model"], "replicate 4: outcomes[1] chose 'no-such-model', not a unit of this run"),
            (["records", 5, "outcomes"], [Any](), "replicate 5: 0 outcomes (allowed: 2, one per budget)"),
            (["options", "bootstrap", "level"], 0, "its options are not a run's: --level: '0.0' is not allowed"),
        ]
        for (path, value, message) in cases {
            try Self.expectRefused(Self.edited(part, path, value) as? [String: Any] ?? [:], message, in: folder)
        }
    }

    @Test func validatePartsAreCheckedAgainstTheirRun() throws {
        let folder = TestPaths.temporaryDirectory()
        let part = try Self.wholePart(ShardedRunTests.validateArguments, range: "0..3", in: folder)
        let world = ["records", 1, "report", "targets", 0] as [Any]
        let cases: [([Any], Any, String)] = [
            (["options", "study", "worldCount"], 5, "a part of 4 replicates, but its options ask for 5"),
            (
                world + ["allModels", "testMSE"], "NaN",
                "replicate 1: targets[0].allModels.testMSE is NaN (allowed: a finite number ≥ 0 for a fit that succeeded)"
            ),
            (
                world + ["budgets", 0, "selectors", 0, "testPredictions", 0], "Infinity",
                "replicate 1: targets[0].budgets[0].selectors[0].testPredictions[0] is Infinity"
            ),
            (["records", 2, "coverage", "curveCoversTruth"], 1_000_000, "replicate 2: coverage counts"),
        ]
        for (path, value, message) in cases {
            try Self.expectRefused(Self.edited(part, path, value) as? [String: Any] ?? [:], message, in: folder)
        }
    }
}
