import ArgumentParser
import ObsScale

/// The bootstrap of `fit`, `select` and `validate --simulate`.
struct BootstrapOptions: ParsableArguments {
    @Option(help: "Bootstrap replicates (0: none): resample, refit, and report percentile intervals.")
    var bootstrap = 0

    @Option(help: "Coverage of the bootstrap intervals.")
    var level = 0.95

    @Option(help: "What a bootstrap replicate resamples: models or whole families.")
    var resample: BootstrapResampling = .models

    /// The replicate count (nil: no bootstrap).
    var replicates: Int? { bootstrap > 0 ? bootstrap : nil }

    func validate() throws {
        guard bootstrap >= 0 else {
            throw ValidationError("--bootstrap: '\(bootstrap)' is not allowed (allowed: 0 (none) or a number of replicates ≥ 1)")
        }
    }
}
