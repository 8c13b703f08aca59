import Foundation
import ObsScaleData

/// A self-contained HTML report: inline CSS, inline SVG charts, tables; no scripts and
/// no external resources, so it opens anywhere and can be mailed as one file. Hover a point for
/// its model and values (SVG `<title>`).
public struct HTMLPage {
    public var title: String
    var body = ""

    public init(title: String) { self.title = title }

    public mutating func heading(_ text: String) { body += "<h2>\(escape(text))</h2>\n" }
    public mutating func paragraph(_ text: String) { body += "<p>\(escape(text))</p>\n" }
    public mutating func preformatted(_ text: String) { body += "<pre>\(escape(text))</pre>\n" }

    /// Adds a chart, or a note when it has nothing to draw.
    public mutating func chart(_ chart: SVGChart, empty: String) {
        body += chart.hasData ? "<figure>\(chart.render())</figure>\n" : "<p class=\"note\">\(escape(empty))</p>\n"
    }

    public mutating func chart(_ chart: SVGBarChart, empty: String) {
        body += chart.hasData ? "<figure>\(chart.render())</figure>\n" : "<p class=\"note\">\(escape(empty))</p>\n"
    }

    public mutating func table(header: [String], rows: [[String]]) {
        body += "<table><thead><tr>" + header.map { "<th>\(escape($0))</th>" }.joined() + "</tr></thead><tbody>\n"
        for row in rows { body += "<tr>" + row.map { "<td>\(escape($0))</td>" }.joined() + "</tr>\n" }
        body += "</tbody></table>\n"
    }

    public func render() -> String {
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>\(escape(title))</title>
        <style>
        body { font: 14px/1.45 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 24px auto; max-width: 1000px; color: #222; padding: 0 16px; }
        h1 { font-size: 22px; } h2 { font-size: 17px; margin-top: 28px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
        pre { background: #f6f6f6; padding: 8px 10px; overflow-x: auto; font-size: 12.5px; }
        table { border-collapse: collapse; font-size: 12.5px; margin: 8px 0; }
        th, td { border-bottom: 1px solid #e4e4e4; padding: 3px 8px; text-align: right; } th { background: #f2f2f2; }
        td:first-child, th:first-child { text-align: left; }
        figure { margin: 10px 0; } .note { color: #777; font-style: italic; }
        svg.chart { font-size: 11px; background: white; }
        svg .chart-title { font-size: 14px; font-weight: 600; } svg .axis-label { font-size: 12px; }
        svg .grid { stroke: #eee; } svg .frame { fill: none; stroke: #999; } svg .tick { fill: #444; }
        svg .legend-text { fill: #333; }
        footer { margin-top: 32px; color: #888; font-size: 12px; }
        </style></head><body>
        <h1>\(escape(title))</h1>
        \(body)<footer>obsscale \(ObsScaleVersion.current) · self-contained report: no scripts, no external resources</footer>
        </body></html>

        """
    }

    /// The page's bytes (UTF-8), for `OutputFiles.write`.
    public var data: Data { Data(render().utf8) }

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
}
