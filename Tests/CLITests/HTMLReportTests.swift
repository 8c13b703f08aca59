import Foundation
import ObsScale
import Testing
import _TestSupport

/// The HTML reports: self-contained (no scripts, no external resources), every chart has drawn
/// marks, no attribute holds NaN or infinity — with one point, with missing values and with
/// 5,000 points. (`make check-report` renders them in Chromium as well.)
struct HTMLReportTests {
    /// Each `<svg>…</svg>` of a page.
    static func charts(_ html: String) -> [Substring] {
        var charts: [Substring] = []
        var rest = html[...]
        while let start = rest.range(of: "<svg"), let end = rest.range(of: "</svg>", range: start.upperBound..<rest.endIndex) {
            charts.append(rest[start.lowerBound..<end.upperBound])
            rest = rest[end.upperBound...]
        }
        return charts
    }

    static func check(_ html: String, minimumCharts: Int, sourceLocation: SourceLocation = #_sourceLocation) {
        let charts = Self.charts(html)
        #expect(charts.count >= minimumCharts, sourceLocation: sourceLocation)
        for chart in charts {
            #expect(chart.contains("class=\"mark"), "a chart without marks: \(chart.prefix(200))", sourceLocation: sourceLocation)
            #expect(chart.contains("viewBox=\""), sourceLocation: sourceLocation)
        }
        for bad in ["=\"NaN", "=\"nan", "inf\"", "Infinity\"", " NaN,", "NaN ", "<script", "src=\"http", "href=\"http"] {
            #expect(!html.contains(bad), "found \(bad)", sourceLocation: sourceLocation)
        }
    }

    @Test func chartsSurviveOnePointMissingValuesAndLogAxes() {
        var one = SVGChart(title: "one", xLabel: "x", yLabel: "y", xScale: .log10, yScale: .log10)
        one.series = [.points([SVGChart.Point(x: 10, y: 0.5, title: "only", color: "#000")])]
        #expect(one.hasData)
        Self.check(one.render(), minimumCharts: 1)
        var gaps = SVGChart(title: "gaps", xLabel: "x", yLabel: "y", xScale: .log10)
        gaps.series = [
            .points([
                SVGChart.Point(x: .nan, y: 1, title: "a", color: "#000"), SVGChart.Point(x: 0, y: 1, title: "zero on log", color: "#000"),
                SVGChart.Point(x: 5, y: .infinity, title: "b", color: "#000"), SVGChart.Point(x: 5, y: 2, title: "kept", color: "#000"),
            ]),
            .line(name: "l", points: [(1, .nan), (2, 3), (-1, 4)], color: "#111", dashed: true),
            .band(name: "b", points: [(1, 0, .nan), (2, 1, 2), (3, 1, 2)], color: "#222", opacity: 0.3),
        ]
        let rendered = gaps.render()
        Self.check(rendered, minimumCharts: 1)
        #expect(rendered.contains("kept") && !rendered.contains("zero on log"))
        var empty = SVGChart(title: "empty", xLabel: "x", yLabel: "y")
        empty.series = [.points([SVGChart.Point(x: .nan, y: .nan, title: "none", color: "#000")])]
        #expect(!empty.hasData)
        var document = ReportDocument(title: "t")
        document.chart(empty, empty: "nothing to draw")
        let page = HTMLPage(document).render()
        #expect(page.contains("nothing to draw") && Self.charts(page).isEmpty)
        #expect(document.text == "t\n", "a chart has no text")
    }

    @Test func fiveThousandPoints() {
        var generator = Xoshiro256StarStar(seed: 3)
        var chart = SVGChart(title: "many", xLabel: "x", yLabel: "y", xScale: .log10)
        chart.series = [
            .points(
                (0..<5000).map { index in
                    SVGChart.Point(x: pow(10, 4 * generator.nextUniform()), y: generator.nextUniform(), title: "m\(index)", color: "#4e79a7")
                })
        ]
        let rendered = chart.render()
        Self.check(rendered, minimumCharts: 1)
        #expect(rendered.components(separatedBy: "class=\"mark\"").count - 1 == 5000)
    }

