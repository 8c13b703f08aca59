import Foundation
import ObsScaleData
import ObsScaleFit

/// `obsscale fit`'s report (`document`): the law and how it was chosen, the bootstrap, the
/// metrics, equivalent FLOPs, the capability weights, the forecasts and every model's prediction,
/// with the law's charts on the page.
public enum FitReport {
    /// The report: values on the user's scale (`TargetScale`); the page adds the metric against
    /// equivalent FLOPs and against the aggregate capability (points coloured by family, training
    /// filled, held-out hollow triangles, models without an observed value as diamonds at their
    /// prediction with its score interval, the `--at-flops` forecasts as black squares, the
    /// fitted curve and its bootstrap band) and the capability weights as bars.
    public static func document(_ fit: ScalingLawFit, panelDescription: String, splitDescription: String, atFlops: [Double] = []) -> ReportDocument {
        let law = fit.law
        let regression = law.regression
        var document = ReportDocument(title: "Observational scaling law for '\(law.target)' on \(panelDescription)")
        document.line("Split: \(splitDescription); train \(fit.trainMetrics.count) models, test \(fit.testMetrics.count) models")
        let poolIsPanel = law.poolRows?.count == fit.predictions.count
        let fittedOn =
            law.settings.pcaOn == .train
            ? "the training models" : law.settings.pcaOn == .pool && !poolIsPanel ? "every training-side model" : "every panel model"
        let variance = (0..<law.pca.settings.componentCount).map { Format.percent(law.pca.explainedVarianceRatio[$0]) }
        document.line(
            "Capabilities: \(law.pca.settings.componentCount) PCs of \(law.benchmarkNames.joined(separator: ", ")) "
                + "(imputation and PCA fitted on \(fittedOn); PC variance \(variance.joined(separator: ", ")))")
        let degenerate = law.pca.degenerateComponents
        if !degenerate.isEmpty {
            let components = degenerate.map { "PC-\($0 + 1)" }.joined(separator: ", ")
            document.line("Note: \(components) without variance (collinear or constant benchmarks): scores 0, weight 0")
        }
        let scale = TargetScale(law.settings.targetRange)
        if let sentence = scale.sentence { document.line(SettingText(sentence)) }
        document.line("Fitted law (\(law.settings.regression.link.rawValue), \(law.settings.regression.loss)):")
        document.items([
            SettingText(law.formula),
            "solver: \(regression.termination.rawValue) after \(regression.iterations) iterations, "
                + "\(Plural.count(regression.startsTried, "start")), loss \(Format.significant(regression.loss, 10))",
        ])
        if let choice = law.choice { appendChoice(choice, source: law.settings.prior, to: &document) }
        for line in membersSummary(law) { document.line(SettingText(line)) }
        document.gap()
        let bootstrap = fit.bootstrap
        let levelName = bootstrap.map { Format.percent($0.settings.level) } ?? ""
        if let bootstrap {
            let settings = bootstrap.settings
            document.line(SettingText(bootstrapSentence(settings)))
            document.line("Score intervals: \(describeIntervals(fit.calibration, level: settings.level))")
            if bootstrap.failures.count > 0 {
                let reasons = bootstrap.failures.reasons.sorted { $0.key < $1.key }.map { "\($0.value)× \($0.key)" }.joined(separator: "; ")
                document.items([
                    "\(Plural.count(bootstrap.failures.count, "replicate")) failed and are left out: \(SettingText(recorded: reasons))"
                ])
            }
            document.gap()
        }
        var metrics = TextTable(header: ["set", "models", "MSE", "MAE", "R²"] + (bootstrap?.testMSE == nil ? [] : ["MSE \(levelName) interval"]))
        for (name, m) in [("train", fit.trainMetrics), ("test", fit.testMetrics)] {
            var row = [name, "\(m.count)", Format.fixed(m.mse, 5), Format.fixed(m.mae, 4), Format.fixed(m.r2, 3)]
            if let mse = bootstrap?.testMSE { row.append(name == "test" ? interval(mse, 5) : "") }
            metrics.append(row)
        }
        document.table(metrics)
        document.gap()
        if let reference = fit.equivalentFlops {
            document.line("Equivalent FLOPs: \(equivalentFlopsLine(reference))")
        } else {
            document.line("Equivalent FLOPs: unavailable (reference family '\(law.settings.referenceFamily)' needs ≥ 2 models with FLOPs)")
        }
        for chart in lawCharts(fit, atFlops: atFlops, scale: scale) { document.chart(chart.chart, empty: chart.empty) }
        document.heading("Benchmark weights βᵀγ (contribution of one score unit to α + βᵀS)")
        var weights = TextTable(header: ["benchmark", "weight"])
        for name in law.benchmarkNames { weights.append([name, Format.fixed(fit.benchmarkWeights[name], 3)]) }
        document.table(weights)
        let bars = law.benchmarkNames.map { name -> (label: String, value: Double, color: String, title: String) in
            let value = fit.benchmarkWeights[name] ?? .nan
            return (name, value, value >= 0 ? "#4e79a7" : "#e15759", "\(name): \(Format.fixed(value, 3))")
        }
        document.chart(
            SVGBarChart(title: "Capability weights on the benchmarks (βᵀγ)", valueLabel: "change of P per unit of benchmark score", bars: bars),
            empty: "No benchmark weights.")
        if !atFlops.isEmpty, let reference = fit.equivalentFlops {
            document.heading("Predicted for a \(reference.referenceFamily) model trained with C FLOPs")
            var table = TextTable(header: ["FLOPs(1E21)", "predicted"] + (bootstrap == nil ? [] : ["curve \(levelName)", "score \(levelName)"]))
            for (index, flops) in atFlops.enumerated() {
                if let bootstrap, index < bootstrap.atFlops.count {
                    let value = bootstrap.atFlops[index].interval
                    table.append([
                        Format.significant(flops), scale.text(value.estimate), scale.text(value),
                        scale.text(bootstrap.atFlops[index].predictionInterval),
                    ])
                } else {
                    table.append([Format.significant(flops), scale.text(fit.predicted(atFlops: flops))])
                }
            }
            document.table(table)
        }
        for role in [ModelPrediction.Role.unlabeled, .test, .train] {
            let rows = fit.predictions.indices.filter { fit.predictions[$0].role == role }
            guard !rows.isEmpty else { continue }
            document.heading("\(title(role)) (\(rows.count))")
            var table = TextTable(
                header: ["model", "family", "FLOPs(1E21)", "equiv FLOPs", "observed", "predicted", "residual"]
                    + (bootstrap == nil ? [] : ["curve \(levelName)", "score \(levelName)"]),
                alignments: [.left, .left, .right, .right, .right, .right, .right, .right, .right])
            let ordered = rows.sorted { a, b in
                let pa = fit.predictions[a], pb = fit.predictions[b]
                return (pa.flops ?? .infinity, pa.model) < (pb.flops ?? .infinity, pb.model)
            }
            for index in ordered {
                let p = fit.predictions[index]
                var row = [
                    p.model, p.family, Format.significant(p.flops), Format.significant(p.equivalentLog10Flops.map { pow(10, $0) }),
                    scale.text(p.observed), scale.text(p.predicted), scale.differenceText(p.residual),
                ]
                if let bootstrap {
                    row += [scale.text(bootstrap.predictions[index].interval), scale.text(bootstrap.predictions[index].predictionInterval)]
                }
                table.append(row)
            }
            document.table(table)
        }
        return document
    }

