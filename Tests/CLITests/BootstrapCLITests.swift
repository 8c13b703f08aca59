import Foundation
import Testing
import _TestSupport

/// `fit --bootstrap` and `select --bootstrap` end to end: byte-identical output for any thread
/// count, the seed recorded, intervals in the table, bad values rejected.
struct BootstrapCLITests {
    static let fitArguments = [
        "fit", "--panel", TestPaths.panel, "--preset", "paper-2024", "--target", CLITests.target,
        "--benchmarks", CLITests.seven, "--cutoff-flops", "84", "--at-flops", "840",
        "--bootstrap", "200", "--seed", "11",
    ]

    @Test func fitBootstrapIsByteIdenticalForOneAndTwoThreads() throws {
        let folder = TestPaths.temporaryDirectory()
        var outputs: [(stdout: String, json: Data)] = []
        for threads in ["1", "2"] {
            let json = folder.appendingPathComponent("fit-\(threads).json").path
            let result = try runCLI(Self.fitArguments + ["--pca-on", "train", "--refit-pca", "--threads", threads, "--json", json])
            #expect(result.status == 0, "\(result.stderr)")
            outputs.append((result.stdout, try Data(contentsOf: URL(fileURLWithPath: json))))
        }
        #expect(outputs[0].json == outputs[1].json)
        #expect(outputs[0].stdout == outputs[1].stdout)
        #expect(outputs[0].stdout.contains("Bootstrap: 200 replicates resampling models, imputation and PCA refitted in each, seed 11"))
        #expect(outputs[0].stdout.contains("score 95.0%"))
        let object = try loadJSON(URL(fileURLWithPath: folder.appendingPathComponent("fit-1.json").path))
        let options = object["options"] as? [String: Any] ?? [:]
        #expect((options["bootstrap"] as? [String: Any])?["seed"] as? Int == 11)
        let bootstrap = (object["result"] as? [String: Any])?["bootstrap"] as? [String: Any] ?? [:]
        #expect((bootstrap["predictions"] as? [Any])?.count == 77)
        #expect((bootstrap["atFlops"] as? [Any])?.count == 1)
    }

    @Test func selectBootstrapIsByteIdenticalForOneAndTwoThreads() throws {
        let folder = TestPaths.temporaryDirectory()
        var reports: [Data] = []
        for threads in ["1", "2"] {
            let json = folder.appendingPathComponent("select-\(threads).json").path
            let result = try runCLI([
                "select", "--panel", TestPaths.panel, "--preset", "paper-2024", "--budget", "8,16",
                "--unit", "family", "--criterion", "v", "--no-intercept", "--max-families", "6", "--bootstrap", "24", "--seed", "3", "--threads",
                threads, "--json", json,
            ])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("Bootstrap of the selection: 24 replicates resampling pool models"))
            reports.append(try Data(contentsOf: URL(fileURLWithPath: json)))
        }
        // The whole report: no timings and no thread count in it.
        #expect(reports[0] == reports[1])
    }

    @Test(
        arguments: [
            (["--bootstrap=-3"], "--bootstrap: '-3' is not allowed"),
            (["--bootstrap", "10", "--level", "1.5"], "--level: 1.5 is not allowed"),
            (["--at-flops", "0"], "The value '0' is invalid for '--at-flops <at-flops>'"),
            (["--bootstrap", "10", "--threads", "0"], "--threads: '0' is not allowed"),
            (["--bootstrap", "10", "--refit-pca", "--pca-on", "panel"], "--refit-pca: with --pca-on panel is not allowed"),
        ])
    func badBootstrapOptionsAreRejected(extra: [String], message: String) throws {
        let json = TestPaths.temporaryDirectory().appendingPathComponent("never.json").path
        let result = try runCLI(
            [
                "fit", "--panel", TestPaths.panel, "--preset", "paper-2024", "--target", CLITests.target,
                "--cutoff-flops", "84", "--json", json,
            ] + extra)
        #expect(result.status == 64)
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: json))
    }
}
