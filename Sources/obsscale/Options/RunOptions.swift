import ArgumentParser
import Foundation

/// How a run goes and where its HTML report goes (`fit`, `select`, `validate`): the seed of
/// everything random, the worker threads (never changing a result) and the HTML report.
struct RunOptions: ParsableArguments {
    @Option(help: "Seed of everything random (replicate r draws from a stream hashed from (seed, r)).")
    var seed: UInt64 = 0

    @Option(help: "Worker threads (default: all cores; results do not depend on it).")
    var threads: Int?

    @Option(help: "Write a self-contained HTML report with charts to this file (atomically).")
    var html: String?

    var threadCount: Int { threads ?? ProcessInfo.processInfo.activeProcessorCount }

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads: '\(threads)' is not allowed (allowed: ≥ 1)") }
    }
}
