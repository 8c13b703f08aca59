import Foundation
import ObsScaleData
import ObsScaleEvaluation
import ObsScaleFit
import ObsScaleSelect

/// `obsscale validate`'s report (`document`): the summary relative to evaluating every model,
/// then per target (up to `perTargetLimit` targets) and the geometric mean over targets, the test
/// MSE of each selector's subset fit per budget against the random subsets and the all-models fit,
/// then how often each selector beats random. The page draws the median ratios, the reliability
/// diagram of the intervals and, per target, test MSE against the budget with the random subsets'
/// range as a band (the paper's Section 5 figure).
public enum ValidationReportText {
    public static func document(_ report: ValidationReport, panelDescription: String) -> ReportDocument {
        let settings = report.settings
        let selectors = report.selectors
        var document = ReportDocument(title: "Validation on \(panelDescription)")
        document.line(
            "Split at \(settings.splitRule.cutDescription ?? "?"): \(describePools(report)); test = models \(sides(report).after) with the target")
        // An averaged law (`--components average`): the subset fits are the mean of K = 1…K.
        let components =
            settings.law.isAveraged
            ? "the \(settings.law.averageWeights == .equal ? "" : "CV-weighted ")mean of the laws on 1…\(settings.law.pca.componentCount) PCs "
                + "(a subset; the all-models fit: \(settings.law.pca.componentCount) PCs)"
            : "\(settings.law.pca.componentCount) PCs"
        let pcaOn = settings.law.pcaOn == .train ? "each subset (the paper)" : settings.law.pcaOn == .pool ? "the whole pool" : "every panel model"
        document.line(
            "Fit: \(components) of \(settings.law.benchmarks?.joined(separator: ", ") ?? "all benchmarks") (imputation and PCA on \(pcaOn)), "
                + "\(settings.law.regression.link.rawValue), \(settings.law.regression.loss)")
        document.line("Design: \(design(settings.selection))")
        document.line(
            "Selectors: \(selectors.joined(separator: ", ")); baselines at the same cost: "
                + (report.randomBaseline.map { "\($0) (\(settings.randomCount) draws per budget, seed \(settings.seed)) and " } ?? "")
                + "\(report.cheapest) (the cheapest units first)")
        let pools = report.pools.filter { $0.failure == nil }
        if pools.count == 1, let pool = pools.first {
            let amounts = pool.budgets.map { Format.significant($0, 4) }.joined(separator: ", ")
            document.line(
                "Budgets: \(settings.budgets) = \(amounts) of the pool's cost \(Format.significant(pool.cost, 6)) ('\(settings.selection.cost)')")
        } else {
            document.line("Budgets: \(settings.budgets) of each target's pool ('\(settings.selection.cost)')")
        }
        let discarded = report.pools.flatMap(\.discardedRandomDraws).reduce(0, +)
        if discarded > 0 {
            document.line(
                "Random draws that could not be fitted (fewer than \(settings.law.parameterCount) models) and were drawn again: \(discarded)")
        }
        if !report.droppedTargets.isEmpty {
            document.line(
                "Dropped \(Plural.count(report.droppedTargets.count, "degenerate target")), left out of every summary"
                    + (report.droppedTargets.count > Self.listedDroppedTargets
                        ? " (the first \(Self.listedDroppedTargets); all in \(Setting.jsonReportPath)):" : ":"))
            document.items(report.droppedTargets.prefix(Self.listedDroppedTargets).map { "\($0.name): \(SettingText(recorded: $0.reason))" })
        }
        appendSummary(report, to: &document)
        if report.targets.count > Self.perTargetLimit {
            document.gap()
            document.line("Per-target tables of the \(report.targets.count) targets: in \(Setting.jsonReportPath) (result.targets).")
        }
        let charts = BudgetCharts(report)
        // Without their tables, the page still draws the first `perTargetChartLimit` targets.
        for target in report.targets.prefix(Self.perTargetChartLimit) where report.targets.count > Self.perTargetLimit {
            document.chart(charts.target(target), empty: "\(target.name): no fit succeeded.")
        }
        for target in report.targets where report.targets.count <= Self.perTargetLimit {
            document.gap()
            document.line(
                "Target '\(target.name)': \(target.testModels.count) test models; all-models fit on \(target.allModels.trainCount) models: "
                    + (target.allModels.failure.map { "failed (\(SettingText(recorded: $0)))" }
                        ?? "test MSE \(Format.fixed(target.allModels.testMSE, 5))"))
            document.table(
                table(
                    selectors: selectors,
                    rows: target.budgets.map { budget in
                        Row(
                            budget: Format.significant(budget.budget, 6), mse: budget.selectors.map { $0.failure == nil ? $0.testMSE : .nan },
                            random: randomCell(budget.random),
                            all: target.allModels.failure == nil ? target.allModels.testMSE : .nan,
                            agreement: budget.selectors.map { $0.agreementMSE ?? .nan })
                    }))
            document.items(
                target.budgets.flatMap { budget -> [SettingText] in
                    let reasons =
                        budget.selectors.enumerated().compactMap { s, score in score.failure.map { "\(selectors[s]): \($0)" } }
                        + [
                            budget.random?.failure.map { "random: \($0)" },
                            (budget.random?.failures ?? 0) > 0 ? "\(Plural.count(budget.random?.failures ?? 0, "random fit")) failed" : nil,
                        ].compactMap { $0 }
                    return reasons.map { "budget \(Format.significant(budget.budget)): \(SettingText(recorded: $0))" }
                })
            document.chart(charts.target(target), empty: "\(target.name): no fit succeeded.")
        }
        if report.targets.count > 1 {
            let counts = Set(report.geometricMeans.map(\.targetCount))
            let counted =
                counts.count == 1
                ? "\(counts.first ?? 0) of \(report.targets.count)"
                : "per budget: " + report.geometricMeans.map { "\($0.targetCount)" }.joined(separator: ", ")
            document.heading("Geometric mean over the targets where every column has a test MSE (\(counted))")
            document.table(
                table(
                    selectors: selectors,
                    rows: report.geometricMeans.map { row in
                        Row(
                            budget: row.budget, mse: row.testMSE, random: settings.randomCount > 0 ? Format.fixed(row.randomTestMSE, 5) : nil,
                            all: row.allModelsTestMSE, agreement: row.agreementMSE)
                    }))
            document.chart(charts.geometricMean(), empty: "No budget has a score for every target.")
        }
        if settings.randomCount > 0 {
            document.heading("Against the random subsets (cells = targets × budgets with both fitted)")
            var summary = TextTable(header: ["selector", "cells", "beats random", "median MSE ratio"])
            for comparison in report.comparisons {
                summary.append([
                    comparison.selector, "\(comparison.cells)",
                    comparison.cells == 0 ? "—" : "\(comparison.wins) (\(Format.percent(Double(comparison.wins) / Double(comparison.cells))))",
                    Format.fixed(comparison.medianRatio, 3),
                ])
            }
            document.table(summary)
        }
        return document
    }

