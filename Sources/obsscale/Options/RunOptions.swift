import ArgumentParser
import Foundation

/// How a run goes and where its HTML report goes (`fit`, `select`, `validate`): the seed of
/// everything random, the worker threads (never changing a result) and the HTML report.
struct RunOptions: ParsableArguments {
    @Option(help: "Seed of everything random (replicate r draws from a stream hashed from (seed, r)).")
    var seed: UInt64 = 0

    @OptionGroup var threadsOption: ThreadsOption

    @OptionGroup var htmlOption: HTMLOption

    var threadCount: Int { threadsOption.threadCount }
    var html: String? { htmlOption.html }
}
