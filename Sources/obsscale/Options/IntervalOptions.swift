import ArgumentParser
import ObsScale

/// Which score intervals `fit`, `validate` and `predict` report.
struct IntervalOptions: ParsableArguments {
    @Option(
        help: """
            Score intervals under --bootstrap: calibrated (quantile lines learned on the panel's other public metrics' \
            out-of-range errors, hulled with the bootstrap's; they hold their level when predicting larger models) or \
            bootstrap (percentiles of curve + resampled residual: sampling noise only).
            """)
    var interval: IntervalKind = .calibrated
}

extension IntervalKind: ExpressibleByArgument {}
