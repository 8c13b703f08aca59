import ArgumentParser
import Foundation
import ObsScale

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Score selections the paper's way: fit on the chosen subset below a FLOPs cutoff, test above it, against random subsets and all models.",
        discussion: """
            The panel's --benchmarks are the fit's capabilities; --select-benchmarks those of the selection criterion. \
            With --simulate N the evaluation runs on N simulated worlds (where the truth is known) instead of the panel.
            """)

    @OptionGroup var panelOptions: PanelOptions

    @Option(help: "Target metric column (repeatable; headers may contain commas), or 'all': every accuracy/exact-match metric in [0, 1].")
    var target: [String] = []

    @Option(name: .customLong("select-benchmarks"), help: "Benchmark columns of the selection's PCA (default: --benchmarks).")
    var selectBenchmarks: String?

    @Flag(name: .customLong("drop-incomplete"), help: "Selection pool: drop models with a missing selection benchmark.")
    var dropIncomplete = false

    @Option(name: .customLong("max-families"), help: "At most this many families in a selected subset.")
    var maxFamilies: Int?

    @Option(help: "Families always selected (comma-separated).")
    var include: String?

    @Option(help: "Budgets in models (or --cost units), comma-separated.")
    var budget: String

    @Option(help: "Selectors, comma-separated METHOD[:UNIT] (e.g. exhaustive, exchange:model, bnb:family).")
    var method = "exhaustive"

    @Option(help: "Random family subsets per budget (the paper's baseline; 0: none).")
    var random = 5

    @Option(help: "Cost of a model for the selectors: count (the paper), params, flops, or a numeric column.")
    var cost = "count"

    @Option(name: .customLong("cutoff-flops"), help: "Select and fit at or below X (×1E21 FLOPs); test above.")
    var cutoffFlops: Double

    @Option(help: "Regression loss of the fits: ls or huber.")
    var loss: LossChoice = .huber

    @Option(name: .customLong("huber-delta"), help: "Huber threshold δ.")
    var huberDelta = 1.0

    @Option(help: "Link of the fits.")
    var link: Link = .sigmoidFloor

    @Option(help: "Capability components of the fits (and the selection's K_sel).")
    var components = 3

    @Option(name: .customLong("pca-on"), help: "Fit imputation and PCA on each subset (train, the paper) or on every panel model (panel).")
    var pcaOn: PCAFitRows = .train

    @Option(name: .customLong("time-limit"), help: "Seconds per budget for searches that can stop early.")
    var timeLimit = 10.0

    @Option(help: "Seed of the random subsets (and of the simulated worlds).")
    var seed: UInt64 = 0

    @Option(help: "Worker threads (default: all cores; results do not depend on it).")
    var threads: Int?

    @Option(help: "Write a self-contained HTML report with charts to this file (atomically).")
    var html: String?

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

    func validation() throws -> Validation {
        let budgets = try SelectCommand.budgets(budget, totalCost: .infinity)
        var validation = Validation(targets: target, budgets: budgets, cutoffFlops: cutoffFlops)
        var setup = SelectionSetup()
        setup.benchmarks = commaList(selectBenchmarks) ?? panelOptions.benchmarkList
        setup.componentCount = components
        setup.dropIncomplete = dropIncomplete
        setup.maxFamilies = maxFamilies
        setup.include = commaList(include) ?? []
        setup.cost = CostKind(parsing: cost)
        validation.selection = setup
        validation.selectors = try (commaList(method) ?? []).map { try ValidationSelector(parsing: $0) }
        validation.randomCount = random
        validation.law = ScalingLaw(benchmarks: panelOptions.benchmarkList, pca: PCA(componentCount: components),
                                    regression: SigmoidRegression(link: link, loss: loss == .ls ? .leastSquares : .huber(delta: huberDelta)),
                                    pcaOn: pcaOn)
        validation.seed = seed
        validation.timeLimitSeconds = timeLimit
        return validation
    }

    func run() throws {
        try runReportingErrors {
            if let threads, threads < 1 { throw DataError.invalidOption(name: "--threads", value: "\(threads)", allowed: "≥ 1") }
            let threadCount = threads ?? ProcessInfo.processInfo.activeProcessorCount
            var validation = try validation()
            if let simulate {
                guard html == nil else {
                    throw DataError.invalidOption(name: "--html", value: html ?? "", allowed: "on a panel only (with --simulate use --json)")
                }
                guard target.isEmpty else {
                    throw DataError.invalidOption(name: "--target", value: target.joined(separator: " "), allowed: "none with --simulate (the worlds' own targets are used)")
                }
                var study = SimulationStudy(validation: validation)
                study.worldCount = simulate
                study.world.familyCount = simFamilies
                study.world.modelsPerFamily = simModelsPerFamily
                study.world.missingRate = simMissingRate
                study.world.seed = seed
                study.bootstrap = try bootstrapOptions.replicates().map {
                    FitBootstrap(replicateCount: $0, level: bootstrapOptions.level, resampling: bootstrapOptions.resample, refitPCA: refitPCA)
                }
                let report = try withProgress("worlds", quiet: panelOptions.quiet) { progress in
                    try study.run(threadCount: threadCount, progress: progress)
                }
                if let path = panelOptions.json {
                    try JSONReport(command: "validate", seed: seed, options: ValidateOptions(query: nil, validation: nil, study: study), result: report).write(to: path)
                }
                if !panelOptions.quiet { print(ValidateReport.render(report), terminator: "") }
                return
            }
            guard bootstrapOptions.bootstrap == 0 else {
                throw DataError.invalidOption(name: "--bootstrap", value: "\(bootstrapOptions.bootstrap)", allowed: "only with --simulate (use fit --bootstrap on real data)")
            }
            let loaded = try panelOptions.load()
            if validation.targets == ["all"] {
                validation.targets = loaded.panel.accuracyMetricNames
                guard !validation.targets.isEmpty else { throw DataError.emptyResult(what: "no accuracy/exact-match metric in [0, 1] among the panel's downstream columns") }
            }
            guard !validation.targets.isEmpty else {
                throw DataError.invalidOption(name: "--target", value: "none", allowed: "at least one target column, or 'all'")
            }
            let report = try withProgress("targets", quiet: panelOptions.quiet) { progress in
                try validation.run(panel: loaded.panel, threadCount: threadCount, progress: progress)
            }
            if let path = panelOptions.json {
                try JSONReport(command: "validate", seed: seed, options: ValidateOptions(query: panelOptions.query, validation: validation, study: nil), result: report).write(to: path)
            }
            if let html { try HTMLPage.validate(report, panelDescription: panelOptions.describe(loaded)).write(to: html) }
            if !panelOptions.quiet { print(ValidateReport.render(report, panelDescription: panelOptions.describe(loaded)), terminator: "") }
        }
    }
}
