import Foundation
import ObsScaleData
import ObsScaleEvaluation
import ObsScaleFit
import ObsScaleSelect

/// `obsscale select`'s report (`document`): one summary row per budget, then the chosen models;
/// on the page also the criterion and its certified lower bound against the budget, the chosen
/// units on a PC-1/PC-2 scatter of the pool for each budget (sized by cost), and the selection
/// frequencies under the bootstrap.
public enum SelectReport {
    public static func document(
        _ results: [SelectionResult], problem: SelectionProblem, panelDescription: String,
        costName: String, criterion: Criterion, bootstrap: SelectionBootstrapSummary? = nil, advice: SelectionAdvice.Advice? = nil,
        budgetLabels: [String]? = nil
    ) -> ReportDocument {
        let totalCost = problem.units.reduce(0) { $0 + $1.cost }
        func budget(_ index: Int, _ value: Double) -> String { budgetLabel(index, value, budgetLabels) }
        var document = ReportDocument(title: "Selection on \(panelDescription)")
        let unitKind = problem.units.contains { $0.name != $0.family } ? "model" : "family"
        document.line(
            "Pool: \(problem.poolModels.count) models in \(Set(problem.poolFamilies).count) families; \(problem.units.count) \(unitKind) units; "
                + "cost '\(costName)' (pool total \(Format.significant(totalCost, 6))); \(design(problem, criterion: criterion))")
        if let anchored = anchored(problem) { document.line(SettingText(anchored)) }
        for note in problem.poolNotes { document.line("note: \(SettingText(recorded: note))") }
        if let screen = problem.outliers { appendScreen(screen, to: &document) }
        document.gap()
        var table = TextTable(header: [
            "budget", "cost", "models", "units", criterion.rawValue.uppercased(), "lower bound", "gap",
            "solver", "seconds",
        ])
        for (index, result) in results.enumerated() {
            table.append([
                budget(index, result.budget), Format.significant(result.totalCost, 6), "\(result.models.count)",
                "\(result.units.count)", Format.significant(result.value, 8),
                Format.significant(result.lowerBound, 8), result.gap.map { Format.percent($0) } ?? "—",
                result.solver + (result.provenOptimal ? " (optimal)" : ""), Format.fixed(result.seconds, 3),
            ])
        }
        document.table(table)
        document.chart(valueChart(results, criterion: criterion, costName: costName), empty: valueChartNote(results, criterion: criterion))
        for (index, result) in results.enumerated() {
            document.gap()
            document.line("Budget \(budget(index, result.budget)): \(Self.list(result.units))")
            var lines: [SettingText] = []
            if result.units != result.models { lines.append("models (\(result.models.count)): \(Self.list(result.models))") }
            if costName != "count" && !result.units.isEmpty {
                lines.append("cost (\(costName)): \(Self.list(Self.withCosts(result.units, problem: problem, costName: costName)))")
            }
            lines += result.notes.map { "note: \(SettingText(recorded: $0))" }
            if let screen = problem.outliers, !screen.excluded {
                let outlying = Set(screen.modelNames)
                let chosen = result.models.filter(outlying.contains)
                if !chosen.isEmpty {
                    lines.append("outliers chosen (\(chosen.count) of \(result.models.count) models): \(Self.list(chosen, limit: 10))")
                }
            }
            document.items(lines)
            if index < 9, let chart = capabilityChart(result, problem: problem) { document.chart(chart, empty: "No pool scores.") }
        }
        if let bootstrap { appendBootstrap(bootstrap, criterion: criterion, to: &document) }
        if let advice { appendAdvice(advice, budgetLabels: budgetLabels, to: &document) }
        return document
    }

    /// Budget i as the user wrote it: `10% (27.71)` for a percentage, else the amount.
    static func budgetLabel(_ index: Int, _ value: Double, _ labels: [String]?) -> String {
        guard let labels, index < labels.count, labels[index].hasSuffix("%") else { return Format.significant(value, 6) }
        return "\(labels[index]) (\(Format.significant(value, 4)))"
    }

