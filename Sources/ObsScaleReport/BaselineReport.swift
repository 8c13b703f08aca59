import Foundation
import ObsScaleData
import ObsScaleFit
import ObsScaleNumerics

/// The reports of the compute-based baselines (`fit --predictor flops|params`) and of
/// `fit --compare-predictors`; the page draws each law against the axis it uses.
public enum BaselineReport {
    public static func document(_ fit: ComputeBaseline.Fit, panelDescription: String, splitDescription: String) -> ReportDocument {
        let regression = fit.regression
        var document = ReportDocument(title: "Compute-based law for \(fit.target) on \(panelDescription)")
        document.line("Split: \(splitDescription)")
        document.line("Regressor: log10 of \(fit.settings.predictor.axisLabel) (no capabilities, no prior: the paper's baseline)")
        document.line(
            "Law: \(formula(fit))  [\(regression.termination.converged ? "converged" : "NOT converged"), \(regression.iterations) iterations]")
        document.gap()
        document.table(metricsTable([("train", fit.trainMetrics), ("test", fit.testMetrics)]))
        appendExclusions(fit, to: &document)
        document.chart(chart(fit), empty: "No model has the regressor.")
        return document
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

    /// The models a compute-based law could not use, for want of the regressor.
    static func appendExclusions(_ fit: ComputeBaseline.Fit, to document: inout ReportDocument) {
        let what = fit.settings.predictor == .flops ? "FLOPs" : "model size"
        if !fit.excludedTrain.isEmpty { document.line("Not in the fit (no \(what)): \(fit.excludedTrain.joined(separator: ", "))") }
        if !fit.excludedTest.isEmpty { document.line("Not scored (no \(what)): \(fit.excludedTest.joined(separator: ", "))") }
    }

    /// The three laws side by side.
    public static func document(_ comparison: PredictorComparison, panelDescription: String, splitDescription: String) -> ReportDocument {
        let law = comparison.law
        var document = ReportDocument(title: "Capabilities against compute for \(law.law.target) on \(panelDescription)")
        document.line("Split: \(splitDescription); the same link, loss and target range for all three")
        document.items([
            "capabilities (PCs):  \(law.law.formula.replacingOccurrences(of: "\n", with: " "))",
            "FLOPs:               \(formula(comparison.flops))",
            "model size:          \(formula(comparison.params))",
        ])
        document.gap()
        var table = TextTable(header: ["regressor", "train models", "train MSE", "test models", "test MSE", "common test MSE"])
        let rows: [(String, FitMetrics, FitMetrics, Double)] = [
            ("capabilities (PCs)", law.trainMetrics, law.testMetrics, comparison.commonTestMSE[0]),
            ("log10 FLOPs", comparison.flops.trainMetrics, comparison.flops.testMetrics, comparison.commonTestMSE[1]),
            ("log10 model size", comparison.params.trainMetrics, comparison.params.testMetrics, comparison.commonTestMSE[2]),
        ]
        for (name, train, test, common) in rows {
            table.append([name, "\(train.count)", Format.fixed(train.mse, 5), "\(test.count)", Format.fixed(test.mse, 5), Format.fixed(common, 5)])
        }
        document.table(table)
        document.line("Common test set: the \(comparison.commonTestModels.count) held-out models every regressor can score.")
        appendExclusions(comparison.flops, to: &document)
        appendExclusions(comparison.params, to: &document)
        let best = comparison.commonTestMSE.enumerated().min { $0.element < $1.element }?.offset ?? 0
        document.line("Lowest common test MSE: \(["capabilities", "FLOPs", "model size"][best])")
        let scale = TargetScale(law.law.settings.targetRange)
        for chart in FitReport.lawCharts(law, atFlops: [], scale: scale) { document.chart(chart.chart, empty: chart.empty) }
        document.chart(chart(comparison.flops), empty: "No model has FLOPs.")
        document.chart(chart(comparison.params), empty: "No model has a size.")
        return document
    }
}

extension BaselineReport {
    /// The target against the regressor, with the law.
    static func chart(_ fit: ComputeBaseline.Fit) -> SVGChart {
        var chart = SVGChart(
            title: "\(fit.target) against \(fit.settings.predictor.axisLabel)", xLabel: fit.settings.predictor.axisLabel, yLabel: fit.target,
            xScale: .log10)
        let colors = SVGChart.familyColors(fit.predictions.map(\.family))
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
                            "\(p.model) (\(p.family)), \(p.role.rawValue)\nobserved \(Format.fixed(observed, 4)), predicted "
                            + "\(Format.fixed(p.predicted, 4))",
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
