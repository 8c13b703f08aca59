import Foundation
import Testing
import _TestSupport

/// The `obsscale` executable end to end on the public panel (`TestPaths.sharedData`) and on
/// bad input: exit codes, messages, and that no output file is written on failure.
struct CLITests {
    static let seven = "MMLU,ARC-C,HellaSwag,Winograd,TruthfulQA,XWinograd,HumanEval"
    static let target = "gsm8k_cot_8_exact_match,flexible-extract"

    @Test func pcaOnThePaperPreset() throws {
        let result = try runCLI(["pca", "--panel", TestPaths.panel, "--preset", "paper-2024"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("77 models in 21 families (preset paper-2024)"))
        #expect(result.stdout.contains("PC-1                  0.15070  80.2%       80.2%"))
        #expect(result.stdout.contains("PC-3                  0.00871   4.6%       96.7%"))
        for benchmark in ["MMLU", "ARC-C", "HellaSwag", "Winograd", "TruthfulQA", "GSM8K", "XWinograd", "HumanEval"] {
            #expect(result.stdout.contains("\n\(benchmark) "))
        }
        #expect(result.stderr.isEmpty)
    }

    @Test(arguments: ["ls", "huber"])
    func fitOnThePaperSetupWritesJSON(loss: String) throws {
        let json = TestPaths.temporaryDirectory().appendingPathComponent("fit.json").path
        let result = try runCLI([
            "fit", "--panel", TestPaths.panel, "--preset", "paper-2024", "--target", Self.target,
            "--benchmarks", Self.seven, "--cutoff-flops", "84", "--loss", loss, "--huber-delta", "1.0",
            "--json", json,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("y = 1.0000·σ(-2.498 + 2.565·PC-1 + 4.643·PC-2 + 4.207·PC-3) + 0.0000"))
        #expect(result.stdout.contains("train      47  0.00310"))
        #expect(result.stdout.contains("test       28  0.00472"))
        #expect(result.stdout.contains("Held-out models (28):"))
        #expect(result.stdout.contains("meta-llama/Llama-2-70b-hf"))
        let object = try loadJSON(URL(fileURLWithPath: json))
        #expect(object["schemaVersion"] as? Int == 1)
        #expect(object["command"] as? String == "fit")
        let fit = object["result"] as? [String: Any] ?? [:]
        let predictions = fit["predictions"] as? [[String: Any]] ?? []
        #expect(predictions.count == 77)
        #expect(predictions.filter { $0["role"] as? String == "unlabeled" }.count == 2)
    }

    @Test func simulateIsDeterministic() throws {
        let first = TestPaths.temporaryDirectory().path, second = TestPaths.temporaryDirectory().path
        for folder in [first, second] {
            let result = try runCLI(["simulate", "--families", "4", "--models-per-family", "3", "--seed", "9", "--out", folder])
            #expect(result.status == 0)
            #expect(result.stdout.contains("Simulated 12 models in 4 families (seed 9)"))
        }
        for name in ["panel.csv", "targets.csv", "truth.json"] {
            let a = try Data(contentsOf: URL(fileURLWithPath: first).appendingPathComponent(name))
            let b = try Data(contentsOf: URL(fileURLWithPath: second).appendingPathComponent(name))
            #expect(a == b, "\(name) differs")
        }
    }

    @Test func defaultPanelIsTheSyntheticOneWithANotice() throws {
        let elsewhere = TestPaths.temporaryDirectory()
        let result = try runCLI(["pca"], directory: elsewhere)
        #expect(result.status == 0)
        #expect(result.stderr.contains("using the synthetic panel"))
        #expect(result.stdout.contains("150 models in 30 families"))
        let quiet = try runCLI(["pca", "--quiet"], directory: elsewhere)
        #expect(quiet.stderr.isEmpty && quiet.stdout.isEmpty)
    }

    static let header = "Model,Model Family,Model Size (B),Pretraining Data Size (T),FLOPs (1E21),MMLU,ARC-C,GSM8K"

    /// (arguments after the panel, panel rows, expected message fragment)
    static let badInputs: [(String, [String], [String], String)] = [
        ("malformed row", [], ["org/a,A,1,1,6,0.3,0.4"], "panel.csv:2: malformed row: 7 fields, the header has 8"),
        ("non-numeric", [], ["org/a,A,1,1,6,0.3,high,0.1"], "panel.csv:2: column 'ARC-C': 'high' is not a number"),
        ("non-finite", [], ["org/a,A,1,1,6,0.3,inf,0.1"], "panel.csv:2: column 'ARC-C': 'inf' is not finite"),
        (
            "out of range", [], ["org/a,A,1,1,6,0.3,1.4,0.1"],
            "panel.csv:2: column 'ARC-C': 1.4 is out of range (allowed: a score in [0, 1] or an empty cell)"
        ),
        (
            "duplicate model", [], ["org/a,A,1,1,6,0.3,0.4,0.1", "org/a,A,1,1,6,0.3,0.4,0.1"],
            "panel.csv:3: duplicate model 'org/a' (first seen on line 2)"
        ),
        ("unknown benchmark", ["--benchmarks", "MMLU,ARC-E"], ["org/a,A,1,1,6,0.3,0.4,0.1"], "unknown column 'ARC-E'; did you mean 'ARC-C'?"),
        ("unknown family", ["--families", "B"], ["org/a,A,1,1,6,0.3,0.4,0.1"], "unknown model family 'B'"),
        (
            "empty after filtering", ["--exclude-families", "A"], ["org/a,A,1,1,6,0.3,0.4,0.1"],
            "no models left: the model filters (excluding families: A) leave an empty panel"
        ),
        (
            "unknown preset", ["--preset", "paper-2023"], ["org/a,A,1,1,6,0.3,0.4,0.1"],
            "unknown preset 'paper-2023' (shipped presets: paper-2024, paper-2024-all); did you mean 'paper-2024'?"
        ),
    ]

    @Test(arguments: 0..<9)
    func badInputIsAClearErrorAndWritesNothing(index: Int) throws {
        let (_, extra, rows, fragment) = Self.badInputs[index]
        let panel = TestPaths.write(([Self.header] + rows).joined(separator: "\n") + "\n", name: "panel.csv")
        let folder = TestPaths.temporaryDirectory()
        let json = folder.appendingPathComponent("out.json").path
        let result = try runCLI(["pca", "--panel", panel, "--json", json] + extra)
        #expect(result.status == 64)
        #expect(result.stderr.hasPrefix("obsscale: error: "))
        #expect(result.stderr.contains(fragment), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }

    @Test func failedFitLeavesAnExistingReportUntouched() throws {
        let folder = TestPaths.temporaryDirectory()
        let json = folder.appendingPathComponent("fit.json").path
        try Data("previous".utf8).write(to: URL(fileURLWithPath: json))
        let result = try runCLI(["fit", "--panel", TestPaths.panel, "--target", "gsm8k_cot_8_exact_match", "--json", json])
        #expect(result.status == 64)
        #expect(
            result.stderr.contains(
                "unknown column 'gsm8k_cot_8_exact_match'; did you mean 'gsm8k_cot_8_exact_match,strict-match' or 'gsm8k_cot_8_exact_match,flexible-extract'?"
            ))
        #expect(try String(contentsOfFile: json, encoding: .utf8) == "previous")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["fit.json"])
    }

    @Test func fitOptionErrors() throws {
        let common = ["fit", "--panel", TestPaths.panel, "--target", Self.target]
        let both = try runCLI(common + ["--cutoff-flops", "84", "--test-top", "0.2"])
        #expect(both.status == 64 && both.stderr.contains("at most one split"))
        let range = try runCLI(common + ["--target-range", "0.5,0.2"])
        #expect(range.status == 64 && range.stderr.contains("The value '0.5,0.2' is invalid for '--target-range <target-range>'"))
        let cutoff = try runCLI(common + ["--cutoff-flops", "0.001"])
        #expect(cutoff.status == 64 && cutoff.stderr.contains("no models left: the split leaves no training models"))
        let link = try runCLI(common + ["--link", "probit"])
        #expect(link.status == 64)
        let holdout = try runCLI(common + ["--holdout", "@/nonexistent/list.txt"])
        #expect(holdout.status == 64 && holdout.stderr.contains("/nonexistent/list.txt: file not found"))
        // The library's FitError names the setting; the command line renders it as the flag.
        let components = try runCLI(common + ["--components", "99"])
        #expect(components.status == 64 && components.stderr.contains("obsscale: error: --components: 99 is not allowed"), "\(components.stderr)")
    }
}
