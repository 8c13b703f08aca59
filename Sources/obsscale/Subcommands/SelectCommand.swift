import ArgumentParser
import Foundation
import ObsScale

struct SelectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "select",
        abstract: "Choose which models to evaluate: the subset within a budget whose fit best matches the full panel.")

    @OptionGroup var panelOptions: PanelOptions

    @OptionGroup var budgetOption: BudgetOption
    var budget: BudgetSpec { budgetOption.budget }

    @OptionGroup(title: "Pool and constraints") var poolOptions: PoolOptions

    @Option(help: "Select single models (recommended) or whole families (the paper).")
    var unit: SelectionUnit = SelectionSetup.recommended.unit

    @Option(help: "Search method.")
    var method: SelectionMethod = .auto

    @OptionGroup(title: "Design") var designOptions: DesignOptions

    @Option(help: "Units never selected (comma-separated).", transform: Parse.commaList)
    var exclude: [String] = []

    @Option(name: .customLong("min-models"), help: "At least this many models in the subset.")
    var minModels: Int?

    @Option(name: .customLong("max-models"), help: "At most this many models in the subset (with a cost budget: \"at most 10 models within 50B\").")
    var maxModels: Int?

    @Option(name: .customLong("max-per-family"), help: "At most this many models of one family.")
    var maxPerFamily: Int?

    @Option(
        name: .customLong("max-size"),
        help: "Pool: models of at most this many billion parameters (with --advise and no --cutoff-flops, the larger models are its test models).")
    var maxSize: Double?

    @Option(help: "Number of PCs in the design (K_sel).")
    var components = SelectionSetup().componentCount

    @Option(help: "Ridge δ added to G (0: singular designs are infeasible).")
    var ridge = SelectionSetup().ridge

    @OptionGroup(title: "Search") var searchOptions: SearchOptions

    @Flag(
        help: """
            Also report what to expect at each budget: the ratio of a subset's fit to evaluating every pool model, \
            validated on the panel's public metrics (test models: those above --cutoff-flops, else a random quarter of the pool).
            """)
    var advise = false

    @Option(
        help: """
            Also write the chosen models per budget to this CSV (budget,model,family,cost): the list to evaluate, which fit reads \
            back with --train @FILE --train-budget B.
            """)
    var plan: String?

    @OptionGroup var runOptions: RunOptions

    /// The pool is resampled, and PCA and the selection redone, in each replicate.
    @OptionGroup(title: "Bootstrap") var bootstrapOptions: BootstrapOptions

    func validate() throws {
        try bootstrapOptions.validateShard(
            json: panelOptions.json, count: bootstrapOptions.replicates,
            conflicts: [runOptions.html.map { _ in "--html" }, plan.map { _ in "--plan" }].compactMap { $0 })
    }

    /// The companion files a selection reads: all of them for `--advise` (the public metrics it
    /// validates on), else only to find a cost column the panel lacks.
    static func companions(advises: Bool, cost: CostKind) -> PanelQuery.CompanionFiles {
        if advises { return .join }
        if case .column(let name) = cost { return .joinIfMissing([name]) }
        return .joinIfMissing([])
    }

    /// The selection setup the options describe (reads a `--targets FILE`). The default design is
    /// the one for models to predict when a cut is given and — with the panel — some model lies
    /// past it (`SelectionSetup.hasModelsToPredict`).
    func setup(panel: Panel? = nil) throws -> SelectionSetup {
        var setup = poolOptions.setup(benchmarks: panelOptions.benchmarks, componentCount: components)
        let cut = poolOptions.cutoffFlops != nil || maxSize != nil
        let predicting =
            cut && (panel.map { SelectionSetup.hasModelsToPredict($0, cutoffFlops: poolOptions.cutoffFlops, maxSizeB: maxSize) } ?? true)
        try designOptions.apply(to: &setup, predicting: predicting)
        setup.ridge = ridge
        setup.unit = unit
        setup.maxSizeB = maxSize
        setup.exclude = exclude
        setup.minModels = minModels
        setup.maxModels = maxModels
        setup.maxModelsPerFamily = maxPerFamily
        return setup
    }

    /// The validation behind `--advise`: this selection, the recommended law (`fit`'s default).
    /// Solves every budget. Exhaustive search does all budgets in one enumeration (one progress
    /// bar); the other methods solve budget by budget, each with a bar that names its budget and
    /// an ETA of its own (branch-and-bound's pace differs widely between budgets).
    func solve(_ problem: SelectionProblem, budgets: [Double], options: SelectionOptions) throws -> [SelectionResult] {
        guard options.method != .exhaustive, budgets.count > 1 else {
            return try withProgress("search", quiet: panelOptions.quiet) { progress in
                try Selection.solve(problem, budgets: budgets, options: options, progress: progress)
            }
        }
        return try budgets.enumerated().map { index, budget in
            let label = "search, budget \(Format.significant(budget, 6)) (\(index + 1)/\(budgets.count))"
            return try withProgress(label, quiet: panelOptions.quiet) { progress in
                try Selection.solve(problem, budgets: [budget], options: options, progress: progress)[0]
            }
        }
    }

    func advice(_ setup: SelectionSetup) -> SelectionAdvice {
        var advice = SelectionAdvice(setup: setup, method: method)
        advice.law.benchmarks = panelOptions.benchmarks
        advice.seed = runOptions.seed
        advice.timeLimitSeconds = searchOptions.timeLimit
        advice.gapTolerance = searchOptions.gap
        return advice
    }

    var options: SelectionOptions {
        searchOptions.options(method: method, seed: runOptions.seed, threadCount: runOptions.threadCount)
    }

    func run() throws {
        try runReportingErrors {
            let shard = try bootstrapOptions.shard(count: bootstrapOptions.replicates, countSetting: .selectionBootstrapReplicateCount)
            let outputs = try panelOptions.outputs([("--html", runOptions.html), ("--plan", plan)], inputs: [designOptions.targets?.path])
            let loaded = try panelOptions.load(companions: Self.companions(advises: advise, cost: poolOptions.cost), outputs: outputs)
            let selectionSetup = try setup(panel: loaded.panel)
            let problem = try selectionSetup.build(panel: loaded.panel)
            let budgets = budget.resolved(totalCost: problem.units.reduce(0) { $0 + $1.cost })
            let options = self.options
            let results = try solve(problem, budgets: budgets, options: options)
            let settings = bootstrapOptions.replicates.map {
                SelectionBootstrap(replicateCount: $0, level: bootstrapOptions.level, resampling: bootstrapOptions.resample, seed: runOptions.seed)
            }
            let advice =
                try advise
                ? withProgress("advice", quiet: panelOptions.quiet) { progress in
                    try self.advice(selectionSetup).run(panel: loaded.panel, budgets: budgets, threadCount: options.threadCount, progress: progress)
                } : nil
            let jsonOptions = SelectOptions(
                query: panelOptions.query, setup: selectionSetup, options: options, budgets: budgets, budgetSpec: budget.description,
                bootstrap: settings)
            var output = SelectOutput(
                pool: problem.poolModels, units: problem.units.map(\.name), results: results, bootstrap: nil, advice: advice,
                notes: loaded.panel.notes.map(\.description) + problem.poolNotes, outliers: problem.outliers)
            if let settings {
                let replicates = try withProgress("bootstrap", quiet: panelOptions.quiet) { progress in
                    try settings.replicates(
                        setup: selectionSetup, panel: loaded.panel, budgets: budgets, options: options, results: results,
                        indices: shard?.range ?? 0...max(0, settings.replicateCount - 1), threadCount: options.threadCount,
                        progress: progress)
                }
                if let shard, let path = panelOptions.json {
                    try writePart(
                        SelectParts.self, seed: runOptions.seed, options: jsonOptions,
                        shared: SelectPartShared(output: output, replicateMethod: replicates.replicateMethod), records: replicates.replicates,
                        shard: shard, total: settings.replicateCount, path: path, outputs: outputs, quiet: panelOptions.quiet(outputs))
                    return
                }
                output.bootstrap = settings.summarize(
                    replicateMethod: replicates.replicateMethod, budgets: budgets, results: results, replicates: replicates.replicates)
            }
            func report() -> ReportDocument {
                SelectReport.document(
                    results, problem: problem, panelDescription: panelOptions.describe(loaded), costName: poolOptions.cost.description,
                    criterion: selectionSetup.criterion, bootstrap: output.bootstrap, advice: advice, budgetLabels: budget.labels)
            }
            try outputs.write { label in
                switch label {
                case "--html": return htmlPage(report())
                case "--plan":
                    return Data(
                        try SelectionPlan.csv(results, budgetLabels: budget.labels, panel: loaded.panel, cost: poolOptions.cost).utf8)
                default:
                    return try JSONReport(command: "select", seed: runOptions.seed, options: jsonOptions, result: output).encoded()
                }
            }
            printReport(report(), quiet: panelOptions.quiet(outputs))
        }
    }
}
