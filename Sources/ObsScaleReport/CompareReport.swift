import Foundation
import ObsScaleData
import ObsScaleFit
import ObsScaleNumerics

/// `obsscale compare`'s report (`document`): the laws, the gaps to the first target in
/// equivalent FLOPs, the curves, the capability weights and the per-family gaps; the page draws
/// the curves with their bands, the gap panel, the weights as grouped bars and the family gaps.
public enum CompareReport {
    public static func document(_ result: TechniqueComparison.Result, panelDescription: String, splitDescription: String) -> ReportDocument {
        let settings = result.settings
        let reference = settings.law.referenceFamily
        var document = ReportDocument(title: "Targets on one capability space of \(panelDescription)")
        document.line("Split: \(splitDescription); the first target is the baseline")
        document.gap()
        var laws = TextTable(
            header: ["target", "law", "train", "test MSE", "in \(reference)-equivalent FLOPs"], alignments: [.left, .left, .right, .right, .left])
        for (fit, line) in zip(result.fits, result.reference.lines) {
            laws.append([
                fit.law.target, fit.law.formula, "\(fit.trainMetrics.count)", Format.fixed(fit.testMetrics.mse, 5),
                "P = \(Format.significant(line.slope, 4))·log10 C \(line.intercept < 0 ? "−" : "+") \(Format.significant(abs(line.intercept), 4))",
            ])
        }
        document.table(laws)
        document.heading(
            "Gap to \(settings.targets[0]) in \(reference)-equivalent FLOPs "
                + "(onset: first compute where it exceeds \(Format.significant(settings.gapThreshold, 3)))")
        document.table(gapTable(result.reference.gaps, settings: settings, bands: result.bands))
        for chart in curveCharts(result) { document.chart(chart, empty: "No curve.") }
        document.heading("Curves (every \(max(1, (result.log10Grid.count - 1) / 10))th grid point)")
        var curves = TextTable(
            header: ["FLOPs"] + settings.targets.map(short) + result.reference.gaps.map { "\(short($0.later)) − \(short($0.first))" })
        let step = max(1, (result.log10Grid.count - 1) / 10)
        for point in stride(from: 0, to: result.log10Grid.count, by: step) {
            curves.append(
                [Format.significant(pow(10, result.log10Grid[point]), 3)] + result.reference.values.map { Format.fixed($0[point], 3) }
                    + result.reference.gaps.map { Format.fixed($0.values[point], 3) })
        }
        document.table(curves)
        document.heading("Benchmark weights βᵀγ (which capabilities each target leans on)")
        var weights = TextTable(header: ["benchmark"] + settings.targets.map(short))
        for name in result.fits[0].law.benchmarkNames {
            weights.append([name] + result.fits.map { Format.fixed($0.benchmarkWeights[name], 3) })
        }
        document.table(weights)
        document.chart(weightChart(result), empty: "No weights.")
        if settings.byFamily { appendFamilies(result, to: &document) }
        return document
    }

    /// The metric name up to its first comma (the variant after it is shown in the law table).
    static func short(_ target: String) -> String { target.split(separator: ",").first.map(String.init) ?? target }

    static func onset(_ gap: TechniqueComparison.Gap) -> String {
        gap.onsetLog10Flops.map { Format.significant(pow(10, $0), 3) } ?? "never"
    }

    static func gapTable(_ gaps: [TechniqueComparison.Gap], settings: TechniqueComparison, bands: TechniqueComparison.Bands?) -> TextTable {
        var table = TextTable(
            header: ["later target", "onset (×1E21)", "max gap", "at (×1E21)", "steepest rise/decade"]
                + settings.atFlops.map { "gap at \(Format.significant($0, 3))" })
        for (index, gap) in gaps.enumerated() {
            var row = [
                short(gap.later), onset(gap), Format.fixed(gap.maxGap, 3), Format.significant(pow(10, gap.argmaxLog10Flops), 3),
                Format.fixed(gap.maxGrowth, 3),
            ]
            for (point, value) in gap.atFlops.enumerated() {
                var cell = Format.fixed(value, 3)
                if let band = bands?.gapsAtFlops[index][point] { cell += " [\(Format.fixed(band.lower, 3)), \(Format.fixed(band.upper, 3))]" }
                row.append(cell)
            }
            table.append(row)
        }
        return table
    }

    /// Each family's gaps in its own compute, flagged where the onset is earlier or the growth
    /// slower than the reference's; drawn per gap on the page.
    static func appendFamilies(_ result: TechniqueComparison.Result, to document: inout ReportDocument) {
        document.heading(
            "By family (each law re-expressed in the family's own compute; flags against \(result.settings.law.referenceFamily)-equivalent)")
        var table = TextTable(
            header: ["family", "models", "gap", "onset (×1E21)", "max gap", "rise/decade", "observed gap (mean)", "law gap (mean)", "flags"],
            alignments: [.left, .right, .left, .right, .right, .right, .right, .right, .left])
        for family in result.families {
            for (index, gap) in family.curves.gaps.enumerated() {
                let observed = family.observed[index]
                var flags: [String] = []
                if family.earlierOnset[index] { flags.append("earlier onset") }
                if family.slowerGrowth[index] { flags.append("slower growth") }
                table.append([
                    family.family, "\(family.models.count)", "\(short(gap.later)) − \(short(gap.first))", onset(gap), Format.fixed(gap.maxGap, 3),
                    Format.fixed(gap.maxGrowth, 3),
                    observed.isEmpty ? "—" : "\(Format.fixed(Statistics.mean(observed.map(\.observed)), 3)) (\(observed.count))",
                    observed.isEmpty ? "—" : Format.fixed(Statistics.mean(observed.map(\.law)), 3), flags.joined(separator: ", "),
                ])
            }
        }
        document.table(table)
        if !result.excludedFamilies.isEmpty {
            document.line("No line: \(result.excludedFamilies.map { "\($0.family) (\($0.reason))" }.joined(separator: "; "))")
        }
        for index in result.reference.gaps.indices {
            document.chart(familyChart(result, gap: index), empty: "No family has two models with FLOPs.")
        }
    }
}

