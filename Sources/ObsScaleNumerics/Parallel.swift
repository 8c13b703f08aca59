import Dispatch
import Foundation

/// Deterministic parallel map over replicate indices 0..<count.
///
/// Work is cut into contiguous chunks run by `DispatchQueue.concurrentPerform`; replicate `index`
/// writes only its own result slot, so the output is identical for any `threadCount` (the serial
/// path, `threadCount == 1`, runs the same body in order). The body must derive any randomness
/// from `index` alone (e.g. `Xoshiro256StarStar.stream(seed:index:)`), never from shared state.
///
/// - Parameters:
///   - count: number of replicates.
///   - threadCount: worker count (≥ 1); defaults to the active processor count.
///   - body: computes the result of one replicate; must be safe to call concurrently.
/// - Returns: results in replicate order.
public func parallelReplicates<Result>(
    count: Int,
    threadCount: Int = ProcessInfo.processInfo.activeProcessorCount,
    _ body: (Int) -> Result
) -> [Result] {
    precondition(count >= 0 && threadCount >= 1)
    if count == 0 { return [] }
    if threadCount == 1 || count == 1 {
        return (0..<count).map(body)
    }
    let slots = UnsafeMutableBufferPointer<Result?>.allocate(capacity: count)
    slots.initialize(repeating: nil)
    defer {
        slots.deinitialize()
        slots.deallocate()
    }
    // A few chunks per worker balance uneven replicate costs without per-index dispatch overhead.
    let chunkCount = min(count, threadCount * 4)
    withoutActuallyEscaping(body) { body in
        DispatchQueue.concurrentPerform(iterations: chunkCount) { chunk in
            let start = chunk * count / chunkCount
            let end = (chunk + 1) * count / chunkCount
            for index in start..<end { slots[index] = body(index) }
        }
    }
    return slots.map { $0! }
}