    /// "selection pool 47 models at or below", or with targets observed on different models,
    /// "selection pools of 20–47 models (per target: the pool models with it; 3 pools)".
    /// The selectors' design: "V-optimality for the test models, no intercept, 3 PCs; the pool's
    /// compute extremes anchored where a budget affords them (not the baselines)".
    static func design(_ setup: SelectionSetup) -> String {
        let criterion = "\(setup.criterion.rawValue.uppercased())-optimality"
        let rows: String
        switch setup.targets {
        case .pool: rows = setup.criterion == .v ? " for the pool" : ""
        case .aboveCutoff: rows = setup.criterion == .v ? " for the test models" : ""
        case let .models(names): rows = setup.criterion == .v ? " for \(Plural.count(names.count, "listed model"))" : ""
        }
        let anchor: String
        switch setup.anchor {
        case .none: anchor = ""
        case .computeExtremes: anchor = "; the pool's compute extremes anchored (not the baselines)"
        case .auto: anchor = "; the pool's compute extremes anchored where a budget affords them (not the baselines)"
        }
        return "\(criterion)\(rows), \(setup.intercept ? "with" : "no") intercept, \(setup.componentCount) PCs\(anchor)"
    }

    public static func describePools(_ report: ValidationReport) -> String {
        let sizes = report.pools.map(\.models.count)
        guard report.pools.count > 1, let smallest = sizes.min(), let largest = sizes.max() else {
            let pool = report.pools.first
            let left = pool.map { $0.withoutTarget > 0 ? " (\($0.withoutTarget) without the target left out)" : "" } ?? ""
            return "selection pool \(pool?.models.count ?? 0) models \(sides(report).before)\(left)"
        }
        return "selection pools of \(smallest)–\(largest) models (per target: the pool models that have it; \(report.pools.count) pools)"
    }

