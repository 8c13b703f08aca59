import Foundation

/// Decodes structured values from a fuzzer's byte string. Reading past the end yields zeros, so
/// every input decodes to *something* and short inputs stay meaningful (small sizes, zero values).
/// The encodings are chosen so that single-byte mutations make small, local changes.
public struct ByteReader {
    public let bytes: [UInt8]
    public private(set) var position = 0

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public init(_ data: UnsafePointer<UInt8>?, _ size: Int) {
        bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    }

    public var isAtEnd: Bool { position >= bytes.count }
    public var remaining: Int { max(0, bytes.count - position) }

    public mutating func byte() -> UInt8 {
        guard position < bytes.count else { return 0 }
        defer { position += 1 }
        return bytes[position]
    }

    public mutating func bool() -> Bool { byte() & 1 == 1 }

    /// An integer in `range` (a byte, reduced modulo the range's size; the range must be small).
    public mutating func int(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(byte()) % (range.upperBound - range.lowerBound + 1)
    }

    /// A signed 16-bit integer (little-endian).
    public mutating func int16() -> Int {
        Int(Int16(bitPattern: UInt16(byte()) | UInt16(byte()) << 8))
    }

    /// An optional value: absent when the flag byte is even.
    public mutating func optional<T>(_ make: (inout ByteReader) -> T) -> T? {
        bool() ? make(&self) : nil
    }

    /// Numbers that stress validation and numerics: non-finite values, the 1e15 magnitude limit and
    /// its neighbours, the 1e-15 coefficient limit, subnormals, extreme finite values, signed zero.
    public static let specialDoubles: [Double] = [
        .nan, .infinity, -.infinity, 0, -0.0, 1, -1, 0.5, 1e15, -1e15, 1.0000001e15, -2e15, 1e-300,
        .leastNonzeroMagnitude, 1e-12, 1e12, 3, -7, 2.5, 1e-15, -1e-15, 1e-16, 999_999_999_999_999.9,
        1e7, 1e-7, 1e-6, 1e6, .greatestFiniteMagnitude, -.greatestFiniteMagnitude, 1e300, 0.1, 0.3,
        1 - 1e-13, 1 + 1e-13, 4.5e15, 9_007_199_254_740_994, .ulpOfOne, -.leastNormalMagnitude,
    ]

    /// A double: mostly small integers and simple fractions, sometimes a special value, a scaled
    /// integer, or an arbitrary bit pattern.
    public mutating func double() -> Double {
        switch byte() % 8 {
        case 0, 1, 2: return Double(Int8(bitPattern: byte()))
        case 3: return Double(Int8(bitPattern: byte())) / 16
        case 4, 5: return Self.specialDoubles[Int(byte()) % Self.specialDoubles.count]
        case 6:
            let mantissa = Double(int16())
            let exponent = Int(byte() % 41) - 20
            return mantissa * pow(10, Double(exponent))
        default:
            var bits: UInt64 = 0
            for shift in stride(from: 0, to: 64, by: 8) { bits |= UInt64(byte()) << UInt64(shift) }
            return Double(bitPattern: bits)
        }
    }

    /// A length-prefixed string of raw bytes (decoded as UTF-8 with replacement), at most
    /// `maxLength` bytes.
    public mutating func rawString(maxLength: Int = 24) -> String {
        let length = min(Int(byte()) % (maxLength + 1), remaining)
        let slice = bytes[position..<(position + length)]
        position += length
        return String(decoding: slice, as: UTF8.self)
    }

    /// A string that is usually one of `known` (so names match) and otherwise a variation:
    /// a raw string, a known one with a suffix or prefix, different case, or empty.
    public mutating func name(from known: [String]) -> String {
        let pick = known.isEmpty ? "" : known[Int(byte()) % known.count]
        switch byte() % 8 {
        case 0, 1, 2, 3: return pick
        case 4: return rawString()
        case 5: return pick + rawString(maxLength: 3)
        case 6: return " " + pick.uppercased()
        default: return ""
        }
    }

    /// Up to `maxCount` values.
    public mutating func array<T>(maxCount: Int, _ make: (inout ByteReader) -> T) -> [T] {
        let count = int(in: 0...maxCount)
        var result: [T] = []
        result.reserveCapacity(count)
        for _ in 0..<count { result.append(make(&self)) }
        return result
    }

    /// Everything not read yet.
    public mutating func rest() -> [UInt8] {
        defer { position = bytes.count }
        return position < bytes.count ? Array(bytes[position...]) : []
    }
}

/// Fails the current input (the fuzzer reports it as a crash) when an invariant does not hold.
public func require(
    _ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
    file: StaticString = #fileID, line: UInt = #line
) {
    if !condition() {
        fatalError("fuzz invariant violated: \(message())", file: file, line: line)
    }
}

/// A private scratch directory for files the targets write (one per process): under /dev/shm
/// when it exists (tmpfs: no disk I/O), else the temporary directory. Removed at exit.
public enum ScratchFiles {
    public static let directory: String = {
        let base = FileManager.default.isWritableFile(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        let path = base + "/obsscale-fuzz-\(getpid())"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(atPath: ScratchFiles.directory) }
        return path
    }()

    /// Writes `bytes` to `name` in the scratch directory (replacing it) and returns the path.
    /// Plain open/write/close: `FileManager.createFile` writes atomically with an fsync, which
    /// made file-reading targets I/O-bound (~100 executions/s).
    public static func write(_ bytes: [UInt8], name: String) -> String {
        let path = directory + "/" + name
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        require(descriptor >= 0, "cannot open scratch file \(path)")
        defer { close(descriptor) }
        var written = 0
        bytes.withUnsafeBytes { buffer in
            while written < buffer.count {
                let count = Foundation.write(descriptor, buffer.baseAddress! + written, buffer.count - written)
                if count <= 0 { break }
                written += count
            }
        }
        require(written == bytes.count, "cannot write scratch file \(path)")
        return path
    }
}
