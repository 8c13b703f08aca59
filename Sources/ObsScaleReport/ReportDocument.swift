import Foundation
import ObsScaleData

/// A report as content: what a command found, in order, as headings, lines, paragraphs, tables,
/// charts and code. Each command's report builds one document (`FitReport.document`,
/// `SelectReport.document`, …); two renderers show any document — `text` for the terminal and
/// `HTMLPage` for a self-contained page — so a sentence is written once and both say it. A new
/// section of a report is one function appending its blocks.
///
/// Charts are drawn on the page only; the text shows the tables they are drawn from. Text that
/// names a setting holds it typed (`SettingText`): each renderer spells it with the naming it is
/// given — Swift names by default, flags from the command line.
public struct ReportDocument {
    /// A chart and the note the page shows in its place when it has nothing to draw.
    public enum Chart {
        case scatter(SVGChart, empty: String)
        case bars(SVGBarChart, empty: String)
    }

    public enum Block {
        /// A section's heading: a blank line and "Heading:" in text, `<h2>` on the page.
        case heading(SettingText)
        /// One line of text (or a few, when it holds line breaks), a paragraph on the page.
        case line(SettingText)
        /// A sentence broken at spaces into lines of at most `width` characters in text, later
        /// lines indented by `hangingIndent` spaces; one paragraph on the page.
        case paragraph(SettingText, width: Int, hangingIndent: Int)
        /// Lines indented by two spaces under the line before them (a list on the page).
        case items([SettingText])
        /// A table; in text indented by `indent` spaces. The page shows its first
        /// `HTMLPage.tableRowLimit` rows and says how many there are.
        case table(TextTable, indent: Int)
        case chart(Chart)
        /// Preformatted text (a formula), as it is.
        case code(String)
        /// A blank line in text; nothing on the page.
        case gap
    }

    /// The first line of the text, the page's title and heading.
    public var title: String
    public private(set) var blocks: [Block] = []

    public init(title: String) { self.title = title }

    public mutating func heading(_ text: SettingText) { blocks.append(.heading(text)) }
    public mutating func line(_ text: SettingText) { blocks.append(.line(text)) }
    /// A sentence wrapped at 100 columns in text (`Format.wrapped`).
    public mutating func paragraph(_ text: SettingText, width: Int = 100, hangingIndent: Int = 0) {
        blocks.append(.paragraph(text, width: width, hangingIndent: hangingIndent))
    }
    public mutating func items(_ lines: [SettingText]) { if !lines.isEmpty { blocks.append(.items(lines)) } }
    public mutating func table(_ table: TextTable, indent: Int = 0) { blocks.append(.table(table, indent: indent)) }
    public mutating func chart(_ chart: SVGChart, empty: String) { blocks.append(.chart(.scatter(chart, empty: empty))) }
    public mutating func chart(_ chart: SVGBarChart, empty: String) { blocks.append(.chart(.bars(chart, empty: empty))) }
    public mutating func code(_ text: String) { blocks.append(.code(text)) }
    public mutating func gap() { blocks.append(.gap) }

    /// The text with settings in Swift terms (`text(naming:)`).
    public var text: String { text(naming: \.description) }

    /// The text renderer: the title, then each block as described at `Block`, every setting
    /// spelled by `name`. O(size of the text).
    public func text(naming name: (Setting) -> String) -> String {
        var text = title.isEmpty ? "" : title + "\n"
        for block in blocks {
            switch block {
            case let .heading(heading): text += "\n\(heading.message(naming: name)):\n"
            case let .line(line): text += line.message(naming: name) + "\n"
            case let .paragraph(sentence, width, hangingIndent):
                let indent = "\n" + String(repeating: " ", count: hangingIndent)
                text += Format.wrapped(sentence.message(naming: name), width: width).replacingOccurrences(of: "\n", with: indent) + "\n"
            case let .items(lines): text += lines.map { "  \($0.message(naming: name))\n" }.joined()
            case let .table(table, indent): text += table.render(indent: String(repeating: " ", count: indent))
            case .chart: break
            case let .code(code): text += code + "\n"
            case .gap: text += "\n"
            }
        }
        return text
    }
}
