import ArgumentParser
import ObsScale

/// How long `auto` and the searches that can stop early work on one budget, shared by `select`
/// and `validate`.
struct SearchOptions: ParsableArguments {
    @Option(
        help: """
            auto: stop branch-and-bound once the certified gap is at most this (a fraction or a percentage; 0 proves \
            optimality within --time-limit).
            """,
        transform: Parse.gap)
    var gap: Double = SelectionOptions.defaultGapTolerance

    @Option(name: .customLong("time-limit"), help: "Seconds per budget for searches that can stop early.")
    var timeLimit = 10.0

    /// The selection options of a method with these limits.
    func options(method: SelectionMethod, seed: UInt64, threadCount: Int) -> SelectionOptions {
        var options = SelectionOptions(method: method, timeLimitSeconds: timeLimit, seed: seed, threadCount: threadCount)
        options.gapTolerance = gap
        return options
    }
}