    @Test func commandsWriteCheckedReports() throws {
        let folder = TestPaths.temporaryDirectory()
        let runs: [(String, [String], Int)] = [
            (
                "fit",
                [
                    "fit", "--panel", TestPaths.panel, "--preset", "paper-2024", "--target", CLITests.target, "--benchmarks", CLITests.seven,
                    "--cutoff-flops", "84", "--bootstrap", "100",
                ], 3
            ),
            (
                "select",
                [
                    "select", "--panel", TestPaths.panel, "--preset", "paper-2024", "--unit", "family", "--include", "Llama-2", "--max-families", "6",
                    "--budget", "4,8,12", "--bootstrap", "10",
                ], 7
            ),
            (
                "validate",
                [
                    "validate", "--panel", TestPaths.panel, "--preset", "paper-2024", "--benchmarks", CLITests.seven,
                    "--drop-incomplete", "--max-families", "10", "--cutoff-flops", "84", "--budget", "4,12,24",
                    "--target", "gsm8k_5_exact_match,flexible-extract", "--target", CLITests.target,
                ], 3
            ),
            ("pca", ["pca", "--panel", TestPaths.panel, "--preset", "paper-2024"], 1),
            ("efficiency", ["efficiency", "--panel", TestPaths.panel, "--preset", "paper-2024"], 3),
            (
                "predictors",
                [
                    "fit", "--panel", TestPaths.panel, "--preset", "paper-2024", "--target", "arithmetic_3ds_2_acc", "--benchmarks", CLITests.seven,
                    "--cutoff-flops", "22", "--prior", "none", "--compare-predictors",
                ], 4
            ),
            (
                "compare",
                [
                    "compare", "--panel", TestPaths.panel, "--preset", "paper-2024", "--benchmarks", CLITests.seven, "--cutoff-flops", "84",
                    "--target", "gsm8k_5_exact_match,flexible-extract", "--target", CLITests.target, "--prior", "none", "--by-family",
                    "--bootstrap", "20",
                ], 4
            ),
            // One model per family, no bootstrap: charts still drawn.
            (
                "tiny",
                [
                    "fit", "--panel", TestPaths.panel, "--families", "Phi,Pythia,OPT,Llama-2,Qwen", "--target", CLITests.target,
                    "--components", "1", "--link", "linear",
                ], 3
            ),
        ]
        for (name, arguments, charts) in runs {
            let path = folder.appendingPathComponent("\(name).html").path
            let result = try runCLI(arguments + ["--html", path, "--quiet"])
            #expect(result.status == 0, "\(name): \(result.stderr)")
            let html = try String(contentsOfFile: path, encoding: .utf8)
            Self.check(html, minimumCharts: charts)
            #expect(html.hasPrefix("<!DOCTYPE html>") && html.hasSuffix("</html>\n"))
        }
    }
}

/// Readability of the charts: tick labels that tell neighbours apart on a narrow range, 20+
/// families told apart by colour and shape, dashed series with dashed legend keys.
struct ChartReadabilityTests {
    @Test func narrowRangesGetDistinctTickLabels() {
        var chart = SVGChart(title: "narrow", xLabel: "x", yLabel: "y")
        chart.series = [.points((0..<6).map { SVGChart.Point(x: Double($0), y: 12.7001 + 0.0001 * Double($0), title: "p", color: "#000") })]
        let svg = chart.render()
        let labels = svg.components(separatedBy: "class=\"tick\"").dropFirst().compactMap { piece -> String? in
            guard let start = piece.firstIndex(of: ">"), let end = piece.firstIndex(of: "<") else { return nil }
            return String(piece[piece.index(after: start)..<end])
        }
        let yLabels = labels.filter { $0.hasPrefix("12.7") }
        #expect(yLabels.count >= 3)
        #expect(Set(yLabels).count == yLabels.count, "\(yLabels)")
    }

    @Test func manyFamiliesAreToldApart() {
        let families = (1...25).map { "F\($0)" }
        let styles = SVGChart.familyStyles(families)
        let pairs = Set(families.map { "\(styles[$0]?.color ?? "")-\(String(describing: styles[$0]?.shape))" })
        #expect(pairs.count == 25)
        #expect(Set(families.prefix(20).map { styles[$0]?.color ?? "" }).count == 20)
        var chart = SVGChart(title: "legend", xLabel: "x", yLabel: "y")
        chart.series = [.line(name: "d", points: [(0, 0), (1, 1)], color: "#000", dashed: true)]
        chart.legend =
            families.map { SVGChart.LegendEntry(name: $0, color: "#000", shape: .circle) } + [.init(name: "d", color: "#000", dashed: true)]
        let svg = chart.render()
        #expect(!svg.contains("more</text>"))
        #expect(svg.contains("class=\"legend-key\"") && svg.contains("stroke-dasharray=\"4 3\"/>"))
    }
}

/// `select`'s page with D-optimality: its (often negative) D values are drawn on a linear axis,
/// one budget is described in a sentence, and the text shows a percentage budget as written.
struct SelectPageTests {
    static let base = [
        "select", "--panel", TestPaths.syntheticPanel, "--cost", "params", "--cutoff-flops", "10", "--method", "exchange", "--criterion", "d",
    ]

    @Test func dValuesAreDrawnAndOneBudgetIsDescribed() throws {
        let folder = TestPaths.temporaryDirectory()
        let two = folder.appendingPathComponent("two.html").path
        let both = try runCLI(Self.base + ["--budget", "5%,10%", "--html", two])
        #expect(both.status == 0, "\(both.stderr)")
        #expect(both.stdout.contains("5% ("), "\(both.stdout)")
        let twoPage = try String(contentsOfFile: two, encoding: .utf8)
        #expect(!twoPage.contains("No feasible subset"))
        #expect(twoPage.contains("D and its certified lower bound against the budget"))
        let one = folder.appendingPathComponent("one.html").path
        let single = try runCLI(Self.base + ["--budget", "5%", "--html", one, "--quiet"])
        #expect(single.status == 0, "\(single.stderr)")
        let onePage = try String(contentsOfFile: one, encoding: .utf8)
        #expect(!onePage.contains("No feasible subset"))
        #expect(onePage.contains("(one budget: no curve to draw)"))
    }
}
