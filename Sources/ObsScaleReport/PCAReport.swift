import ObsScaleData
import ObsScaleFit
import ObsScaleNumerics

/// Text rendering of `obsscale pca`.
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
