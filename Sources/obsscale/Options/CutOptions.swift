import ArgumentParser
import ObsScale

/// Cuts between the training models and the models to predict for panels without compute,
/// shared by `fit` and `validate` (beside their `--cutoff-flops`).
struct CutOptions: ParsableArguments {
    @Option(
        name: .customLong("cutoff-size"),
        help: "Train on models of at most B billion parameters; test on the larger ones (and unknown sizes). For panels without FLOPs.")
    var cutoffSize: Double?

    @Option(
        name: .customLong("cutoff-date"),
        help: "Train on models released on or before this day (YYYY-MM-DD; dates from --date-column); test on the later ones.",
        transform: Parse.date)
    var cutoffDate: String?

    /// The cut these options ask for, if any (at most one is given: `given`).
    var rule: SplitRule? { cutoffSize.map { .sizeCutoff($0) } ?? cutoffDate.map { .dateCutoff($0) } }

    /// The flags given, for the "at most one split" check.
    var given: [String] { (cutoffSize == nil ? [] : ["--cutoff-size"]) + (cutoffDate == nil ? [] : ["--cutoff-date"]) }
}
