import Foundation
import ObsScaleData
import ObsScaleEvaluation
import ObsScaleFit
import ObsScaleSelect

/// A self-contained HTML report: inline CSS, inline SVG charts, tables; no scripts and
/// no external resources, so it opens anywhere and can be mailed as one file. Hover a point for
/// its model and values (SVG `<title>`).
public struct HTMLPage {
    public var title: String
    var body = ""

    public init(title: String) { self.title = title }

    public mutating func heading(_ text: String) { body += "<h2>\(escape(text))</h2>\n" }
    public mutating func paragraph(_ text: String) { body += "<p>\(escape(text))</p>\n" }
    public mutating func preformatted(_ text: String) { body += "<pre>\(escape(text))</pre>\n" }

    /// Adds a chart, or a note when it has nothing to draw.
    public mutating func chart(_ chart: SVGChart, empty: String) {
        body += chart.hasData ? "<figure>\(chart.render())</figure>\n" : "<p class=\"note\">\(escape(empty))</p>\n"
    }

    public mutating func chart(_ chart: SVGBarChart, empty: String) {
        body += chart.hasData ? "<figure>\(chart.render())</figure>\n" : "<p class=\"note\">\(escape(empty))</p>\n"
    }

    public mutating func table(header: [String], rows: [[String]]) {
        body += "<table><thead><tr>" + header.map { "<th>\(escape($0))</th>" }.joined() + "</tr></thead><tbody>\n"
        for row in rows { body += "<tr>" + row.map { "<td>\(escape($0))</td>" }.joined() + "</tr>\n" }
        body += "</tbody></table>\n"
    }

