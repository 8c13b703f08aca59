import Foundation
import ObsScaleSelect

/// Text rendering of `obsscale select`: one summary row per budget, then the chosen models.
public enum SelectReport {
    public static func render(_ results: [SelectionResult], problem: SelectionProblem, panelDescription: String,
                              costName: String, criterion: Criterion) -> String {
        let totalCost = problem.units.reduce(0) { $0 + $1.cost }
        var text = "Selection on \(panelDescription)\n"
        text += "Pool: \(problem.poolModels.count) models in \(Set(problem.poolFamilies).count) families; "
        text += "\(problem.units.count) \(problem.units.first.map { $0.name == $0.family ? "family" : "model" } ?? "") units; "
        text += "cost '\(costName)' (pool total \(Format.significant(totalCost, 6))); "
        text += "criterion \(criterion.rawValue.uppercased()) over \(problem.dimension) design columns\n\n"
        var table = TextTable(header: ["budget", "cost", "models", "units", criterion.rawValue.uppercased(), "lower bound", "gap",
                                       "solver", "seconds"])
        for result in results {
            table.append([Format.significant(result.budget, 6), Format.significant(result.totalCost, 6), "\(result.models.count)",
                          "\(result.units.count)", Format.significant(result.value, 8),
                          Format.significant(result.lowerBound, 8), result.gap.map { Format.percent($0) } ?? "—",
                          result.solver + (result.provenOptimal ? " (optimal)" : ""), String(format: "%.3f", result.seconds)])
        }
        text += table.render()
        for result in results {
            text += "\nBudget \(Format.significant(result.budget, 6)): \(Self.list(result.units))\n"
            if result.units != result.models {
                text += "  models (\(result.models.count)): \(Self.list(result.models))\n"
            }
            for note in result.notes { text += "  note: \(note)\n" }
        }
        return text
    }

    /// Up to 40 names, then "… and N more" (the JSON has them all).
    static func list(_ names: [String], limit: Int = 40) -> String {
        guard names.count > limit else { return names.joined(separator: ", ") }
        return names.prefix(limit).joined(separator: ", ") + ", … and \(names.count - limit) more (all in --json)"
    }
}
