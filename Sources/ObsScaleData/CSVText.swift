internal import CSV
import Foundation

/// What obsscale writes as CSV (`simulate`'s panels, `select --plan`): standard quoting (a field
/// with a comma, a quote or a line break in double quotes, a quote doubled), written by CSV.swift's
/// writer, one row a line, a final line break. O(characters).
public enum CSVText {
    public static func render(header: [String], rows: [[String]]) throws -> String {
        let writer = try CSVWriter(stream: .toMemory())
        try writer.write(row: header)
        for row in rows { try writer.write(row: row) }
        writer.stream.close()
        guard let data = writer.stream.property(forKey: .dataWrittenToMemoryStreamKey) as? Data,
            let text = String(data: data, encoding: .utf8)
        else {
            throw DataError.unreadableFile(path: "(memory)", reason: "CSV writer produced no text")
        }
        return text + "\n"
    }
}
