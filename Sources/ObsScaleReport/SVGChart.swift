import Foundation

/// A self-contained SVG chart drawn by the project (no scripts, no external resources): one plot
/// area with labelled x and y axes (linear or log10), "nice" ticks, a legend, and series of
/// points (with hover titles), lines and shaded bands. Non-finite values (and non-positive ones
/// on a log axis) are skipped; a single point gets a padded domain; thousands of points are fine
/// (one element each). Data marks carry `class="mark"`, so a checker can tell an empty chart.
public struct SVGChart {
    public enum Scale { case linear, log10 }
    public enum Shape { case circle, triangle, square, diamond }

    public struct Point {
        public var x: Double
        public var y: Double
        /// Hover text (the SVG `<title>`).
        public var title: String
        public var color: String
        public var shape: Shape
        /// Radius in pixels.
        public var size: Double
        /// Hollow markers (e.g. held-out models).
        public var hollow: Bool

        public init(x: Double, y: Double, title: String, color: String, shape: Shape = .circle, size: Double = 4, hollow: Bool = false) {
            self.x = x
            self.y = y
            self.title = title
            self.color = color
            self.shape = shape
            self.size = size
            self.hollow = hollow
        }
    }

    public enum Series {
        case points([Point])
        /// A polyline through the points in order.
        case line(name: String, points: [(x: Double, y: Double)], color: String, dashed: Bool)
        /// The area between `low` and `high` along x.
        case band(name: String, points: [(x: Double, low: Double, high: Double)], color: String, opacity: Double)
        /// Text beside points already drawn (they do not widen the axes).
        case labels([(x: Double, y: Double, text: String, color: String)])
        /// Vertical whiskers from `low` to `high` at x (intervals of points drawn after them).
        case errorBars([(x: Double, low: Double, high: Double, color: String)])
    }

    public struct LegendEntry {
        public var name: String
        public var color: String
        public var shape: Shape?
        public var hollow: Bool
        /// A line key drawn dashed, as its series.
        public var dashed = false

        public init(name: String, color: String, shape: Shape? = nil, hollow: Bool = false, dashed: Bool = false) {
            self.name = name
            self.color = color
            self.shape = shape
            self.hollow = hollow
            self.dashed = dashed
        }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var xScale: Scale = .linear
    public var yScale: Scale = .linear
    public var width = 720.0
    public var height = 420.0
    public var series: [Series] = []
    public var legend: [LegendEntry] = []
    /// At most this many legend entries are listed ("… and N more" after).
    public var legendLimit = 60

    public init(title: String, xLabel: String, yLabel: String, xScale: Scale = .linear, yScale: Scale = .linear) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.xScale = xScale
        self.yScale = yScale
    }

    /// Ten colours that stay distinguishable (Tableau 10); families beyond ten reuse them.
    /// Twenty distinguishable hues (Tableau 20's order: each dark hue, then its light one), so a
    /// panel of 20 families needs no colour twice; beyond that, charts of families vary the marker
    /// shape too (`SVGChart.familyStyles`).
    public static let palette = [
        "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
        "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
        "#1f4e79", "#b6661a", "#9e2a2b", "#3e8e88", "#2e6b2e",
        "#a88b1a", "#7a4d72", "#d9597a", "#6b4c3b", "#6d6d6d",
    ]

    /// True when the chart has at least one drawable value.
    public var hasData: Bool { !xValues.isEmpty && !yValues.isEmpty }

    var xValues: [Double] {
        series.flatMap { series -> [Double] in
            switch series {
            case let .points(points): return points.filter { usable($0.y, yScale) }.map(\.x)
            case let .line(_, points, _, _): return points.filter { usable($0.y, yScale) }.map(\.x)
            case let .band(_, points, _, _): return points.map(\.x)
            case let .errorBars(bars): return bars.filter { usable($0.low, yScale) && usable($0.high, yScale) }.map(\.x)
            case .labels: return []
            }
        }.filter { usable($0, xScale) }
    }