    /// How the two sides of the cut are named: by scale, or by time for a date split.
    static func sides(_ report: ValidationReport) -> (before: String, after: String) {
        if case .dateCutoff = report.settings.splitRule { return ("on or before", "after") }
        return ("at or below", "above")
    }

    /// Per-target tables are printed up to this many targets (all of them are in the JSON).
    static let perTargetLimit = 12
    /// Per-target charts are drawn up to this many targets.
    static let perTargetChartLimit = 40
    static let listedDroppedTargets = 10

    /// The answer to "how close to evaluating everything, at this cost?": per budget, each selector
    /// and baseline's ratio of test MSE to the all-models fit's over the targets, and against the
    /// random subsets at the same cost (drawn on the page); the measured intervals; then the same
    /// per task group (`--group-by prefix`).
    static func appendSummary(_ report: ValidationReport, to document: inout ReportDocument) {
        func ratio(_ value: Double) -> String { value.isNaN ? "—" : Format.significant(value, 3) }
        let overall = report.summary.filter { $0.group == nil }
        document.heading(
            "Relative to evaluating every pool model (ratio of a subset fit's test MSE to the all-models fit's, "
                + "over \(overall.first?.targets ?? 0) targets; vs random: its ratio to the random subsets' mean at the same cost)")
        var table = TextTable(header: summaryHeader(report))
        for row in summaryRows(report) { table.append(row) }
        document.table(table)
        document.chart(BudgetCharts(report).medianRatios(), empty: "No ratio at any budget.")
        if let intervals = report.settings.intervals { appendIntervals(report, intervals, to: &document) }
        let selectors = Set(report.selectors)
        let grouped = report.summary.filter { $0.group != nil && selectors.contains($0.selector) }
        if !grouped.isEmpty {
            document.heading("Per task (the metric name up to its first _ or ,), selectors only")
            var groups = TextTable(header: ["task", "budget", "selector", "targets", "median", "geo mean", "p90", "failed", "vs random"])
            for entry in grouped {
                groups.append([
                    entry.group ?? "", entry.budget, entry.selector, "\(entry.targets)", ratio(entry.medianRatio),
                    ratio(entry.geometricMeanRatio), ratio(entry.p90Ratio), "\(entry.failures)", ratio(entry.medianRatioToRandom),
                ])
            }
            document.table(groups)
        }
    }

    /// The summary's columns (with measured intervals: their coverage, mean width and interval score too).
    static func summaryHeader(_ report: ValidationReport) -> [String] {
        ["budget", "selector", "cost", "targets", "median", "geo mean", "p90", "within 1.2×", "failed", "vs random", "beats random"]
            + (report.settings.intervals == nil ? [] : ["coverage", "width", "int. score"])
    }

