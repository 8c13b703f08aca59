import Foundation
import ObsScale
import Testing
import _TestSupport

/// The leaderboard exports and a user's own files from the command line: the documented options
/// load the real exports as they are, the loader's notes are in the normal (stdout) report, and
/// what could be silently wrong is refused or counted there.
struct LeaderboardCLITests {
    /// The README's options for the v1 export ("From a leaderboard export").
    static let v1Options = ["--family-from", "org", "--exclude-column-false", "Flagged", "--duplicates", "first", "--score-scale", "percent"]

    @Test(.leaderboardExports) func theV1ExportLoadsWithOnlyTheDocumentedOptions() throws {
        let refused = try runCLI(["pca", "--panel", LeaderboardExports.v1])
        #expect(refused.status == 64 && refused.stderr.contains("--family-from org"), "\(refused.stderr)")
        let result = try runCLI(["pca", "--panel", LeaderboardExports.v1] + Self.v1Options)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Capability space of 6710 models in 1322 families"))
        #expect(
            result.stdout.contains("note: \(LeaderboardExports.v1): left out 109 rows where 'Flagged' is false (--exclude-column-false 'Flagged')"))
        #expect(result.stdout.contains("341 model names repeat, over 691 rows: kept the first row of each (--duplicates first)"))
        #expect(result.stdout.contains("column '#Params (B)': 592 cells cannot be a model size"))
        #expect(result.stdout.contains("reading column 'ARC' as the benchmark ARC-C"))
        let fit = try runCLI(
            ["fit", "--panel", LeaderboardExports.v1, "--target", "GSM8K", "--benchmarks", "ARC,HellaSwag,MMLU,TruthfulQA,Winogrande", "--quiet"]
                + Self.v1Options)
        #expect(fit.status == 0, "\(fit.stderr)")
        // The target among the capabilities (here the default: the export's six benchmarks) is refused.
        let itself = try runCLI(["fit", "--panel", LeaderboardExports.v1, "--target", "GSM8K", "--quiet"] + Self.v1Options)
        #expect(itself.status == 64 && itself.stderr.contains("target 'GSM8K' is itself among the capability columns (--benchmarks)"))
    }

    @Test(.leaderboardExports) func theV2ExportAndTheMergedFileLoad() throws {
        let v2 = try runCLI([
            "columns", "--panel", LeaderboardExports.v2, "--model-column", "fullname", "--family-column", "Base Model", "--duplicates", "first",
        ])
        #expect(v2.status == 0, "\(v2.stderr)")
        #expect(v2.stdout.contains("column '' is a row index"))
        #expect(v2.stdout.contains("Text columns (ignored; a benchmark, target or cost must hold numbers)"))
        let merged = try runCLI(["pca", "--panel", LeaderboardExports.merged, "--duplicates", "mean", "--family-from", "model"])
        #expect(merged.status == 0, "\(merged.stderr)")
        #expect(merged.stdout.contains("left out 2591 models without a score in any capability column"), "\(merged.stdout.prefix(3000))")
        #expect(merged.stdout.contains("converged"))
    }

    @Test func notesAreInTheReportAndQuietHidesThem() throws {
        let panel = OwnDataCLITests.fixtures.appendingPathComponent("leaderboard_v1_like.csv")
        let result = try runCLI(["pca", "--panel", panel.path] + Self.v1Options)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("note: \(panel.path): using column '#Params (B)' as Model Size (B)\n"))
        #expect(result.stdout.contains("note: \(panel.path): left out 1 row where 'Flagged' is false (--exclude-column-false 'Flagged')"))
        #expect(result.stderr.isEmpty)
        let quiet = try runCLI(["pca", "--panel", panel.path, "--quiet"] + Self.v1Options)
        #expect(quiet.status == 0 && quiet.stdout.isEmpty && quiet.stderr.isEmpty)
        // Each error names the option that fixes it.
        let noFlags = try runCLI(["pca", "--panel", panel.path, "--family-from", "org"])
        #expect(noFlags.status == 64 && noFlags.stderr.contains("--exclude-column-false 'Flagged'") && noFlags.stderr.contains("--keep-flagged"))
        let noDuplicates = try runCLI(["pca", "--panel", panel.path, "--family-from", "org", "--keep-flagged"])
        #expect(noDuplicates.status == 64 && noDuplicates.stderr.contains("--duplicates first|last"))
    }

    @Test func controlCharactersInNamesAreEscaped() throws {
        let panel = TestPaths.write(
            "Model,Model Family,MMLU,ARC-C\n\"evil\u{1B}[2J\u{1B}]52;c;aGk=\u{07}/x\",F\u{9B}31m,0.3,0.4\nb,F,0.5,0.5\nc,G\u{202E}txt,0.6,0.7\n",
            name: "evil.csv")
        let result = try runCLI(["pca", "--panel", panel, "--scores"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!result.stdout.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 || $0.value == 0x9B || $0.value == 0x202E })
        #expect(result.stdout.contains("evil\\x1B[2J\\x1B]52;c;aGk=\\x07/x"))
        let refused = try runCLI(["pca", "--panel", panel, "--families", "\u{1B}[31mred"])
        #expect(refused.status == 64 && refused.stderr.contains("unknown model family '\\x1B[31mred'"), "\(refused.stderr)")
    }

    @Test func terminalTextEscapesControlsOnly() {
        #expect(TerminalText.escaped("plain ASCII, Ünïcode, 🟢 emoji\n\ttab") == "plain ASCII, Ünïcode, 🟢 emoji\n\ttab")
        #expect(TerminalText.escaped("a\u{1B}[31mb\u{7F}c\u{0}") == "a\\x1B[31mb\\x7Fc\\x00")
        #expect(TerminalText.escaped("x\u{9B}y\u{202E}z\u{2066}") == "x\\u{009B}y\\u{202E}z\\u{2066}")
        #expect(TerminalText.escaped("line\nbreak\tand\r", keepingLayout: false) == "line\\x0Abreak\\x09and\\x0D")
        var table = TextTable(header: ["model"])
        table.append(["two\nlines"])
        #expect(table.render() == "model\n------------\ntwo\\x0Alines\n")
    }

    @Test func ownTargetAmongTheBenchmarksIsRefusedAndTheHintLeavesItOut() throws {
        let panel = TestPaths.write(
            "model,family,score_a,score_b,score_c,my_eval\n"
                + (0..<12).map { "m\($0),F\($0 % 3),0.\($0 + 10),0.\(40 + $0),0.\(70 - $0),0.\(20 + ($0 * $0) % 37)" }
                .joined(separator: "\n") + "\n", name: "own.csv")
        let hint = try runCLI(["fit", "--panel", panel, "--target", "my_eval"])
        #expect(hint.status == 64)
        #expect(hint.stderr.contains("pass the capability columns with --benchmarks score_a,score_b,score_c"), "\(hint.stderr)")
        let refused = try runCLI(["fit", "--panel", panel, "--target", "my_eval", "--benchmarks", "score_a,SCORE_B,my_eval"])
        #expect(refused.status == 64 && refused.stderr.contains("target 'my_eval' is itself among the capability columns (--benchmarks)"))
        let fitted = try runCLI(["fit", "--panel", panel, "--target", "my_eval", "--benchmarks", "score_a,SCORE_B,score_c", "--prior", "none"])
        #expect(fitted.status == 0, "\(fitted.stderr)")
    }

    /// Your own results join the public ones: `--downstream` adds to the companion files (the
    /// public prior keeps its metrics), `--no-companions` drops them; names differing in case or
    /// the `org/` prefix are matched and counted in the report.
    @Test func ownResultsJoinThePublicOnes() throws {
        let results = TestPaths.write(
            "model,my_eval\nMETA-LLAMA/LLAMA-2-7B-HF,0.3\nLlama-2-13b-hf,0.4\nmistralai/Mistral-7B-v0.1,0.5\nlab/unreleased,0.9\n", name: "mine.csv")
        let joined = try runCLI(["columns", "--panel", TestPaths.panel, "--downstream", results])
        #expect(joined.status == 0, "\(joined.stderr)")
        #expect(joined.stdout.contains("gsm8k_cot_8_exact_match,flexible-extract") && joined.stdout.contains("my_eval"))
        #expect(
            joined.stdout.contains(
                "note: \(results): matched 1 row to panel models ignoring letter case (e.g. 'META-LLAMA/LLAMA-2-7B-HF' → 'meta-llama/Llama-2-7b-hf')")
        )
        #expect(
            joined.stdout.contains(
                "note: \(results): matched 1 row to panel models by the name after 'org/' (e.g. 'Llama-2-13b-hf' → 'meta-llama/Llama-2-13b-hf')"))
        #expect(joined.stdout.contains("note: \(results): 1 row names no model of the panel, left out: 'lab/unreleased'"))
        let alone = try runCLI(["columns", "--panel", TestPaths.panel, "--downstream", results, "--no-companions"])
        #expect(alone.status == 0 && !alone.stdout.contains("gsm8k_cot_8_exact_match") && alone.stdout.contains("my_eval"))
    }

    @Test func selectListsOutliersAndPoolNotes() throws {
        let folder = TestPaths.temporaryDirectory()
        let json = folder.appendingPathComponent("select.json").path
        let result = try runCLI(["select", "--panel", TestPaths.syntheticPanel, "--budget", "10", "--cost", "params", "--json", json])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Outlier screen: "))
        let report = try loadJSON(URL(fileURLWithPath: json))
        let output = report["result"] as? [String: Any] ?? [:]
        let screen = try #require(output["outliers"] as? [String: Any])
        #expect(screen["poolSize"] as? Int == 150 && screen["componentCount"] as? Int == 3 && screen["excluded"] as? Bool == false)
        #expect(output["notes"] as? [String] != nil)
        let excluded = try runCLI(["select", "--panel", TestPaths.syntheticPanel, "--budget", "10", "--exclude-outliers"])
        #expect(excluded.status == 0, "\(excluded.stderr)")
        let listed = (screen["outliers"] as? [[String: Any]] ?? []).count
        if listed > 0 {
            #expect(excluded.stdout.contains("left the pool (--exclude-outliers)"))
            #expect(excluded.stdout.contains("Pool: \(150 - listed) models"))
        }
    }
}
