import Dispatch
import Foundation
import Synchronization

/// Progress of long work: called with (completed, total) as units of work finish, possibly from
/// several threads at once (the receiver synchronises). Progress never changes a result.
public typealias ProgressHandler = @Sendable (_ completed: Int, _ total: Int) -> Void

/// Deterministic parallel work over replicate indices (docs/architecture.md, "Determinism").
public enum Parallel {
    /// Deterministic parallel map over replicate indices 0..<count.
    ///
    /// `threadCount` workers (run by `DispatchQueue.concurrentPerform`) take the next unclaimed
    /// index from a shared counter (a `Mutex`), so uneven replicate costs balance out; replicate
    /// `index` writes only its own result slot, so the output is identical for any `threadCount`
    /// (the serial path, `threadCount == 1`, runs the same body in order). The body must derive any
    /// randomness from `index` alone (e.g. `Xoshiro256StarStar.stream(seed:index:)`), never from
    /// shared state; the compiler checks that it captures only `Sendable` values.
    ///
    /// - Parameters:
    ///   - count: number of replicates.
    ///   - threadCount: worker count (≥ 1); defaults to the active processor count.
    ///   - progress: told after each replicate (completed, count).
    ///   - body: computes the result of one replicate; called concurrently.
    /// - Returns: results in replicate order.
    public static func replicates<Result: Sendable>(
        count: Int,
        threadCount: Int = ProcessInfo.processInfo.activeProcessorCount,
        progress: ProgressHandler? = nil,
        _ body: @Sendable (Int) -> Result
    ) -> [Result] {
        replicates(indices: 0..<count, threadCount: threadCount, progress: progress, body)
    }

    /// `replicates(count:)` over a range of replicate indices: the body is called with the
    /// replicate's own index, so replicates `indices` of a run split across processes are exactly
    /// those of the whole run (a sharded run, `--replicates FROM..TO`). Progress counts within the
    /// range.
    public static func replicates<Result: Sendable>(
        indices: Range<Int>,
        threadCount: Int = ProcessInfo.processInfo.activeProcessorCount,
        progress: ProgressHandler? = nil,
        _ body: @Sendable (Int) -> Result
    ) -> [Result] {
        precondition(indices.lowerBound >= 0 && threadCount >= 1)
        let count = indices.count, start = indices.lowerBound
        if count == 0 { return [] }
        if threadCount == 1 || count == 1 {
            return (0..<count).map { position in
                defer { progress?(position + 1, count) }
                return body(start + position)
            }
        }
        // Slot 0 is computed first and seeds the buffer, so every slot is initialised without
        // optionals; each later slot is overwritten exactly once by its own replicate.
        let slots = Slots(count: count, first: body(start))
        progress?(1, count)
        defer { slots.free() }
        let counters = Mutex((next: 1, completed: 1))
        withoutActuallyEscaping(body) { body in
            DispatchQueue.concurrentPerform(iterations: min(threadCount, count - 1)) { _ in
                while true {
                    let position = counters.withLock { counters in
                        defer { counters.next += 1 }
                        return counters.next
                    }
                    guard position < count else { return }
                    slots.store(body(start + position), at: position)
                    guard let progress else { continue }
                    let done = counters.withLock { counters in
                        counters.completed += 1
                        return counters.completed
                    }
                    progress(done, count)
                }
            }
        }
        return slots.array
    }

    /// The result buffer of `replicates`: each index is written by exactly one worker and read only
    /// after every worker has finished, so sharing it across threads is safe although the compiler
    /// cannot prove it (hence `@unchecked`).
    private struct Slots<Element>: @unchecked Sendable {
        let buffer: UnsafeMutableBufferPointer<Element>

        init(count: Int, first: Element) {
            buffer = .allocate(capacity: count)
            buffer.initialize(repeating: first)
        }

        func store(_ value: Element, at index: Int) { buffer[index] = value }

        var array: [Element] { Array(buffer) }

        func free() {
            buffer.deinitialize()
            buffer.deallocate()
        }
    }
}
