import Foundation

/// A plain-text table with a header, right-aligned numbers and left-aligned text.
public struct TextTable {
    public enum Alignment { case left, right }
    public var header: [String]
    public var alignments: [Alignment]
    public var rows: [[String]] = []
    /// On the page, numeric cells shaded by value — red for positive, blue for negative, the
    /// intensity |value| / max |value| (a heatmap, e.g. the PCA loadings); no effect on the text.
    public var shaded = false

    public init(header: [String], alignments: [Alignment]? = nil) {
        self.header = header
        self.alignments = alignments ?? header.indices.map { $0 == 0 ? .left : .right }
    }

    /// Adds a row; control characters in its cells (a line break or escape sequence in a
    /// model's name) are escaped (`TerminalText`), so every row is one line.
    public mutating func append(_ row: [String]) {
        precondition(row.count == header.count, "row width differs from header")
        rows.append(row.map { TerminalText.escaped($0, keepingLayout: false) })
    }

    /// The table as lines; columns separated by two spaces, a rule under the header.
    public func render(indent: String = "") -> String {
        let widths = header.indices.map { column in
            ([header[column]] + rows.map { $0[column] }).map(\.count).max() ?? 0
        }
        func line(_ cells: [String]) -> String {
            let padded = cells.enumerated().map { column, cell -> String in
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                return alignments[column] == .left ? cell + padding : padding + cell
            }
            // Trailing blanks dropped (a byte scan; a regular expression per line cost more than the table).
            var line = indent + padded.joined(separator: "  ")
            while let last = line.last, last == " " || last == "\t" { line.removeLast() }
            return line
        }
        let rule = indent + widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")
        return ([line(header), rule] + rows.map(line)).joined(separator: "\n") + "\n"
    }
}

/// Number formatting shared by the reports.
public enum Format {
    /// Fixed decimals, "—" for nil/NaN.
    public static func fixed(_ value: Double?, _ digits: Int = 4) -> String {
        guard let value, !value.isNaN else { return "—" }
        return String(format: "%.\(digits)f", value)
    }

    /// Four significant digits, "—" for nil/NaN.
    public static func significant(_ value: Double?, _ digits: Int = 4) -> String {
        guard let value, !value.isNaN else { return "—" }
        return String(format: "%.\(digits)g", value)
    }

    /// FLOPs given ×1E21 as a power of ten when they are one ("1E22"), else "X×1E21".
    public static func flopsPower(_ flopsTimes1E21: Double) -> String {
        let exponent = log10(flopsTimes1E21)
        return exponent == exponent.rounded() ? "1E\(21 + Int(exponent))" : "\(significant(flopsTimes1E21, 3))×1E21"
    }

    /// A share as a percentage with one decimal ("—" for NaN).
    public static func percent(_ value: Double) -> String { value.isNaN ? "—" : String(format: "%.1f%%", 100 * value) }

    /// Text broken at spaces into lines of at most `width` characters (a longer word keeps its line).
    public static func wrapped(_ text: String, width: Int = 100) -> String {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            if !line.isEmpty && line.count + 1 + word.count > width {
                lines.append(line)
                line = ""
            }
            line += (line.isEmpty ? "" : " ") + word
        }
        if !line.isEmpty { lines.append(line) }
        return lines.joined(separator: "\n")
    }
}
