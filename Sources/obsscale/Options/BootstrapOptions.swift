import ArgumentParser
import ObsScale

extension BootstrapResampling: ExpressibleByArgument {}

/// The bootstrap options of `fit`, `select` and `validate --simulate` (DESIGN §5).
struct BootstrapOptions: ParsableArguments {
    @Option(help: "Bootstrap replicates (0: none): resample, refit, and report percentile intervals.")
    var bootstrap = 0

    @Option(help: "Coverage of the bootstrap intervals.")
    var level = 0.95

    @Option(help: "What a bootstrap replicate resamples: models or whole families.")
    var resample: BootstrapResampling = .models

    /// The replicate count, checked (0 = no bootstrap).
    func replicates() throws -> Int? {
        guard bootstrap >= 0 else {
            throw DataError.invalidOption(name: "--bootstrap", value: "\(bootstrap)", allowed: "0 (none) or a number of replicates ≥ 1")
        }
        return bootstrap > 0 ? bootstrap : nil
    }
}