    /// The intervals paragraph: what was measured, the all-models fit's line, and the reliability
    /// diagram of each selector at each budget (nominal → observed coverage; drawn on the page).
    static func appendIntervals(_ report: ValidationReport, _ intervals: IntervalMeasurement, to document: inout ReportDocument) {
        let kind = intervals.kind == .calibrated ? "calibrated (hull of the borrowed quantile lines and the bootstrap's)" : "the bootstrap's"
        document.gap()
        document.line(
            "Score intervals (\(kind); \(intervals.replicateCount) bootstrap replicates per fit) on the test models, "
                + "nominal \(Format.percent(intervals.level)): coverage, mean width and mean interval score "
                + "(width + \(Format.significant(2 / (1 - intervals.level), 3))·miss; lower is better), pooled over the targets' test predictions.")
        // The reliability columns (observed coverage at each nominal level) only with levels beyond the main one.
        let diagram = intervals.levels.count > 1
        var table = TextTable(
            header: ["fit", "budget", "predictions", "coverage", "width", "int. score"]
                + (diagram ? intervals.levels.map { "at \(Format.percent($0))" } : []))
        func row(_ name: String, _ budget: String, _ score: ValidationReport.IntervalScore?) {
            guard let score else { return }
            table.append(
                [
                    name, budget, "\(score.count)", Format.percent(score.coverage), Format.fixed(score.meanWidth, 3),
                    Format.fixed(score.intervalScore, 3),
                ]
                    + (diagram ? score.reliability.map { Format.percent($0.coverage) } : []))
        }
        row("all models", "—", report.allModelsIntervals)
        for entry in report.summary where entry.group == nil { row(entry.selector, entry.budget, entry.intervals) }
        document.table(table)
        document.chart(reliabilityChart(report, intervals), empty: "No interval was measured.")
    }

    /// The rows of the overall summary, budget by budget.
    static func summaryRows(_ report: ValidationReport) -> [[String]] {
        func ratio(_ value: Double) -> String { value.isNaN ? "—" : Format.significant(value, 3) }
        func share(_ value: Double) -> String { value.isNaN ? "—" : Format.percent(value) }
        return report.budgetLabels.flatMap { budget in
            report.summary.filter { $0.group == nil && $0.budget == budget }.map { entry in
                [
                    budget, entry.selector, Format.significant(entry.cost, 5), "\(entry.targets)", ratio(entry.medianRatio),
                    ratio(entry.geometricMeanRatio), ratio(entry.p90Ratio), share(entry.shareWithin1_2), "\(entry.failures)",
                    ratio(entry.medianRatioToRandom), share(entry.shareBeatingRandom),
                ]
                    + (report.settings.intervals == nil
                        ? []
                        : [
                            share(entry.coverage), Format.fixed(entry.meanWidth.isNaN ? nil : entry.meanWidth, 3),
                            Format.fixed(entry.intervalScore.isNaN ? nil : entry.intervalScore, 3),
                        ])
            }
        }
    }

    /// "mean ± sd" of the random subsets' test MSE.
    static func randomCell(_ random: ValidationReport.RandomSummary?) -> String? {
        guard let random else { return nil }
        guard !random.meanTestMSE.isNaN else { return "—" }
        return "\(Format.fixed(random.meanTestMSE, 5)) ± \(Format.fixed(random.standardDeviation.isNaN ? nil : random.standardDeviation, 5))"
    }

    /// The per-budget table: each selector's test MSE, the random subsets' cell, the all-models
    /// MSE, and each selector's agreement MSE with the all-models fit (NaN shown as —).
    struct Row {
        var budget: String
        var mse: [Double]
        var random: String?
        var all: Double
        var agreement: [Double]
    }

    static func table(selectors: [String], rows: [Row]) -> TextTable {
        func cell(_ value: Double) -> String { Format.fixed(value.isNaN ? nil : value, 5) }
        let hasRandom = rows.contains { $0.random != nil }
        var table = TextTable(
            header: ["budget"] + selectors.map { "\($0) MSE" } + (hasRandom ? ["random MSE"] : [])
                + ["all models"] + selectors.map { "\($0) vs all" })
        for row in rows {
            table.append(
                [row.budget] + row.mse.map(cell) + (hasRandom ? [row.random ?? "—"] : [])
                    + [cell(row.all)] + row.agreement.map(cell))
        }
        return table
    }

