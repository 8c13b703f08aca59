import Foundation
import Testing
import _TestSupport

/// `obsscale validate` end to end: the paper's setup on the public panel, a simulation study, and
/// bad options (exit 64, a message naming the option, nothing written).
struct ValidateCLITests {
    static let eight = "MMLU,ARC-C,HellaSwag,Winograd,TruthfulQA,GSM8K,XWinograd,HumanEval"

    @Test func paperSetupOnTheRealPanel() throws {
        let json = TestPaths.temporaryDirectory().appendingPathComponent("validate.json").path
        let result = try runCLI([
            "validate", "--panel", TestPaths.panel, "--preset", "paper-2024", "--benchmarks", CLITests.seven,
            "--select-benchmarks", Self.eight, "--drop-incomplete", "--max-families", "10", "--cutoff-flops", "84",
            "--budget", "4,12,24", "--target", "gsm8k_5_exact_match,flexible-extract", "--target", CLITests.target,
            "--method", "exhaustive,exchange:model", "--criterion", "v", "--no-intercept", "--pca-on", "train", "--prior", "none", "--components",
            "3",
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
            (["--target", CLITests.target, "--cutoff-size", "13"], "--cutoff-flops/--cutoff-size: '2 given' is not allowed (allowed: one split)"),
            (["--target", CLITests.target, "--gap", "1"], "'1' is not allowed (allowed: a fraction in [0, 1) or a percentage such as 1%"),
            (["--target", CLITests.target, "--anchor", "middle"], "The value 'middle' is invalid for '--anchor <anchor>'"),
            // A setting validate spells with a flag of its own (`FlagNames.validateOverrides`).
            (["--simulate", "2", "--sim-missing-rate", "0.9"], "--sim-missing-rate: '0.9' is not allowed (allowed: 0 to 0.5)"),
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

    /// A simulated panel with a release-date column (the i-th model released i days after
    /// 2023-01-01): the date split and the size split through the command, end to end.
    @Test func dateAndSizeSplits() throws {
        let directory = TestPaths.temporaryDirectory()
        let made = try runCLI(["simulate", "--families", "10", "--models-per-family", "4", "--seed", "3", "--out", directory.path])
        #expect(made.status == 0, "\(made.stderr)")
        let panelPath = directory.appendingPathComponent("panel.csv").path
        var lines = try String(contentsOfFile: panelPath, encoding: .utf8).split(separator: "\n").map(String.init)
        let start = ISO8601DateFormatter().date(from: "2023-01-01T00:00:00Z") ?? Date()
        let format = ISO8601DateFormatter()
        format.formatOptions = [.withFullDate]
        for index in lines.indices {
            lines[index] += index == 0 ? ",Released" : "," + format.string(from: start.addingTimeInterval(Double(index - 1) * 86_400))
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: panelPath, atomically: true, encoding: .utf8)
        let common = [
            "validate", "--panel", panelPath, "--downstream", directory.appendingPathComponent("targets.csv").path, "--date-column", "Released",
            "--target", "task_smooth,accuracy", "--cost", "params", "--budget", "30%", "--random", "2",
        ]
        let byDate = try runCLI(common + ["--cutoff-date", "2023-01-30"])
        #expect(byDate.status == 0, "\(byDate.stderr)")
        #expect(
            byDate.stdout.contains("Split at release date 2023-01-30: selection pool 30 models on or before; test = models after"), "\(byDate.stdout)"
        )
        #expect(byDate.stdout.contains("Target 'task_smooth,accuracy': 10 test models"), "\(byDate.stdout)")
        let bySize = try runCLI(common + ["--cutoff-size", "2"])
        #expect(bySize.status == 0, "\(bySize.stderr)")
        #expect(bySize.stdout.contains("Split at 2B parameters: selection pool"), "\(bySize.stdout)")
        let bad = try runCLI(common + ["--cutoff-date", "2023-02-30"])
        #expect(bad.status == 64 && bad.stderr.contains("'2023-02-30' is not allowed (allowed: a date YYYY-MM-DD that exists"), "\(bad.stderr)")
        let undated = try runCLI(common.filter { $0 != "--date-column" && $0 != "Released" } + ["--cutoff-date", "2023-01-30"])
        #expect(undated.status == 64 && undated.stderr.contains("(--date-column NAME; text columns of the panel: Released)"), "\(undated.stderr)")
    }

    /// A size cut must be > 0 and leave models on both sides; the message names --cutoff-size.
    @Test(
        arguments: [
            (["--cutoff-size", "0"], "--cutoff-size: '0.0' is not allowed (allowed: a finite number > 0 (billions of parameters))"),
            (
                ["--cutoff-size", "1000"],
                "--cutoff-size/--cutoff-date: '1000B parameters' is not allowed (allowed: a cut with at least one model past it to test on)"
            ),
        ])
    func badSizeCutsAreRejected(extra: [String], message: String) throws {
        let result = try runCLI(
            ["validate", "--panel", TestPaths.panel, "--preset", "paper-2024", "--budget", "12", "--target", CLITests.target] + extra)
        #expect(result.status == 64, "\(result.stdout)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }
}