    public func render() -> String {
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>\(escape(title))</title>
        <style>
        body { font: 14px/1.45 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 24px auto; max-width: 1000px; color: #222; padding: 0 16px; }
        h1 { font-size: 22px; } h2 { font-size: 17px; margin-top: 28px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
        pre { background: #f6f6f6; padding: 8px 10px; overflow-x: auto; font-size: 12.5px; }
        table { border-collapse: collapse; font-size: 12.5px; margin: 8px 0; }
        th, td { border-bottom: 1px solid #e4e4e4; padding: 3px 8px; text-align: right; } th { background: #f2f2f2; }
        td:first-child, th:first-child { text-align: left; }
        figure { margin: 10px 0; } .note { color: #777; font-style: italic; }
        svg.chart { font-size: 11px; background: white; }
        svg .chart-title { font-size: 14px; font-weight: 600; } svg .axis-label { font-size: 12px; }
        svg .grid { stroke: #eee; } svg .frame { fill: none; stroke: #999; } svg .tick { fill: #444; }
        svg .legend-text { fill: #333; }
        footer { margin-top: 32px; color: #888; font-size: 12px; }
        </style></head><body>
        <h1>\(escape(title))</h1>
        \(body)<footer>obsscale \(ObsScaleVersion.current) · self-contained report: no scripts, no external resources</footer>
        </body></html>

        """
    }

    /// The page's bytes (UTF-8), for `OutputFiles.write`.
    public var data: Data { Data(render().utf8) }

    /// A colour and a marker shape per family, in order of first appearance: the 20 colours of
    /// the palette with circles, then again with squares, then triangles — 60 families told apart.
    public static func familyStyles(_ families: [String]) -> [String: (color: String, shape: SVGChart.Shape)] {
        var styles: [String: (color: String, shape: SVGChart.Shape)] = [:]
        let shapes: [SVGChart.Shape] = [.circle, .square, .triangle]
        for family in families where styles[family] == nil {
            let index = styles.count
            styles[family] = (SVGChart.palette[index % SVGChart.palette.count], shapes[(index / SVGChart.palette.count) % shapes.count])
        }
        return styles
    }

    /// A colour per family, in order of first appearance.
    static func familyColors(_ families: [String]) -> [String: String] {
        var colors: [String: String] = [:]
        for family in families where colors[family] == nil {
            colors[family] = SVGChart.palette[colors.count % SVGChart.palette.count]
        }
        return colors
    }
}

extension HTMLPage {
    /// `obsscale fit --html`: charts first — the metric against equivalent FLOPs and against the
    /// aggregate capability, points coloured by family (training filled, held-out hollow
    /// triangles, models without an observed value as diamonds at their prediction with its score
    /// interval), the `--at-flops` forecasts as black squares with theirs, the fitted curve and
    /// its bootstrap band, the capability weights — then the tables: forecasts, predicted models,
    /// the law's choices, the metrics, every model's prediction. Values on the user's scale
    /// (`TargetScale`).
    public static func fit(_ fit: ScalingLawFit, panelDescription: String, splitDescription: String, atFlops: [Double] = []) -> HTMLPage {
        var page = HTMLPage(title: "Scaling law for \(fit.law.target)")
        let scale = TargetScale(fit.law.settings.targetRange)
        let bootstrap = fit.bootstrap
        page.paragraph("\(panelDescription). Split: \(splitDescription); train \(fit.trainMetrics.count), test \(fit.testMetrics.count) models.")
        page.preformatted(fit.law.formula)
        if let sentence = scale.sentence { page.paragraph(sentence + ".") }
        if let reference = fit.equivalentFlops {
            page.paragraph(
                "Equivalent FLOPs: P = \(Format.significant(reference.slope))·log10(C) \(reference.intercept < 0 ? "−" : "+") \(Format.significant(abs(reference.intercept))) on \(reference.referenceFamily) (\(reference.referenceModels.count) models); a model's equivalent compute is 10^((P − c)/w) × 1E21 FLOPs."
            )
        }
        if let bootstrap {
            let settings = bootstrap.settings
            page.paragraph(
                "Bootstrap: \(settings.replicateCount) replicates resampling \(settings.resampling.rawValue), \(settings.refitPCA ? "imputation and PCA refitted in each" : "capabilities fixed"), seed \(settings.seed), \(Format.percent(settings.level)) percentile intervals; \(bootstrap.replicatesSucceeded) succeeded."
            )
        }
        for chart in fitCharts(fit, atFlops: atFlops, scale: scale) { page.chart(chart.chart, empty: chart.empty) }
        let weights = fit.law.benchmarkNames.map { name -> (label: String, value: Double, color: String, title: String) in
            let value = fit.benchmarkWeights[name] ?? .nan
            return (name, value, value >= 0 ? "#4e79a7" : "#e15759", "\(name): \(Format.fixed(value, 3))")
        }
        page.chart(
            SVGBarChart(title: "Capability weights on the benchmarks (βᵀγ)", valueLabel: "change of P per unit of benchmark score", bars: weights),
            empty: "No benchmark weights.")
        if !atFlops.isEmpty, let reference = fit.equivalentFlops {
            page.heading("Forecasts for a \(reference.referenceFamily) model trained with C FLOPs")
            page.table(
                header: ["FLOPs (×1E21)", "predicted"] + (bootstrap == nil ? [] : ["curve interval", "score interval"]),
                rows: atFlops.enumerated().map { index, flops in
                    if let bootstrap, index < bootstrap.atFlops.count {
                        let value = bootstrap.atFlops[index]
                        return [
                            Format.significant(flops), scale.text(value.interval.estimate), scale.text(value.interval),
                            scale.text(value.predictionInterval),
                        ]
                    }
                    return [Format.significant(flops), scale.text(fit.predicted(atFlops: flops))]
                })
        }
        let unlabeled = fit.predictions.indices.filter { fit.predictions[$0].role == .unlabeled }
        if !unlabeled.isEmpty {
            page.heading("Predicted (no observed value)")
            page.table(
                header: ["model", "family", "FLOPs (1E21)", "equiv FLOPs", "predicted"]
                    + (bootstrap == nil ? [] : ["curve interval", "score interval"]),
                rows: unlabeled.prefix(500).map { index in
                    let p = fit.predictions[index]
                    var row = [
                        p.model, p.family, Format.significant(p.flops), Format.significant(p.equivalentLog10Flops.map { pow(10, $0) }),
                        scale.text(p.predicted),
                    ]
                    if let bootstrap {
                        row += [scale.text(bootstrap.predictions[index].interval), scale.text(bootstrap.predictions[index].predictionInterval)]
                    }
                    return row
                })
        }
        for line in FitReport.membersSummary(fit.law) { page.paragraph(line.trimmingCharacters(in: .whitespaces)) }
        if let choice = fit.law.choice {
            page.heading("Prior and cross-validation")
            for line in FitReport.choiceSummary(choice, source: fit.law.settings.prior) { page.paragraph(line.trimmingCharacters(in: .whitespaces)) }
            if choice.curve.count > 1 { page.table(header: FitReport.choiceHeader, rows: FitReport.choiceRows(choice)) }
        }
        page.table(
            header: ["set", "models", "MSE", "MAE", "R²"],
            rows: [("train", fit.trainMetrics), ("test", fit.testMetrics)].map {
                [$0.0, "\($0.1.count)", Format.fixed($0.1.mse, 5), Format.fixed($0.1.mae, 4), Format.fixed($0.1.r2, 3)]
            })
        page.heading("Predictions")
        let level = bootstrap.map { Format.percent($0.settings.level) } ?? ""
        let header =
            ["model", "family", "role", "FLOPs (1E21)", "equiv FLOPs", "observed", "predicted"]
            + (bootstrap == nil ? [] : ["curve \(level)", "score \(level)"])
        let ordered = fit.predictions.indices.sorted { a, b in
            let pa = fit.predictions[a], pb = fit.predictions[b]
            return (pa.role.rawValue, pa.flops ?? .infinity, pa.model) < (pb.role.rawValue, pb.flops ?? .infinity, pb.model)
        }
        let shown = ordered.prefix(500)
        if ordered.count > shown.count {
            page.paragraph(
                "The first \(shown.count) of \(ordered.count) models (held-out first, by FLOPs); all of them are in the JSON report.")
        }
        page.table(
            header: header,
            rows: shown.map { index in
                let p = fit.predictions[index]
                var row = [
                    p.model, p.family, p.role.rawValue, Format.significant(p.flops), Format.significant(p.equivalentLog10Flops.map { pow(10, $0) }),
                    scale.text(p.observed), scale.text(p.predicted),
                ]
                if let bootstrap {
                    row += [scale.text(bootstrap.predictions[index].interval), scale.text(bootstrap.predictions[index].predictionInterval)]
                }
                return row
            })
        return page
    }

    /// The fit page's two law charts (against equivalent compute, when the reference family
    /// gives it, and against the aggregate capability), each with the note shown when it has
    /// nothing to draw.
    static func fitCharts(_ fit: ScalingLawFit, atFlops: [Double], scale: TargetScale) -> [(chart: SVGChart, empty: String)] {
        let colors = familyColors(fit.predictions.map(\.family))
        let bootstrap = fit.bootstrap
        let regression = fit.law.regression
        let unlabeledColor = "#555"
        /// Observed models at their observed value; models without one at their prediction.
        func points(x: (ModelPrediction) -> Double?) -> [SVGChart.Point] {
            fit.predictions.enumerated().compactMap { index, p in
                guard let xValue = x(p) else { return nil }
                let interval = bootstrap?.predictions[index]
                guard let observed = p.observed else {
                    var title = "\(p.model) (\(p.family)), no observed value\npredicted \(scale.text(p.predicted))"
                    if let interval { title += ", score interval \(scale.text(interval.predictionInterval))" }
                    return SVGChart.Point(
                        x: xValue, y: scale.value(p.predicted), title: title, color: colors[p.family] ?? unlabeledColor, shape: .diamond,
                        size: 4.2, hollow: true)
                }
                var title = "\(p.model) (\(p.family)), \(p.role.rawValue)\nobserved \(scale.text(observed)), predicted \(scale.text(p.predicted))"
                if let interval { title += " \(scale.text(interval.interval))" }
                if let flops = p.flops { title += "\nFLOPs \(Format.significant(flops))×1E21" }
                return SVGChart.Point(
                    x: xValue, y: scale.value(observed), title: title, color: colors[p.family] ?? "#888",
                    shape: p.role == .test ? .triangle : .circle, size: p.role == .test ? 4.5 : 3.8, hollow: p.role == .test)
            }
        }
        /// The score intervals of the models without an observed value.
        func whiskers(x: (ModelPrediction) -> Double?) -> [(x: Double, low: Double, high: Double, color: String)] {
            guard let bootstrap else { return [] }
            return fit.predictions.enumerated().compactMap { index, p in
                guard p.observed == nil, let xValue = x(p) else { return nil }
                let interval = bootstrap.predictions[index].predictionInterval
                return (xValue, scale.value(interval.lower), scale.value(interval.upper), colors[p.family] ?? unlabeledColor)
            }
        }
        let roles = Set(fit.predictions.map(\.role))
        var legend: [SVGChart.LegendEntry] = []
        if roles.contains(.train) { legend.append(SVGChart.LegendEntry(name: "training model", color: "#555", shape: .circle)) }
        if roles.contains(.test) { legend.append(SVGChart.LegendEntry(name: "held-out model", color: "#555", shape: .triangle, hollow: true)) }
        if roles.contains(.unlabeled) {
            legend.append(SVGChart.LegendEntry(name: "predicted (no observed value)", color: "#555", shape: .diamond, hollow: true))
        }
        legend.append(SVGChart.LegendEntry(name: "fitted law", color: "#222"))
        if let bootstrap { legend.append(SVGChart.LegendEntry(name: "curve \(Format.percent(bootstrap.settings.level)) band", color: "#9ab")) }
        var charts: [(chart: SVGChart, empty: String)] = []
        if let reference = fit.equivalentFlops {
            var chart = SVGChart(
                title: "\(fit.law.target) against equivalent compute",
                xLabel: "equivalent FLOPs (×1E21, \(reference.referenceFamily))", yLabel: fit.law.target, xScale: .log10)
            let grid = bootstrap?.curve ?? []
            if grid.count >= 2 {
                chart.series.append(
                    .band(
                        name: "curve interval",
                        points: grid.map { (x: $0.flops, low: scale.value($0.interval.lower), high: scale.value($0.interval.upper)) },
                        color: "#9ab", opacity: 0.35))
            }
            let logs = fit.predictions.compactMap(\.equivalentLog10Flops).filter(\.isFinite) + atFlops.filter { $0 > 0 }.map { log10($0) }
            if let low = logs.min(), let high = logs.max() {
                let curve = (0...80).map { step -> (x: Double, y: Double) in
                    let log10C = (low - 0.5) + (high - low + 1) * Double(step) / 80
                    return (pow(10, log10C), scale.value(regression.predict(linearPredictor: reference.linearPredictor(log10Flops: log10C))))
                }
                chart.series.append(.line(name: "fitted law", points: curve, color: "#222", dashed: false))
            }
            let equivalent: (ModelPrediction) -> Double? = { $0.equivalentLog10Flops.map { pow(10, $0) } }
            chart.series.append(.errorBars(whiskers(x: equivalent)))
            chart.series.append(.points(points(x: equivalent)))
            var chartLegend = legend
            if !atFlops.isEmpty {
                let forecasts = atFlops.enumerated().compactMap { index, flops -> (point: SVGChart.Point, bar: (Double, Double, Double, String)?)? in
                    guard let predicted = fit.predicted(atFlops: flops) else { return nil }
                    let interval = bootstrap.flatMap { index < $0.atFlops.count ? $0.atFlops[index].predictionInterval : nil }
                    var title =
                        "forecast for a \(reference.referenceFamily) model at \(Format.significant(flops))×1E21 FLOPs\npredicted \(scale.text(predicted))"
                    if let interval { title += ", score interval \(scale.text(interval))" }
                    return (
                        SVGChart.Point(x: flops, y: scale.value(predicted), title: title, color: "#000", shape: .square, size: 4),
                        interval.map { (flops, scale.value($0.lower), scale.value($0.upper), "#000") }
                    )
                }
                chart.series.append(.errorBars(forecasts.compactMap { $0.bar.map { (x: $0.0, low: $0.1, high: $0.2, color: $0.3) } }))
                chart.series.append(.points(forecasts.map(\.point)))
                chartLegend.append(SVGChart.LegendEntry(name: "forecast (--at-flops)", color: "#000", shape: .square))
            }
            chart.legend = chartLegend + familyLegend(colors)
            charts.append((chart, "No model has both a value for the target and equivalent FLOPs."))
        } else {
            let note = "Equivalent FLOPs unavailable: the reference family '\(fit.law.settings.referenceFamily)' needs ≥ 2 models with FLOPs."
            charts.append((SVGChart(title: "", xLabel: "", yLabel: ""), note))
        }
        var capability = SVGChart(
            title: "\(fit.law.target) against the aggregate capability", xLabel: "aggregate capability P = α + βᵀS", yLabel: fit.law.target)
        let predictors = fit.predictions.map(\.linearPredictor).filter(\.isFinite)
        if let low = predictors.min(), let high = predictors.max() {
            if let reference = fit.equivalentFlops, let grid = bootstrap?.curve, grid.count >= 2 {
                capability.series.append(
                    .band(
                        name: "curve interval",
                        points: grid.map {
                            (
                                x: reference.linearPredictor(log10Flops: log10($0.flops)), low: scale.value($0.interval.lower),
                                high: scale.value($0.interval.upper)
                            )
                        }, color: "#9ab", opacity: 0.35))
            }
            let span = max(high - low, 1e-6)
            let curve = (0...80).map { step -> (x: Double, y: Double) in
                let p = low - 0.05 * span + 1.1 * span * Double(step) / 80
                return (p, scale.value(regression.predict(linearPredictor: p)))
            }
            capability.series.append(.line(name: "fitted law", points: curve, color: "#222", dashed: false))
        }
        capability.series.append(.errorBars(whiskers { $0.linearPredictor }))
        capability.series.append(.points(points { $0.linearPredictor }))
        capability.legend = legend + familyLegend(colors)
        charts.append((capability, "No model has a value for the target."))
        return charts
    }

    static func familyLegend(_ colors: [String: String]) -> [SVGChart.LegendEntry] {
        colors.sorted { $0.key < $1.key }.map { SVGChart.LegendEntry(name: $0.key, color: $0.value, shape: .square) }
    }

    /// `obsscale select --html`: V and its certified lower bound against the budget, the chosen
    /// units on a PC-1/PC-2 scatter of the pool for each budget (sized by cost), and the selection
    /// frequencies under the bootstrap.
    public static func select(
        _ results: [SelectionResult], problem: SelectionProblem, panelDescription: String, costName: String,
        criterion: Criterion, bootstrap: SelectionBootstrapSummary?, advice: SelectionAdvice.Advice? = nil, budgetLabels: [String]? = nil
    ) -> HTMLPage {
        let name = criterion.rawValue.uppercased()
        var page = HTMLPage(title: "Which models to evaluate: \(name)-optimal selection")
        page.paragraph("\(panelDescription). Pool: \(problem.poolModels.count) models, \(problem.units.count) units, cost '\(costName)'.")
        for note in problem.poolNotes { page.paragraph("Note: " + note) }
        if let screen = problem.outliers {
            page.heading("Outlier screen")
            page.paragraph(SelectReport.render(screen).split(separator: "\n").prefix(while: { !$0.hasPrefix("  farthest") }).joined(separator: " "))
            if !screen.outliers.isEmpty {
                page.table(
                    header: ["model", "family", "squared distance"],
                    rows: screen.outliers.prefix(20).map { [$0.model, $0.family, Format.significant($0.squaredDistance, 4)] })
            }
        }
        if let advice {
            page.heading("What to expect")
            page.paragraph(SelectReport.adviceIntroduction(advice).prefix(1).uppercased() + SelectReport.adviceIntroduction(advice).dropFirst())
            page.table(header: SelectReport.adviceHeader(advice), rows: SelectReport.adviceRows(advice, budgetLabels: budgetLabels))
        }
        var values = SVGChart(
            title: "\(name) and its certified lower bound against the budget", xLabel: "budget (\(costName))",
            // D = −log det G is negative for a well-spread subset: only V and A are drawn on a log axis.
            yLabel: "\(name) (lower is better)", yScale: criterion == .d ? .linear : .log10)
        values.series = [
            .line(name: "\(name) of the chosen subset", points: results.map { ($0.budget, $0.value) }, color: "#4e79a7", dashed: false),
            .line(
                name: "certified lower bound", points: results.compactMap { r in r.lowerBound.map { (r.budget, $0) } }, color: "#e15759", dashed: true
            ),
            .points(
                results.map { r in
                    SVGChart.Point(
                        x: r.budget, y: r.value,
                        title:
                            "budget \(Format.significant(r.budget, 6)): \(name) \(Format.significant(r.value, 6)), gap \(r.gap.map { Format.percent($0) } ?? "—")\n\(r.units.joined(separator: ", "))",
                        color: "#4e79a7")
                }),
        ]
        values.legend = [.init(name: "chosen subset", color: "#4e79a7"), .init(name: "lower bound", color: "#e15759")]
        if results.count == 1, let only = results.first, only.value.isFinite {
            page.paragraph(
                "Budget \(Format.significant(only.budget, 6)): \(name) \(Format.significant(only.value, 6)), certified lower bound "
                    + "\(Format.significant(only.lowerBound, 6)), gap \(only.gap.map { Format.percent($0) } ?? "—") (one budget: no curve to draw).")
        } else {
            page.chart(values, empty: "No feasible subset at any budget.")
        }
        // Pool scores: the design columns after the intercept, if any.
        let offset = problem.dimension > 1 && (0..<problem.design.rowCount).allSatisfy({ problem.design[$0, 0] == 1 }) ? 1 : 0
        let unitOfModel = Dictionary(
            problem.units.enumerated().flatMap { unit, item in item.models.map { ($0, unit) } }, uniquingKeysWith: { a, _ in a })
        let costs = problem.units.map { $0.cost / Double(max(1, $0.models.count)) }
        let maxCost = costs.filter(\.isFinite).max() ?? 1
        if problem.dimension - offset >= 2 {
            page.heading("Chosen models in the capability space")
            for result in results.prefix(9) {
                let chosen = Set(result.units)
                var chart = SVGChart(
                    title: "Budget \(Format.significant(result.budget, 6)): \(result.models.count) models chosen",
                    xLabel: "PC-1", yLabel: "PC-2")
                chart.width = 640
                chart.height = 380
                chart.series = [
                    .points(
                        (0..<problem.design.rowCount).map { row in
                            let unit = unitOfModel[row] ?? 0
                            let isChosen = chosen.contains(problem.units[unit].name)
                            let size = 2.5 + 5 * (costs[unit] / maxCost).squareRoot()
                            return SVGChart.Point(
                                x: problem.design[row, offset], y: problem.design[row, offset + 1],
                                title:
                                    "\(problem.poolModels[row]) (\(problem.poolFamilies[row]))\(isChosen ? ", chosen" : "")\ncost \(Format.significant(costs[unit]))",
                                color: isChosen ? "#e15759" : "#bab0ac", size: size, hollow: !isChosen)
                        })
                ]
                chart.legend = [
                    .init(name: "chosen", color: "#e15759", shape: .circle),
                    .init(name: "not chosen", color: "#bab0ac", shape: .circle, hollow: true),
                ]
                page.chart(chart, empty: "No pool scores.")
            }
        }
        page.heading("Chosen units")
        page.table(
            header: ["budget", "cost", "models", name, "lower bound", "gap", "solver", "units"],
            rows: results.map {
                [
                    Format.significant($0.budget, 6), Format.significant($0.totalCost, 6), "\($0.models.count)", Format.significant($0.value, 8),
                    Format.significant($0.lowerBound, 8), $0.gap.map { Format.percent($0) } ?? "—", $0.solver,
                    SelectReport.withCosts($0.units, problem: problem, costName: costName).joined(separator: ", "),
                ]
            })
        if let bootstrap {
            page.heading("Stability under the bootstrap (\(bootstrap.replicatesSucceeded) replicates)")
            page.preformatted(SelectReport.render(bootstrap, criterion: criterion).trimmingCharacters(in: .newlines))
            for budget in bootstrap.budgets.prefix(9) {
                let bars = budget.frequencies.prefix(20).map { item in
                    (
                        label: item.unit, value: item.fraction, color: item.chosen ? "#e15759" : "#bab0ac",
                        title:
                            "\(item.unit): chosen in \(Format.percent(item.fraction)) of replicates\(item.chosen ? " (chosen on the full data)" : "")"
                    )
                }
                page.chart(
                    SVGBarChart(
                        title: "Budget \(Format.significant(budget.budget, 6)): selection frequency (red: chosen on the full data)",
                        valueLabel: "fraction of bootstrap replicates", bars: Array(bars)),
                    empty: "No replicate succeeded.")
            }
        }
        return page
    }

    /// `obsscale validate --html`: test MSE against the budget for each selector, the random
    /// subsets' range as a band with their mean, and the all-models fit — per target and the
    /// geometric mean over targets (the paper's Section 5 figure).
    public static func validate(_ report: ValidationReport, panelDescription: String) -> HTMLPage {
        var page = HTMLPage(title: "Validation of the selection: test MSE against the budget")
        page.paragraph(
            "\(panelDescription). Split at \(report.settings.splitRule.cutDescription ?? "?"); \(ValidationReportText.describePools(report))."
        )
        let selectors = report.selectors
        // Budgets as written (10 for 10%): targets with different pools spend different amounts.
        let budgets = report.settings.budgets.writtenValues
        page.heading("Relative to evaluating every pool model")
        page.paragraph(
            "Ratio of a subset fit's test MSE to the all-models fit's, over the targets; baselines spend the same budget. "
                + "vs random: the ratio to the random subsets' mean.")
        page.table(header: ValidationReportText.summaryHeader(report), rows: ValidationReportText.summaryRows(report))
        if let intervals = report.settings.intervals { page.reliability(report, intervals) }
        let budgetAxis = report.settings.budgets.hasPercentages ? "budget (% of each target's pool cost)" : "budget"
        var ratios = SVGChart(title: "Median ratio to evaluating every model", xLabel: budgetAxis, yLabel: "median test-MSE ratio", yScale: .log10)
        let columns = report.summary.filter { $0.group == nil }.map(\.selector).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        for (c, name) in columns.enumerated() {
            let color = SVGChart.palette[c % SVGChart.palette.count]
            let points = budgets.indices.compactMap { b -> (Double, Double)? in
                report.summary.first { $0.group == nil && $0.selector == name && $0.budget == report.budgetLabels[b] }.map {
                    (budgets[b], $0.medianRatio)
                }
            }
            ratios.series.append(.line(name: name, points: points, color: color, dashed: !selectors.contains(name)))
        }
        ratios.series.append(.line(name: "all models", points: [(budgets.min() ?? 0, 1), (budgets.max() ?? 1, 1)], color: "#222", dashed: true))
        ratios.legend =
            columns.enumerated().map {
                .init(name: $1, color: SVGChart.palette[$0 % SVGChart.palette.count], dashed: !selectors.contains($1))
            } + [.init(name: "all models", color: "#222", dashed: true)]
        page.chart(ratios, empty: "No ratio at any budget.")
        if !report.droppedTargets.isEmpty {
            page.paragraph(
                "Dropped as degenerate: " + report.droppedTargets.map { "\($0.name) (\($0.reason))" }.joined(separator: "; ") + ".")
        }
        func chart(title: String, selectorMSE: [[Double]], randomMean: [Double], randomLow: [Double], randomHigh: [Double], all: Double) -> SVGChart {
            var chart = SVGChart(title: title, xLabel: budgetAxis, yLabel: "test MSE", yScale: .log10)
            chart.series.append(
                .band(
                    name: "random subsets (min to max)", points: budgets.indices.map { (x: budgets[$0], low: randomLow[$0], high: randomHigh[$0]) },
                    color: "#bab0ac", opacity: 0.35))
            chart.series.append(
                .line(name: "random subsets (mean)", points: budgets.indices.map { (budgets[$0], randomMean[$0]) }, color: "#9c755f", dashed: true))
            chart.series.append(
                .line(name: "all models", points: [(budgets.min() ?? 0, all), (budgets.max() ?? 1, all)], color: "#222", dashed: true))
            for (s, name) in selectors.enumerated() {
                let color = SVGChart.palette[s % SVGChart.palette.count]
                let points = budgets.indices.map { (budgets[$0], selectorMSE[s][$0]) }
                chart.series.append(.line(name: name, points: points, color: color, dashed: false))
                chart.series.append(
                    .points(
                        points.map {
                            SVGChart.Point(
                                x: $0.0, y: $0.1, title: "\(name), budget \(Format.significant($0.0)): test MSE \(Format.fixed($0.1, 5))",
                                color: color)
                        }))
            }
            let hasBand = budgets.indices.contains { randomLow[$0].isFinite && randomHigh[$0].isFinite }
            chart.legend =
                selectors.enumerated().map { .init(name: $1, color: SVGChart.palette[$0 % SVGChart.palette.count], shape: .circle) }
                + [
                    .init(name: hasBand ? "random (mean; band min–max)" : "random (mean)", color: "#9c755f", dashed: true),
                    .init(name: "all models", color: "#222", dashed: true),
                ]
            return chart
        }
        if report.targets.count > 1 {
            let means = report.geometricMeans
            page.chart(
                chart(
                    title: "Geometric mean over the targets", selectorMSE: selectors.indices.map { s in means.map { $0.testMSE[s] } },
                    randomMean: means.map(\.randomTestMSE), randomLow: means.map { _ in .nan }, randomHigh: means.map { _ in .nan },
                    all: means.map(\.allModelsTestMSE).first { !$0.isNaN } ?? .nan),
                empty: "No budget has a score for every target.")
        }
        for target in report.targets.prefix(40) {
            let fitted = { (score: ValidationReport.Score) in score.failure == nil ? score.testMSE : .nan }
            page.chart(
                chart(
                    title: target.name, selectorMSE: selectors.indices.map { s in target.budgets.map { fitted($0.selectors[s]) } },
                    randomMean: target.budgets.map { $0.random?.meanTestMSE ?? .nan },
                    randomLow: target.budgets.map { $0.random?.minTestMSE ?? .nan },
                    randomHigh: target.budgets.map { $0.random?.maxTestMSE ?? .nan },
                    all: fitted(target.allModels)),
                empty: "\(target.name): no fit succeeded.")
        }
        if report.targets.count > 40 { page.paragraph("… and \(report.targets.count - 40) more targets (all in the JSON report).") }
        page.heading("Against the random subsets")
        page.table(
            header: ["selector", "cells", "beats random", "median MSE ratio"],
            rows: report.comparisons.map {
                [
                    $0.selector, "\($0.cells)", $0.cells == 0 ? "—" : "\($0.wins) (\(Format.percent(Double($0.wins) / Double($0.cells))))",
                    Format.fixed($0.medianRatio, 3),
                ]
            })
        return page
    }
}