    var yValues: [Double] {
        series.flatMap { series -> [Double] in
            switch series {
            case let .points(points): return points.filter { usable($0.x, xScale) }.map(\.y)
            case let .line(_, points, _, _): return points.filter { usable($0.x, xScale) }.map(\.y)
            case let .band(_, points, _, _): return points.filter { usable($0.x, xScale) }.flatMap { [$0.low, $0.high] }
            case let .errorBars(bars): return bars.filter { usable($0.x, xScale) }.flatMap { [$0.low, $0.high] }
            case .labels: return []
            }
        }.filter { usable($0, yScale) }
    }

    func usable(_ value: Double, _ scale: Scale) -> Bool { value.isFinite && (scale == .linear || value > 0) }

    /// The SVG element.
    public func render() -> String {
        let legendWidth = legend.isEmpty ? 0.0 : 200.0
        let left = 64.0, right = 16.0 + legendWidth, top = 34.0, bottom = 52.0
        // Tall enough for the legend.
        let height = max(self.height, top + 8 + Double(min(legend.count, legendLimit) + 1) * 15 + 8)
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let xAxis = Axis(values: xValues, scale: xScale), yAxis = Axis(values: yValues, scale: yScale)
        func px(_ x: Double) -> Double { left + xAxis.fraction(x) * plotWidth }
        func py(_ y: Double) -> Double { top + (1 - yAxis.fraction(y)) * plotHeight }
        var svg = "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"\(f(width))\" height=\"\(f(height))\" "
        svg += "viewBox=\"0 0 \(f(width)) \(f(height))\" role=\"img\" aria-label=\"\(escape(title))\">\n"
        svg += "<title>\(escape(title))</title>\n"
        svg += "<text class=\"chart-title\" x=\"\(f(left))\" y=\"20\">\(escape(title))</text>\n"
        // Axes, grid and ticks.
        svg += "<g class=\"axis\">\n"
        for tick in xAxis.ticks {
            let x = px(tick)
            svg += "<line class=\"grid\" x1=\"\(f(x))\" y1=\"\(f(top))\" x2=\"\(f(x))\" y2=\"\(f(top + plotHeight))\"/>"
            svg += "<text class=\"tick\" x=\"\(f(x))\" y=\"\(f(top + plotHeight + 16))\" text-anchor=\"middle\">\(xAxis.label(tick))</text>\n"
        }
        for tick in yAxis.ticks {
            let y = py(tick)
            svg += "<line class=\"grid\" x1=\"\(f(left))\" y1=\"\(f(y))\" x2=\"\(f(left + plotWidth))\" y2=\"\(f(y))\"/>"
            svg += "<text class=\"tick\" x=\"\(f(left - 6))\" y=\"\(f(y + 4))\" text-anchor=\"end\">\(yAxis.label(tick))</text>\n"
        }
        svg += "<rect class=\"frame\" x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(plotWidth))\" height=\"\(f(plotHeight))\"/>\n"
        svg += "<text class=\"axis-label\" x=\"\(f(left + plotWidth / 2))\" y=\"\(f(height - 12))\" text-anchor=\"middle\">\(escape(xLabel))</text>\n"
        svg +=
            "<text class=\"axis-label\" transform=\"translate(16 \(f(top + plotHeight / 2))) rotate(-90)\" "
            + "text-anchor=\"middle\">\(escape(yLabel))</text>\n"
        svg += "</g>\n<g class=\"data\">\n"
        for item in series {
            switch item {
            case let .band(name, points, color, opacity):
                let kept = points.filter { usable($0.x, xScale) && usable($0.low, yScale) && usable($0.high, yScale) }.sorted { $0.x < $1.x }
                guard kept.count >= 2 else { continue }
                let upper = kept.map { "\(f(px($0.x))),\(f(py($0.high)))" }
                let lower = kept.reversed().map { "\(f(px($0.x))),\(f(py($0.low)))" }
                svg +=
                    "<polygon class=\"mark band\" points=\"\((upper + lower).joined(separator: " "))\" fill=\"\(color)\" "
                    + "fill-opacity=\"\(f(opacity))\" stroke=\"none\">"
                svg += "<title>\(escape(name))</title></polygon>\n"
            case let .line(name, points, color, dashed):
                let kept = points.filter { usable($0.x, xScale) && usable($0.y, yScale) }
                guard !kept.isEmpty else { continue }
                if kept.count == 1 {
                    svg +=
                        "<circle class=\"mark\" cx=\"\(f(px(kept[0].x)))\" cy=\"\(f(py(kept[0].y)))\" r=\"3\" "
                        + "fill=\"\(color)\"><title>\(escape(name))</title></circle>\n"
                    continue
                }
                svg += "<polyline class=\"mark line\" points=\"\(kept.map { "\(f(px($0.x))),\(f(py($0.y)))" }.joined(separator: " "))\" "
                svg += "fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\"\(dashed ? " stroke-dasharray=\"6 4\"" : "")>"
                svg += "<title>\(escape(name))</title></polyline>\n"
            case let .points(points):
                for point in points where usable(point.x, xScale) && usable(point.y, yScale) {
                    svg += marker(point, x: px(point.x), y: py(point.y)) + "\n"
                }
            case let .errorBars(bars):
                for bar in bars where usable(bar.x, xScale) && usable(bar.low, yScale) && usable(bar.high, yScale) {
                    let x = f(px(bar.x)), low = f(py(bar.low)), high = f(py(bar.high))
                    svg += "<path class=\"mark whisker\" d=\"M\(x) \(low)V\(high)M\(f(px(bar.x) - 3)) \(low)h6M\(f(px(bar.x) - 3)) \(high)h6\" "
                    svg += "stroke=\"\(bar.color)\" stroke-width=\"1.2\" fill=\"none\"/>\n"
                }
            case let .labels(labels):
                for label in labels where usable(label.x, xScale) && usable(label.y, yScale) {
                    svg +=
                        "<text class=\"point-label\" x=\"\(f(px(label.x) + 6))\" y=\"\(f(py(label.y) - 5))\" "
                        + "fill=\"\(label.color)\">\(escape(label.text))</text>\n"
                }
            }
        }
        svg += "</g>\n"
        if !legend.isEmpty {
            svg += "<g class=\"legend\">\n"
            let x = width - legendWidth + 8
            for (index, entry) in legend.prefix(legendLimit).enumerated() {
                let y = top + 8 + Double(index) * 15
                if let shape = entry.shape {
                    svg += marker(
                        Point(x: 0, y: 0, title: entry.name, color: entry.color, shape: shape, size: 4, hollow: entry.hollow),
                        x: x + 6, y: y - 4, markClass: "legend-key")
                } else {
                    svg +=
                        "<line class=\"legend-key\" x1=\"\(f(x))\" y1=\"\(f(y - 4))\" x2=\"\(f(x + 14))\" y2=\"\(f(y - 4))\" "
                        + "stroke=\"\(entry.color)\" stroke-width=\"3\"\(entry.dashed ? " stroke-dasharray=\"4 3\"" : "")/>"
                }
                svg += "<text class=\"legend-text\" x=\"\(f(x + 20))\" y=\"\(f(y))\">\(escape(String(entry.name.prefix(30))))</text>\n"
            }
            if legend.count > legendLimit {
                let y = top + 8 + Double(legendLimit) * 15
                svg += "<text class=\"legend-text\" x=\"\(f(x))\" y=\"\(f(y))\">… and \(legend.count - legendLimit) more</text>\n"
            }
            svg += "</g>\n"
        }
        return svg + "</svg>"
    }

    func marker(_ point: Point, x: Double, y: Double, markClass: String = "mark") -> String {
        let fill = point.hollow ? "fill=\"white\" stroke=\"\(point.color)\" stroke-width=\"1.6\"" : "fill=\"\(point.color)\" fill-opacity=\"0.85\""
        let title = "<title>\(escape(point.title))</title>"
        let r = point.size
        switch point.shape {
        case .circle:
            return "<circle class=\"\(markClass)\" cx=\"\(f(x))\" cy=\"\(f(y))\" r=\"\(f(r))\" \(fill)>\(title)</circle>"
        case .square:
            return
                "<rect class=\"\(markClass)\" x=\"\(f(x - r))\" y=\"\(f(y - r))\" width=\"\(f(2 * r))\" height=\"\(f(2 * r))\" "
                + "\(fill)>\(title)</rect>"
        case .triangle:
            let points = "\(f(x)),\(f(y - 1.2 * r)) \(f(x - 1.1 * r)),\(f(y + 0.8 * r)) \(f(x + 1.1 * r)),\(f(y + 0.8 * r))"
            return "<polygon class=\"\(markClass)\" points=\"\(points)\" \(fill)>\(title)</polygon>"
        case .diamond:
            let points = "\(f(x)),\(f(y - 1.3 * r)) \(f(x + 1.3 * r)),\(f(y)) \(f(x)),\(f(y + 1.3 * r)) \(f(x - 1.3 * r)),\(f(y))"
            return "<polygon class=\"\(markClass)\" points=\"\(points)\" \(fill)>\(title)</polygon>"
        }
    }

    /// An axis: its domain (padded, never empty) and ticks.
    struct Axis {
        let scale: Scale
        let low: Double
        let high: Double
        let ticks: [Double]
        /// The tick spacing of a linear axis (labels carry as many decimals as it needs).
        var step: Double?

        init(values: [Double], scale: Scale) {
            self.scale = scale
            let transformed = values.map { scale == .log10 ? Foundation.log10($0) : $0 }
            var low = transformed.min() ?? 0, high = transformed.max() ?? 1
            if high - low < 1e-12 {
                let pad = scale == .log10 ? 0.5 : max(abs(low) * 0.1, 0.5)
                low -= pad
                high += pad
            } else {
                let pad = (high - low) * 0.05
                low -= pad
                high += pad
            }
            self.low = low
            self.high = high
            if scale == .log10 {
                let decades = Int(Foundation.floor(low))...Int(Foundation.ceil(high))
                var ticks = decades.map { Foundation.pow(10, Double($0)) }
                if decades.count <= 3 {
                    ticks = decades.flatMap { d in [1.0, 2, 5].map { $0 * Foundation.pow(10, Double(d)) } }
                }
                self.ticks = ticks.filter { Foundation.log10($0) >= low && Foundation.log10($0) <= high }
            } else {
                let step = Self.niceStep((high - low) / 6)
                self.step = step
                let first = Foundation.ceil(low / step) * step
                self.ticks = stride(from: first, through: high, by: step).map { abs($0) < step * 1e-9 ? 0 : $0 }
            }
        }

        /// 1, 2 or 5 × 10^k at or above `raw`.
        static func niceStep(_ raw: Double) -> Double {
            guard raw > 0, raw.isFinite else { return 1 }
            let magnitude = Foundation.pow(10, Foundation.floor(Foundation.log10(raw)))
            for factor in [1.0, 2, 5, 10] where factor * magnitude >= raw { return factor * magnitude }
            return 10 * magnitude
        }

        func fraction(_ value: Double) -> Double {
            let v = scale == .log10 ? Foundation.log10(value) : value
            return (v - low) / (high - low)
        }

        func label(_ value: Double) -> String {
            if scale == .log10 {
                let exponent = Foundation.log10(value)
                if abs(exponent - exponent.rounded()) < 1e-9 && (exponent < -2 || exponent > 4) { return "1e\(Int(exponent.rounded()))" }
            }
            // Enough decimals to tell neighbouring ticks apart (a range of 12.7001…12.7006 is
            // labelled 12.7001, 12.7002, …, not 12.7 six times).
            if let step, step > 0, abs(value) < 1e5 {
                let decimals = max(0, Int(Foundation.ceil(-Foundation.log10(step) - 1e-9)))
                return String(format: "%.\(min(decimals, 12))f", value)
            }
            return Format.significant(value, 3)
        }
    }
}

