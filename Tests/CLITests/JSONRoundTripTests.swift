import Foundation
import ObsScale
import Testing
import _TestSupport

/// Every command's `--json` reads back into its Codable types (docs/json.md) and writes the same
/// bytes again; every report carries the schema version, the options and the seed.
struct JSONRoundTripTests {
    static func run(_ arguments: [String]) throws -> Data {
        let json = TestPaths.temporaryDirectory().appendingPathComponent("report.json").path
        let result = try runCLI(arguments + ["--json", json, "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        return try Data(contentsOf: URL(fileURLWithPath: json))
    }

    /// Decodes, re-encodes and compares bytes (NaN-safe, unlike ==).
    static func roundTrip<Options: Codable, Result: Codable>(
        _ data: Data, _: Options.Type, _: Result.Type,
        command: String
    ) throws -> JSONReport<Options, Result> {
        let report = try JSONReport<Options, Result>.decode(data)
        #expect(try report.encoded() == data)
        #expect(report.schemaVersion == 1 && report.command == command)
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
        #expect(Set(object.keys) == ["schemaVersion", "command", "tool", "seed", "options", "result"])
        return report
    }

    @Test func pca() throws {
        let data = try Self.run(["pca", "--panel", TestPaths.panel, "--preset", "paper-2024"])
        let report = try Self.roundTrip(data, PCAOptions.self, CapabilityAnalysis.Result.self, command: "pca")
        #expect(report.seed == nil)
    }

    @Test func fitWithBootstrap() throws {
        let data = try Self.run([
            "fit", "--panel", TestPaths.panel, "--preset", "paper-2024", "--target", CLITests.target,
            "--cutoff-flops", "84", "--bootstrap", "50", "--seed", "9", "--at-flops", "840",
        ])
        let report = try Self.roundTrip(data, FitOptions.self, ScalingLawFit.self, command: "fit")
        #expect(report.seed == 9 && report.options.bootstrap?.replicateCount == 50)
        #expect(report.result.bootstrap?.predictions.count == 77)
    }

    @Test func selectWithBootstrap() throws {
        let data = try Self.run([
            "select", "--panel", TestPaths.panel, "--preset", "paper-2024", "--budget", "8,16",
            "--unit", "family", "--max-families", "6", "--bootstrap", "10", "--seed", "4",
        ])
        let report = try Self.roundTrip(data, SelectOptions.self, SelectOutput.self, command: "select")
        #expect(report.seed == 4 && report.result.results.count == 2 && report.result.bootstrap?.budgets.count == 2)
    }

    @Test func validateOnThePanelAndSimulated() throws {
        let data = try Self.run([
            "validate", "--panel", TestPaths.panel, "--preset", "paper-2024", "--cutoff-flops", "84",
            "--budget", "4,12", "--target", CLITests.target, "--drop-incomplete", "--max-families", "10",
            "--method", "exhaustive,greedy:model",
        ])
        let report = try Self.roundTrip(data, ValidateOptions.self, ValidationReport.self, command: "validate")
        #expect(report.seed == 0 && report.result.targets.count == 1 && report.result.selectors.count == 2)
        let simulated = try Self.run([
            "validate", "--simulate", "2", "--sim-families", "8", "--budget", "10", "--cutoff-flops", "10",
            "--random", "2", "--bootstrap", "20", "--seed", "3",
        ])
        let study = try Self.roundTrip(simulated, ValidateOptions.self, SimulationStudyReport.self, command: "validate")
        #expect(study.seed == 3 && study.result.worldsRun == 2 && study.options.study?.worldCount == 2)
    }
}
