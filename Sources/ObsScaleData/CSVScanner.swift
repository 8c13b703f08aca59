/// A UTF-8 byte scanner for RFC 4180 files: fields split on one delimiter byte, records on LF or
/// CRLF (a lone CR too), fields in double quotes may hold delimiters, line breaks and escaped
/// quotes (`""`). It reads bytes, never `Character`s (grapheme breaking is what made a
/// character reader slow), and makes one `String` per field.
///
/// Differences from a strict reader, kept from the reader it replaced: a quote inside an unquoted
/// field is an ordinary character, and text after a closing quote (before the delimiter) is
/// appended to the field. Cost: O(bytes).
enum CSVScanner {
    struct Record {
        var fields: [String]
        /// 1-based line the record starts on.
        var line: Int
    }

    enum Failure: Error {
        /// A quoted field that never closes; the line it opens on.
        case unterminatedQuote(line: Int)
    }

    static let quote = UInt8(ascii: "\"")
    static let newline = UInt8(ascii: "\n")
    static let carriageReturn = UInt8(ascii: "\r")

    /// The records of `bytes` (a leading UTF-8 byte-order mark is skipped).
    static func records(_ bytes: UnsafeBufferPointer<UInt8>, delimiter: UInt8) throws -> [Record] {
        var records: [Record] = []
        var fields: [String] = []
        var field: [UInt8] = []
        field.reserveCapacity(64)
        var index = bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0
        var line = 1
        var recordLine = 1
        let end = bytes.count
        func finishField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
        }
        func finishRecord() {
            finishField()
            records.append(Record(fields: fields, line: recordLine))
            fields = []
        }
        var atFieldStart = true
        while index < end {
            let byte = bytes[index]
            if atFieldStart && byte == quote {
                // A quoted field: up to the closing quote; "" is one quote.
                let openLine = line
                index += 1
                var closed = false
                while index < end {
                    let inner = bytes[index]
                    if inner == quote {
                        if index + 1 < end && bytes[index + 1] == quote {
                            field.append(quote)
                            index += 2
                            continue
                        }
                        index += 1
                        closed = true
                        break
                    }
                    if inner == newline || (inner == carriageReturn && !(index + 1 < end && bytes[index + 1] == newline)) { line += 1 }
                    field.append(inner)
                    index += 1
                }
                guard closed else { throw Failure.unterminatedQuote(line: openLine) }
                atFieldStart = false
                continue
            }
            atFieldStart = false
            if byte == delimiter {
                finishField()
                atFieldStart = true
                index += 1
            } else if byte == newline || byte == carriageReturn {
                finishRecord()
                index += byte == carriageReturn && index + 1 < end && bytes[index + 1] == newline ? 2 : 1
                line += 1
                recordLine = line
                atFieldStart = true
            } else {
                field.append(byte)
                index += 1
            }
        }
        // The last record, unless the file ended with a line break.
        if !fields.isEmpty || !field.isEmpty || !atFieldStart { finishRecord() }
        return records
    }

    /// The most frequent of comma, tab and semicolon outside quotes on the first non-blank line
    /// (comma on a tie or when there is none).
    static func detectDelimiter(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt8 {
        let candidates: [UInt8] = [UInt8(ascii: ","), UInt8(ascii: "\t"), UInt8(ascii: ";")]
        var counts = [0, 0, 0]
        var inside = false
        var seenContent = false
        for byte in bytes {
            if (byte == newline || byte == carriageReturn) && !inside {
                if seenContent { break }
                continue
            }
            if byte == quote { inside.toggle() }
            if byte != UInt8(ascii: " ") { seenContent = true }
            if !inside, let position = candidates.firstIndex(of: byte) { counts[position] += 1 }
        }
        var best = 0
        for position in 1..<3 where counts[position] > counts[best] { best = position }
        return counts[best] > 0 ? candidates[best] : candidates[0]
    }
}