/// A horizontal bar chart of signed values (e.g. benchmark weights, selection frequencies).
public struct SVGBarChart {
    public var title: String
    public var valueLabel: String
    public var bars: [(label: String, value: Double, color: String, title: String)]
    public var width = 720.0

    public init(title: String, valueLabel: String, bars: [(label: String, value: Double, color: String, title: String)]) {
        self.title = title
        self.valueLabel = valueLabel
        self.bars = bars
    }

    public var hasData: Bool { bars.contains { $0.value.isFinite } }

    public func render() -> String {
        let kept = bars.filter { $0.value.isFinite }
        let left = 190.0, right = 24.0, top = 34.0, rowHeight = 20.0
        let height = top + Double(max(1, kept.count)) * rowHeight + 44
        let plotWidth = width - left - right
        let axis = SVGChart.Axis(values: kept.map(\.value) + [0], scale: .linear)
        func px(_ value: Double) -> Double { left + axis.fraction(value) * plotWidth }
        var svg = "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"\(f(width))\" height=\"\(f(height))\" "
        svg += "viewBox=\"0 0 \(f(width)) \(f(height))\" role=\"img\" aria-label=\"\(escape(title))\">\n<title>\(escape(title))</title>\n"
        svg += "<text class=\"chart-title\" x=\"\(f(left))\" y=\"20\">\(escape(title))</text>\n<g class=\"axis\">\n"
        let bottom = top + Double(max(1, kept.count)) * rowHeight
        for tick in axis.ticks {
            svg += "<line class=\"grid\" x1=\"\(f(px(tick)))\" y1=\"\(f(top))\" x2=\"\(f(px(tick)))\" y2=\"\(f(bottom))\"/>"
            svg += "<text class=\"tick\" x=\"\(f(px(tick)))\" y=\"\(f(bottom + 16))\" text-anchor=\"middle\">\(axis.label(tick))</text>\n"
        }
        svg +=
            "<text class=\"axis-label\" x=\"\(f(left + plotWidth / 2))\" y=\"\(f(bottom + 36))\" "
            + "text-anchor=\"middle\">\(escape(valueLabel))</text>\n</g>\n<g class=\"data\">\n"
        for (index, bar) in kept.enumerated() {
            let y = top + Double(index) * rowHeight
            let x0 = px(0), x1 = px(bar.value)
            svg += "<text class=\"tick\" x=\"\(f(left - 8))\" y=\"\(f(y + 14))\" text-anchor=\"end\">\(escape(String(bar.label.prefix(30))))</text>"
            svg +=
                "<rect class=\"mark\" x=\"\(f(min(x0, x1)))\" y=\"\(f(y + 3))\" width=\"\(f(max(1, abs(x1 - x0))))\" "
                + "height=\"\(f(rowHeight - 6))\" fill=\"\(bar.color)\">"
            svg += "<title>\(escape(bar.title))</title></rect>\n"
        }
        return svg + "</g>\n</svg>"
    }
}

