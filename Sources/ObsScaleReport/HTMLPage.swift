import Foundation
import ObsScaleData

/// The HTML renderer of a `ReportDocument`: a self-contained page — inline CSS, inline SVG
/// charts, tables; no scripts and no external resources, so it opens anywhere and can be mailed
/// as one file. Hover a point for its model and values (SVG `<title>`).
public struct HTMLPage {
    /// A table on the page shows at most this many rows (the text and the JSON report have all).
    public static let tableRowLimit = 500

    public var title: String
    var body = ""

    /// The page of `document`, every setting spelled by `name` (default: Swift names).
    public init(_ document: ReportDocument, naming name: (Setting) -> String = \.description) {
        title = document.title
        for block in document.blocks { body += Self.html(block, naming: name) }
    }

    /// One block as HTML (see `ReportDocument.Block`).
    static func html(_ block: ReportDocument.Block, naming name: (Setting) -> String) -> String {
        switch block {
        case let .heading(text): return "<h2>\(escape(text.message(naming: name)))</h2>\n"
        case let .line(text), let .paragraph(text, _, _): return "<p>\(escape(text.message(naming: name)))</p>\n"
        case let .items(lines): return "<ul>" + lines.map { "<li>\(escape($0.message(naming: name)))</li>" }.joined() + "</ul>\n"
        case let .table(table, _): return html(table)
        case let .chart(.scatter(chart, empty)): return chart.hasData ? "<figure>\(chart.render())</figure>\n" : note(empty)
        case let .chart(.bars(chart, empty)): return chart.hasData ? "<figure>\(chart.render())</figure>\n" : note(empty)
        case let .code(text): return "<pre>\(escape(text))</pre>\n"
        case .gap: return ""
        }
    }

    static func note(_ text: String) -> String { "<p class=\"note\">\(escape(text))</p>\n" }

    static func html(_ table: TextTable) -> String {
        var html = ""
        if table.rows.count > tableRowLimit {
            html += note("The first \(tableRowLimit) of \(table.rows.count) rows; the text report and the JSON report have them all.")
        }
        html += "<table><thead><tr>" + table.header.map { "<th>\(escape($0))</th>" }.joined() + "</tr></thead><tbody>\n"
        let largest = table.shaded ? max(table.rows.flatMap { $0.compactMap(Double.init) }.map(abs).filter(\.isFinite).max() ?? 1, 1e-300) : 1
        for row in table.rows.prefix(tableRowLimit) {
            html += "<tr>"
            for (cell, alignment) in zip(row, table.alignments) {
                if table.shaded, let value = Double(cell), value.isFinite {
                    let channel = Int((255 * (1 - 0.75 * min(abs(value) / largest, 1))).rounded())
                    let color = value >= 0 ? "rgb(255,\(channel),\(channel))" : "rgb(\(channel),\(channel),255)"
                    html += "<td style=\"background:\(color)\">\(escape(cell))</td>"
                } else {
                    html += alignment == .left ? "<td class=\"text\">\(escape(cell))</td>" : "<td>\(escape(cell))</td>"
                }
            }
            html += "</tr>\n"
        }
        return html + "</tbody></table>\n"
    }

    public func render() -> String {
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>\(escape(title))</title>
        <style>
        body { font: 14px/1.45 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif;
               margin: 24px auto; max-width: 1000px; color: #222; padding: 0 16px; }
        h1 { font-size: 22px; } h2 { font-size: 17px; margin-top: 28px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
        pre { background: #f6f6f6; padding: 8px 10px; overflow-x: auto; font-size: 12.5px; }
        table { border-collapse: collapse; font-size: 12.5px; margin: 8px 0; display: block; max-width: 100%; overflow-x: auto; }
        th, td { border-bottom: 1px solid #e4e4e4; padding: 3px 8px; text-align: right; } th { background: #f2f2f2; }
        td:first-child, th:first-child, td.text { text-align: left; }
        ul { margin: 4px 0; padding-left: 22px; }
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
}
