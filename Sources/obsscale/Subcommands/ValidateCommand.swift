import ArgumentParser
import Foundation
import ObsScale

enum ValidateLawDefaults: LawDefaults {
    /// The paper's evaluation fits with the Huber loss (δ = 1).
    static let loss = LossChoice.huber
}

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract:
            "Score selections the paper's way: fit on the chosen subset below a FLOPs cutoff, test above it, against random subsets and all models.",
        discussion: """
            The panel's --benchmarks are the fit's capabilities; --select-benchmarks those of the selection criterion. \
            With --simulate N the evaluation runs on N simulated worlds (where the truth is known) instead of the panel.
            """)

    @OptionGroup var panelOptions: PanelOptions

    @Option(help: "Target metric column (repeatable; headers may contain commas), or 'all': every accuracy/exact-match metric in [0, 1].")
    var target: [String] = []

    @Option(
        name: .customLong("select-benchmarks"), help: "Benchmark columns of the selection's PCA (default: --benchmarks).",
        transform: Parse.commaList)
    var selectBenchmarks: [String]?

    @Option(help: "Budgets in models (or --cost units), comma-separated. Required, as is --cutoff-flops.", transform: Parse.budgets)
    var budget: BudgetSpec

    @OptionGroup(title: "Pool and constraints") var poolOptions: PoolOptions

    @Option(
        help: "Selectors, comma-separated METHOD[:UNIT] (e.g. exhaustive, exchange:model, bnb:family; default: exhaustive).",
        transform: Parse.selectors)
    var method: [ValidationSelector] = [ValidationSelector(method: .exhaustive)]

    @Option(help: "Random family subsets per budget (the paper's baseline; 0: none).")
    var random = 5

    @OptionGroup(title: "Scaling law") var lawOptions: LawOptions<ValidateLawDefaults>

    @Option(name: .customLong("time-limit"), help: "Seconds per budget for searches that can stop early.")
    var timeLimit = 10.0

    @OptionGroup var runOptions: RunOptions

    @Option(help: "Run on N simulated worlds instead of the panel (targets: the worlds' own).")
    var simulate: Int?

    @Option(name: .customLong("sim-families"), help: "Families per simulated world.")
    var simFamilies = 16

    @Option(name: .customLong("sim-models-per-family"), help: "Models per family in a simulated world.")
    var simModelsPerFamily = 5

    @Option(name: .customLong("sim-missing-rate"), help: "Fraction of missing benchmark cells in a simulated world.")
    var simMissingRate = 0.05

    /// With --simulate: the bootstrap of each world's all-models fit, for the coverage of its intervals.
    @OptionGroup(title: "Bootstrap (with --simulate)") var bootstrapOptions: BootstrapOptions

    @Flag(name: .customLong("refit-pca"), help: "Redo imputation and PCA inside each bootstrap replicate.")
    var refitPCA = false

    func validate() throws {
        guard poolOptions.cutoffFlops != nil else { throw ValidationError("Missing expected argument '--cutoff-flops <cutoff-flops>'") }
        guard !budget.hasPercentages else {
            throw ValidationError("--budget: '\(budget)' is not allowed (allowed: budgets in cost units; percentages are for select)")
        }
        if simulate != nil {
            guard runOptions.html == nil else {
                throw ValidationError("--html: '\(runOptions.html ?? "")' is not allowed (allowed: on a panel only (with --simulate use --json))")
            }
            guard target.isEmpty else {
                throw ValidationError(
                    "--target: '\(target.joined(separator: " "))' is not allowed (allowed: none with --simulate (the worlds' own targets are used))")
            }
        } else if bootstrapOptions.bootstrap != 0 {
            throw ValidationError(
                "--bootstrap: '\(bootstrapOptions.bootstrap)' is not allowed (allowed: only with --simulate (use fit --bootstrap on real data))")
        }
    }

    /// The evaluation the options describe (its targets as given; `all` is resolved on the panel).
    var validation: Validation {
        var validation = Validation(targets: target, budgets: budget.resolved(totalCost: .infinity), cutoffFlops: poolOptions.cutoffFlops ?? .nan)
        validation.selection = poolOptions.setup(benchmarks: selectBenchmarks ?? panelOptions.benchmarks, componentCount: lawOptions.components)
        validation.selection.cutoffFlops = nil  // the evaluation's own cutoff is the pool's (Validation.cutoffFlops)
        validation.selectors = method
        validation.randomCount = random
        validation.law = lawOptions.law(benchmarks: panelOptions.benchmarks)
        validation.seed = runOptions.seed
        validation.timeLimitSeconds = timeLimit
        return validation
    }

    /// The simulation study the options describe (with `--simulate`).
    func study(worldCount: Int) -> SimulationStudy {
        var study = SimulationStudy(validation: validation)
        study.worldCount = worldCount
        study.world.familyCount = simFamilies
        study.world.modelsPerFamily = simModelsPerFamily
        study.world.missingRate = simMissingRate
        study.world.seed = runOptions.seed
        study.bootstrap = bootstrapOptions.replicates.map {
            FitBootstrap(replicateCount: $0, level: bootstrapOptions.level, resampling: bootstrapOptions.resample, refitPCA: refitPCA)
        }
        return study
    }

    func run() throws {
        try runReportingErrors(flagOverrides: FlagNames.validateOverrides) {
            if let simulate {
                let study = study(worldCount: simulate)
                let report = try withProgress("worlds", quiet: panelOptions.quiet) { progress in
                    try study.run(threadCount: runOptions.threadCount, progress: progress)
                }
                if let path = panelOptions.json {
                    try JSONReport(
                        command: "validate", seed: runOptions.seed, options: ValidateOptions(query: nil, validation: nil, study: study),
                        result: report
                    ).write(to: path)
                }
                printReport(ValidateReport.render(report), quiet: panelOptions.quiet, flagOverrides: FlagNames.validateOverrides)
                return
            }
            let loaded = try panelOptions.load()
            var validation = self.validation
            if validation.targets == ["all"] {
                validation.targets = loaded.panel.accuracyMetricNames
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
            if let path = panelOptions.json {
                try JSONReport(
                    command: "validate", seed: runOptions.seed,
                    options: ValidateOptions(query: panelOptions.query, validation: validation, study: nil), result: report
                ).write(to: path)
            }
            if let html = runOptions.html { try HTMLPage.validate(report, panelDescription: panelOptions.describe(loaded)).write(to: html) }
            printReport(
                ValidateReport.render(report, panelDescription: panelOptions.describe(loaded)), quiet: panelOptions.quiet,
                flagOverrides: FlagNames.validateOverrides)
        }
    }
}