/// A number for an SVG attribute: two decimals, never NaN (callers filter non-finite values).
private func f(_ value: Double) -> String {
    value.isFinite ? String(format: "%.2f", value) : "0"
}

/// Escapes text for HTML/SVG content and attributes.
func escape(_ text: String) -> String {
    var result = ""
    result.reserveCapacity(text.count)
    for character in text {
        switch character {
        case "&": result += "&amp;"
        case "<": result += "&lt;"
        case ">": result += "&gt;"
        case "\"": result += "&quot;"
        default: result.append(character)
        }
    }
    return result
}

extension SVGChart {
    /// A colour and a marker shape per family, in order of first appearance: the 20 colours of
    /// the palette with circles, then again with squares, then triangles — 60 families told apart.
    public static func familyStyles(_ families: [String]) -> [String: (color: String, shape: SVGChart.Shape)] {
        var styles: [String: (color: String, shape: SVGChart.Shape)] = [:]
        let shapes: [SVGChart.Shape] = [.circle, .square, .triangle]
        for family in families where styles[family] == nil {
            let index = styles.count
            styles[family] = (SVGChart.palette[index % SVGChart.palette.count], shapes[(index / SVGChart.palette.count) % shapes.count])
        }
        return styles
    }

    /// A colour per family, in order of first appearance.
    static func familyColors(_ families: [String]) -> [String: String] {
        var colors: [String: String] = [:]
        for family in families where colors[family] == nil {
            colors[family] = SVGChart.palette[colors.count % SVGChart.palette.count]
        }
        return colors
    }

    /// A legend entry per family, by name.
    static func familyLegend(_ colors: [String: String]) -> [SVGChart.LegendEntry] {
        colors.sorted { $0.key < $1.key }.map { SVGChart.LegendEntry(name: $0.key, color: $0.value, shape: .square) }
    }
}