    /// The split in a sentence: "train FLOPs ≤ 84.0×1E21, test above (and unknown FLOPs)".
    public static func describe(_ rule: SplitRule) -> String {
        switch rule {
        case .none: return "all models train (no held-out set)"
        case let .flopsCutoff(x): return "train FLOPs ≤ \(x)×1E21, test above (and unknown FLOPs)"
        case let .sizeCutoff(x): return "train size ≤ \(Format.significant(x))B parameters, test above (and unknown sizes)"
        case let .dateCutoff(day): return "train released on or before \(day), test later (and unknown dates)"
        case let .metricCutoff(column, x): return "train \(column) ≤ \(x)"
        case let .top(_, f): return f < 1 ? "test = top \(Format.percent(f)) by the target" : "test = top \(Int(f)) models by the target"
        case let .holdout(names): return names.count == 1 ? "1 named held-out model" : "\(names.count) named held-out models"
        case let .train(names): return names.count == 1 ? "train on 1 named model" : "train on \(names.count) named models"
        }
    }

    /// "Bootstrap: 1000 replicates resampling models, capabilities fixed, seed 0; 95.0% percentile
    /// intervals of the fitted curve and of a model's score (…)", as the text and the page say it.
    static func bootstrapSentence(_ settings: FitBootstrap) -> String {
        "Bootstrap: \(settings.replicateCount) replicates resampling \(settings.resampling.rawValue), "
            + (settings.refitPCA ? "imputation and PCA refitted in each" : "capabilities fixed")
            + ", seed \(settings.seed); \(Format.percent(settings.level)) percentile intervals of the fitted curve "
            + "and of a model's score (curve + leave-one-family-out residual)"
    }

