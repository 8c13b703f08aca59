import Foundation

/// Reading what a user supplies: a file's bytes with errors that say what is wrong, and text
/// without the blanks around it. Shared by the CSV reader, saved laws, split-run parts and the
/// command line's lists.
public enum TextInput {
    /// The bytes of the file at `path`: `DataError.fileNotFound` when there is none,
    /// `DataError.unreadableFile` for a folder or a file that may not be read.
    public static func contents(ofFile path: String) throws -> Data {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FileManager.default.fileExists(atPath: path)
                ? DataError.unreadableFile(path: path, reason: "permission denied or not a regular file") : DataError.fileNotFound(path: path)
        }
        return data
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
