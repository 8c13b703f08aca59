import Foundation
import ObsScaleData
import ObsScaleFit

/// `obsscale columns`' report (`document`): what a panel holds and how each column would be read.
public enum ColumnsReport {
    public static func document(_ summary: PanelSummary, panelDescription: String) -> ReportDocument {
        var document = ReportDocument(title: "Columns of \(panelDescription)")
        document.line(
            "Models: \(summary.models) in \(summary.families) families; FLOPs known for \(summary.withFlops)"
                + (summary.withDerivedFlops > 0 ? " (\(summary.withDerivedFlops) derived as 6·N·D)" : "")
                + ", model size for \(summary.withSize), tokens for \(summary.withTokens)")
        let sections: [(ColumnSummary.Kind, SettingText)] = [
            (ColumnSummary.Kind.benchmark, "Benchmarks (capabilities by default; \(Setting.panelBenchmarks) picks others)"),
            (.metric, "Other numeric columns (targets: \(Setting.scalingLawTarget) NAME)"),
        ]
        for (kind, title) in sections {
            let columns = summary.columns.filter { $0.kind == kind }
            document.gap()
            document.line("\(title): \(columns.count)")
            guard !columns.isEmpty else { continue }
            var table = TextTable(header: ["column", "models", "min", "max", "note"], alignments: [.left, .right, .right, .right, .left])
            for column in columns {
                table.append([
                    column.name, "\(column.models)", Format.significant(column.minimum, 3), Format.significant(column.maximum, 3),
                    column.looksLikePercent ? "percent" : (column.maximum ?? 0) > 100 ? "unbounded" : "",
                ])
            }
            document.table(table)
            if columns.contains(where: \.looksLikePercent) {
                document.line(
                    "percent: as a target, read it with \(Setting.formatScoreScale) percent or fit it with \(Setting.scalingLawTargetRange) 0,100")
            }
            if columns.contains(where: { !$0.looksLikePercent && ($0.maximum ?? 0) > 100 }) {
                document.line("unbounded: as a target, fit with \(Setting.scalingLawTargetRange) LOW,HIGH")
            }
        }
        if !summary.textColumns.isEmpty {
            document.gap()
            document.line("Text columns (ignored; a benchmark, target or cost must hold numbers): \(summary.textColumns.count)")
            document.paragraph(SettingText(summary.textColumns.map { "'\($0)'" }.joined(separator: ", ")))
        }
        return document
    }
}