    /// "P = 0.5741·log10(C) - 5.903 on Llama-2 (3 models)".
    static func equivalentFlopsLine(_ reference: EquivalentFlops) -> String {
        "P = \(Format.significant(reference.slope))·log10(C) " + (reference.intercept < 0 ? "- " : "+ ")
            + "\(Format.significant(abs(reference.intercept))) on \(reference.referenceFamily) (\(reference.referenceModels.count) models)"
    }

    /// The heading of a predictions table: models without the target (a user's own, or not yet
    /// evaluated) first — they are what a user came for.
    static func title(_ role: ModelPrediction.Role) -> String {
        switch role {
        case .unlabeled: return "Predicted (no observed value)"
        case .test: return "Held-out models"
        case .train: return "Training models"
        }
    }

    /// What the score intervals are: calibrated (on what), or the bootstrap's. Shared by `fit` and
    /// `predict`.
    public static func describeIntervals(_ calibration: IntervalCalibration?, level: Double) -> SettingText {
        guard let calibration, calibration.lines(at: level) != nil else {
            return "the bootstrap's, uncalibrated: they see the sampling noise of the law, not the error of extrapolating it to "
                + "larger models, and cover less than their level there"
        }
        switch calibration.source {
        case let .publicMetrics(metrics, records):
            let observed = calibration.lines(at: level)?.recordCoverage.map { "; \(Format.percent($0)) of them inside the lines" } ?? ""
            return "calibrated under extrapolation — quantile lines learned on the out-of-range errors of \(metrics) public metrics "
                + "of other tasks (\(records) predictions of the models this law predicts\(observed)), hulled with the bootstrap's"
        case let .shipped(reason):
            return "calibrated with obsscale's shipped quantile lines (learned on \(IntervalCalibration.shippedSource)), hulled with the "
                + "bootstrap's: \(SettingText(recorded: reason))"
        }
    }

    /// "[0.1234, 0.2345]".
    static func interval(_ value: BootstrapInterval, _ digits: Int) -> String {
        "[\(Format.fixed(value.lower, digits)), \(Format.fixed(value.upper, digits))]"
    }

    /// The laws a law averaged over K is the mean of (`FittedScalingLaw.members`): one line each,
    /// with whether its prior was used; empty for a law of one K.
    public static func membersSummary(_ law: FittedScalingLaw) -> [String] {
        guard let members = law.members else {
            guard law.settings.isAveraged else { return [] }
            return [
                "K = \(law.pca.settings.componentCount), not averaged over K: the training models are (nearly) the whole pool (--components "
                    + "average averages a subset's law)"
            ]
        }
        let weights = law.regression.memberWeights
        var lines = [
            weights == nil
                ? "The mean of the predictions of \(members.count) laws:"
                : "The weighted mean of the predictions of \(members.count) laws ("
                    + (law.settings.averageWeights == .stacking
                        ? "stacking: the weights whose combination has the least cross-validated MSE):"
                        : "weights ∝ 1 / cross-validated MSE):")
        ]
        for (index, (member, regression)) in zip(members, law.regression.members ?? []).enumerated() {
            var notes = [
                member.choice.map { choice in
                    choice.priorUsed ? "prior λ = \(Format.significant(choice.strength, 3))" : (choice.prior == nil ? "no prior" : "prior not used")
                } ?? "no prior"
            ]
            if let error = member.crossValidatedError { notes.append("CV MSE \(Format.significant(error, 3))") }
            if let weights, index < weights.count { notes.append("weight \(Format.fixed(weights[index], 2))") }
            lines.append(
                "  K = \(member.componentCount): \(FittedScalingLaw.formula(regression, link: law.settings.regression.link))"
                    + " (\(notes.joined(separator: ", ")))"
            )
        }
        return lines
    }