    /// The outlier screen's summary: how many, the farthest, and what to do about them.
    static func appendScreen(_ screen: OutlierScreen, to document: inout ReportDocument) {
        let share = Format.percent(Double(screen.outliers.count) / Double(max(1, screen.poolSize)))
        let text =
            "Outlier screen: \(screen.outliers.count) of \(screen.poolSize) pool models (\(share)) lie beyond the robust "
            + "\(Format.percent(screen.level)) ellipsoid of the first \(screen.componentCount) PCs (squared Mahalanobis distance on the "
            + "reweighted MCD > χ²(\(screen.componentCount)) quantile \(Format.significant(screen.threshold, 4)))"
        guard !screen.outliers.isEmpty else { return document.paragraph("\(text).") }
        let action: SettingText =
            screen.excluded
            ? "; they left the pool (\(Setting.setupExcludesOutliers))."
            : "; listed, not excluded (\(Setting.setupExcludesOutliers) leaves them out)."
        document.paragraph("\(text)\(action)")
        let farthest = screen.outliers.prefix(5).map { "\($0.model) (\(Format.significant($0.squaredDistance, 3)))" }
        let more: SettingText = screen.outliers.count > 5 ? ", … (all in \(Setting.jsonReportPath))" : ""
        document.items(["farthest: \(farthest.joined(separator: ", "))\(more)"])
    }

    /// Unit names with their cost in parentheses (names alone when every unit costs one model).
    static func withCosts(_ units: [String], problem: SelectionProblem, costName: String) -> [String] {
        guard costName != "count" else { return units }
        let costs = Dictionary(problem.units.map { ($0.name, $0.cost) }, uniquingKeysWith: { first, _ in first })
        return units.map { "\($0) (\(Format.significant(costs[$0], 4)))" }
    }

    /// The expected ratios of `select --advise`.
    static func appendAdvice(_ advice: SelectionAdvice.Advice, budgetLabels: [String]?, to document: inout ReportDocument) {
        document.gap()
        document.paragraph("What to expect: \(adviceIntroduction(advice))")
        document.gap()
        var table = TextTable(header: adviceHeader(advice))
        for row in adviceRows(advice, budgetLabels: budgetLabels) { table.append(row) }
        document.table(table)
        if let verdict = alternativeVerdict(advice, budgetLabels: budgetLabels) { document.paragraph(verdict) }
    }

    /// What the panel says of the alternative to the averaged law: the budgets where it favours
    /// the widest law alone, or that it favours it nowhere; nil when none was validated.
    static func alternativeVerdict(_ advice: SelectionAdvice.Advice, budgetLabels: [String]?) -> SettingText? {
        guard let alternative = advice.alternative else { return nil }
        let flag: SettingText = "\(Setting.pcaComponentCount) \(alternative.componentCount)"
        let margin = Format.percent(alternative.margin)
        guard !alternative.favouredAt.isEmpty else {
            return "The law of K = \(alternative.componentCount) alone (\(flag)) is not \(margin) better than the averaged law at any "
                + "budget on this panel: keep the default."
        }
        let budgets = alternative.favouredAt.map { budgetLabel($0, advice.entries[$0].budget, budgetLabels) }
        return "This panel favours the law of K = \(alternative.componentCount) alone at \(budgets.joined(separator: ", ")) (a median "
            + "ratio at least \(margin) lower): consider \(flag) for fits on this selection."
    }

    static func adviceIntroduction(_ advice: SelectionAdvice.Advice) -> String {
        let dropped = advice.droppedTargetCount == 0 ? "" : " (\(advice.droppedTargetCount) degenerate ones dropped)"
        return "the ratio of a law fitted on each budget's subset to one fitted on every pool model (test MSE; 1 = as good as "
            + "evaluating everything), over \(advice.targetCount) public metrics\(dropped) standing in for your evaluation; test models: "
            + "\(advice.testSet). Median and 90th percentile over the metrics, and the median of random subsets at the same cost."
            + (advice.entries.contains { $0.coverage != nil }
                ? " Intervals: how often the fit's calibrated 95% score intervals contained the test models' values, their mean width "
                    + "and interval score (width + 40·miss; lower is better)." : "")
            + (advice.entries.contains { $0.validatedBudget != $0.budget }
                ? " Validated at: the budget scaled to the pool left after holding out the test models (the same share of its cost)."
                : "")
            + (advice.alternative.map {
                " K = \($0.componentCount) alone: the median ratio of the same validation with the law of \($0.componentCount) components "
                    + "instead of the average over K = 1…\($0.componentCount)."
            } ?? "")
    }

    static func adviceHeader(_ advice: SelectionAdvice.Advice) -> [String] {
        ["budget"] + (rescaled(advice) ? ["validated at"] : []) + ["median ratio"]
            + (advice.alternative.map { ["K = \($0.componentCount) alone"] } ?? []) + [
                "p90 ratio", "within 1.2×", "random (same cost)", "metrics", "failed",
            ]
            + (advice.entries.contains { $0.coverage != nil } ? ["coverage", "width", "int. score"] : [])
    }

