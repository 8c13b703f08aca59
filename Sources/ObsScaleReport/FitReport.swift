import Foundation
import ObsScaleData
import ObsScaleFit

/// Text rendering of `obsscale fit`.
public enum FitReport {
    public static func render(_ fit: ScalingLawFit, panelDescription: String, splitDescription: String) -> String {
        let law = fit.law
        let regression = law.regression
        var text = "Observational scaling law for '\(law.target)' on \(panelDescription)\n"
        text += "Split: \(splitDescription); train \(fit.trainMetrics.count) models, test \(fit.testMetrics.count) models\n"
        text += "Capabilities: \(law.pca.settings.componentCount) PCs of \(law.benchmarkNames.joined(separator: ", ")) "
        text += "(imputation and PCA fitted on \(law.settings.pcaOn == .train ? "the training models" : "every panel model"); "
        text += "PC variance " + (0..<law.pca.settings.componentCount).map { Format.percent(law.pca.explainedVarianceRatio[$0]) }.joined(separator: ", ") + ")\n"
        if let range = law.settings.targetRange {
            text += "Target normalized: (y − \(range.lowerBound)) / (\(range.upperBound) − \(range.lowerBound))\n"
        }
        text += "Fitted law (\(law.settings.regression.link.rawValue), \(law.settings.regression.loss)):\n  \(law.formula)\n"
        text += "  solver: \(regression.termination.rawValue) after \(regression.iterations) iterations, "
        text += "\(regression.startsTried) start(s), loss \(Format.significant(regression.loss, 10))\n\n"
        var metrics = TextTable(header: ["set", "models", "MSE", "MAE", "R²"])
        for (name, m) in [("train", fit.trainMetrics), ("test", fit.testMetrics)] {
            metrics.append([name, "\(m.count)", Format.fixed(m.mse, 5), Format.fixed(m.mae, 4), Format.fixed(m.r2, 3)])
        }
        text += metrics.render()
        if let reference = fit.equivalentFlops {
            text += "\nEquivalent FLOPs: P = \(Format.significant(reference.slope))·log10(C) "
            text += (reference.intercept < 0 ? "- " : "+ ") + "\(Format.significant(abs(reference.intercept))) "
            text += "on \(reference.referenceFamily) (\(reference.referenceModels.count) models)\n"
        } else {
            text += "\nEquivalent FLOPs: unavailable (reference family '\(law.settings.referenceFamily)' needs ≥ 2 models with FLOPs)\n"
        }
        text += "\nBenchmark weights βᵀγ (contribution of one score unit to α + βᵀS):\n"
        var weights = TextTable(header: ["benchmark", "weight"])
        for name in law.benchmarkNames { weights.append([name, Format.fixed(fit.benchmarkWeights[name], 3)]) }
        text += weights.render()
        for role in [ModelPrediction.Role.test, .train] {
            let rows = fit.predictions.filter { $0.role == role }
            guard !rows.isEmpty else { continue }
            text += "\n\(role == .test ? "Held-out" : "Training") models (\(rows.count)):\n"
            var table = TextTable(header: ["model", "family", "FLOPs(1E21)", "equiv FLOPs", "observed", "predicted", "residual"],
                                  alignments: [.left, .left, .right, .right, .right, .right, .right])
            for p in rows.sorted(by: { ($0.flops ?? .infinity, $0.model) < ($1.flops ?? .infinity, $1.model) }) {
                table.append([p.model, p.family, Format.significant(p.flops), Format.significant(p.equivalentLog10Flops.map { pow(10, $0) }),
                              Format.fixed(p.observed, 4), Format.fixed(p.predicted, 4), Format.fixed(p.residual, 4)])
            }
            text += table.render()
        }
        let unlabeled = fit.predictions.filter { $0.role == .unlabeled }.count
        if unlabeled > 0 { text += "\n\(unlabeled) panel model(s) without a value for the target are predicted in --json only.\n" }
        return text
    }
}
