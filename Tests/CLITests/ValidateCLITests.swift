import Foundation
import Testing
import _TestSupport

/// `obsscale validate` end to end: the paper's setup on the real panel, a simulation study, and
/// bad options (exit 64, a message naming the option, nothing written).
struct ValidateCLITests {
    static let eight = "MMLU,ARC-C,HellaSwag,Winograd,TruthfulQA,GSM8K,XWinograd,HumanEval"

    @Test(.realPanel) func paperSetupOnTheRealPanel() throws {
        let json = TestPaths.temporaryDirectory().appendingPathComponent("validate.json").path
        let result = try runCLI([
            "validate", "--panel", TestPaths.panel, "--preset", "paper-2024", "--benchmarks", CLITests.seven,
            "--select-benchmarks", Self.eight, "--drop-incomplete", "--max-families", "10", "--cutoff-flops", "84",
            "--budget", "4,12,24", "--target", "gsm8k_5_exact_match,flexible-extract", "--target", CLITests.target,
            "--method", "exhaustive,exchange:model", "--criterion", "v", "--no-intercept", "--pca-on", "train", "--prior", "none",
            "--json", json,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Split at 84×1E21 FLOPs: selection pool 45 models at or below"))
        #expect(result.stdout.contains("Target '\(CLITests.target)': 28 test models; all-models fit on 47 models: test MSE 0.00472"))
        // The V-optimal families' fit at 12 models (numpy reference: 0.011679).
        #expect(result.stdout.contains("\n12                    0.01168"))
        // Every subset must be fittable: 4 models cannot fit a 5-parameter law, so budget 4 buys none.
        #expect(
            result.stdout.contains(
                "budget 4: exchange:model: selection: no feasible subset within budget 4.0: greedy+exchange reached 4 models but the law's parameter count (a subset must be fittable) asks for 5"
            ))
        let object = try loadJSON(URL(fileURLWithPath: json))
        #expect(object["command"] as? String == "validate")
        let report = object["result"] as? [String: Any] ?? [:]
        #expect((report["targets"] as? [Any])?.count == 2)
        #expect((report["comparisons"] as? [Any])?.count == 2)
        #expect((report["geometricMeans"] as? [Any])?.count == 3)
    }

    @Test func simulationStudyReportsCoverage() throws {
        let result = try runCLI([
            "validate", "--simulate", "4", "--sim-families", "10", "--budget", "10,15", "--cutoff-flops", "10",
            "--method", "exhaustive", "--random", "3", "--bootstrap", "50", "--threads", "2",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Simulation study: 4 of 4 worlds (10 families × 5 models"))
        #expect(result.stdout.contains("task_emergent,accuracy"))
        #expect(result.stdout.contains("95.0% prediction intervals cover the true value in"))
        let one = try runCLI([
            "validate", "--simulate", "4", "--sim-families", "10", "--budget", "10,15", "--cutoff-flops", "10",
            "--method", "exhaustive", "--random", "3", "--bootstrap", "50", "--threads", "1",
        ])
        #expect(one.stdout == result.stdout)
    }

    @Test(
        .realPanel,
        arguments: [
            (
                ["--target", CLITests.target, "--method", "simplex"],
                "The value 'simplex' is invalid for '--method <method>': 'simplex' is not allowed"
            ),
            (["--target", CLITests.target, "--method", "exchange:team"], "The value 'exchange:team' is invalid for '--method <method>'"),
            (["--target", CLITests.target, "--bootstrap", "10", "--level", "1"], "--level: '1.0' is not allowed"),
            (["--target", CLITests.target, "--simulate", "3"], "--target: '\(CLITests.target)' is not allowed"),
            ([], "--target: 'none' is not allowed"),
            (["--target", "gsm8k_cot_8_exact_match"], "unknown column 'gsm8k_cot_8_exact_match'"),
            (["--target", CLITests.target, "--budget", "0"], "The value '0' is invalid for '--budget <budget>'"),
            (["--target", CLITests.target, "--random=-1"], "--random: '-1' is not allowed"),
        ])
    func badOptionsAreRejected(extra: [String], message: String) throws {
        let json = TestPaths.temporaryDirectory().appendingPathComponent("never.json").path
        var arguments = ["validate", "--panel", TestPaths.panel, "--preset", "paper-2024", "--cutoff-flops", "84", "--json", json]
        if !extra.contains("--budget") { arguments += ["--budget", "12"] }
        let result = try runCLI(arguments + extra)
        #expect(result.status == 64, "\(result.stdout)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: json))
    }
}