    /// Whether some budget was validated at another amount (the pool less the test models).
    static func rescaled(_ advice: SelectionAdvice.Advice) -> Bool { advice.entries.contains { $0.validatedBudget != $0.budget } }

    static func adviceRows(_ advice: SelectionAdvice.Advice, budgetLabels: [String]? = nil) -> [[String]] {
        let intervals = advice.entries.contains { $0.coverage != nil }
        return advice.entries.enumerated().map { index, entry in
            [budgetLabel(index, entry.budget, budgetLabels)] + (rescaled(advice) ? [Format.significant(entry.validatedBudget, 4)] : [])
                + [Format.significant(entry.medianRatio, 3)]
                + (advice.alternative == nil ? [] : [Format.significant(entry.alternativeMedianRatio, 3)]) + [
                    Format.significant(entry.p90Ratio, 3),
                    entry.shareWithin1_2.isNaN ? "—" : Format.percent(entry.shareWithin1_2), Format.significant(entry.randomMedianRatio, 3),
                    "\(entry.targets)", "\(entry.failures)",
                ]
                + (intervals
                    ? [
                        entry.coverage.map { Format.percent($0) } ?? "—", Format.fixed(entry.meanWidth, 3), Format.fixed(entry.intervalScore, 3),
                    ] : [])
        }
    }

    /// The design in a phrase: "criterion V over 3 design columns, for the 71 models past the
    /// pool's cut".
    static func design(_ problem: SelectionProblem, criterion: Criterion) -> String {
        let rows = criterion == .v ? problem.targetDescription.map { ", for \($0)" } ?? "" : ""
        return "criterion \(criterion.rawValue.uppercased()) over \(problem.dimension) design columns\(rows)"
    }

    /// The models the anchor forced in, as a sentence; nil without.
    static func anchored(_ problem: SelectionProblem) -> String? {
        guard !problem.anchoredModels.isEmpty else { return nil }
        return "Always selected, for their place in the pool (--anchor): \(problem.anchoredModels.joined(separator: ", "))"
    }

    /// The stability table of a selection bootstrap, the most frequent units per budget, and
    /// their frequencies as bars on the page.
    static func appendBootstrap(_ bootstrap: SelectionBootstrapSummary, criterion: Criterion, to document: inout ReportDocument) {
        let settings = bootstrap.settings
        let level = Format.percent(settings.level)
        document.gap()
        let reasons = bootstrap.failures.sorted { $0.key < $1.key }.map { "\($0.value)× \($0.key)" }.joined(separator: "; ")
        let failed: SettingText =
            bootstrap.failures.isEmpty
            ? "" : "; \(settings.replicateCount - bootstrap.replicatesSucceeded) failed: \(SettingText(recorded: reasons))"
        let method = bootstrap.replicateMethod.rawValue
        document.line(
            "Bootstrap of the selection: \(settings.replicateCount) replicates resampling pool \(settings.resampling.rawValue) "
                + "(imputation, PCA and L refitted; every model selectable; each selected with \(method)), seed \(settings.seed)\(failed)")
        let name = criterion.rawValue.uppercased()
        var table = TextTable(header: [
            "budget", "same subset", "mean Jaccard", "\(name) \(level) interval", "regret median", "regret \(level) upper",
        ])
        for budget in bootstrap.budgets {
            table.append([
                Format.significant(budget.budget, 6), Format.percent(budget.sameSubset), Format.fixed(budget.meanJaccard, 3),
                "[\(Format.significant(budget.value.lower, 5)), \(Format.significant(budget.value.upper, 5))]",
                Format.percent(max(0, budget.regret.median)), Format.percent(max(0, budget.regret.upper)),
            ])
        }
        document.table(table)
        document.line("Selection frequency (* = chosen on the full data):")
        document.items(
            bootstrap.budgets.map { budget in
                let shown = budget.frequencies.filter { $0.chosen || $0.fraction >= 0.1 }.prefix(20)
                let units = shown.map { "\($0.unit)\($0.chosen ? "*" : "") \(Format.percent($0.fraction))" }.joined(separator: ", ")
                return "\(Format.significant(budget.budget, 6)): \(units)"
            })
        for budget in bootstrap.budgets.prefix(9) {
            let bars = budget.frequencies.prefix(20).map { item in
                (
                    label: item.unit, value: item.fraction, color: item.chosen ? "#e15759" : "#bab0ac",
                    title: "\(item.unit): chosen in \(Format.percent(item.fraction)) of replicates"
                        + (item.chosen ? " (chosen on the full data)" : "")
                )
            }
            document.chart(
                SVGBarChart(
                    title: "Budget \(Format.significant(budget.budget, 6)): selection frequency (red: chosen on the full data)",
                    valueLabel: "fraction of bootstrap replicates", bars: Array(bars)),
                empty: "No replicate succeeded.")
        }
    }

