import Foundation
import ObsScale
import Testing

/// The two renderers of a report document, block by block: the text a terminal shows and the
/// page's HTML, written out by hand.
struct ReportDocumentTests {
    static func sample() -> ReportDocument {
        var document = ReportDocument(title: "Report on <panel>")
        document.line("Split: all")
        document.paragraph("one two three four five six", width: 10, hangingIndent: 2)
        document.items(["first", "second"])
        document.items([])  // nothing
        document.gap()
        var table = TextTable(header: ["name", "value"])
        table.append(["a", "1.5"])
        table.append(["bb", "-10"])
        document.table(table, indent: 2)
        document.heading("Weights")
        document.code("y = σ(x)")
        var chart = SVGChart(title: "c", xLabel: "x", yLabel: "y")
        chart.series = [.points([SVGChart.Point(x: 1, y: 2, title: "p", color: "#000")])]
        document.chart(chart, empty: "no chart")
        return document
    }

    @Test func textRendersEachBlock() {
        let expected = """
            Report on <panel>
            Split: all
            one two
              three four
              five six
              first
              second

              name  value
              ----  -----
              a       1.5
              bb      -10

            Weights:
            y = σ(x)

            """
        #expect(Self.sample().text == expected)
    }

    @Test func htmlRendersEachBlock() {
        let page = HTMLPage(Self.sample()).render()
        #expect(page.contains("<title>Report on &lt;panel&gt;</title>") && page.contains("<h1>Report on &lt;panel&gt;</h1>"))
        #expect(page.contains("<p>Split: all</p>\n<p>one two three four five six</p>\n<ul><li>first</li><li>second</li></ul>\n<table>"))
        #expect(page.contains("<tr><td class=\"text\">a</td><td>1.5</td></tr>"))
        #expect(page.contains("<h2>Weights</h2>\n<pre>y = σ(x)</pre>\n<figure><svg"))
        #expect(!page.contains("no chart"))
    }

    @Test func longTablesAreCutOnThePageOnly() {
        var document = ReportDocument(title: "t")
        var table = TextTable(header: ["row"])
        for index in 0..<(HTMLPage.tableRowLimit + 3) { table.append(["\(index)"]) }
        document.table(table)
        let page = HTMLPage(document).render()
        #expect(page.components(separatedBy: "<tr><td class=\"text\">").count - 1 == HTMLPage.tableRowLimit)
        #expect(page.contains("The first \(HTMLPage.tableRowLimit) of \(HTMLPage.tableRowLimit + 3) rows"))
        #expect(document.text.split(separator: "\n").count == HTMLPage.tableRowLimit + 3 + 3)
    }

    @Test func shadedTablesColourNumbersByValue() {
        var document = ReportDocument(title: "t")
        var table = TextTable(header: ["benchmark", "PC-1"])
        table.shaded = true
        table.append(["MMLU", "0.800"])
        table.append(["ARC", "-0.400"])
        document.table(table)
        let page = HTMLPage(document).render()
        // The largest |value| at 75% intensity: 255·(1 − 0.75) = 64; half of it: 255·(1 − 0.375) = 159.
        #expect(page.contains("<td style=\"background:rgb(255,64,64)\">0.800</td>"))
        #expect(page.contains("<td style=\"background:rgb(159,159,255)\">-0.400</td>"))
        #expect(page.contains("<td class=\"text\">MMLU</td>"))
    }
}
