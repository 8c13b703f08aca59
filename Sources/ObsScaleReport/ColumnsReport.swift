import Foundation
import ObsScaleData
import ObsScaleFit

/// Text rendering of `obsscale columns`.
public enum ColumnsReport {
    public static func render(_ summary: PanelSummary, panelDescription: String) -> String {
        var text = "Columns of \(panelDescription)\n"
        text += "Models: \(summary.models) in \(summary.families) families; FLOPs known for \(summary.withFlops)"
        if summary.withDerivedFlops > 0 { text += " (\(summary.withDerivedFlops) derived as 6·N·D)" }
        text += ", model size for \(summary.withSize), tokens for \(summary.withTokens)\n"
        for (kind, title) in [
            (ColumnSummary.Kind.benchmark, "Benchmarks (capabilities by default; \(Setting.panelBenchmarks) picks others)"),
            (.metric, "Other numeric columns (targets: \(Setting.scalingLawTarget) NAME)"),
        ] {
            let columns = summary.columns.filter { $0.kind == kind }
            text += "\n\(title): \(columns.count)\n"
            guard !columns.isEmpty else { continue }
            var table = TextTable(header: ["column", "models", "min", "max", "note"], alignments: [.left, .right, .right, .right, .left])
            for column in columns {
                table.append([
                    column.name, "\(column.models)", Format.significant(column.minimum, 3), Format.significant(column.maximum, 3),
                    column.looksLikePercent ? "percent" : (column.maximum ?? 0) > 100 ? "unbounded" : "",
                ])
            }
            text += table.render()
            // Below the table, not in it: the command line rewrites setting names after rendering.
            if columns.contains(where: \.looksLikePercent) {
                text +=
                    "percent: as a target, read it with \(Setting.formatScoreScale) percent or fit it with \(Setting.scalingLawTargetRange) 0,100\n"
            }
            if columns.contains(where: { !$0.looksLikePercent && ($0.maximum ?? 0) > 100 }) {
                text += "unbounded: as a target, fit with \(Setting.scalingLawTargetRange) LOW,HIGH\n"
            }
        }
        if !summary.textColumns.isEmpty {
            text += "\nText columns (ignored; a benchmark, target or cost must hold numbers): \(summary.textColumns.count)\n"
            text += Format.wrapped(summary.textColumns.map { "'\($0)'" }.joined(separator: ", ")) + "\n"
        }
        return text
    }
}
