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
