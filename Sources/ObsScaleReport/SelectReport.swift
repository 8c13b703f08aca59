import Foundation
import ObsScaleData
import ObsScaleEvaluation
import ObsScaleFit
import ObsScaleSelect

/// Text rendering of `obsscale select`: one summary row per budget, then the chosen models.
public enum SelectReport {
    public static func render(
        _ results: [SelectionResult], problem: SelectionProblem, panelDescription: String,
        costName: String, criterion: Criterion, bootstrap: SelectionBootstrapSummary? = nil, advice: SelectionAdvice.Advice? = nil,
        budgetLabels: [String]? = nil
    ) -> String {
        let totalCost = problem.units.reduce(0) { $0 + $1.cost }
        func budget(_ index: Int, _ value: Double) -> String { budgetLabel(index, value, budgetLabels) }
        var text = "Selection on \(panelDescription)\n"
        text += "Pool: \(problem.poolModels.count) models in \(Set(problem.poolFamilies).count) families; "
        text += "\(problem.units.count) \(problem.units.contains { $0.name != $0.family } ? "model" : "family") units; "
        text += "cost '\(costName)' (pool total \(Format.significant(totalCost, 6))); "
        text += "criterion \(criterion.rawValue.uppercased()) over \(problem.dimension) design columns\n"
        for note in problem.poolNotes { text += "note: \(note)\n" }
        if let screen = problem.outliers { text += render(screen) }
        text += "\n"
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
        text += table.render()
        for (index, result) in results.enumerated() {
            text += "\nBudget \(budget(index, result.budget)): \(Self.list(result.units))\n"
            if result.units != result.models {
                text += "  models (\(result.models.count)): \(Self.list(result.models))\n"
            }
            if costName != "count" && !result.units.isEmpty {
                text += "  cost (\(costName)): \(Self.list(Self.withCosts(result.units, problem: problem, costName: costName)))\n"
            }
            for note in result.notes { text += "  note: \(note)\n" }
            if let screen = problem.outliers, !screen.excluded {
                let outlying = Set(screen.modelNames)
                let chosen = result.models.filter(outlying.contains)
                if !chosen.isEmpty {
                    text += "  outliers chosen (\(chosen.count) of \(result.models.count) models): \(Self.list(chosen, limit: 10))\n"
                }
            }
        }
        if let bootstrap { text += render(bootstrap, criterion: criterion) }
        if let advice { text += "\n" + render(advice, budgetLabels: budgetLabels) }
        return text
    }

    /// Budget i as the user wrote it: `10% (27.71)` for a percentage, else the amount.
    static func budgetLabel(_ index: Int, _ value: Double, _ labels: [String]?) -> String {
        guard let labels, index < labels.count, labels[index].hasSuffix("%") else { return Format.significant(value, 6) }
        return "\(labels[index]) (\(Format.significant(value, 4)))"
    }

    /// The outlier screen's summary: how many, the farthest, and what to do about them.
    static func render(_ screen: OutlierScreen) -> String {
        let share = Format.percent(Double(screen.outliers.count) / Double(max(1, screen.poolSize)))
        var text =
            "Outlier screen: \(screen.outliers.count) of \(screen.poolSize) pool models (\(share)) lie beyond the robust "
            + "\(Format.percent(screen.level)) ellipsoid of the first \(screen.componentCount) PCs (squared Mahalanobis distance on the "
            + "reweighted MCD > χ²(\(screen.componentCount)) quantile \(Format.significant(screen.threshold, 4)))"
        if screen.outliers.isEmpty { return Format.wrapped(text + ".") + "\n" }
        text +=
            screen.excluded
            ? "; they left the pool (\(Setting.setupExcludesOutliers))."
            : "; listed, not excluded (\(Setting.setupExcludesOutliers) leaves them out)."
        let farthest = screen.outliers.prefix(5).map { "\($0.model) (\(Format.significant($0.squaredDistance, 3)))" }
        return Format.wrapped(text) + "\n  farthest: " + farthest.joined(separator: ", ")
            + (screen.outliers.count > 5 ? ", … (all in \(Setting.jsonReportPath))" : "") + "\n"
    }

