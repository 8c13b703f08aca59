import Dispatch
import Foundation

/// Progress of long work: called with (completed, total) as units of work finish, possibly from
/// several threads at once (the receiver synchronises). Progress never changes a result.
public typealias ProgressHandler = @Sendable (_ completed: Int, _ total: Int) -> Void

/// Deterministic parallel map over replicate indices 0..<count.
///
/// `threadCount` workers (run by `DispatchQueue.concurrentPerform`) take the next unclaimed
/// index from a shared counter, so uneven replicate costs balance out; replicate `index` writes
/// only its own result slot, so the output is identical for any `threadCount` (the serial path,
/// `threadCount == 1`, runs the same body in order). The body must derive any randomness from
/// `index` alone (e.g. `Xoshiro256StarStar.stream(seed:index:)`), never from shared state.
///
/// - Parameters:
///   - count: number of replicates.
///   - threadCount: worker count (≥ 1); defaults to the active processor count.
///   - progress: told after each replicate (completed, count).
///   - body: computes the result of one replicate; must be safe to call concurrently.
/// - Returns: results in replicate order.
public func parallelReplicates<Result>(
    count: Int,
    threadCount: Int = ProcessInfo.processInfo.activeProcessorCount,
    progress: ProgressHandler? = nil,
    _ body: (Int) -> Result
) -> [Result] {
    precondition(count >= 0 && threadCount >= 1)
    if count == 0 { return [] }
    if threadCount == 1 || count == 1 {
        return (0..<count).map { index in
            defer { progress?(index + 1, count) }
            return body(index)
        }
    }
    // Slot 0 is computed first and seeds the buffer, so every slot is initialised without
    // optionals; each later slot is overwritten exactly once by its own replicate.
    let slots = UnsafeMutableBufferPointer<Result>.allocate(capacity: count)
    slots.initialize(repeating: body(0))
    progress?(1, count)
    defer {
        slots.deinitialize()
        slots.deallocate()
    }
    let counter = NSLock()
    var nextIndex = 1
    var completed = 1
    withoutActuallyEscaping(body) { body in
        DispatchQueue.concurrentPerform(iterations: min(threadCount, count - 1)) { _ in
            while true {
                counter.lock()
                let index = nextIndex
                nextIndex += 1
                counter.unlock()
                guard index < count else { return }
                slots[index] = body(index)
                guard let progress else { continue }
                counter.lock()
                completed += 1
                let done = completed
                counter.unlock()
                progress(done, count)
            }
        }
    }
    return Array(slots)
}
