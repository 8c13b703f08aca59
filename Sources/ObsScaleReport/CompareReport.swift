import Foundation
import ObsScaleData
import ObsScaleFit
import ObsScaleNumerics

/// Text and HTML of `obsscale compare`.
public enum CompareReport {
    public static func render(_ result: TechniqueComparison.Result, panelDescription: String, splitDescription: String) -> String {
        let settings = result.settings
        let reference = settings.law.referenceFamily
        var text = "Targets on one capability space of \(panelDescription)\n"
        text += "Split: \(splitDescription); the first target is the baseline\n\n"
        var laws = TextTable(
            header: ["target", "law", "train", "test MSE", "in \(reference)-equivalent FLOPs"], alignments: [.left, .left, .right, .right, .left])
        for (fit, line) in zip(result.fits, result.reference.lines) {
            laws.append([
                fit.law.target, fit.law.formula, "\(fit.trainMetrics.count)", Format.fixed(fit.testMetrics.mse, 5),
                "P = \(Format.significant(line.slope, 4))·log10 C \(line.intercept < 0 ? "−" : "+") \(Format.significant(abs(line.intercept), 4))",
            ])
        }
        text += laws.render()
        text +=
            "\nGap to \(settings.targets[0]) in \(reference)-equivalent FLOPs (onset: first compute where it exceeds \(Format.significant(settings.gapThreshold, 3))):\n"
        text += gapTable(result.reference.gaps, settings: settings, bands: result.bands).render()
        text += "\nCurves (every \(max(1, (result.log10Grid.count - 1) / 10))th grid point):\n"
        var curves = TextTable(
            header: ["FLOPs"] + settings.targets.map(short) + result.reference.gaps.map { "\(short($0.later)) − \(short($0.first))" })
        let step = max(1, (result.log10Grid.count - 1) / 10)
        for point in stride(from: 0, to: result.log10Grid.count, by: step) {
            curves.append(
                [Format.significant(pow(10, result.log10Grid[point]), 3)] + result.reference.values.map { Format.fixed($0[point], 3) }
                    + result.reference.gaps.map { Format.fixed($0.values[point], 3) })
        }
        text += curves.render()
        text += "\nBenchmark weights βᵀγ (which capabilities each target leans on):\n"
        var weights = TextTable(header: ["benchmark"] + settings.targets.map(short))
        for name in result.fits[0].law.benchmarkNames {
            weights.append([name] + result.fits.map { Format.fixed($0.benchmarkWeights[name], 3) })
        }
        text += weights.render()
        if settings.byFamily { text += familySection(result) }
        return text
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

    static func familySection(_ result: TechniqueComparison.Result) -> String {
        var text =
            "\nBy family (each law re-expressed in the family's own compute; flags against \(result.settings.law.referenceFamily)-equivalent):\n"
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
        text += table.render()
        if !result.excludedFamilies.isEmpty {
            text += "No line: " + result.excludedFamilies.map { "\($0.family) (\($0.reason))" }.joined(separator: "; ") + "\n"
        }
        return text
    }
}

extension HTMLPage {
    /// `obsscale compare --html`: the curves with their bands against equivalent FLOPs, the gap
    /// panel, the benchmark weights as grouped bars, and the per-family gaps.
    public static func compare(_ result: TechniqueComparison.Result, panelDescription: String, splitDescription: String) -> HTMLPage {
        let settings = result.settings
        var page = HTMLPage(title: "Targets compared: " + settings.targets.map(CompareReport.short).joined(separator: " vs "))
        page.paragraph("\(panelDescription). Split: \(splitDescription).")
        let flops = result.log10Grid.map { pow(10, $0) }
        let xLabel = "\(settings.law.referenceFamily)-equivalent FLOPs (×1E21)"
        var curves = SVGChart(title: "Predicted curves", xLabel: xLabel, yLabel: "predicted score", xScale: .log10)
        var gaps = SVGChart(title: "Gap to \(CompareReport.short(settings.targets[0]))", xLabel: xLabel, yLabel: "gap", xScale: .log10)
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
                gaps.legend.append(SVGChart.LegendEntry(name: "\(CompareReport.short(target)) − \(CompareReport.short(gap.first))", color: color))
            }
        }
        gaps.series.append(
            .line(
                name: "threshold", points: [(flops.first ?? 1, settings.gapThreshold), (flops.last ?? 1, settings.gapThreshold)], color: "#999",
                dashed: true))
        page.chart(curves, empty: "No curve.")
        page.chart(gaps, empty: "No gap.")
        page.preformatted(CompareReport.gapTable(result.reference.gaps, settings: settings, bands: result.bands).render())
        page.heading("Benchmark weights βᵀγ")
        let names = result.fits[0].law.benchmarkNames
        let bars = names.flatMap { name in
            result.fits.enumerated().map { t, fit -> (label: String, value: Double, color: String, title: String) in
                let value = fit.benchmarkWeights[name] ?? .nan
                return (
                    "\(name) · \(CompareReport.short(fit.law.target))", value, SVGChart.palette[t % SVGChart.palette.count],
                    "\(name), \(fit.law.target): \(Format.fixed(value, 3))"
                )
            }
        }
        page.chart(SVGBarChart(title: "Capability weights per benchmark, grouped by benchmark", valueLabel: "βᵀγ", bars: bars), empty: "No weights.")
        if settings.byFamily {
            page.heading("By family")
            for (index, reference) in result.reference.gaps.enumerated() {
                var chart = SVGChart(
                    title: "\(CompareReport.short(reference.later)) − \(CompareReport.short(reference.first)) in each family's compute",
                    xLabel: "training FLOPs (×1E21)", yLabel: "gap", xScale: .log10)
                let colors = familyColors(result.families.map(\.family))
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
                chart.series.append(
                    .line(name: "all families", points: zip(flops, reference.values).map { (x: $0, y: $1) }, color: "#222", dashed: false))
                chart.legend.append(SVGChart.LegendEntry(name: "\(settings.law.referenceFamily)-equivalent (all families)", color: "#222"))
                page.chart(chart, empty: "No family has two models with FLOPs.")
            }
        }
        page.heading("Report")
        page.preformatted(CompareReport.render(result, panelDescription: panelDescription, splitDescription: splitDescription))
        return page
    }
}