    /// Unit names with their cost in parentheses (names alone when every unit costs one model).
    static func withCosts(_ units: [String], problem: SelectionProblem, costName: String) -> [String] {
        guard costName != "count" else { return units }
        let costs = Dictionary(problem.units.map { ($0.name, $0.cost) }, uniquingKeysWith: { first, _ in first })
        return units.map { "\($0) (\(Format.significant(costs[$0], 4)))" }
    }

    /// The expected ratios of `select --advise`.
    static func render(_ advice: SelectionAdvice.Advice, budgetLabels: [String]? = nil) -> String {
        let text = Format.wrapped("What to expect: " + adviceIntroduction(advice)) + "\n\n"
        var table = TextTable(header: adviceHeader(advice))
        for row in adviceRows(advice, budgetLabels: budgetLabels) { table.append(row) }
        return text + table.render()
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
    }

    static func adviceHeader(_ advice: SelectionAdvice.Advice) -> [String] {
        ["budget"] + (rescaled(advice) ? ["validated at"] : []) + [
            "median ratio", "p90 ratio", "within 1.2×", "random (same cost)", "metrics", "failed",
        ]
            + (advice.entries.contains { $0.coverage != nil } ? ["coverage", "width", "int. score"] : [])
    }

    /// Whether some budget was validated at another amount (the pool less the test models).
    static func rescaled(_ advice: SelectionAdvice.Advice) -> Bool { advice.entries.contains { $0.validatedBudget != $0.budget } }

    static func adviceRows(_ advice: SelectionAdvice.Advice, budgetLabels: [String]? = nil) -> [[String]] {
        let intervals = advice.entries.contains { $0.coverage != nil }
        return advice.entries.enumerated().map { index, entry in
            [budgetLabel(index, entry.budget, budgetLabels)] + (rescaled(advice) ? [Format.significant(entry.validatedBudget, 4)] : []) + [
                Format.significant(entry.medianRatio, 3), Format.significant(entry.p90Ratio, 3),
                entry.shareWithin1_2.isNaN ? "—" : Format.percent(entry.shareWithin1_2), Format.significant(entry.randomMedianRatio, 3),
                "\(entry.targets)", "\(entry.failures)",
            ]
                + (intervals
                    ? [
                        entry.coverage.map { Format.percent($0) } ?? "—", Format.fixed(entry.meanWidth, 3), Format.fixed(entry.intervalScore, 3),
                    ] : [])
        }
    }

    /// The stability table of a selection bootstrap and the most frequent units per budget.
    static func render(_ bootstrap: SelectionBootstrapSummary, criterion: Criterion) -> String {
        let settings = bootstrap.settings
        let level = Format.percent(settings.level)
        var text = "\nBootstrap of the selection: \(settings.replicateCount) replicates resampling pool \(settings.resampling.rawValue) "
        text +=
            "(imputation, PCA and L refitted; every model selectable; each selected with \(bootstrap.replicateMethod.rawValue)), seed \(settings.seed)"
        text +=
            bootstrap.failures.isEmpty
            ? "\n"
            : "; \(settings.replicateCount - bootstrap.replicatesSucceeded) failed: "
                + bootstrap.failures.sorted { $0.key < $1.key }.map { "\($0.value)× \($0.key)" }.joined(separator: "; ") + "\n"
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
        text += table.render()
        text += "Selection frequency (* = chosen on the full data):\n"
        for budget in bootstrap.budgets {
            let shown = budget.frequencies.filter { $0.chosen || $0.fraction >= 0.1 }.prefix(20)
            text +=
                "  \(Format.significant(budget.budget, 6)): "
                + shown.map { "\($0.unit)\($0.chosen ? "*" : "") \(Format.percent($0.fraction))" }.joined(separator: ", ") + "\n"
        }
        return text
    }

    /// Up to 40 names, then "… and N more" (the JSON has them all).
    static func list(_ names: [String], limit: Int = 40) -> String {
        guard names.count > limit else { return names.joined(separator: ", ") }
        return names.prefix(limit).joined(separator: ", ") + ", … and \(names.count - limit) more (all in \(Setting.jsonReportPath))"
    }
}
