import Foundation
import ObsScale
import Testing
import _TestSupport

/// A new user's own files from the command line (the hand-written fixtures of
/// ObsScaleDataTests): what the loader guessed on stderr, the percent-scale target refused with
/// the flag that fixes it, the user's own model predicted in the text output, FLOPs in other
/// spellings, and errors that name flags.
struct OwnDataCLITests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("ObsScaleDataTests/Fixtures")
    static let panel = fixtures.appendingPathComponent("own_panel.tsv").path
    static let results = fixtures.appendingPathComponent("own_results.csv").path
    static let target = "my_eval (%)"

    @Test func columnsListsWhatIsThere() throws {
        let result = try runCLI(["columns", "--panel", Self.panel, "--downstream", Self.results])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Models: 15 in 4 families; FLOPs known for 15 (15 derived as 6·N·D), model size for 15, tokens for 15"))
        #expect(result.stdout.contains("Benchmarks (capabilities by default; --benchmarks picks others): 4"))
        #expect(result.stdout.contains("my_eval (%)"))
        #expect(result.stdout.contains("my_eval (%)      14  7.2  89.7  percent\n"))
        #expect(result.stdout.contains("percent: as a target, read it with --score-scale percent or fit it with --target-range 0,100"))
        // The loader's notes come with the report, on stdout (they can change the answer).
        #expect(result.stdout.hasPrefix("note: \(Self.panel): using column 'model' as Model\n"))
        #expect(result.stdout.contains("note: \(Self.results): 2 rows name no model of the panel, left out: 'lab/unreleased-1', 'other/unknown-7b'"))
        #expect(result.stderr.isEmpty)
    }

    @Test func percentTargetIsRefusedThenFittedWithItsRange() throws {
        let base = ["fit", "--panel", Self.panel, "--downstream", Self.results, "--target", Self.target, "--prior", "none", "--quiet"]
        let refused = try runCLI(base + ["--cutoff-flops", "100"])
        #expect(refused.status == 64)
        #expect(refused.stderr.contains("looks like a percentage: pass --target-range 0,100"), "\(refused.stderr)")
        let json = TestPaths.temporaryDirectory().appendingPathComponent("fit.json").path
        let html = TestPaths.temporaryDirectory().appendingPathComponent("fit.html").path
        let fitted = try runCLI(
            Array(base.dropLast()) + [
                "--target-range", "0,100", "--cutoff-flops", "1e23FLOPs", "--reference-family", "Mid", "--json", json, "--html", html,
            ])
        #expect(fitted.status == 0, "\(fitted.stderr)")
        // The page draws the model without a value at its prediction (a diamond with a hover title).
        let page = try String(contentsOfFile: html, encoding: .utf8)
        #expect(page.contains("predicted (no observed value)") && page.contains("lab/new-model (Mid), no observed value"))
        // The user's own model, without a value: predicted in the text output, first.
        #expect(fitted.stdout.contains("Predicted (no observed value) (1):"))
        #expect(fitted.stdout.contains("lab/new-model"))
        let object = try loadJSON(URL(fileURLWithPath: json))
        let options = object["options"] as? [String: Any] ?? [:]
        #expect((options["split"] as? [String: Any])?["flopsCutoff"] != nil)
        // The tables show the file's 0–100 scale: the JSON's normalized prediction × 100, 2 decimals.
        #expect(fitted.stdout.contains("values and intervals are shown as y, on your scale, MSE and MAE on the fitted scale v"))
        let predictions = (object["result"] as? [String: Any])?["predictions"] as? [[String: Any]] ?? []
        let newModel = try #require(predictions.first { $0["model"] as? String == "lab/new-model" })
        let predicted = try #require(newModel["predicted"] as? Double)
        let row = try #require(fitted.stdout.split(separator: "\n").first { $0.hasPrefix("lab/new-model") })
        #expect(row.contains(" " + String(format: "%.2f", 100 * predicted) + " "), "\(row)")
        // No table cell shows a 0–1 value: every observed value of the training table is above 1.
        let observed = predictions.compactMap { $0["observed"] as? Double }
        #expect(!observed.isEmpty && observed.allSatisfy { fitted.stdout.contains(String(format: "%.2f", 100 * $0)) })
    }

    @Test func componentsDefaultToWhatThePanelAllows() throws {
        let result = try runCLI(["pca", "--panel", Self.panel])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("PCA: centred, not standardized, 4 components"))
    }

    @Test func implausibleFlopsShowTheLikelyValue() throws {
        let result = try runCLI(["fit", "--panel", Self.panel, "--downstream", Self.results, "--target", Self.target, "--cutoff-flops", "3e12"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("did you mean 3e-09"), "\(result.stderr)")
        #expect(result.stderr.hasPrefix("obsscale: error:"), "\(result.stderr)")
    }

    @Test func testTopRanksOnlyModelsWithTheTarget() throws {
        let result = try runCLI([
            "fit", "--panel", Self.panel, "--downstream", Self.results, "--target", Self.target, "--target-range", "0,100", "--prior", "none",
            "--test-top", "3", "--reference-family", "Mid",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Held-out models (3):"))
        #expect(result.stdout.contains("Predicted (no observed value) (1):"))
    }
}

/// `fit --save-law` then `obsscale predict --law` on new models' scores, scored against results.
struct PredictCLITests {
    @Test func saveThenPredictAndScore() throws {
        let folder = TestPaths.temporaryDirectory()
        let law = folder.appendingPathComponent("law.json").path
        let panel = TestPaths.root.appendingPathComponent("data/synthetic/panel.csv").path
        let fit = try runCLI([
            "fit", "--panel", panel, "--target", "task_smooth,accuracy", "--cutoff-flops", "10", "--reference-family", "Family-01",
            "--bootstrap", "50", "--save-law", law, "--quiet",
        ])
        #expect(fit.status == 0, "\(fit.stderr)")
        let json = folder.appendingPathComponent("predict.json").path
        let predict = try runCLI(["predict", "--law", law, "--panel", panel, "--json", json])
        #expect(predict.status == 0, "\(predict.stderr)")
        #expect(predict.stdout.contains("Intervals: 95.0% percentiles over 50 saved bootstrap replicate laws"))
        #expect(predict.stdout.contains("Against the 150 results that arrived: MSE"))
        let report = try JSONReport<PredictOptions, SavedLaw.Result>.decode(Data(contentsOf: URL(fileURLWithPath: json)))
        #expect(report.result.predictions.count == 150 && report.command == "predict")
        let refused = try runCLI(["fit", "--panel", panel, "--target", "task_smooth,accuracy", "--predictor", "flops", "--save-law", law])
        #expect(refused.status == 64 && refused.stderr.contains("--save-law"))
        let missing = try runCLI(["predict", "--law", folder.appendingPathComponent("none.json").path, "--panel", panel])
        #expect(missing.status == 64 && missing.stderr.hasPrefix("obsscale: error:"))

        // New models in a file of one's own: no family column, lower-case leaderboard names for
        // the benchmarks, a missing score — predicted, the names mapped, the imputation said.
        let own = folder.appendingPathComponent("new.csv")
        try """
        model,mmlu,arc,hellaswag,winogrande,truthfulqa,gsm8k,xwinograd,humaneval
        mine/a-1b,0.38,0.39,,0.62,0.30,0.33,0.59,0.40
        mine/a-7b,0.52,0.48,,0.67,0.38,0.63,0.66,0.70

        """.write(to: own, atomically: true, encoding: .utf8)
        let ownJSON = folder.appendingPathComponent("own.json").path
        let mine = try runCLI(["predict", "--law", law, "--panel", own.path, "--json", ownJSON])
        #expect(mine.status == 0, "\(mine.stderr)")
        #expect(mine.stdout.contains("reading column 'arc' as the benchmark ARC-C"), "\(mine.stdout)")
        #expect(mine.stdout.contains("Imputed by the law's imputer (no score in the file): HellaSwag for 2 models (mine/a-1b, mine/a-7b)"))
        let ownReport = try JSONReport<PredictOptions, SavedLaw.Result>.decode(Data(contentsOf: URL(fileURLWithPath: ownJSON)))
        #expect(ownReport.result.imputed?.map(\.benchmark) == ["HellaSwag"])
        #expect(ownReport.result.predictions.map(\.family) == ["mine/a-1b", "mine/a-7b"])
    }
}

/// `select --max-models`: at most N models within a cost budget, each chosen model's cost shown.
struct MaxModelsCLITests {
    @Test func atMostNModelsWithinACostBudget() throws {
        let panel = TestPaths.root.appendingPathComponent("data/synthetic/panel.csv").path
        let result = try runCLI(["select", "--panel", panel, "--cost", "params", "--budget", "40", "--max-models", "5", "--time-limit", "2"])
        #expect(result.status == 0, "\(result.stderr)")
        let row = try #require(result.stdout.split(separator: "\n").first { $0.hasPrefix("40 ") })
        let fields = row.split(separator: " ", omittingEmptySubsequences: true)
        #expect(Int(fields[2]) ?? 99 <= 5, "\(row)")
        #expect(result.stdout.contains("  cost (params): "))
        let contradictory = try runCLI(["select", "--panel", panel, "--budget", "10", "--min-models", "6", "--max-models", "5"])
        #expect(contradictory.status == 64 && contradictory.stderr.contains("--max-models"), "\(contradictory.stderr)")
    }
}

/// The fit's HTML carries what the text does (forecasts, the equivalent-FLOPs formula, the
/// bootstrap settings, the models without a target); a split with nothing to score warns; a
/// report path that is a folder or in a missing folder cannot be written.
struct FitOutputCLITests {
    @Test func htmlWarningsAndUnwritablePaths() throws {
        let folder = TestPaths.temporaryDirectory()
        let html = folder.appendingPathComponent("fit.html").path
        let panel = OwnDataCLITests.panel, results = OwnDataCLITests.results
        let fit = try runCLI([
            "fit", "--panel", panel, "--downstream", results, "--target", OwnDataCLITests.target, "--target-range", "0,100", "--prior", "none",
            "--cutoff-flops", "100", "--reference-family", "Mid", "--bootstrap", "50", "--at-flops", "1000", "--html", html, "--quiet",
        ])
        #expect(fit.status == 0, "\(fit.stderr)")
        let page = try String(contentsOfFile: html, encoding: .utf8)
        for text in [
            "Predicted (no observed value)", "lab/new-model", "Predicted for a Mid model", "Equivalent FLOPs: P =", "Bootstrap: 50 replicates",
        ] {
            #expect(page.contains(text), "\(text)")
        }
        // Every held-out model lacks the target: nothing to score, said on stderr and in the JSON.
        let json = folder.appendingPathComponent("fit.json").path
        let holdout = try runCLI([
            "fit", "--panel", panel, "--downstream", results, "--target", OwnDataCLITests.target, "--target-range", "0,100", "--prior", "none",
            "--holdout", "lab/new-model", "--reference-family", "Mid", "--json", json,
        ])
        #expect(holdout.status == 0, "\(holdout.stderr)")
        #expect(holdout.stderr.contains("obsscale: warning: the split holds out 1 model, without a value for 'my_eval (%)'"))
        let object = try loadJSON(URL(fileURLWithPath: json))
        #expect(((object["result"] as? [String: Any])?["warnings"] as? [String])?.count == 1)
        // A pool by FLOPs on a panel without them names the option.
        let noFlops = TestPaths.write("Model,Model Family,MMLU,ARC-C\na,F,0.3,0.4\nb,F,0.5,0.6\n", name: "noflops.csv")
        let select = try runCLI(["select", "--panel", noFlops, "--budget", "2", "--cutoff-flops", "10", "--components", "1"])
        #expect(select.status == 64 && select.stderr.contains("--cutoff-flops needs the column FLOPs (1E21)"), "\(select.stderr)")
        for path in [folder.path, folder.appendingPathComponent("missing/out.json").path] {
            let refused = try runCLI(["pca", "--panel", panel, "--json", path])
            #expect(refused.status == 64 && refused.stderr.contains("cannot write file"), "\(refused.stderr)")
        }
    }
}
