import ObsScaleData
import ObsScaleSelect

/// `select --plan FILE`: the models to evaluate, one CSV row per budget and chosen model —
/// `budget` (as written, e.g. `10%`), `model`, `family` and `cost` (the model's own, in the
/// selection's cost unit, as recorded) — budgets in the order given, models in the pool's order.
/// `fit --train @FILE --train-budget 10%` reads it back (`ModelList`) and fits on exactly those
/// models once their results are in. O(budgets × pool models).
public enum SelectionPlan {
    public static let header = ["budget", "model", "family", "cost"]

    /// - Parameters:
    ///   - budgetLabels: one label per result, as the user wrote the budget.
    ///   - cost: the selection's cost kind (each model's cost is read from the panel).
    public static func csv(_ results: [SelectionResult], budgetLabels: [String], panel: Panel, cost: CostKind) throws -> String {
        let costs = try cost.values(for: panel)
        let rowOfModel = Dictionary(panel.models.indices.map { (panel.models[$0].name, $0) }, uniquingKeysWith: { first, _ in first })
        var rows: [[String]] = []
        for (result, label) in zip(results, budgetLabels) {
            for name in result.models {
                let row = rowOfModel[name]
                rows.append([
                    label, name, row.map { panel.models[$0].family } ?? "", row.map { Format.significant(costs[$0], 6) } ?? "",
                ])
            }
        }
        return CSVText.render(header: header, rows: rows)
    }
}
