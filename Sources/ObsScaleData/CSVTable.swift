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
    /// The field delimiter the file was read with (`,`, tab or `;`).
    public let delimiter: String

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
        if String(validating: bytes, as: UTF8.self) == nil, let invalid = TextInput.firstInvalidUTF8(bytes) {
            throw DataError.notUTF8(path: path, line: invalid.line, byteInLine: invalid.byteInLine, byte: bytes[invalid.offset])
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
        return CSVTable(
            path: path, header: columns, rows: rows, lineNumbers: lineNumbers, delimiter: String(decoding: [separator], as: UTF8.self))
    }

    /// The index of a required column, or `DataError.missingColumn` with close names.
    public func columnIndex(_ name: String) throws -> Int {
        if let index = header.firstIndex(of: name) { return index }
        throw DataError.missingColumn(path: path, column: name, suggestions: Suggestions.closeMatches(to: name, in: header))
    }

    /// What cell (row, column) holds (`Cell.parse`; decimal commas in a semicolon-separated file).
    public func cell(row: Int, column: Int) -> Cell {
        Cell.parse(rows[row][column], decimalComma: delimiter == ";")
    }

    /// Cell (row, column) as an optional number: nil when missing (`Cell.missing` or a marker);
    /// `DataError.nonNumeric` for text, `DataError.nonFinite` for ±∞.
    public func number(row: Int, column: Int) throws -> Double? {
        switch cell(row: row, column: column) {
        case .missing, .marker: return nil
        case let .number(value): return value
        case let .nonFinite(raw): throw DataError.nonFinite(path: path, line: lineNumbers[row], column: header[column], value: raw)
        case let .text(raw): throw DataError.nonNumeric(path: path, line: lineNumbers[row], column: header[column], value: raw)
        }
    }
}

/// One cell of a user's file, read as a number.
///
/// Numbers are decimal only: an optional sign, digits with one decimal separator, an optional
/// exponent (`-0.5`, `.5`, `5.`, `8.4e22`). Anything else is text — hexadecimal (`0x54`, which
/// the C library would read as 84), `84\0e30` (the C library stops at the NUL and reads 84),
/// thousands separators, units. The decimal separator is a point, or also a comma in a
/// semicolon-separated file (`0,45`, as spreadsheets in many locales write it).
public enum Cell: Equatable, Sendable {
    /// Empty or blank.
    case missing
    /// A missing-value marker (`markers`, any letter case), kept as written for notes.
    case marker(String)
    /// A finite number.
    case number(Double)
    /// `inf`, `-Infinity` or a number too large for a Double (`1e400`), as written.
    case nonFinite(String)
    /// Anything else, as written (trimmed).
    case text(String)

    /// The spellings read as a missing value besides an empty cell, compared in lower case: what
    /// pandas, R and spreadsheets write (`NaN`, `nan`, `NA`, `N/A`, `-`, `None`).
    public static let markers: Set<String> = ["nan", "na", "n/a", "-", "none"]

    /// Reads `raw` (blanks around it are ignored). O(length).
    public static func parse(_ raw: String, decimalComma: Bool = false) -> Cell {
        let text = TextInput.trimmed(raw)
        guard !text.isEmpty else { return .missing }
        if let value = decimal(text, decimalComma: decimalComma) {
            return value.isFinite ? .number(value) : .nonFinite(text)
        }
        let lower = text.lowercased()
        if markers.contains(lower) { return .marker(text) }
        if ["inf", "+inf", "-inf", "infinity", "+infinity", "-infinity"].contains(lower) { return .nonFinite(text) }
        return .text(text)
    }

    /// The value of a decimal number (see the type's grammar), nil for anything else.
    static func decimal(_ text: String, decimalComma: Bool) -> Double? {
        var digits = 0
        var separator: Int?
        var exponent: Int?
        var exponentDigits = 0
        var index = 0
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                if exponent == nil { digits += 1 } else { exponentDigits += 1 }
            case UInt8(ascii: "+"), UInt8(ascii: "-"):
                // A sign only leads the number or its exponent.
                guard index == 0 || (exponent.map { $0 == index - 1 } ?? false) else { return nil }
            case UInt8(ascii: "."), UInt8(ascii: ","):
                guard byte == UInt8(ascii: ".") || decimalComma, separator == nil, exponent == nil else { return nil }
                separator = index
            case UInt8(ascii: "e"), UInt8(ascii: "E"):
                guard exponent == nil, digits > 0 else { return nil }
                exponent = index
            default:
                return nil
            }
            index += 1
        }
        guard digits > 0, exponent == nil || exponentDigits > 0 else { return nil }
        guard let separator, text.utf8[text.utf8.index(text.utf8.startIndex, offsetBy: separator)] == UInt8(ascii: ",") else {
            return Double(text)
        }
        return Double(text.replacingOccurrences(of: ",", with: "."))
    }
}
