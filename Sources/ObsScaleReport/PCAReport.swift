import ObsScaleData
import ObsScaleFit
import ObsScaleNumerics

/// `obsscale pca`: the text report and the HTML page (`HTMLPage.pca`).
public enum PCAReport {
    /// Explained variance, loadings per benchmark, imputation summary and (optionally) scores.
    public static func render(_ result: CapabilityAnalysis.Result, panelDescription: String, showScores: Bool) -> String {
        let pca = result.pca
        let k = pca.settings.componentCount
        var text = "Capability space of \(panelDescription)\n"
        text += "Imputation: rank \(result.imputer.settings.rank), \(Plural.count(result.imputer.missingCount, "missing cell")), "
        text +=
            "\(Plural.count(result.imputer.iterations, "iteration")), " + (result.imputer.converged ? "converged" : "NOT converged (iteration limit)")
        text += "\nPCA: \(pca.settings.standardize ? "standardized" : "centred, not standardized"), \(k) components\n\n"
        var variance = TextTable(header: ["component", "explained variance", "ratio", "cumulative"])
        var cumulative = 0.0
        for c in 0..<k {
            cumulative += pca.explainedVarianceRatio[c]
            variance.append([
                "PC-\(c + 1)", Format.fixed(pca.explainedVariance[c], 5),
                Format.percent(pca.explainedVarianceRatio[c]), Format.percent(cumulative),
            ])
        }
        text += variance.render() + "\nLoadings (components flipped so their loadings sum to > 0):\n"
        var loadings = TextTable(header: ["benchmark"] + (0..<k).map { "PC-\($0 + 1)" })
        for (j, name) in pca.columnNames.enumerated() {
            loadings.append([name] + (0..<k).map { Format.fixed(pca.allComponents[$0, j], 3) })
        }
        text += loadings.render()
        if showScores {
            text += "\nScores:\n"
            var scores = TextTable(
                header: ["model", "family"] + (0..<k).map { "PC-\($0 + 1)" },
                alignments: [.left, .left] + Array(repeating: .right, count: k))
            for (i, model) in result.models.enumerated() {
                scores.append([model, result.families[i]] + (0..<k).map { Format.fixed(result.scores[i, $0], 4) })
            }
            text += scores.render()
        }
        return text
    }
}

extension HTMLPage {
    /// `obsscale pca --html`: explained variance per component with the cumulative share, and the
    /// loadings as a heatmap (benchmarks × components) — the paper's low-rank figure.
    public static func pca(_ result: CapabilityAnalysis.Result, panelDescription: String) -> HTMLPage {
        var page = HTMLPage(title: "Capability space")
        let pca = result.pca
        let k = pca.settings.componentCount
        page.paragraph(
            "\(panelDescription). Imputation rank \(result.imputer.settings.rank), \(Plural.count(result.imputer.missingCount, "missing cell")); PCA \(pca.settings.standardize ? "standardized" : "centred"), \(k) components."
        )
        var chart = SVGChart(title: "Explained variance", xLabel: "component", yLabel: "share of the variance")
        var cumulative = 0.0
        var cumulativePoints: [(x: Double, y: Double)] = []
        var points: [SVGChart.Point] = []
        for c in 0..<pca.explainedVarianceRatio.count {
            cumulative += pca.explainedVarianceRatio[c]
            cumulativePoints.append((Double(c + 1), cumulative))
            points.append(
                SVGChart.Point(
                    x: Double(c + 1), y: pca.explainedVarianceRatio[c],
                    title: "PC-\(c + 1): \(Format.percent(pca.explainedVarianceRatio[c])), cumulative \(Format.percent(cumulative))",
                    color: "#1f77b4", shape: .square, size: 5))
        }
        chart.series.append(.line(name: "per component", points: points.map { (x: $0.x, y: $0.y) }, color: "#1f77b4", dashed: false))
        chart.series.append(.points(points))
        chart.series.append(.line(name: "cumulative", points: cumulativePoints, color: "#d62728", dashed: true))
        chart.legend = [
            SVGChart.LegendEntry(name: "per component", color: "#1f77b4", shape: .square),
            SVGChart.LegendEntry(name: "cumulative", color: "#d62728"),
        ]
        page.chart(chart, empty: "No components.")
        page.heading("Loadings")
        page.heatmap(
            rowLabels: pca.columnNames, columnLabels: (0..<k).map { "PC-\($0 + 1)" },
            values: pca.columnNames.indices.map { j in (0..<k).map { pca.allComponents[$0, j] } })
        page.heading("Report")
        page.preformatted(PCAReport.render(result, panelDescription: panelDescription, showScores: false))
        return page
    }

    /// A table whose cells are shaded by value: blue for negative, red for positive, the
    /// intensity proportional to |value| / max |value|.
    mutating func heatmap(rowLabels: [String], columnLabels: [String], values: [[Double]]) {
        let largest = max(values.flatMap { $0 }.map { abs($0) }.filter(\.isFinite).max() ?? 1, 1e-300)
        body += "<table class=\"heatmap\"><thead><tr><th></th>" + columnLabels.map { "<th>\(escape($0))</th>" }.joined() + "</tr></thead><tbody>\n"
        for (label, row) in zip(rowLabels, values) {
            body += "<tr><td>\(escape(label))</td>"
            for value in row {
                let strength = value.isFinite ? min(abs(value) / largest, 1) : 0
                let channel = Int((255 * (1 - 0.75 * strength)).rounded())
                let color = value >= 0 ? "rgb(255,\(channel),\(channel))" : "rgb(\(channel),\(channel),255)"
                body += "<td style=\"background:\(color)\">\(escape(Format.fixed(value, 3)))</td>"
            }
            body += "</tr>\n"
        }
        body += "</tbody></table>\n"
    }
}