    /// The cross-validated choice: the prior (its sources, center and scale), λ and K, whether the
    /// prior was used and why, and the cross-validation curve.
    static func appendChoice(_ choice: ModelSelection.Choice, source: PriorSource, to document: inout ReportDocument) {
        for line in choiceSummary(choice, source: source) { document.paragraph(SettingText(line), width: 110, hangingIndent: 4) }
        guard choice.curve.count > 1 else { return }
        document.line("Cross-validation over \(choice.foldCount) folds (mean held-out MSE of the training models):")
        var table = TextTable(header: choiceHeader)
        for row in choiceRows(choice) { table.append(row) }
        document.table(table, indent: 2)
    }

    /// One line each: the prior (when there is one), then the decision with its reason.
    static func choiceSummary(_ choice: ModelSelection.Choice, source: PriorSource) -> [String] {
        guard let prior = choice.prior else {
            var lines: [String] = []
            if case .publicMetrics = source {
                lines.append(
                    "Prior: none — the panel has fewer than \(PublicMetricFits.minimumSources) public metrics of other tasks to build one from "
                        + "(join downstream metric files to the panel); the plain fit")
            }
            if choice.curve.count > 1 { lines.append("Components chosen by cross-validation: K = \(choice.componentCount); \(choice.reason)") }
            return lines
        }
        let origin: String
        switch source {
        case .given: origin = "given (from a file)"
        default:
            let more = prior.sources.count > 2 ? " and \(prior.sources.count - 2) more" : ""
            origin =
                "the median law of \(prior.sources.count) public metrics of other tasks (\(prior.sources.prefix(2).joined(separator: "; "))\(more))"
        }
        let decision =
            choice.priorUsed
            ? "Prior used with strength λ = \(Format.significant(choice.strength, 3)) (K = \(choice.componentCount)): "
            : "Prior not used (K = \(choice.componentCount)): "
        return ["Prior: \(origin); center \(numbers(prior.mean)), scale \(numbers(prior.scale))", decision + choice.reason]
    }

    static let choiceHeader = ["K", "λ", "CV MSE", "std error"]

    static func choiceRows(_ choice: ModelSelection.Choice) -> [[String]] {
        choice.curve.map { point in
            let chosen = point.componentCount == choice.componentCount && point.strength == choice.strength
            return [
                "\(point.componentCount)", Format.significant(point.strength, 3) + (chosen ? " *" : ""),
                Format.significant(point.meanError, 4), Format.significant(point.standardError, 3),
            ]
        }
    }

    private static func numbers(_ values: [Double]) -> String { "(" + values.map { Format.significant($0, 3) }.joined(separator: ", ") + ")" }
}

extension FitReport {
    /// The fit page's two law charts (against equivalent compute, when the reference family
    /// gives it, and against the aggregate capability), each with the note shown when it has
    /// nothing to draw.
    static func lawCharts(_ fit: ScalingLawFit, atFlops: [Double], scale: TargetScale) -> [(chart: SVGChart, empty: String)] {
        let colors = SVGChart.familyColors(fit.predictions.map(\.family))
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
                        "forecast for a \(reference.referenceFamily) model at \(Format.significant(flops))×1E21 FLOPs\n"
                        + "predicted \(scale.text(predicted))"
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
            chart.legend = chartLegend + SVGChart.familyLegend(colors)
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
        capability.legend = legend + SVGChart.familyLegend(colors)
        charts.append((capability, "No model has a value for the target."))
        return charts
    }
}
