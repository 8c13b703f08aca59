import Foundation
import ObsScaleData
import ObsScaleFit
import ObsScaleNumerics

/// Text and HTML of the compute-based baselines (`fit --predictor flops|params`) and of
/// `fit --compare-predictors`.
public enum BaselineReport {
    public static func render(_ fit: ComputeBaseline.Fit, panelDescription: String, splitDescription: String) -> String {
        let regression = fit.regression
        var text = "Compute-based law for \(fit.target) on \(panelDescription)\n"
        text += "Split: \(splitDescription)\n"
        text += "Regressor: log10 of \(fit.settings.predictor.axisLabel) (no capabilities, no prior: the paper's baseline)\n"
        text += "Law: \(formula(fit))  [\(regression.termination.converged ? "converged" : "NOT converged"), \(regression.iterations) iterations]\n\n"
        text += metricsTable([("train", fit.trainMetrics), ("test", fit.testMetrics)]).render()
        text += exclusions(fit)
        return text
    }

    static func formula(_ fit: ComputeBaseline.Fit) -> String {
        let r = fit.regression
        let x = fit.settings.predictor == .flops ? "log10 C" : "log10 N"
        let slope = r.beta.first ?? .nan
        return "y = \(Format.fixed(1 - r.floor, 4))·σ(\(Format.significant(r.alpha, 4)) \(slope < 0 ? "−" : "+") "
            + "\(Format.significant(abs(slope), 4))·\(x)) + \(Format.fixed(r.floor, 4))"
    }

    static func metricsTable(_ rows: [(String, FitMetrics)]) -> TextTable {
        var table = TextTable(header: ["set", "models", "MSE", "MAE", "R²"])
        for (name, metrics) in rows {
            table.append([name, "\(metrics.count)", Format.fixed(metrics.mse, 5), Format.fixed(metrics.mae, 4), Format.fixed(metrics.r2, 3)])
        }
        return table
    }

    static func exclusions(_ fit: ComputeBaseline.Fit) -> String {
        var text = ""
        let what = fit.settings.predictor == .flops ? "FLOPs" : "model size"
        if !fit.excludedTrain.isEmpty { text += "Not in the fit (no \(what)): " + fit.excludedTrain.joined(separator: ", ") + "\n" }
        if !fit.excludedTest.isEmpty { text += "Not scored (no \(what)): " + fit.excludedTest.joined(separator: ", ") + "\n" }
        return text
    }

    /// The three laws side by side.
    public static func render(_ comparison: PredictorComparison, panelDescription: String, splitDescription: String) -> String {
        let law = comparison.law
        var text = "Capabilities against compute for \(law.law.target) on \(panelDescription)\n"
        text += "Split: \(splitDescription); the same link, loss and target range for all three\n"
        text += "  capabilities (PCs):  \(law.law.formula.replacingOccurrences(of: "\n", with: " "))\n"
        text += "  FLOPs:               \(formula(comparison.flops))\n"
        text += "  model size:          \(formula(comparison.params))\n\n"
        var table = TextTable(header: ["regressor", "train models", "train MSE", "test models", "test MSE", "common test MSE"])
        let rows: [(String, FitMetrics, FitMetrics, Double)] = [
            ("capabilities (PCs)", law.trainMetrics, law.testMetrics, comparison.commonTestMSE[0]),
            ("log10 FLOPs", comparison.flops.trainMetrics, comparison.flops.testMetrics, comparison.commonTestMSE[1]),
            ("log10 model size", comparison.params.trainMetrics, comparison.params.testMetrics, comparison.commonTestMSE[2]),
        ]
        for (name, train, test, common) in rows {
            table.append([name, "\(train.count)", Format.fixed(train.mse, 5), "\(test.count)", Format.fixed(test.mse, 5), Format.fixed(common, 5)])
        }
        text += table.render()
        text += "Common test set: the \(comparison.commonTestModels.count) held-out models every regressor can score.\n"
        text += exclusions(comparison.flops) + exclusions(comparison.params)
        let best = comparison.commonTestMSE.enumerated().min { $0.element < $1.element }?.offset ?? 0
        text += "Lowest common test MSE: \(["capabilities", "FLOPs", "model size"][best])\n"
        return text
    }
}

extension HTMLPage {
    /// `fit --predictor flops|params --html`: the target against the regressor with the law.
    public static func computeBaseline(_ fit: ComputeBaseline.Fit, panelDescription: String, splitDescription: String) -> HTMLPage {
        var page = HTMLPage(title: "Compute-based law for \(fit.target)")
        page.preformatted(BaselineReport.render(fit, panelDescription: panelDescription, splitDescription: splitDescription))
        page.chart(baselineChart(fit), empty: "No model has the regressor.")
        return page
    }

    /// `fit --compare-predictors --html`: each law against the axis it uses.
    public static func predictorComparison(_ comparison: PredictorComparison, panelDescription: String, splitDescription: String) -> HTMLPage {
        var page = HTMLPage(title: "Capabilities against compute for \(comparison.law.law.target)")
        page.preformatted(BaselineReport.render(comparison, panelDescription: panelDescription, splitDescription: splitDescription))
        let law = fit(comparison.law, panelDescription: panelDescription, splitDescription: splitDescription)
        page.heading("Capabilities (the observational law)")
        page.body += law.body
        page.heading("FLOPs")
        page.chart(baselineChart(comparison.flops), empty: "No model has FLOPs.")
        page.heading("Model size")
        page.chart(baselineChart(comparison.params), empty: "No model has a size.")
        return page
    }

    static func baselineChart(_ fit: ComputeBaseline.Fit) -> SVGChart {
        var chart = SVGChart(
            title: "\(fit.target) against \(fit.settings.predictor.axisLabel)", xLabel: fit.settings.predictor.axisLabel, yLabel: fit.target,
            xScale: .log10)
        let colors = familyColors(fit.predictions.map(\.family))
        let xs = fit.predictions.compactMap(\.x)
        if let low = xs.min(), let high = xs.max() {
            let curve = (0...80).map { step -> (x: Double, y: Double) in
                let x = (low - 0.5) + (high - low + 1) * Double(step) / 80
                return (pow(10, x), fit.predicted(atX: x))
            }
            chart.series.append(.line(name: "fitted law", points: curve, color: "#222", dashed: false))
        }
        chart.series.append(
            .points(
                fit.predictions.compactMap { p in
                    guard let x = p.x, let observed = p.observed else { return nil }
                    return SVGChart.Point(
                        x: pow(10, x), y: observed,
                        title:
                            "\(p.model) (\(p.family)), \(p.role.rawValue)\nobserved \(Format.fixed(observed, 4)), predicted \(Format.fixed(p.predicted, 4))",
                        color: colors[p.family] ?? "#888", shape: p.role == .test ? .triangle : .circle, size: p.role == .test ? 4.5 : 3.8,
                        hollow: p.role == .test)
                }))
        chart.legend = [
            SVGChart.LegendEntry(name: "training model", color: "#555", shape: .circle),
            SVGChart.LegendEntry(name: "held-out model", color: "#555", shape: .triangle, hollow: true),
            SVGChart.LegendEntry(name: "fitted law", color: "#222"),
        ]
        return chart
    }
}