    /// The simulation study: per target and budget, errors against the truth averaged over worlds.
    public static func document(_ report: SimulationStudyReport) -> ReportDocument {
        let study = report.study
        var document = ReportDocument(
            title: "Simulation study: \(report.worldsRun) of \(study.worldCount) worlds "
                + "(\(study.world.familyCount) families × \(study.world.modelsPerFamily) models, "
                + "missing rate \(Format.percent(study.world.missingRate)), seed \(study.world.seed)); "
                + "cutoff \(study.validation.splitRule.cutDescription ?? "?")")
        document.items(report.failures.sorted(by: { $0.key < $1.key }).map { "\(Plural.count($1, "world")) failed: \(SettingText(recorded: $0))" })
        document.line(
            "Mean over worlds of the MSE against the noise-free truth on the test models (win = beats the random subsets' mean in that world):")
        var table = TextTable(
            header: ["target", "budget"] + report.selectors.flatMap { ["\($0) truth MSE", "win"] }
                + ["random truth MSE", "all models truth MSE"])
        for cell in report.cells {
            table.append(
                [cell.target, cell.budget]
                    + report.selectors.indices.flatMap { [Format.fixed(cell.selectorTruthMSE[$0], 5), Format.percent(cell.selectorWinRate[$0])] }
                    + [Format.fixed(cell.randomTruthMSE, 5), Format.fixed(cell.allModelsTruthMSE, 5)])
        }
        document.table(table)
        if let coverage = report.coverage, let bootstrap = study.bootstrap {
            let level = Format.percent(bootstrap.level)
            func share(_ count: Int) -> String { Format.percent(Double(count) / Double(max(1, coverage.total))) }
            document.heading(
                "Bootstrap of the all-models fit (\(bootstrap.replicateCount) replicates resampling \(bootstrap.resampling.rawValue), "
                    + (bootstrap.refitPCA ? "imputation and PCA refitted" : "capabilities fixed") + "), "
                    + "\(coverage.total) held-out (world, target, model) cases")
            document.items([
                "\(level) curve intervals cover the true value in \(share(coverage.curveCoversTruth))",
                "\(level) prediction intervals cover the true value in \(share(coverage.predictionCoversTruth)) "
                    + "and the observed score in \(share(coverage.predictionCoversObserved))",
            ])
        }
        return document
    }
}

extension ValidationReportText {
    /// The reliability diagram of the measured score intervals: observed against nominal coverage
    /// of the test models' scores, pooled over the targets, for the all-models fit and each
    /// selector at each budget (the diagonal is perfect calibration; below it, intervals too narrow).
    static func reliabilityChart(_ report: ValidationReport, _ intervals: IntervalMeasurement) -> SVGChart {
        var chart = SVGChart(
            title: "Reliability diagram: observed against nominal coverage (below the diagonal: too narrow)", xLabel: "nominal coverage",
            yLabel: "observed coverage", yScale: .linear)
        let levels = intervals.levels
        chart.series.append(
            .line(name: "perfect calibration", points: [(levels.first ?? 0.5, levels.first ?? 0.5), (1, 1)], color: "#222", dashed: true))
        var legend: [SVGChart.LegendEntry] = [.init(name: "perfect calibration", color: "#222", dashed: true)]
        var curves: [(String, ValidationReport.IntervalScore)] = report.allModelsIntervals.map { [("all models", $0)] } ?? []
        curves += report.summary.filter { $0.group == nil }.compactMap { entry in entry.intervals.map { ("\(entry.selector) \(entry.budget)", $0) } }
        for (index, (name, score)) in curves.enumerated() {
            let color = SVGChart.palette[index % SVGChart.palette.count]
            let points = score.reliability.map { (x: $0.level, y: $0.coverage) }
            chart.series.append(.line(name: name, points: points, color: color, dashed: false))
            chart.series.append(
                .points(
                    score.reliability.map {
                        SVGChart.Point(
                            x: $0.level, y: $0.coverage,
                            title: "\(name): nominal \(Format.percent($0.level)), observed \(Format.percent($0.coverage))",
                            color: color)
                    }))
            legend.append(.init(name: name, color: color, shape: .circle))
        }
        chart.legend = legend
        return chart
    }

