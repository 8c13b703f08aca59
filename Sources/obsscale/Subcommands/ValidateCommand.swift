import ArgumentParser
import Foundation
import ObsScale

/// The recommended law with the Huber loss (δ = 1) of the paper's evaluation.
enum ValidateLawDefaults: LawDefaults {
    static var loss: LossChoice { .huber }
}

extension TargetGrouping: ExpressibleByArgument {}

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract:
            "Score selections the paper's way: fit on the chosen subset below a FLOPs cutoff, test above it, against random subsets and all models.",
        discussion: """
            The panel's --benchmarks are the fit's capabilities; --select-benchmarks those of the selection criterion. \
            --budget is required, as is a split (--cutoff-flops, --cutoff-size or --cutoff-date). \
            With --simulate N the evaluation runs on N simulated worlds (where the truth is known) instead of the panel.
            """)

    @OptionGroup var panelOptions: PanelOptions

    @Option(help: "Target metric column (repeatable; headers may contain commas), or 'all': every accuracy/exact-match metric in [0, 1].")
    var target: [String] = []

    @Option(
        name: .customLong("select-benchmarks"), help: "Benchmark columns of the selection's PCA (default: --benchmarks).",
        transform: Parse.commaList)
    var selectBenchmarks: [String]?

    @Option(name: .customLong("select-components"), help: "PCs of the selection's design (K_sel; default: the law's --components, 3 for auto).")
    var selectComponents: Int?

    @OptionGroup var budgetOption: BudgetOption
    var budget: BudgetSpec { budgetOption.budget }

    @OptionGroup(title: "Pool and constraints") var poolOptions: PoolOptions

    @OptionGroup(title: "Split for panels without FLOPs (instead of --cutoff-flops)") var cutOptions: CutOptions

    @Option(
        help: "Selectors, comma-separated METHOD[:UNIT] (e.g. exhaustive, exchange:model, bnb:family; default: auto:model).",
        transform: Parse.selectors)
    var method: [ValidationSelector] = [ValidationSelector(method: .auto, unit: SelectionSetup.recommended.unit)]

    @Option(
        help: """
            Random subsets per budget, at the same cost (0: none): with --cost count and family selectors the paper's draw of \
            family combinations, otherwise feasible random subsets of the first selector's unit.
            """)
    var random = 5

    @OptionGroup(title: "Design") var designOptions: DesignOptions

    @Option(name: .customLong("min-test-sd"), help: "Drop targets whose test values have a smaller standard deviation (degenerate).")
    var minTestSD = 0.01

    @Option(name: .customLong("group-by"), help: "Also summarise per task: none, or prefix (the metric name up to its first _ or ,).")
    var groupBy: TargetGrouping = .none

    @OptionGroup(title: "Scaling law") var lawOptions: LawOptions<ValidateLawDefaults>

    @OptionGroup(title: "Search") var searchOptions: SearchOptions

    @OptionGroup var runOptions: RunOptions

    @Option(help: "Run on N simulated worlds instead of the panel (targets: the worlds' own).")
    var simulate: Int?

    @Option(name: .customLong("sim-families"), help: "Families per simulated world.")
    var simFamilies = 16

    @Option(name: .customLong("sim-models-per-family"), help: "Models per family in a simulated world.")
    var simModelsPerFamily = 5

    @Option(name: .customLong("sim-missing-rate"), help: "Fraction of missing benchmark cells in a simulated world.")
    var simMissingRate = 0.05

    @Option(
        name: .customLong("sim-public-metrics"),
        help: "Public metrics in a simulated world, with a third target unlike them (0: none; a public prior needs some).")
    var simPublicMetrics = 0

    /// On a panel: the bootstrap behind the score intervals measured on the test models (coverage,
    /// width, interval score); with --simulate: of each world's all-models fit.
    @OptionGroup(title: "Bootstrap (intervals)") var bootstrapOptions: BootstrapOptions

    @OptionGroup(title: "Intervals") var intervalOptions: IntervalOptions

    @OptionGroup var refitOption: RefitPCAOption
    var refitPCA: Bool { refitOption.refitPCA }

    /// `--bootstrap` on a panel when not given.
    static let defaultIntervalReplicates = 100

    func validate() throws {
        let cuts = (poolOptions.cutoffFlops == nil ? [] : ["--cutoff-flops"]) + cutOptions.given
        guard !cuts.isEmpty else {
            throw ValidationError("Missing expected argument '--cutoff-flops <cutoff-flops>' (or --cutoff-size B, or --cutoff-date YYYY-MM-DD)")
        }
        guard cuts.count == 1 else {
            throw ValidationError("\(cuts.joined(separator: "/")): '\(cuts.count) given' is not allowed (allowed: one split)")
        }
        guard minTestSD >= 0, minTestSD.isFinite else {
            throw ValidationError("--min-test-sd: '\(minTestSD)' is not allowed (allowed: a finite number ≥ 0)")
        }
        if simulate != nil {
            guard runOptions.html == nil else {
                throw ValidationError("--html: '\(runOptions.html ?? "")' is not allowed (allowed: on a panel only (with --simulate use --json))")
            }
            guard target.isEmpty else {
                throw ValidationError(
                    "--target: '\(target.joined(separator: " "))' is not allowed (allowed: none with --simulate (the worlds' own targets are used))")
            }
        }
        try bootstrapOptions.validateShard(json: panelOptions.json, count: simulate, countFlag: "--simulate")
    }

    /// The evaluation the options describe (its targets as given; `all` is resolved on the panel).
    func validation() throws -> Validation {
        var validation = Validation(targets: target, budgets: budget, cutoffFlops: poolOptions.cutoffFlops ?? .nan)
        validation.selection = poolOptions.setup(
            benchmarks: selectBenchmarks ?? panelOptions.benchmarks, componentCount: selectComponents ?? lawOptions.componentCount)
        validation.selection.cutoffFlops = nil  // the evaluation's own cutoff is the pool's (Validation.cutoffFlops)
        validation.split = cutOptions.rule
        try designOptions.apply(to: &validation.selection, predicting: true)
        validation.selectors = method
        validation.randomCount = random
        validation.law = try lawOptions.law(benchmarks: panelOptions.benchmarks)
        validation.seed = runOptions.seed
        validation.timeLimitSeconds = searchOptions.timeLimit
        validation.gapTolerance = searchOptions.gap
        validation.minTestStandardDeviation = minTestSD
        validation.grouping = groupBy
        // On a panel the intervals are measured by default: coverage and interval score are half
        // of what a validation answers (100 replicates per fit keep validate within seconds).
        validation.intervals = bootstrapOptions.replicates(default: Self.defaultIntervalReplicates).map {
            IntervalMeasurement(
                replicateCount: $0, level: bootstrapOptions.level, kind: intervalOptions.interval,
                reliabilityLevels: runOptions.html == nil ? [] : IntervalMeasurement.diagramLevels)
        }
        return validation
    }

    /// The simulation study the options describe (with `--simulate`).
    func study(worldCount: Int) throws -> SimulationStudy {
        var validation = try validation()
        validation.intervals = nil  // the study bootstraps each world's all-models fit itself
        var study = SimulationStudy(validation: validation)
        study.worldCount = worldCount
        study.world.familyCount = simFamilies
        study.world.modelsPerFamily = simModelsPerFamily
        study.world.missingRate = simMissingRate
        study.world.publicMetricCount = simPublicMetrics
        study.world.seed = runOptions.seed
        study.bootstrap = bootstrapOptions.replicates.map {
            FitBootstrap(replicateCount: $0, level: bootstrapOptions.level, resampling: bootstrapOptions.resample, refitPCA: refitPCA)
        }
        return study
    }

    func run() throws {
        try runReportingErrors(flagOverrides: FlagNames.validateOverrides) {
            let outputs = try panelOptions.outputs([("--html", runOptions.html)], inputs: [lawOptions.priorFile, designOptions.targets?.path])
            if let simulate {
                let shard = try bootstrapOptions.shard(count: simulate, countSetting: .simulationWorldCount)
                let study = try study(worldCount: simulate)
                let worlds = try withProgress("worlds", quiet: panelOptions.quiet) { progress in
                    try study.worlds(indices: shard?.range ?? 0...max(0, simulate - 1), threadCount: runOptions.threadCount, progress: progress)
                }
                let options = ValidateOptions(query: nil, validation: nil, study: study)
                if let shard, let path = panelOptions.json {
                    try writePart(
                        ValidateParts.self, seed: runOptions.seed, options: options, shared: NoSharedResult(), records: worlds, shard: shard,
                        total: simulate, path: path, outputs: outputs, quiet: panelOptions.quiet(outputs))
                    return
                }
                let report = study.summarize(worlds)
                try outputs.write { _ in try JSONReport(command: "validate", seed: runOptions.seed, options: options, result: report).encoded() }
                printReport(
                    ValidationReportText.document(report), quiet: panelOptions.quiet(outputs), flagOverrides: FlagNames.validateOverrides)
                return
            }
            let loaded = try panelOptions.load(targets: target == ["all"] ? [] : target, outputs: outputs)
            var validation = try validation()
            if validation.targets == ["all"] {
                validation.targets = validation.law.publicMetrics(loaded.panel)
                guard !validation.targets.isEmpty else {
                    throw DataError.emptyResult(what: "no accuracy/exact-match metric in [0, 1] among the panel's downstream columns")
                }
            }
            guard !validation.targets.isEmpty else {
                throw EvaluationError.invalidSetting(.validationTargets, value: "none", allowed: "at least one target column, or 'all'")
            }
            let report = try withProgress("targets", quiet: panelOptions.quiet) { progress in
                try validation.run(panel: loaded.panel, threadCount: runOptions.threadCount, progress: progress)
            }
            func document() -> ReportDocument { ValidationReportText.document(report, panelDescription: panelOptions.describe(loaded)) }
            try outputs.write { label in
                label == "--html"
                    ? htmlPage(document(), flagOverrides: FlagNames.validateOverrides)
                    : try JSONReport(
                        command: "validate", seed: runOptions.seed,
                        options: ValidateOptions(query: panelOptions.query, validation: validation, study: nil), result: report
                    ).encoded()
            }
            printReport(document(), quiet: panelOptions.quiet(outputs), flagOverrides: FlagNames.validateOverrides)
        }
    }
}
