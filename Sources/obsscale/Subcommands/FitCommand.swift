import ArgumentParser
import Foundation
import ObsScale

struct FitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fit",
        abstract: "Fit an observational scaling law for a downstream metric and predict held-out models.")

    @OptionGroup var panelOptions: PanelOptions

    @Option(help: "The downstream metric column to fit (headers may contain commas).")
    var target: String

    @OptionGroup var scaleOptions: TargetScaleOptions
    var targetRange: ClosedRange<Double>? { scaleOptions.targetRange }

    @OptionGroup(title: "Scaling law") var lawOptions: LawOptions<RecommendedLawDefaults>

    @OptionGroup var flopsCut: FlopsCutOption
    var cutoffFlops: Double? { flopsCut.cutoffFlops }

    @OptionGroup var cutOptions: CutOptions

    @Option(help: "Hold out these models as the test set (comma-separated, or @FILE with one name a line).", transform: Parse.modelNames)
    var holdout: ModelNames?

    @Option(name: .customLong("test-top"), help: "Hold out the top models ranked by the target: a fraction F < 1 of them, or F models.")
    var testTop: Double?

    @Option(
        help: """
            Train on these models only and predict the rest (comma-separated, or @FILE: one name a line, or the CSV select --plan \
            writes).
            """,
        transform: Parse.modelNames)
    var train: ModelNames?

    @Option(
        name: .customLong("train-budget"),
        help: "With --train @PLAN.csv of several budgets: the budget whose models you evaluated (as written, e.g. 10%).")
    var trainBudget: String?

    var referenceFamily: String? { scaleOptions.referenceFamily }

    @OptionGroup var runOptions: RunOptions

    @OptionGroup(title: "Bootstrap") var bootstrapOptions: BootstrapOptions

    @OptionGroup(title: "Intervals") var intervalOptions: IntervalOptions

    @OptionGroup var refitOption: RefitPCAOption
    var refitPCA: Bool { refitOption.refitPCA }

    @Flag(
        name: .customLong("refit-choices"),
        help: "Choose the prior's strength and K again in each bootstrap replicate (default: the full fit's choices, kept fixed).")
    var refitChoices = false

    @OptionGroup var forecastOption: ForecastOption
    var atFlops: [Double] { forecastOption.atFlops }

    @Option(
        name: .customLong("save-law"),
        help: "Save the fitted law (with --bootstrap, its replicate laws) to this file, for obsscale predict --law FILE later.")
    var saveLaw: String?

    @Option(help: "Regress on the capabilities (pcs, the scaling law) or, as the paper's baselines, on log10 FLOPs or log10 model size.")
    var predictor: LawPredictor = .pcs

    @Flag(
        name: .customLong("compare-predictors"),
        help: "Fit the law on the capabilities, on log10 FLOPs and on log10 model size on the same split; compare their test MSE.")
    var comparePredictors = false

    func validate() throws {
        if predictor != .pcs || comparePredictors {
            let flag = comparePredictors ? "--compare-predictors" : "--predictor \(predictor.rawValue)"
            if bootstrapOptions.replicates != nil { throw ValidationError("--bootstrap: not allowed with \(flag) (allowed: --predictor pcs)") }
            if saveLaw != nil { throw ValidationError("--save-law: not allowed with \(flag) (allowed: --predictor pcs)") }
            if !atFlops.isEmpty { throw ValidationError("--at-flops: not allowed with \(flag) (allowed: --predictor pcs)") }
        }
        if comparePredictors && predictor != .pcs {
            throw ValidationError(
                "--predictor: '\(predictor.rawValue)' is not allowed with --compare-predictors (allowed: pcs; all three are fitted)")
        }
        try bootstrapOptions.validateShard(
            json: panelOptions.json, count: bootstrapOptions.replicates,
            conflicts: [runOptions.html.map { _ in "--html" }, saveLaw.map { _ in "--save-law" }].compactMap { $0 })
        let chosen = [cutoffFlops != nil, holdout != nil, testTop != nil, train != nil].filter { $0 }.count + cutOptions.given.count
        guard chosen <= 1 else {
            throw ValidationError(
                "--cutoff-flops/--cutoff-size/--cutoff-date/--holdout/--test-top/--train: '\(chosen) given' is not allowed "
                    + "(allowed: at most one split)"
            )
        }
        if trainBudget != nil && train?.file == nil {
            throw ValidationError("--train-budget: not allowed without --train @FILE (allowed: with a plan file that select --plan wrote)")
        }
    }

    /// The companion files a fit reads: all of them for a public prior (its metrics), else only
    /// to find a target the panel lacks.
    static func companions(usesPrior: Bool, target: String) -> PanelQuery.CompanionFiles {
        usesPrior ? .join : .joinIfMissing([target])
    }

    /// The split the options ask for (reads a `--holdout @FILE` or `--train @FILE`).
    func splitRule() throws -> SplitRule {
        if let cutoffFlops { return .flopsCutoff(cutoffFlops) }
        if let rule = cutOptions.rule { return rule }
        if let testTop { return .top(column: target, limit: testTop) }
        if let holdout { return .holdout(try holdout.load()) }
        if let train { return .train(try train.load(budget: trainBudget)) }
        return .none
    }

    /// The law the options describe (reads a `--prior FILE`).
    func law() throws -> ScalingLaw {
        try lawOptions.law(benchmarks: panelOptions.benchmarks, targetRange: targetRange, referenceFamily: scaleOptions.referenceFamilyOrDefault)
    }

    /// The bootstrap the options ask for, if any.
    var bootstrap: FitBootstrap? {
        bootstrapOptions.replicates.map {
            FitBootstrap(
                replicateCount: $0, level: bootstrapOptions.level, resampling: bootstrapOptions.resample, refitPCA: refitPCA,
                seed: runOptions.seed, refitChoices: refitChoices)
        }
    }

    func run() throws {
        try runReportingErrors {
            let shard = try bootstrapOptions.shard(count: bootstrapOptions.replicates, countSetting: .fitBootstrapReplicateCount)
            let outputs = try panelOptions.outputs(
                [("--html", runOptions.html), ("--save-law", saveLaw)], inputs: [lawOptions.priorFile, holdout?.file, train?.file])
            let loaded = try panelOptions.load(
                companions: Self.companions(usesPrior: lawOptions.prior != .none, target: target), targets: [target], outputs: outputs)
            let rule = try splitRule()
            if let referenceFamily, !loaded.panel.familyNames.contains(referenceFamily) {
                throw DataError.unknownFamily(
                    name: referenceFamily, suggestions: Suggestions.closeMatches(to: referenceFamily, in: loaded.panel.familyNames))
            }
            let law = try law()
            let split = try Split(panel: loaded.panel, rule: rule)
            if predictor != .pcs || comparePredictors {
                try runBaselines(law: law, loaded: loaded, split: split, rule: rule, outputs: outputs)
                return
            }
            // The public metrics' laws behind the prior are those the calibration borrows from.
            let publicFits = PublicFitsCache()
            var fit = try law.fit(
                panel: loaded.panel, target: target, split: split, poolRows: rule.poolRows(panelCount: loaded.panel.count), cache: publicFits)
            if !atFlops.isEmpty && fit.equivalentFlops == nil {
                throw FitError.invalidSetting(
                    .fitBootstrapLog10Flops, value: SettingText(atFlops.map { Format.significant($0, 6) }.joined(separator: ",")),
                    allowed:
                        "only with a reference family of ≥ 2 models with FLOPs "
                        + "(\(Setting.scalingLawReferenceFamily); '\(law.referenceFamily)' has fewer)"
                )
            }
            for warning in fit.warnings ?? [] { printNotice("obsscale: warning: \(warning)", quiet: panelOptions.quiet) }
            let settings = bootstrap
            if let settings, intervalOptions.interval == .calibrated {
                try settings.validate(fit, log10Flops: atFlops.map { log10($0) })
                fit.calibration = try IntervalCalibrator(levels: [settings.level]).calibrate(
                    fit, panel: loaded.panel, split: split, cache: CalibrationCache(publicFits: publicFits), threadCount: runOptions.threadCount)
            }
            let options = FitOptions(
                query: panelOptions.query, target: target, split: rule, law: law, bootstrap: settings, atFlops: atFlops,
                interval: settings == nil ? nil : intervalOptions.interval)
            if let settings, let shard, let path = panelOptions.json {
                let records = try withProgress("bootstrap", quiet: panelOptions.quiet) { progress in
                    try settings.replicates(
                        fit, panel: loaded.panel, log10Flops: atFlops.map { log10($0) }, indices: shard.range,
                        threadCount: runOptions.threadCount, progress: progress)
                }
                try writePart(
                    FitParts.self, seed: settings.seed, options: options, shared: fit, records: records, shard: shard,
                    total: settings.replicateCount, path: path, outputs: outputs, quiet: panelOptions.quiet(outputs))
                return
            }
            var records: [FitBootstrap.Replicate] = []
            if let settings {
                records = try withProgress("bootstrap", quiet: panelOptions.quiet) { progress in
                    try settings.replicates(
                        fit, panel: loaded.panel, log10Flops: atFlops.map { log10($0) }, indices: 0...max(0, settings.replicateCount - 1),
                        threadCount: runOptions.threadCount, progress: progress)
                }
                fit.bootstrap = settings.summarize(
                    fit, log10Flops: atFlops.map { log10($0) }, replicates: records, threadCount: runOptions.threadCount)
            }
            let saved =
                try saveLaw == nil
                ? nil : SavedLaw(fit: fit, panel: loaded.panel, bootstrap: settings, replicates: records, threadCount: runOptions.threadCount)
            func report() -> ReportDocument {
                FitReport.document(
                    fit, panelDescription: panelOptions.describe(loaded), splitDescription: FitReport.describe(rule), atFlops: atFlops)
            }
            try outputs.write { label in
                switch label {
                case "--html": return htmlPage(report())
                case "--save-law": return try saved?.encoded() ?? Data()
                default: return try JSONReport(command: "fit", seed: settings?.seed, options: options, result: fit).encoded()
                }
            }
            printReport(report(), quiet: panelOptions.quiet(outputs))
        }
    }

    /// `--predictor flops|params` and `--compare-predictors`.
    func runBaselines(law: ScalingLaw, loaded: PanelQuery.Loaded, split: Split, rule: SplitRule, outputs: OutputFiles) throws {
        let description = panelOptions.describe(loaded)
        let options = FitOptions(query: panelOptions.query, target: target, split: rule, law: law, bootstrap: nil, atFlops: [], predictor: predictor)
        if comparePredictors {
            let comparison = try PredictorComparison.run(law: law, panel: loaded.panel, target: target, split: split)
            func report() -> ReportDocument {
                BaselineReport.document(comparison, panelDescription: description, splitDescription: FitReport.describe(rule))
            }
            try outputs.write { label in
                label == "--html" ? htmlPage(report()) : try JSONReport(command: "fit", options: options, result: comparison).encoded()
            }
            printReport(report(), quiet: panelOptions.quiet(outputs))
            return
        }
        let fit = try ComputeBaseline(predictor: predictor, regression: law.regression, targetRange: law.targetRange)
            .fit(panel: loaded.panel, target: target, split: split)
        func report() -> ReportDocument { BaselineReport.document(fit, panelDescription: description, splitDescription: FitReport.describe(rule)) }
        try outputs.write { label in
            label == "--html" ? htmlPage(report()) : try JSONReport(command: "fit", options: options, result: fit).encoded()
        }
        printReport(report(), quiet: panelOptions.quiet(outputs))
    }
}
