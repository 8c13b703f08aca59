import Foundation
import ObsScaleData

extension DataFetch {
    /// SHA-256 (FIPS 180-4, §6.2), written out so `obsscale data fetch` can verify downloads without
    /// a crypto dependency (CryptoKit does not exist on Linux). Streaming: `update` any number of
    /// times, then `finalize` once. Tested against the FIPS/NIST vectors ("", "abc", the 448-bit
    /// two-block message, one million "a") and against Python's `hashlib` (Tests/ObsScaleDataTests).
    ///
    /// Not constant-time and not meant for secrets: it checks the integrity of public files.
    /// O(n) time in the message length, O(1) memory beyond one 64-byte block.
    public struct SHA256: Sendable {
        /// The eight working words, initialised to the first 32 bits of the fractional parts of the
        /// square roots of the first 8 primes (FIPS 180-4 §5.3.3).
        private var state: [UInt32] = [
            0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
            0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
        ]
        /// Bytes not yet forming a whole 64-byte block.
        private var pending: [UInt8] = []
        /// Message length so far, in bytes.
        private var length: UInt64 = 0
        private var finalized = false

        public init() {}

        /// Adds bytes to the message. O(bytes).
        public mutating func update<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
            precondition(!finalized, "SHA256.update after finalize")
            for byte in bytes {
                length = length &+ 1
                pending.append(byte)
                if pending.count == 64 {
                    Self.compress(&state, pending)
                    pending.removeAll(keepingCapacity: true)
                }
            }
        }

        /// Adds the bytes of `data` (fast path: whole blocks are compressed in place).
        public mutating func update(_ data: Data) {
            precondition(!finalized, "SHA256.update after finalize")
            length = length &+ UInt64(data.count)
            data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
                var index = 0
                let count = raw.count
                if !pending.isEmpty {
                    let take = min(64 - pending.count, count)
                    pending.append(contentsOf: raw[0..<take])
                    index = take
                    if pending.count == 64 {
                        Self.compress(&state, pending)
                        pending.removeAll(keepingCapacity: true)
                    }
                }
                while count - index >= 64 {
                    Self.compress(&state, UnsafeRawBufferPointer(rebasing: raw[index..<(index + 64)]))
                    index += 64
                }
                if index < count { pending.append(contentsOf: raw[index..<count]) }
            }
        }

        /// Pads the message (a 1 bit, zeros, the 64-bit big-endian bit length) and returns the
        /// 32-byte digest. Call once.
        public mutating func finalize() -> [UInt8] {
            precondition(!finalized, "SHA256.finalize called twice")
            let bitLength = length &* 8
            var tail = pending
            tail.append(0x80)
            while tail.count % 64 != 56 { tail.append(0) }
            for shift in stride(from: 56, through: 0, by: -8) { tail.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift))) }
            for start in stride(from: 0, to: tail.count, by: 64) {
                Self.compress(&state, tail[start..<(start + 64)])
            }
            finalized = true
            pending.removeAll()
            var digest: [UInt8] = []
            digest.reserveCapacity(32)
            for word in state {
                digest.append(contentsOf: [
                    UInt8(word >> 24), UInt8(truncatingIfNeeded: word >> 16),
                    UInt8(truncatingIfNeeded: word >> 8), UInt8(truncatingIfNeeded: word),
                ])
            }
            return digest
        }

        /// The digest of `data`.
        public static func hash(_ data: Data) -> [UInt8] {
            var hasher = SHA256()
            hasher.update(data)
            return hasher.finalize()
        }

        /// The digest of `data` as 64 lowercase hex digits (the form `sha256sum` prints).
        public static func hexDigest(_ data: Data) -> String {
            hex(hash(data))
        }

        /// The digest of a UTF-8 string as 64 lowercase hex digits.
        public static func hexDigest(_ text: String) -> String {
            hexDigest(Data(text.utf8))
        }

        /// The digest and size of a file, read in 1 MiB chunks (memory O(1) in the file size).
        public static func hexDigest(ofFile path: String) throws -> (digest: String, bytes: Int) {
            guard let handle = FileHandle(forReadingAtPath: path) else {
                throw DataError.unreadableFile(path: path, reason: "cannot open the file")
            }
            defer { try? handle.close() }
            var hasher = SHA256()
            var bytes = 0
            while true {
                let chunk: Data
                do {
                    chunk = try handle.read(upToCount: 1 << 20) ?? Data()
                } catch {
                    throw DataError.unreadableFile(path: path, reason: error.localizedDescription)
                }
                if chunk.isEmpty { break }
                bytes += chunk.count
                hasher.update(chunk)
            }
            return (hex(hasher.finalize()), bytes)
        }

        /// Lowercase hex of bytes.
        public static func hex(_ bytes: [UInt8]) -> String {
            let digits = Array("0123456789abcdef".utf8)
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count * 2)
            for byte in bytes {
                out.append(digits[Int(byte >> 4)])
                out.append(digits[Int(byte & 0x0f)])
            }
            return String(decoding: out, as: UTF8.self)
        }

        /// The first 32 bits of the fractional parts of the cube roots of the first 64 primes
        /// (FIPS 180-4 §4.2.2).
        private static let k: [UInt32] = [
            0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
            0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
            0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
            0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
            0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
            0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
            0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
            0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
        ]

        @inline(__always)
        private static func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x >> n) | (x << (32 - n)) }

        /// One application of the compression function to a 64-byte block (FIPS 180-4 §6.2.2).
        private static func compress<Block: Collection>(_ h: inout [UInt32], _ block: Block) where Block.Element == UInt8 {
            precondition(block.count == 64)
            var w = [UInt32](repeating: 0, count: 64)
            var byteIndex = block.startIndex
            for t in 0..<16 {
                var word: UInt32 = 0
                for _ in 0..<4 {
                    word = (word << 8) | UInt32(block[byteIndex])
                    byteIndex = block.index(after: byteIndex)
                }
                w[t] = word
            }
            for t in 16..<64 {
                let s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >> 3)
                let s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >> 10)
                w[t] = w[t - 16] &+ s0 &+ w[t - 7] &+ s1
            }
            var a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7]
            for t in 0..<64 {
                let sigma1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)
                let choose = (e & f) ^ (~e & g)
                let t1 = hh &+ sigma1 &+ choose &+ k[t] &+ w[t]
                let sigma0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)
                let majority = (a & b) ^ (a & c) ^ (b & c)
                let t2 = sigma0 &+ majority
                hh = g
                g = f
                f = e
                e = d &+ t1
                d = c
                c = b
                b = a
                a = t1 &+ t2
            }
            h[0] = h[0] &+ a
            h[1] = h[1] &+ b
            h[2] = h[2] &+ c
            h[3] = h[3] &+ d
            h[4] = h[4] &+ e
            h[5] = h[5] &+ f
            h[6] = h[6] &+ g
            h[7] = h[7] &+ hh
        }
    }
}
