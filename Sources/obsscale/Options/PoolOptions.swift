import ArgumentParser
import ObsScale

/// The selection pool and constraints shared by `select` and `validate`.
struct PoolOptions: ParsableArguments {
    @Option(help: "Cost of a model: count (1 each, the paper), params (Model Size (B)), flops, or any numeric column.")
    var cost: CostKind = .count

    @OptionGroup var flopsCut: FlopsCutOption
    var cutoffFlops: Double? { flopsCut.cutoffFlops }

    @Option(name: .customLong("max-families"), help: "At most this many families in a selected subset.")
    var maxFamilies: Int?

    @Option(help: "Units always selected (families, or models with --unit model; comma-separated).", transform: Parse.commaList)
    var include: [String] = []

    @Flag(name: .customLong("drop-incomplete"), help: "Pool: drop models with a missing benchmark score.")
    var dropIncomplete = false

    @Flag(
        name: .customLong("exclude-outliers"),
        help: "Pool: leave out the models far from the pool in capability space (robust Mahalanobis distance; listed in every report either way).")
    var excludeOutliers = false

    /// A selection setup with these pool settings and the given capability columns.
    func setup(benchmarks: [String]?, componentCount: Int) -> SelectionSetup {
        var setup = SelectionSetup()
        setup.benchmarks = benchmarks
        setup.componentCount = componentCount
        setup.cost = cost
        setup.cutoffFlops = cutoffFlops
        setup.maxFamilies = maxFamilies
        setup.include = include
        setup.dropIncomplete = dropIncomplete
        setup.excludesOutliers = excludeOutliers
        return setup
    }
}
