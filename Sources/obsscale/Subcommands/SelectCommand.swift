import ArgumentParser
import Foundation
import ObsScale

extension SelectionUnit: ExpressibleByArgument {}
extension SelectionMethod: ExpressibleByArgument {}
extension Criterion: ExpressibleByArgument {}

struct SelectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "select",
        abstract: "Choose which models to evaluate: the subset within a budget whose fit best matches the full panel.")

    @OptionGroup var panelOptions: PanelOptions

    @Option(help: "Budgets, comma-separated: numbers in cost units, or N% of the pool's total cost (e.g. 4,8,12 or 10%).")
    var budget: String

    @Option(help: "Cost of a model: count (1 each, the paper), params (Model Size (B)), flops, or any numeric column.")
    var cost = "count"

    @Option(help: "Select whole families (the paper) or single models.")
    var unit: SelectionUnit = .family

    @Option(help: "Search method.")
    var method: SelectionMethod = .auto

    @Option(help: "Criterion: v (V-optimality, the paper), a, or d.")
    var criterion: Criterion = .v

    @Option(help: "Units always selected (families, or models with --unit model; comma-separated).")
    var include: String?

    @Option(help: "Units never selected (comma-separated).")
    var exclude: String?

    @Option(name: .customLong("max-families"), help: "At most this many families in the subset.")
    var maxFamilies: Int?

    @Option(name: .customLong("min-models"), help: "At least this many models in the subset.")
    var minModels: Int?

    @Option(name: .customLong("max-per-family"), help: "At most this many models of one family.")
    var maxPerFamily: Int?

    @Option(name: .customLong("max-size"), help: "Pool: models of at most this many billion parameters.")
    var maxSize: Double?

    @Option(name: .customLong("cutoff-flops"), help: "Pool: models with FLOPs ≤ X (×1E21).")
    var cutoffFlops: Double?

    @Flag(name: .customLong("drop-incomplete"), help: "Pool: drop models with a missing benchmark score.")
    var dropIncomplete = false

    @Option(help: "Rows of L: all (the pool, the paper), above-cutoff (models above --cutoff-flops), or a file of model names.")
    var targets = "all"

    @Option(help: "Number of PCs in the design (K_sel).")
    var components = 3

    @Flag(help: "Add an intercept column to the design.")
    var intercept = false

    @Option(help: "Ridge δ added to G (0: singular designs are infeasible).")
    var ridge = 0.0

    @Option(name: .customLong("time-limit"), help: "Seconds per budget for searches that can stop early.")
    var timeLimit = 10.0

    @Option(help: "Seed of the random baseline.")
    var seed: UInt64 = 0

    @Option(help: "Worker threads (default: all cores).")
    var threads: Int?

    @Option(help: "Write a self-contained HTML report with charts to this file (atomically).")
    var html: String?

    /// The pool is resampled, and PCA and the selection redone, in each replicate.
    @OptionGroup(title: "Bootstrap") var bootstrapOptions: BootstrapOptions

    func setup() throws -> SelectionSetup {
        var setup = SelectionSetup()
        setup.benchmarks = panelOptions.benchmarkList
        setup.componentCount = components
        setup.intercept = intercept
        setup.ridge = ridge
        setup.criterion = criterion
        setup.unit = unit
        setup.cost = CostKind(parsing: cost)
        setup.cutoffFlops = cutoffFlops
        setup.maxSizeB = maxSize
        setup.dropIncomplete = dropIncomplete
        switch targets {
        case "all", "pool": setup.targets = .pool
        case "above-cutoff": setup.targets = .aboveCutoff
        default:
            guard let text = try? String(contentsOfFile: targets, encoding: .utf8) else { throw DataError.fileNotFound(path: targets) }
            setup.targets = .models(text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
        }
        setup.include = commaList(include) ?? []
        setup.exclude = commaList(exclude) ?? []
        setup.maxFamilies = maxFamilies
        setup.minModels = minModels
        setup.maxModelsPerFamily = maxPerFamily
        return setup
    }

    /// "4,8,12" or "10%" (of the pool's total cost).
    static func budgets(_ text: String, totalCost: Double) throws -> [Double] {
        let items = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard !items.isEmpty else { throw SelectionError.invalidOption(name: "--budget", value: text, allowed: "numbers > 0 or percentages") }
        return try items.map { item in
            let isPercent = item.hasSuffix("%")
            guard let number = Double(isPercent ? String(item.dropLast()) : item), number > 0, number.isFinite else {
                throw SelectionError.invalidOption(name: "--budget", value: item, allowed: "a number > 0, or a percentage such as 10%")
            }
            return isPercent ? number / 100 * totalCost : number
        }
    }

    func run() throws {
        try runReportingErrors {
            let loaded = try panelOptions.load()
            let selectionSetup = try setup()
            let problem = try selectionSetup.build(panel: loaded.panel)
            let budgets = try Self.budgets(budget, totalCost: problem.units.reduce(0) { $0 + $1.cost })
            var options = SelectionOptions(method: method, timeLimitSeconds: timeLimit, seed: seed)
            if let threads {
                guard threads >= 1 else { throw SelectionError.invalidOption(name: "--threads", value: "\(threads)", allowed: "≥ 1") }
                options.threadCount = threads
            }
            let results = try withProgress("search", quiet: panelOptions.quiet) { progress in
                try Selection.solve(problem, budgets: budgets, options: options, progress: progress)
            }
            let settings = try bootstrapOptions.replicates().map {
                SelectionBootstrap(replicateCount: $0, level: bootstrapOptions.level, resampling: bootstrapOptions.resample, seed: seed)
            }
            let summary = try settings.map { settings in
                try withProgress("bootstrap", quiet: panelOptions.quiet) { progress in
                    try settings.run(setup: selectionSetup, panel: loaded.panel, budgets: budgets, options: options,
                                     results: results, threadCount: options.threadCount, progress: progress)
                }
            }
            if let path = panelOptions.json {
                try JSONReport(command: "select", seed: seed,
                               options: SelectOptions(query: panelOptions.query, setup: selectionSetup, options: options, budgets: budgets,
                                                budgetSpec: budget, bootstrap: settings),
                               result: SelectOutput(pool: problem.poolModels, units: problem.units.map(\.name), results: results,
                                              bootstrap: summary))
                    .write(to: path)
            }
            if let html {
                try HTMLPage.select(results, problem: problem, panelDescription: panelOptions.describe(loaded), costName: cost,
                                    criterion: criterion, bootstrap: summary).write(to: html)
            }
            if !panelOptions.quiet {
                print(SelectReport.render(results, problem: problem, panelDescription: panelOptions.describe(loaded), costName: cost,
                                          criterion: criterion, bootstrap: summary), terminator: "")
            }
        }
    }
}
