import ObsScaleData
import ObsScaleFit
import ObsScaleNumerics

/// `obsscale pca`'s report (`document`): explained variance, loadings per benchmark (shaded by
/// value on the page, the paper's low-rank figure), imputation summary and (optionally) scores.
public enum PCAReport {
    public static func document(_ result: CapabilityAnalysis.Result, panelDescription: String, showScores: Bool) -> ReportDocument {
        let pca = result.pca
        let k = pca.settings.componentCount
        var document = ReportDocument(title: "Capability space of \(panelDescription)")
        document.line(
            "Imputation: rank \(result.imputer.settings.rank), \(Plural.count(result.imputer.missingCount, "missing cell")), "
                + "\(Plural.count(result.imputer.iterations, "iteration")), "
                + (result.imputer.converged ? "converged" : "NOT converged (iteration limit)"))
        document.line("PCA: \(pca.settings.standardize ? "standardized" : "centred, not standardized"), \(k) components")
        document.gap()
        var variance = TextTable(header: ["component", "explained variance", "ratio", "cumulative"])
        var cumulative = 0.0
        for c in 0..<k {
            cumulative += pca.explainedVarianceRatio[c]
            variance.append([
                "PC-\(c + 1)", Format.fixed(pca.explainedVariance[c], 5),
                Format.percent(pca.explainedVarianceRatio[c]), Format.percent(cumulative),
            ])
        }
        document.table(variance)
        document.chart(varianceChart(pca), empty: "No components.")
        document.heading("Loadings (components flipped so their loadings sum to > 0)")
        var loadings = TextTable(header: ["benchmark"] + (0..<k).map { "PC-\($0 + 1)" })
        loadings.shaded = true
        for (j, name) in pca.columnNames.enumerated() {
            loadings.append([name] + (0..<k).map { Format.fixed(pca.allComponents[$0, j], 3) })
        }
        document.table(loadings)
        if showScores {
            document.heading("Scores")
            var scores = TextTable(
                header: ["model", "family"] + (0..<k).map { "PC-\($0 + 1)" },
                alignments: [.left, .left] + Array(repeating: .right, count: k))
            for (i, model) in result.models.enumerated() {
                scores.append([model, result.families[i]] + (0..<k).map { Format.fixed(result.scores[i, $0], 4) })
            }
            document.table(scores)
        }
        return document
    }

    /// Explained variance per component with the cumulative share.
    static func varianceChart(_ pca: PCAModel) -> SVGChart {
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
        return chart
    }
}