    /// The charts against the budget (budgets as written, 10 for 10%: targets with different
    /// pools spend different amounts).
    struct BudgetCharts {
        let report: ValidationReport
        let budgets: [Double]
        let axis: String

        init(_ report: ValidationReport) {
            self.report = report
            budgets = report.settings.budgets.writtenValues
            axis = report.settings.budgets.hasPercentages ? "budget (% of each target's pool cost)" : "budget"
        }

        /// Each selector's and baseline's median ratio to evaluating every model.
        func medianRatios() -> SVGChart {
            let selectors = report.selectors
            var ratios = SVGChart(title: "Median ratio to evaluating every model", xLabel: axis, yLabel: "median test-MSE ratio", yScale: .log10)
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
            return ratios
        }

        /// One target's test MSE against the budget, the random subsets' range as a band.
        func target(_ target: ValidationReport.Target) -> SVGChart {
            let fitted = { (score: ValidationReport.Score) in score.failure == nil ? score.testMSE : .nan }
            return chart(
                title: target.name, selectorMSE: report.selectors.indices.map { s in target.budgets.map { fitted($0.selectors[s]) } },
                randomMean: target.budgets.map { $0.random?.meanTestMSE ?? .nan },
                randomLow: target.budgets.map { $0.random?.minTestMSE ?? .nan },
                randomHigh: target.budgets.map { $0.random?.maxTestMSE ?? .nan },
                all: fitted(target.allModels))
        }

        /// The geometric mean over the targets.
        func geometricMean() -> SVGChart {
            let means = report.geometricMeans
            return chart(
                title: "Geometric mean over the targets", selectorMSE: report.selectors.indices.map { s in means.map { $0.testMSE[s] } },
                randomMean: means.map(\.randomTestMSE), randomLow: means.map { _ in .nan }, randomHigh: means.map { _ in .nan },
                all: means.map(\.allModelsTestMSE).first { !$0.isNaN } ?? .nan)
        }

        func chart(title: String, selectorMSE: [[Double]], randomMean: [Double], randomLow: [Double], randomHigh: [Double], all: Double) -> SVGChart {
            var chart = SVGChart(title: title, xLabel: axis, yLabel: "test MSE", yScale: .log10)
            let budgets = budgets.prefix(randomMean.count)
            chart.series.append(
                .band(
                    name: "random subsets (min to max)", points: budgets.indices.map { (x: budgets[$0], low: randomLow[$0], high: randomHigh[$0]) },
                    color: "#bab0ac", opacity: 0.35))
            chart.series.append(
                .line(name: "random subsets (mean)", points: budgets.indices.map { (budgets[$0], randomMean[$0]) }, color: "#9c755f", dashed: true))
            chart.series.append(
                .line(name: "all models", points: [(budgets.min() ?? 0, all), (budgets.max() ?? 1, all)], color: "#222", dashed: true))
            for (s, name) in report.selectors.enumerated() {
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
                report.selectors.enumerated().map { .init(name: $1, color: SVGChart.palette[$0 % SVGChart.palette.count], shape: .circle) }
                + [
                    .init(name: hasBand ? "random (mean; band min–max)" : "random (mean)", color: "#9c755f", dashed: true),
                    .init(name: "all models", color: "#222", dashed: true),
                ]
            return chart
        }
    }
}
