import Foundation

/// A CSV file read into memory: its header and data rows, each with the line it starts on.
///
/// Parsing (quoting, escaped quotes, delimiters and newlines inside quoted fields) is done on
/// bytes by `CSVScanner`; this type adds what a user needs when the file is wrong: every row must
/// have as many fields as the header (else `DataError.malformedRow` with the line), header names
/// must be unique, and blank lines are skipped.
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
        try TextInput.contents(ofFile: path).withUnsafeBytes { raw in
            try parse(bytes: raw.bindMemory(to: UInt8.self), path: path, delimiter: delimiter)
        }
    }

    /// The delimiters a file may use.
    public static let delimiters: [String] = [",", "\t", ";"]

    /// Parses CSV text (see `read(path:)`); `path` is only used in messages.
    public static func parse(text: String, path: String, delimiter: String? = nil) throws -> CSVTable {
        var bytes = Array(text.utf8)
        return try bytes.withUnsafeMutableBufferPointer { buffer in
            try parse(bytes: UnsafeBufferPointer(buffer), path: path, delimiter: delimiter)
        }
    }

    /// Parses UTF-8 bytes (`CSVScanner`) and checks the table.
    static func parse(bytes: UnsafeBufferPointer<UInt8>, path: String, delimiter: String?) throws -> CSVTable {
        if let delimiter, !delimiters.contains(delimiter) {
            throw DataError.invalidSetting(.formatDelimiter, value: delimiter, allowed: "',', tab ('\\t' or 'tab') or ';'")
        }
        if String(validating: bytes, as: UTF8.self) == nil {
            throw DataError.unreadableFile(path: path, reason: "not valid UTF-8 text")
        }
        let separator = delimiter.flatMap(\.utf8.first) ?? CSVScanner.detectDelimiter(bytes)
        let records: [CSVScanner.Record]
        do {
            records = try CSVScanner.records(bytes, delimiter: separator)
        } catch CSVScanner.Failure.unterminatedQuote(let line) {
            throw DataError.unreadableFile(path: path, reason: "line \(line): unterminated quoted field")
        }
        var header: [String]?
        var rows: [[String]] = []
        var lineNumbers: [Int] = []
        rows.reserveCapacity(records.count)
        lineNumbers.reserveCapacity(records.count)
        for record in records {
            let fields = record.fields
            if fields.count == 1 && TextInput.trimmed(fields[0]).isEmpty { continue }
            guard let columns = header else {
                let names = fields.map(TextInput.trimmed)
                var seen = Set<String>()
                for name in names where !seen.insert(name).inserted {
                    throw DataError.duplicateColumn(path: path, column: name)
                }
                header = names
                continue
            }
            guard fields.count == columns.count else {
                throw DataError.malformedRow(
                    path: path, line: record.line, expectedFields: columns.count,
                    foundFields: fields.count)
            }
            rows.append(fields)
            lineNumbers.append(record.line)
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
        let raw = TextInput.trimmed(rows[row][column])
        if raw.isEmpty { return nil }
        guard let value = Double(raw) else {
            throw DataError.nonNumeric(path: path, line: lineNumbers[row], column: header[column], value: raw)
        }
        guard value.isFinite else {
            throw DataError.nonFinite(path: path, line: lineNumbers[row], column: header[column], value: raw)
        }
        return value
    }

}