extension CompareReport {
    /// The predicted curves with their bands, and the gaps to the first target, against
    /// equivalent FLOPs.
    static func curveCharts(_ result: TechniqueComparison.Result) -> [SVGChart] {
        let settings = result.settings
        let flops = result.log10Grid.map { pow(10, $0) }
        let xLabel = "\(settings.law.referenceFamily)-equivalent FLOPs (×1E21)"
        var curves = SVGChart(title: "Predicted curves", xLabel: xLabel, yLabel: "predicted score", xScale: .log10)
        var gaps = SVGChart(title: "Gap to \(short(settings.targets[0]))", xLabel: xLabel, yLabel: "gap", xScale: .log10)
        for (t, target) in settings.targets.enumerated() {
            let color = SVGChart.palette[t % SVGChart.palette.count]
            if let band = result.bands?.curves[t] {
                curves.series.append(
                    .band(name: target, points: zip(flops, band).map { (x: $0, low: $1.lower, high: $1.upper) }, color: color, opacity: 0.2))
            }
            curves.series.append(
                .line(name: target, points: zip(flops, result.reference.values[t]).map { (x: $0, y: $1) }, color: color, dashed: false))
            curves.legend.append(SVGChart.LegendEntry(name: target, color: color))
            if t > 0 {
                let gap = result.reference.gaps[t - 1]
                if let band = result.bands?.gaps[t - 1] {
                    gaps.series.append(
                        .band(name: target, points: zip(flops, band).map { (x: $0, low: $1.lower, high: $1.upper) }, color: color, opacity: 0.2))
                }
                gaps.series.append(.line(name: target, points: zip(flops, gap.values).map { (x: $0, y: $1) }, color: color, dashed: false))
                gaps.legend.append(SVGChart.LegendEntry(name: "\(short(target)) − \(short(gap.first))", color: color))
            }
        }
        gaps.series.append(
            .line(
                name: "threshold", points: [(flops.first ?? 1, settings.gapThreshold), (flops.last ?? 1, settings.gapThreshold)], color: "#999",
                dashed: true))
        return [curves, gaps]
    }

    /// The capability weights per benchmark, grouped by benchmark.
    static func weightChart(_ result: TechniqueComparison.Result) -> SVGBarChart {
        let bars = result.fits[0].law.benchmarkNames.flatMap { name in
            result.fits.enumerated().map { t, fit -> (label: String, value: Double, color: String, title: String) in
                let value = fit.benchmarkWeights[name] ?? .nan
                return (
                    "\(name) · \(short(fit.law.target))", value, SVGChart.palette[t % SVGChart.palette.count],
                    "\(name), \(fit.law.target): \(Format.fixed(value, 3))"
                )
            }
        }
        return SVGBarChart(title: "Capability weights per benchmark, grouped by benchmark", valueLabel: "βᵀγ", bars: bars)
    }

    /// One gap in each family's compute, with the families' observed gaps.
    static func familyChart(_ result: TechniqueComparison.Result, gap index: Int) -> SVGChart {
        let settings = result.settings
        let flops = result.log10Grid.map { pow(10, $0) }
        let reference = result.reference.gaps[index]
        var chart = SVGChart(
            title: "\(short(reference.later)) − \(short(reference.first)) in each family's compute",
            xLabel: "training FLOPs (×1E21)", yLabel: "gap", xScale: .log10)
        let colors = SVGChart.familyColors(result.families.map(\.family))
        for family in result.families {
            let color = colors[family.family] ?? "#888"
            let flagged = family.earlierOnset[index] || family.slowerGrowth[index]
            chart.series.append(
                .line(
                    name: family.family, points: zip(flops, family.curves.gaps[index].values).map { (x: $0, y: $1) }, color: color,
                    dashed: !flagged))
            chart.series.append(
                .points(
                    family.observed[index].compactMap { gap in
                        gap.log10Flops.map {
                            SVGChart.Point(
                                x: pow(10, $0), y: gap.observed,
                                title:
                                    "\(gap.model) (\(family.family)): observed gap \(Format.fixed(gap.observed, 3)), law \(Format.fixed(gap.law, 3))",
                                color: color, size: 3.6)
                        }
                    }))
            chart.legend.append(SVGChart.LegendEntry(name: family.family + (flagged ? " (flagged)" : ""), color: color, shape: .circle))
        }
        chart.series.append(.line(name: "all families", points: zip(flops, reference.values).map { (x: $0, y: $1) }, color: "#222", dashed: false))
        chart.legend.append(SVGChart.LegendEntry(name: "\(settings.law.referenceFamily)-equivalent (all families)", color: "#222"))
        return chart
    }
}
