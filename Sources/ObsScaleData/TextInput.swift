import Foundation

/// Reading what a user supplies: a file's bytes with errors that say what is wrong, and text
/// without the blanks around it. Shared by the CSV reader, saved laws, split-run parts and the
/// command line's lists.
public enum TextInput {
    /// Largest input read (a FIFO that never ends is refused when it passes this).
    public static let largestInput = 4 << 30

    /// The bytes of the file at `path`: `DataError.fileNotFound` when there is none,
    /// `DataError.unreadableFile` for a folder, a device (`/dev/zero` never ends), a file that may
    /// not be read, or more than 4 GiB. A FIFO (a shell's `<(…)`) is read to its end.
    public static func contents(ofFile path: String) throws -> Data {
        var status = stat()
        guard stat(path, &status) == 0 else {
            throw errno == ENOENT || errno == ENOTDIR
                ? DataError.fileNotFound(path: path) : DataError.unreadableFile(path: path, reason: String(cString: strerror(errno)))
        }
        switch status.st_mode & S_IFMT {
        case S_IFREG, S_IFIFO: break
        case S_IFDIR: throw DataError.unreadableFile(path: path, reason: "it is a folder; give a file")
        default: throw DataError.unreadableFile(path: path, reason: "not a regular file (a device or a socket)")
        }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw DataError.unreadableFile(path: path, reason: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        var data = Data()
        if status.st_mode & S_IFMT == S_IFREG { data.reserveCapacity(Int(status.st_size)) }
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw DataError.unreadableFile(path: path, reason: String(cString: strerror(errno)))
            }
            if count == 0 { return data }
            data.append(buffer, count: count)
            guard data.count <= largestInput else { throw DataError.unreadableFile(path: path, reason: "larger than 4 GiB") }
        }
    }

    /// `text` without leading and trailing blanks — tabs and Unicode space separators, the set
    /// Foundation's `.whitespaces` trims — without loading Foundation's character sets (whose
    /// first use costs more than reading a small file). Cells that start and end with a visible
    /// ASCII character, the usual case, are returned as they are after two byte checks.
    public static func trimmed(_ text: String) -> String {
        guard let head = text.utf8.first, let tail = text.utf8.last else { return "" }
        return visibleASCII(head) && visibleASCII(tail) ? text : trimmed(Substring(text))
    }

    /// `trimmed` of a part of a string (a list item on the command line).
    public static func trimmed(_ text: Substring) -> String {
        func isBlank(_ scalar: Unicode.Scalar) -> Bool { scalar == "\t" || scalar.properties.generalCategory == .spaceSeparator }
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !isBlank($0) }), let last = scalars.lastIndex(where: { !isBlank($0) }) else { return "" }
        return String(scalars[first...last])
    }

    static func visibleASCII(_ byte: UInt8) -> Bool { byte < 0x80 && byte != 0x20 && byte != 0x09 }
}

extension TextInput {
    /// Where the first invalid UTF-8 sequence of `bytes` starts: its byte offset, 1-based line
    /// (line breaks as `CSVScanner` counts them: LF, CRLF or a lone CR) and 1-based byte within
    /// that line; nil when the bytes are valid UTF-8. Overlong forms, surrogates and code points
    /// above U+10FFFF are invalid (RFC 3629). O(bytes).
    static func firstInvalidUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> (offset: Int, line: Int, byteInLine: Int)? {
        var index = 0
        var line = 1
        var lineStart = 0
        let end = bytes.count
        while index < end {
            let lead = bytes[index]
            if lead < 0x80 {
                if lead == 0x0A || (lead == 0x0D && !(index + 1 < end && bytes[index + 1] == 0x0A)) {
                    line += 1
                    lineStart = index + 1
                }
                index += 1
                continue
            }
            // The allowed range of the second byte depends on the lead byte (RFC 3629, table 3-7).
            let length: Int
            var secondLow: UInt8 = 0x80
            var secondHigh: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0:
                length = 3
                secondLow = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED:
                length = 3
                secondHigh = 0x9F
            case 0xF0:
                length = 4
                secondLow = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4:
                length = 4
                secondHigh = 0x8F
            default: return (index, line, index - lineStart + 1)
            }
            guard index + length <= end, (secondLow...secondHigh).contains(bytes[index + 1]) else {
                return (index, line, index - lineStart + 1)
            }
            for next in (index + 2)..<(index + length) where !(0x80...0xBF).contains(bytes[next]) {
                return (index, line, index - lineStart + 1)
            }
            index += length
        }
        return nil
    }
}
