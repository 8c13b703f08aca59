import Foundation
import Testing
import _TestSupport

/// `obsscale report RUN.json --html OUT` and `merge --save-law`: a split run, merged, gives the
/// single run's HTML page, text report and saved law byte for byte (select's text but for its
/// search times, which are measurements the JSON does not hold); files that are not reports,
/// parts, and outputs a report cannot have are refused.
struct ReportCommandTests {
    struct Outputs {
        var text: String
        var html: Data
        var law: Data?
    }

    /// The single run (`--html`, `--save-law` for a fit) and its split into two parts, merged
    /// (`--save-law` for a fit) and rendered by `report`.
    static func singleAndReported(_ arguments: [String], savesLaw: Bool) throws -> (single: Outputs, reported: Outputs) {
        let folder = TestPaths.temporaryDirectory()
        func path(_ name: String) -> String { folder.appendingPathComponent(name).path }
        let lawOption = savesLaw ? ["--save-law", path("single-law.json")] : []
        let single = try runCLI(arguments + ["--json", path("single.json"), "--html", path("single.html")] + lawOption)
        #expect(single.status == 0, "\(single.stderr)")
        for part in 0..<2 {
            let run = try runCLI(arguments + ["--shard", "\(part)/2", "--json", path("part\(part).json"), "--quiet"])
            #expect(run.status == 0, "\(run.stderr)")
        }
        let merge = try runCLI(
            ["merge", path("part1.json"), path("part0.json"), "--json", path("merged.json")]
                + (savesLaw ? ["--save-law", path("merged-law.json")] : []))
        #expect(merge.status == 0, "\(merge.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: path("merged.json"))) == Data(contentsOf: URL(fileURLWithPath: path("single.json"))))
        let report = try runCLI(["report", path("merged.json"), "--html", path("merged.html")])
        #expect(report.status == 0, "\(report.stderr)")
        func read(_ name: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path(name))) }
        return (
            Outputs(text: single.stdout, html: try read("single.html"), law: savesLaw ? try read("single-law.json") : nil),
            Outputs(text: report.stdout, html: try read("merged.html"), law: savesLaw ? try read("merged-law.json") : nil)
        )
    }

    @Test func mergedFitGivesTheSingleRunsPageTextAndLaw() throws {
        let (single, reported) = try Self.singleAndReported(ShardedRunTests.fitArguments, savesLaw: true)
        #expect(single.html == reported.html)
        #expect(single.text == reported.text)
        #expect(single.law != nil && single.law == reported.law)
        // The page draws the forecast, and its law charts come before the models' tables.
        let page = String(decoding: single.html, as: UTF8.self)
        #expect(page.contains("forecast (--at-flops)") && page.contains("forecast for a Family-01 model at 300×1E21 FLOPs"))
        let firstChart = try #require(page.range(of: "<figure>")), models = try #require(page.range(of: "<h2>Training models"))
        #expect(firstChart.lowerBound < models.lowerBound)
        #expect(!page.lowercased().contains("nan") && !single.text.lowercased().contains(" nan"))
    }

    @Test func mergedSelectionGivesTheSingleRunsPageAndText() throws {
        let (single, reported) = try Self.singleAndReported(ShardedRunTests.selectArguments, savesLaw: false)
        // The page, but for the search times (the last cell of the budget table's rows): "—" there.
        let singleRows = String(decoding: single.html, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        let reportedRows = String(decoding: reported.html, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(singleRows.count == reportedRows.count)
        let differing = zip(singleRows, reportedRows).filter { $0 != $1 }
        #expect(differing.count == 2)  // two budgets
        for (a, b) in differing {
            #expect(b.hasSuffix("<td>—</td></tr>") && a.range(of: #"<td>[0-9]+\.[0-9]{3}</td></tr>$"#, options: .regularExpression) != nil)
        }
        // The text, but for the search times (the last column of the budget table): "—" there.
        let singleLines = single.text.split(separator: "\n", omittingEmptySubsequences: false)
        let reportedLines = reported.text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(singleLines.count == reportedLines.count)
        var untimed = 0
        for (a, b) in zip(singleLines, reportedLines) where a != b {
            #expect(b.hasSuffix("—") && a.range(of: #"[0-9]+\.[0-9]{3}$"#, options: .regularExpression) != nil, "\(a) | \(b)")
            #expect(a.count == b.count)
            untimed += 1
        }
        #expect(untimed == 2)  // two budgets
    }

    @Test func validationReportGivesTheRunsPageAndText() throws {
        let folder = TestPaths.temporaryDirectory()
        func path(_ name: String) -> String { folder.appendingPathComponent(name).path }
        let run = try runCLI([
            "validate", "--panel", TestPaths.panel, "--preset", "paper-2024", "--benchmarks", CLITests.seven, "--drop-incomplete",
            "--max-families", "10", "--cutoff-flops", "84", "--budget", "4,12,24", "--target", CLITests.target, "--bootstrap", "0",
            "--json", path("v.json"), "--html", path("v.html"),
        ])
        #expect(run.status == 0, "\(run.stderr)")
        let report = try runCLI(["report", path("v.json"), "--html", path("r.html")])
        #expect(report.status == 0, "\(report.stderr)")
        #expect(report.stdout == run.stdout)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path("r.html"))) == Data(contentsOf: URL(fileURLWithPath: path("v.html"))))
    }

    @Test func whatCannotBeRenderedIsRefused() throws {
        let folder = TestPaths.temporaryDirectory()
        func path(_ name: String) -> String { folder.appendingPathComponent(name).path }
        // A part: merge first.
        #expect(try runCLI(ShardedRunTests.selectArguments + ["--shard", "0/2", "--json", path("part.json"), "--quiet"]).status == 0)
        var result = try runCLI(["report", path("part.json")])
        #expect(result.status == 64 && result.stderr.contains("merge the parts first"), "\(result.stderr)")
        // merge --save-law of a selection's parts.
        #expect(try runCLI(ShardedRunTests.selectArguments + ["--shard", "1/2", "--json", path("part1.json"), "--quiet"]).status == 0)
        result = try runCLI(["merge", path("part.json"), path("part1.json"), "--json", path("m.json"), "--save-law", path("law.json")])
        #expect(result.status == 64 && result.stderr.contains("--save-law: not allowed for the parts of a select run"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: path("m.json")) && !FileManager.default.fileExists(atPath: path("law.json")))
        // A report of another command, and a file that is no report.
        #expect(try runCLI(["pca", "--panel", TestPaths.syntheticPanel, "--json", path("pca.json"), "--quiet"]).status == 0)
        result = try runCLI(["report", path("pca.json")])
        #expect(result.status == 64 && result.stderr.contains("a report of 'pca' (allowed: reports of fit, select and validate)"), "\(result.stderr)")
        let text = TestPaths.write("model,score\n", name: "not-a-report.json")
        result = try runCLI(["report", text])
        #expect(result.status == 64 && result.stderr.contains("not a JSON report of obsscale"), "\(result.stderr)")
        // A simulation study has no HTML page.
        let study = path("study.json")
        #expect(try runCLI(ShardedRunTests.validateArguments + ["--json", study, "--quiet"]).status == 0)
        result = try runCLI(["report", study, "--html", path("study.html")])
        #expect(result.status == 64 && result.stderr.contains("--html: not available"), "\(result.stderr)")
        #expect(try runCLI(["report", study]).stdout.contains("worlds"))
    }

    /// A report whose data changed since the run (a model removed from the panel) is refused,
    /// naming the panel, and so is `merge --save-law` on such data; nothing is written.
    @Test func reportAndSavedLawRefuseChangedData() throws {
        let folder = TestPaths.temporaryDirectory()
        func path(_ name: String) -> String { folder.appendingPathComponent(name).path }
        let original = try String(contentsOfFile: TestPaths.syntheticPanel, encoding: .utf8)
        try original.write(toFile: path("panel.csv"), atomically: true, encoding: .utf8)
        // The panel's companion file (its targets) beside the copy.
        let targets = URL(fileURLWithPath: TestPaths.syntheticPanel).deletingLastPathComponent().appendingPathComponent("targets.csv")
        try FileManager.default.copyItem(at: targets, to: folder.appendingPathComponent("targets.csv"))
        let arguments = ShardedRunTests.fitArguments.map { $0 == TestPaths.syntheticPanel ? path("panel.csv") : $0 }
        #expect(try runCLI(arguments + ["--json", path("fit.json"), "--quiet"]).status == 0)
        for part in 0..<2 { #expect(try runCLI(arguments + ["--shard", "\(part)/2", "--json", path("p\(part).json"), "--quiet"]).status == 0) }
        var lines = original.split(separator: "\n", omittingEmptySubsequences: false)
        lines.remove(at: lines.count - 2)  // the last model
        try lines.joined(separator: "\n").write(toFile: path("panel.csv"), atomically: true, encoding: .utf8)
        let report = try runCLI(["report", path("fit.json"), "--html", path("fit.html")])
        #expect(report.status == 64 && report.stderr.contains("the data changed since the report was written"), "\(report.stderr)")
        let merge = try runCLI(["merge", path("p0.json"), path("p1.json"), "--json", path("m.json"), "--save-law", path("law.json")])
        #expect(merge.status == 64 && merge.stderr.contains("the data changed since the parts were written"), "\(merge.stderr)")
        for name in ["fit.html", "m.json", "law.json"] { #expect(!FileManager.default.fileExists(atPath: path(name)), "\(name)") }
    }

    /// `predict --at-flops` with a law saved under a bootstrap: the forecasts carry intervals;
    /// the curve's are the fit's own.
    @Test func predictForecastsAtACompute() throws {
        let folder = TestPaths.temporaryDirectory()
        let law = folder.appendingPathComponent("law.json").path
        let fit = try runCLI(ShardedRunTests.fitArguments + ["--save-law", law])
        #expect(fit.status == 0, "\(fit.stderr)")
        let predict = try runCLI(["predict", "--panel", TestPaths.syntheticPanel, "--law", law, "--at-flops", "300"])
        #expect(predict.status == 0, "\(predict.stderr)")
        #expect(predict.stdout.contains("Forecast for a Family-01 model trained with C FLOPs:"), "\(predict.stdout)")
        // The fit's row at 300×1E21: FLOPs, predicted, curve interval (the score interval's residual draws differ).
        let fitRow = fit.stdout.split(separator: "\n").first { $0.hasPrefix("300 ") }.map { $0.split(separator: " ").prefix(4) }
        let predictRow = predict.stdout.split(separator: "\n").first { $0.hasPrefix("300 ") }.map { $0.split(separator: " ").prefix(4) }
        #expect(fitRow != nil && fitRow == predictRow, "\(fit.stdout)\n\(predict.stdout)")
        let bad = try runCLI(["predict", "--panel", TestPaths.syntheticPanel, "--law", law, "--at-flops", "-3"])
        #expect(bad.status == 64 && bad.stderr.contains("--at-flops"), "\(bad.stderr)")
    }
}
