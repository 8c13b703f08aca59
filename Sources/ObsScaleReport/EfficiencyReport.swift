import Foundation
import ObsScaleData
import ObsScaleFit
import ObsScaleNumerics

/// `obsscale efficiency`'s report (`document`): a line per family in the capability space
/// against compute, the averages and the rankings; the page draws PC-1 (and the next components)
/// against FLOPs, one colour and fitted line per family, the points of families far from the
/// all-family trend labelled.
public enum EfficiencyReport {
    public static func document(_ result: ComputeEfficiency.Result, panelDescription: String) -> ReportDocument {
        let lineCount = result.averageR2.count
        var document = ReportDocument(title: "Compute efficiency of model families in the capability space of \(panelDescription)")
        document.line(
            "Per family: PC-k ≈ slope·log10(FLOPs / 1E21) + intercept over its models with FLOPs "
                + "(slope = capability per decade of compute; * = two models, R² = 1 trivially, left out of the averages)")
        document.gap()
        var table = TextTable(
            header: ["family", "n"] + (0..<lineCount).flatMap { k in ["PC-\(k + 1) slope", "± se", "R²"] } + ["PC-1 intercept"])
        for family in result.families {
            var row = [family.family + (family.twoModels ? " *" : ""), "\(family.models.count)"]
            for line in family.lines {
                row += [
                    Format.fixed(line.slope, 3), line.slopeStandardError.map { Format.fixed($0, 3) } ?? "—",
                    line.r2.map { Format.fixed($0, 3) } ?? "—",
                ]
            }
            row.append(Format.fixed(family.lines.first?.intercept, 3))
            table.append(row)
        }
        document.table(table)
        for k in 0..<lineCount { document.chart(chart(result, component: k), empty: "No family has two models with FLOPs.") }
        document.gap()
        let averages = result.averageR2.enumerated().map { "PC-\($0.offset + 1) \($0.element.map { Format.fixed($0, 3) } ?? "—")" }
        document.line(
            "Average R² over families with ≥ 3 models: \(averages.joined(separator: ", "))"
                + " (\(result.families.filter { $0.models.count >= 3 }.count) families)")
        if !result.excludedFamilies.isEmpty {
            document.line("No line: \(result.excludedFamilies.map { "\($0.family) (\($0.reason))" }.joined(separator: "; "))")
        }
        let threshold = Format.significant(ComputeEfficiency.outlierThreshold, 2)
        for (k, names) in result.outliers.enumerated() where !names.isEmpty {
            document.line("Far from the all-family trend on PC-\(k + 1) (> \(threshold) residual SDs): \(names.joined(separator: ", "))")
        }
        if !result.modelsWithoutFlops.isEmpty {
            document.line("Models without FLOPs (not on any line): \(result.modelsWithoutFlops.count)")
        }
        document.heading("Ranking by PC-1 at a common compute (the family's line), and by PC-1 slope")
        var ranking = TextTable(
            header: ["rank"] + result.settings.rankingFlops.map { "PC-1 at \(Format.flopsPower($0)) FLOPs" } + ["PC-1 per decade"],
            alignments: [.right] + Array(repeating: .left, count: result.settings.rankingFlops.count + 1))
        let byName = Dictionary(uniqueKeysWithValues: result.families.map { ($0.family, $0) })
        for rank in result.families.indices {
            var row = ["\(rank + 1)"]
            for (point, order) in result.rankingsAtFlops.enumerated() {
                let family = order[rank]
                row.append("\(family) \(Format.fixed(byName[family]?.pc1AtRankingFlops[point], 2))")
            }
            let family = result.rankingBySlope[rank]
            row.append("\(family) \(Format.fixed(byName[family]?.lines.first?.slope, 3))")
            ranking.append(row)
        }
        document.table(ranking)
        return document
    }
}

extension EfficiencyReport {
    /// PC-k against log10 FLOPs: one colour and fitted line per family (dashed for two models).
    static func chart(_ result: ComputeEfficiency.Result, component k: Int) -> SVGChart {
        let capabilities = result.capabilities
        let styles = SVGChart.familyStyles(result.families.map(\.family))
        let colors = styles.mapValues(\.color)
        let rowOf = Dictionary(uniqueKeysWithValues: capabilities.models.enumerated().map { ($0.element, $0.offset) })
        var chart = SVGChart(
            title: "PC-\(k + 1) against training compute", xLabel: "training FLOPs (×1E21)", yLabel: "PC-\(k + 1)", xScale: .log10)
        for family in result.families {
            let color = colors[family.family] ?? "#888"
            let rows = family.models.compactMap { rowOf[$0] }
            let flops = family.models.compactMap { name in rowOf[name].flatMap { result.flops[$0] } }
            guard let low = flops.min(), let high = flops.max() else { continue }
            let line = family.lines[k]
            chart.series.append(
                .line(
                    name: family.family, points: [low, high].map { (x: $0, y: line.value(atLog10Flops: log10($0))) }, color: color,
                    dashed: family.twoModels))
            chart.series.append(
                .points(
                    rows.map { row in
                        SVGChart.Point(
                            x: result.flops[row] ?? .nan, y: capabilities.scores[row, k],
                            title: "\(capabilities.models[row]) (\(family.family))\nFLOPs \(Format.significant(result.flops[row]))×1E21, "
                                + "PC-\(k + 1) \(Format.fixed(capabilities.scores[row, k], 3))\n"
                                + "family slope \(Format.fixed(line.slope, 3)) per decade",
                            color: color, shape: styles[family.family]?.shape ?? .circle, size: 3.6)
                    }))
        }
        chart.series.append(
            .labels(
                result.outliers[k].compactMap { name in
                    rowOf[name].map { row in
                        let short = name.split(separator: "/").last.map(String.init) ?? name
                        return (
                            x: result.flops[row] ?? .nan, y: capabilities.scores[row, k], text: short,
                            color: colors[capabilities.families[row]] ?? "#444"
                        )
                    }
                }))
        chart.legend = result.families.map {
            SVGChart.LegendEntry(
                name: $0.family, color: colors[$0.family] ?? "#888", shape: styles[$0.family]?.shape ?? .circle, dashed: $0.twoModels)
        }
        return chart
    }
}
