import CSV
import Foundation
import Testing
import _TestSupport

@testable import ObsScaleData

/// The byte scanner against CSV.swift's reader (the parser it replaced, kept as the reference):
/// the same fields on quoted fields, escaped quotes, delimiters and line breaks inside quotes,
/// CRLF, a byte-order mark, empty fields and every delimiter; and the same line numbers in errors.
struct CSVScannerTests {
    static func reference(_ text: String, delimiter: Character) throws -> [[String]] {
        var body = text
        if body.hasPrefix("\u{FEFF}") { body.removeFirst() }
        let reader = try CSVReader(string: body, hasHeaderRow: false, delimiter: delimiter.unicodeScalars.first ?? ",")
        var rows: [[String]] = []
        while let row = reader.next() { rows.append(row) }
        return rows
    }

    static func scanned(_ text: String, delimiter: Character) throws -> [[String]] {
        var bytes = Array(text.utf8)
        return try bytes.withUnsafeMutableBufferPointer { buffer in
            try CSVScanner.records(UnsafeBufferPointer(buffer), delimiter: delimiter.asciiValue ?? 44).map(\.fields)
        }
    }

    static let cases = [
        "a,b,c\n1,2,3\n",
        "a,b,c\r\n1,2,3\r\n",
        "\u{FEFF}Model,\"x, y\",z\nm,\"1\n2\",3\n",
        "a,b\n\"he said \"\"hi\"\"\",2\n",
        "a,b,c\n,,\n1,,3",
        "a;b;c\n1;\"2;3\";4\n",
        "a\tb\n1\t\"x\ty\"\n",
        "name,value\nÄrger,0.5\nnaïve,\"0,7\"\n",
        "a,b\n\n1,2\n",
    ]

    @Test(arguments: cases.indices)
    func sameFieldsAsTheReferenceReader(index: Int) throws {
        let text = Self.cases[index]
        let delimiter: Character = text.contains(";") && !text.contains(",") ? ";" : text.contains("\t") ? "\t" : ","
        #expect(try Self.scanned(text, delimiter: delimiter) == Self.reference(text, delimiter: delimiter), "\(text.debugDescription)")
    }

    @Test func linesAndErrors() throws {
        let table = try CSVTable.parse(text: "a,b\n\"x\ny\",1\n\nz,2\n", path: "t.csv")
        #expect(table.lineNumbers == [2, 5])
        #expect(
            errorMessage { _ = try CSVTable.parse(text: "a,b\n1,2\n\"open,3\n", path: "t.csv") }
                == "t.csv: cannot read file: line 3: unterminated quoted field")
        #expect(errorMessage { _ = try CSVTable.parse(text: "a,b\n1,2,3\n", path: "t.csv") }.contains("t.csv:2"))
        var invalid = Array("a,b\n1,".utf8)
        invalid.append(0xFF)
        let path = TestPaths.temporaryDirectory().appendingPathComponent("bad.csv")
        try Data(invalid).write(to: path)
        #expect(errorMessage { _ = try CSVTable.read(path: path.path) }.contains("bad.csv:2: byte 3 of the line (0xFF) is not UTF-8 text"))
    }

    @Test func detectsTheDelimiterOutsideQuotes() {
        func detect(_ text: String) -> UInt8 {
            var bytes = Array(text.utf8)
            return bytes.withUnsafeMutableBufferPointer { CSVScanner.detectDelimiter(UnsafeBufferPointer($0)) }
        }
        #expect(detect("a;b;c\n1,2;3;4\n") == UInt8(ascii: ";"))
        #expect(detect("\"a;b;c\",d\n") == UInt8(ascii: ","))
        #expect(detect("a\tb\n") == UInt8(ascii: "\t"))
        #expect(detect("single\n") == UInt8(ascii: ","))
        #expect(detect("\n\na;b\n") == UInt8(ascii: ";"))
    }
}

/// What obsscale writes (`CSVText`) reads back as it was, by CSV.swift's reader and by obsscale's
/// own scanner: commas, quotes, line breaks (LF, CR, CRLF), leading and trailing blanks and
/// non-ASCII names; a field is quoted only when it must be, written out by hand.
struct CSVTextTests {
    @Test func writtenFieldsReadBackAsTheyWere() throws {
        let header = ["Model", "note, with comma", "value"]
        let rows = [
            ["plain", "he said \"hi\"", "0.5"],
            ["two\nlines", "cr\rand crlf\r\nend", ""],
            ["  blanks  ", "Ärger naïve", "1e-3"],
        ]
        let text = CSVText.render(header: header, rows: rows)
        #expect(text.hasPrefix("Model,\"note, with comma\",value\nplain,\"he said \"\"hi\"\"\",0.5\n\"two\nlines\","))
        #expect(text.hasSuffix("\n  blanks  ,Ärger naïve,1e-3\n"))
        #expect(try CSVScannerTests.reference(text, delimiter: ",") == [header] + rows)
        #expect(try CSVScannerTests.scanned(text, delimiter: ",") == [header] + rows)
    }
}
