import Foundation

/// What obsscale writes as CSV (`simulate`'s panels, `select --plan`): standard quoting (RFC 4180:
/// a field with a comma, a quote or a line break in double quotes, a quote doubled), one row a
/// line, a final line break. O(characters).
public enum CSVText {
    public static func render(header: [String], rows: [[String]]) -> String {
        ([header] + rows).map { $0.map(field).joined(separator: ",") }.joined(separator: "\n") + "\n"
    }

    /// One field, quoted when it holds a comma, a quote or a line break.
    static func field(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