    /// Up to 40 names, then "… and N more" (the JSON has them all).
    static func list(_ names: [String], limit: Int = 40) -> SettingText {
        guard names.count > limit else { return SettingText(names.joined(separator: ", ")) }
        return "\(names.prefix(limit).joined(separator: ", ")), … and \(names.count - limit) more (all in \(Setting.jsonReportPath))"
    }
}

extension SelectReport {
    /// The criterion of the chosen subset and its certified lower bound against the budget.
    static func valueChart(_ results: [SelectionResult], criterion: Criterion, costName: String) -> SVGChart {
        let name = criterion.rawValue.uppercased()
        var values = SVGChart(
            title: "\(name) and its certified lower bound against the budget", xLabel: "budget (\(costName))",
            // D = −log det G is negative for a well-spread subset: only V and A are drawn on a log axis.
            yLabel: "\(name) (lower is better)", yScale: criterion == .d ? .linear : .log10)
        guard results.count > 1 else { return values }  // one budget: no curve (`valueChartNote`)
        values.series = [
            .line(name: "\(name) of the chosen subset", points: results.map { ($0.budget, $0.value) }, color: "#4e79a7", dashed: false),
            .line(
                name: "certified lower bound", points: results.compactMap { r in r.lowerBound.map { (r.budget, $0) } }, color: "#e15759", dashed: true
            ),
            .points(
                results.map { r in
                    SVGChart.Point(
                        x: r.budget, y: r.value,
                        title: "budget \(Format.significant(r.budget, 6)): \(name) \(Format.significant(r.value, 6)), "
                            + "gap \(r.gap.map { Format.percent($0) } ?? "—")\n\(r.units.joined(separator: ", "))",
                        color: "#4e79a7")
                }),
        ]
        values.legend = [.init(name: "chosen subset", color: "#4e79a7"), .init(name: "lower bound", color: "#e15759")]
        return values
    }

    /// What the page says in place of the value chart.
    static func valueChartNote(_ results: [SelectionResult], criterion: Criterion) -> String {
        guard results.count == 1, let only = results.first, only.value.isFinite else { return "No feasible subset at any budget." }
        return "Budget \(Format.significant(only.budget, 6)): \(criterion.rawValue.uppercased()) \(Format.significant(only.value, 6)), "
            + "certified lower bound \(Format.significant(only.lowerBound, 6)), gap \(only.gap.map { Format.percent($0) } ?? "—") "
            + "(one budget: no curve to draw)."
    }

    /// The chosen units on a PC-1/PC-2 scatter of the pool (points sized by cost); nil when the
    /// design has fewer than two score columns.
    static func capabilityChart(_ result: SelectionResult, problem: SelectionProblem) -> SVGChart? {
        // Pool scores: the design columns after the intercept, if any.
        let offset = problem.dimension > 1 && (0..<problem.design.rowCount).allSatisfy({ problem.design[$0, 0] == 1 }) ? 1 : 0
        guard problem.dimension - offset >= 2 else { return nil }
        let unitOfModel = Dictionary(
            problem.units.enumerated().flatMap { unit, item in item.models.map { ($0, unit) } }, uniquingKeysWith: { a, _ in a })
        let costs = problem.units.map { $0.cost / Double(max(1, $0.models.count)) }
        let maxCost = costs.filter(\.isFinite).max() ?? 1
        let chosen = Set(result.units)
        var chart = SVGChart(
            title: "Budget \(Format.significant(result.budget, 6)): \(result.models.count) models chosen", xLabel: "PC-1", yLabel: "PC-2")
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
                        title: "\(problem.poolModels[row]) (\(problem.poolFamilies[row]))\(isChosen ? ", chosen" : "")\n"
                            + "cost \(Format.significant(costs[unit]))",
                        color: isChosen ? "#e15759" : "#bab0ac", size: size, hollow: !isChosen)
                })
        ]
        chart.legend = [
            .init(name: "chosen", color: "#e15759", shape: .circle),
            .init(name: "not chosen", color: "#bab0ac", shape: .circle, hollow: true),
        ]
        return chart
    }
}
