import Foundation
import ObsScaleNumerics
import Testing
import _TestSupport

/// Generators against a Python reference implementation (Fixtures/random.json).
struct RandomTests {
    /// Fixtures/random.json: the first outputs of each generator (64-bit words as decimal strings).
    struct Fixture: Decodable, Sendable {
        struct Words: Decodable, Sendable {
            let values: [String]
            var words: [UInt64] { values.compactMap { UInt64($0) } }
        }
        struct Stream: Decodable, Sendable {
            let seed: UInt64
            let index: UInt64
            let values: [String]
            var words: [UInt64] { values.compactMap { UInt64($0) } }
        }
        struct Uniforms: Decodable, Sendable { let values: [Double] }
        let splitmix64: Words
        let xoshiro256starstar: Words
        let uniform: Uniforms
        let stream: [Stream]
    }

    static let fixture = Result { try decodeFixture(Fixture.self, TestPaths.fixture("random.json", near: #filePath)) }

    @Test func splitMix64MatchesReference() throws {
        var generator = SplitMix64(seed: 42)
        let expected = try Self.fixture.get().splitmix64.words
        #expect(expected.count == 8)
        #expect(expected.map { _ in generator.next() } == expected)
    }

    @Test func xoshiroMatchesReference() throws {
        let fixture = try Self.fixture.get()
        var generator = Xoshiro256StarStar(seed: 42)
        let expected = fixture.xoshiro256starstar.words
        #expect(expected.count == 8)
        #expect(expected.map { _ in generator.next() } == expected)
        var uniform = Xoshiro256StarStar(seed: 42)
        let expectedUniform = fixture.uniform.values
        // Foundation's JSON parser may round the last digit; the draws are exact multiples of 2⁻⁵³.
        let draws = expectedUniform.map { _ in uniform.nextUniform() }
        #expect(expectedUniform.count == 4)
        #expect(zip(draws, expectedUniform).allSatisfy { abs($0 - $1) <= 0x1.0p-52 })
    }

    @Test func streamsHashSeedAndIndex() throws {
        let entries = try Self.fixture.get().stream
        #expect(entries.count == 3)
        for entry in entries {
            var generator = Xoshiro256StarStar.stream(seed: entry.seed, index: entry.index)
            let expected = entry.words
            #expect(expected.map { _ in generator.next() } == expected)
        }
        // Neighbouring (seed, index) pairs do not share streams, unlike seed + index.
        var a = Xoshiro256StarStar.stream(seed: 7, index: 1)
        var b = Xoshiro256StarStar.stream(seed: 8, index: 0)
        #expect(a.next() != b.next())
    }

    @Test func normalDrawsHaveUnitMoments() {
        var generator = Xoshiro256StarStar(seed: 1)
        let draws = (0..<200_000).map { _ in generator.nextNormal() }
        #expect(abs(Statistics.mean(draws)) < 0.01)
        #expect(abs(Statistics.mean(draws.map { $0 * $0 }) - 1) < 0.02)
    }

    /// Progress reaches (count, count) exactly once per replicate, whatever the thread count.
    @Test(arguments: [1, 2, 4])
    func replicatesReportProgress(threads: Int) {
        final class Log: @unchecked Sendable {
            let lock = NSLock()
            var calls: [(Int, Int)] = []
        }
        let log = Log()
        let results = Parallel.replicates(
            count: 100, threadCount: threads,
            progress: { done, total in
                log.lock.lock()
                log.calls.append((done, total))
                log.lock.unlock()
            }
        ) { $0 * 2 }
        #expect(results == (0..<100).map { $0 * 2 })
        #expect(log.calls.count == 100 && log.calls.allSatisfy { $0.1 == 100 })
        #expect(Set(log.calls.map(\.0)) == Set(1...100))
    }

    @Test func replicatesAreIdenticalForAnyThreadCount() {
        @Sendable func body(_ index: Int) -> Double {
            var generator = Xoshiro256StarStar.stream(seed: 99, index: UInt64(index))
            return (0..<100).reduce(0.0) { sum, _ in sum + generator.nextUniform() }
        }
        let serial = Parallel.replicates(count: 257, threadCount: 1, body)
        let two = Parallel.replicates(count: 257, threadCount: 2, body)
        let eight = Parallel.replicates(count: 257, threadCount: 8, body)
        #expect(serial == two)
        #expect(serial == eight)
        #expect(serial.count == 257)
        #expect(Parallel.replicates(count: 0, threadCount: 2, body).isEmpty)
    }
}
