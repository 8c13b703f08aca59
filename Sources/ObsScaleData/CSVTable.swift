import CSV
import Foundation

/// A CSV file read into memory: its header and data rows, each with the line it starts on.
///
/// Parsing (quoting, escaped quotes, commas and newlines inside quoted fields) is done by the
/// maintained CSV.swift package; this type adds what a user needs when the file is wrong: every
/// row must have as many fields as the header (else `DataError.malformedRow` with the line),
/// header names must be unique, and blank lines are skipped.
public struct CSVTable: Sendable {
    /// The file the table was read from (for messages).
    public let path: String
    /// Column names, in file order.
    public let header: [String]
    /// Data rows; every row has `header.count` fields.
    public let rows: [[String]]
    /// The 1-based line number each data row starts on.
    public let lineNumbers: [Int]

    /// Reads and checks a CSV file. Throws `DataError` for a missing, unreadable, empty or
    /// malformed file.
    /// - Parameter delimiter: ",", "\t" or ";" (nil: detected from the header line).
    public static func read(path: String, delimiter: String? = nil) throws -> CSVTable {
        guard FileManager.default.fileExists(atPath: path) else { throw DataError.fileNotFound(path: path) }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DataError.unreadableFile(path: path, reason: "permission denied or not a regular file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw DataError.unreadableFile(path: path, reason: "not valid UTF-8 text")
        }
        return try parse(text: text, path: path, delimiter: delimiter)
    }

    /// The delimiters a file may use.
    public static let delimiters: [String] = [",", "\t", ";"]

    /// The most frequent of comma, tab and semicolon outside quotes on the first non-blank line
    /// (comma on a tie or when there is none).
    static func detectDelimiter(_ text: Substring) -> Character {
        var counts: [Character: Int] = [",": 0, "\t": 0, ";": 0]
        var inside = false
        var seenContent = false
        for character in text {
            if character == "\n" || character == "\r\n" || character == "\r" {
                if seenContent && !inside { break }
                continue
            }
            if character == "\"" { inside.toggle() }
            if !character.isWhitespace || character == "\t" { seenContent = true }
            if !inside, counts[character] != nil { counts[character, default: 0] += 1 }
        }
        let best = counts.max { $0.value < $1.value || ($0.value == $1.value && $0.key != ",") }
        return (best?.value ?? 0) > 0 ? (best?.key ?? ",") : ","
    }

    /// Parses CSV text (see `read(path:)`); `path` is only used in messages.
    public static func parse(text: String, path: String, delimiter: String? = nil) throws -> CSVTable {
        var body = text
        if body.hasPrefix("\u{FEFF}") { body.removeFirst() }
        if let delimiter, !delimiters.contains(delimiter) {
            throw DataError.invalidSetting(.formatDelimiter, value: delimiter, allowed: "',', tab ('\\t' or 'tab') or ';'")
        }
        let separator = delimiter.flatMap(\.unicodeScalars.first) ?? detectDelimiter(body[...]).unicodeScalars.first ?? ","
        if body.filter({ $0 == "\"" }).count % 2 != 0 {
            let line = unterminatedQuoteLine(body)
            throw DataError.unreadableFile(path: path, reason: "line \(line): unterminated quoted field")
        }
        let reader: CSVReader
        do {
            reader = try CSVReader(string: body, hasHeaderRow: false, delimiter: separator)
        } catch {
            throw DataError.unreadableFile(path: path, reason: "\(error)")
        }
        var line = 1
        var header: [String]?
        var rows: [[String]] = []
        var lineNumbers: [Int] = []
        while let fields = reader.next() {
            let rowLine = line
            line += 1 + fields.reduce(0) { $0 + $1.reduce(0) { $0 + ($1 == "\n" || $1 == "\r\n" ? 1 : 0) } }
            if fields.count == 1 && fields[0].trimmingCharacters(in: .whitespaces).isEmpty { continue }
            guard let columns = header else {
                let names = fields.map { $0.trimmingCharacters(in: .whitespaces) }
                var seen = Set<String>()
                for name in names where !seen.insert(name).inserted {
                    throw DataError.duplicateColumn(path: path, column: name)
                }
                header = names
                continue
            }
            guard fields.count == columns.count else {
                throw DataError.malformedRow(
                    path: path, line: rowLine, expectedFields: columns.count,
                    foundFields: fields.count)
            }
            rows.append(fields)
            lineNumbers.append(rowLine)
        }
        if let error = reader.error {
            throw DataError.unreadableFile(path: path, reason: "\(error)")
        }
        guard let columns = header else { throw DataError.emptyFile(path: path) }
        guard !rows.isEmpty else { throw DataError.noDataRows(path: path) }
        return CSVTable(path: path, header: columns, rows: rows, lineNumbers: lineNumbers)
    }

    /// The index of a required column, or `DataError.missingColumn` with close names.
    public func columnIndex(_ name: String) throws -> Int {
        if let index = header.firstIndex(of: name) { return index }
        throw DataError.missingColumn(path: path, column: name, suggestions: Suggestions.closeMatches(to: name, in: header))
    }

    /// Parses cell (row, column) as an optional number: empty (or NA/NaN-free blank) is `nil`;
    /// anything else must be a finite decimal number.
    public func number(row: Int, column: Int) throws -> Double? {
        let raw = rows[row][column].trimmingCharacters(in: .whitespaces)
        if raw.isEmpty { return nil }
        guard let value = Double(raw) else {
            throw DataError.nonNumeric(path: path, line: lineNumbers[row], column: header[column], value: raw)
        }
        guard value.isFinite else {
            throw DataError.nonFinite(path: path, line: lineNumbers[row], column: header[column], value: raw)
        }
        return value
    }

    /// The line on which the quote that is never closed opens.
    private static func unterminatedQuoteLine(_ text: String) -> Int {
        var line = 1, openLine = 1, inside = false
        for character in text {
            if character == "\"" {
                inside.toggle()
                if inside { openLine = line }
            } else if character == "\n" || character == "\r\n" {
                line += 1
            }
        }
        return openLine
    }
}
