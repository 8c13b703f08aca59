import Foundation
import ObsScale
import Testing
import _TestSupport

/// The paper's analyses from the command line: `efficiency`, `fit --predictor` /
/// `--compare-predictors`, `compare` (with `--by-family` and a bootstrap); their JSON reads back
/// into the library's types, and bad input is refused with exit code 64 and no file written.
struct AnalysesCLITests {
    static let gsm8k = [
        "gsm8k_5_exact_match,flexible-extract", "gsm8k_cot_8_exact_match,flexible-extract",
        "gsm8k_cot_self_consistency_8_exact_match,maj@5-flexible-extract",
    ]

    @Test func efficiencyTableAndJSON() throws {
        let data = try JSONRoundTripTests.run(["efficiency", "--panel", TestPaths.panel, "--preset", "paper-2024"])
        let report = try JSONRoundTripTests.roundTrip(data, EfficiencyOptions.self, ComputeEfficiency.Result.self, command: "efficiency")
        #expect(report.result.families.count == 19)
        #expect(report.result.excludedFamilies.map(\.family) == ["Mistral", "Mixtral"])
        // Phi, the paper's outlier: the most capable family at 1E22 and 1E23 FLOPs.
        #expect(report.result.rankingsAtFlops.map(\.first) == ["Phi", "Phi"])
        let text = try runCLI(["efficiency", "--panel", TestPaths.panel, "--preset", "paper-2024"])
        #expect(text.status == 0)
        #expect(text.stdout.contains("Average R² over families with ≥ 3 models: PC-1 0.966"))
        #expect(text.stdout.contains("Phi *"))
    }

    @Test func predictorBaselinesFromTheCommandLine() throws {
        let common = [
            "fit", "--panel", TestPaths.panel, "--preset", "paper-2024", "--benchmarks", CLITests.seven, "--cutoff-flops", "22",
            "--target", "arithmetic_3ds_2_acc", "--prior", "none", "--pca-on", "train",
        ]
        let data = try JSONRoundTripTests.run(common + ["--compare-predictors"])
        let report = try JSONRoundTripTests.roundTrip(data, FitOptions.self, PredictorComparison.self, command: "fit")
        #expect(report.result.commonTestModels.count == 33)
        #expect(report.result.commonTestMSE[0] < report.result.commonTestMSE[1])
        let flops = try JSONRoundTripTests.run(common + ["--predictor", "flops"])
        let baseline = try JSONRoundTripTests.roundTrip(flops, FitOptions.self, ComputeBaseline.Fit.self, command: "fit")
        #expect(baseline.options.predictor == .flops)
        #expect(baseline.result.excludedTest == ["mistralai/Mistral-7B-v0.1", "mistralai/Mixtral-8x7B-v0.1"])
        let text = try runCLI(common + ["--compare-predictors"])
        #expect(text.stdout.contains("Lowest common test MSE: capabilities"))
        // Options that have no meaning for a compute baseline.
        let refused = try runCLI(common + ["--predictor", "params", "--bootstrap", "10"])
        #expect(refused.status == 64)
        #expect(refused.stderr.contains("--bootstrap"))
    }

    @Test func compareWithBootstrapAndFamilies() throws {
        let arguments =
            ["compare", "--panel", TestPaths.panel, "--preset", "paper-2024", "--benchmarks", CLITests.seven, "--cutoff-flops", "84"]
            + Self.gsm8k.flatMap { ["--target", $0] } + ["--prior", "none", "--by-family", "--bootstrap", "20", "--seed", "3"]
        let data = try JSONRoundTripTests.run(arguments)
        let report = try JSONRoundTripTests.roundTrip(data, CompareOptions.self, TechniqueComparison.Result.self, command: "compare")
        #expect(report.seed == 3)
        #expect(report.result.bands?.replicatesSucceeded == 20)
        #expect(report.result.reference.gaps.map(\.later) == Array(Self.gsm8k.dropFirst()))
        let phi = try #require(report.result.families.first { $0.family == "Phi" })
        #expect(phi.earlierOnset == [true, true])
        let text = try runCLI(arguments)
        #expect(text.stdout.contains("Gap to gsm8k_5_exact_match,flexible-extract in Llama-2-equivalent FLOPs"))
        #expect(text.stdout.contains("By family"))
    }

    /// Two identical targets, one target, a per-target capability space: exit 64, nothing written.
    @Test func compareRefusesBadTargets() throws {
        let json = TestPaths.temporaryDirectory().appendingPathComponent("never.json").path
        let base = ["compare", "--panel", TestPaths.panel, "--preset", "paper-2024", "--json", json]
        for extra in [
            ["--target", Self.gsm8k[0], "--target", Self.gsm8k[0]], ["--target", Self.gsm8k[0]],
            ["--target", Self.gsm8k[0], "--target", Self.gsm8k[1], "--pca-on", "train"],
        ] {
            let result = try runCLI(base + extra)
            #expect(result.status == 64, "\(extra): \(result.stderr)")
            #expect(result.stderr.contains("--target") || result.stderr.contains("--pca-on"), "\(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: json))
        }
    }

    /// A panel without FLOPs or sizes: `--predictor flops` is refused with the reason; `efficiency`
    /// reports every family as excluded; a target missing for most models is a clear error.
    @Test func panelsWithoutComputeAreRefusedClearly() throws {
        let folder = TestPaths.temporaryDirectory()
        let panel = folder.appendingPathComponent("panel.csv").path
        // The FLOPs column is there (the loader requires it) but empty, as are the sizes.
        var rows = ["Model,Model Family,Model Size (B),Pretraining Data Size (T),FLOPs (1E21),MMLU,ARC-C,HellaSwag,task"]
        for index in 0..<12 {
            let family = "F\(index % 3)"
            let score = 0.3 + 0.04 * Double(index)
            rows.append("m\(index),\(family),,,,\(score),\(score * 0.9),\(score * 1.1),\(index < 2 ? String(score * 0.5) : "")")
        }
        try rows.joined(separator: "\n").write(toFile: panel, atomically: true, encoding: .utf8)
        let flops = try runCLI(["fit", "--panel", panel, "--target", "task", "--predictor", "flops", "--prior", "none"])
        #expect(flops.status == 64, "\(flops.stderr)")
        #expect(flops.stderr.contains("FLOPs"), "\(flops.stderr)")
        let efficiency = try runCLI(["efficiency", "--panel", panel])
        #expect(efficiency.status == 0, "\(efficiency.stderr)")
        #expect(efficiency.stdout.contains("F0 (fewer than 2 models with FLOPs (0))"))
        let sparse = try runCLI(["fit", "--panel", panel, "--target", "task", "--prior", "none"])
        #expect(sparse.status == 64, "\(sparse.stderr)")
        #expect(sparse.stderr.contains("needs at least 5 models, found 2"), "\(sparse.stderr)")
    }
}
