import Foundation
import ObsScale
import ObsScaleFetch

/// The one place where the library's settings become the command line's flags.
///
/// Library errors, notes and notices carry the `Setting`s they name (`PCA.componentCount`,
/// `Selection.budgets`); the command line renders them with `flag(for:overrides:)`
/// (`error.message(naming:)`, `SettingText.message(naming:)`), so each setting is spelled as the
/// flag that sets it. A setting set by different flags in different commands (the simulated
/// world's size is `--families` in `simulate` and `--sim-families` in `validate --simulate`) gets
/// a per-command override.
enum FlagNames {
    /// Setting → flag, shared by every command.
    static let flags: [Setting: String] = [
        // ObsScaleData
        .panelPath: "--panel",
        .panelBenchmarks: "--benchmarks",
        .formatDelimiter: "--delimiter",
        .formatModelColumn: "--model-column",
        .formatFamilyColumn: "--family-column",
        .formatSizeColumn: "--size-column",
        .formatTokensColumn: "--tokens-column",
        .formatFlopsColumn: "--flops-column",
        .formatDuplicates: "--duplicates",
        .formatFamilyFrom: "--family-from",
        .formatScoreScale: "--score-scale",
        .formatExcludeWhereTrue: "--exclude-column-true",
        .formatExcludeWhereFalse: "--exclude-column-false",
        .formatKeepsFlaggedRows: "--keep-flagged",
        .querySkipsCompanions: "--no-companions",
        .splitFlopsCutoff: "--cutoff-flops",
        .splitTop: "--test-top",
        .splitSizeCutoff: "--cutoff-size",
        .splitDateCutoff: "--cutoff-date",
        .formatDateColumn: "--date-column",
        .splitTrain: "--train",
        .modelListBudget: "--train-budget",
        .modelFilterMaxSize: "--max-size",
        .fetchTimeout: "--timeout",
        .fetchBaseURL: "--base-url",
        .fetchDestination: "--dest",
        .simulationFamilyCount: "--families",
        .simulationModelsPerFamily: "--models-per-family",
        .simulationModelCount: "--models",
        .simulationMissingRate: "--missing-rate",
        .simulationCapabilityCount: "--capabilities",
        .simulationPublicMetricCount: "--public-metrics",
        // ObsScaleFit
        .imputerColumns: "--benchmarks",
        .imputerRank: "--impute-rank",
        .pcaComponentCount: "--components",
        .huberDelta: "--huber-delta",
        .scalingLawTarget: "--target",
        .scalingLawTargetRange: "--target-range",
        .savedLawPath: "--save-law",
        .savedLawForecastFlops: "--at-flops",
        .scalingLawPCAOn: "--pca-on",
        .scalingLawReferenceFamily: "--reference-family",
        .scalingLawPrior: "--prior",
        .scalingLawMaxAutoComponents: "--max-components",
        .scalingLawAveragesComponents: "--components average",
        .fitBootstrapReplicateCount: "--bootstrap",
        .fitBootstrapLevel: "--level",
        .intervalLevel: "--level",
        .intervalReplicateCount: "--bootstrap",
        .calibrationLevels: "--level",
        .fitBootstrapRefitPCA: "--refit-pca",
        .fitBootstrapRefitChoices: "--refit-choices",
        .fitBootstrapLog10Flops: "--at-flops",
        .fitBootstrapThreadCount: "--threads",
        .fitBootstrapIndices: "--replicates",
        .computeBaselinePredictor: "--predictor",
        .techniqueTargets: "--target",
        .techniqueGapThreshold: "--gap-threshold",
        .techniqueGridPointCount: "--grid-points",
        .computeEfficiencyComponentCount: "--components",
        .computeEfficiencyRankingFlops: "--at-flops",
        // ObsScaleSelect
        .selectionBudgets: "--budget",
        .selectionMethod: "--method",
        .selectionTimeLimit: "--time-limit",
        .selectionGap: "--gap",
        .setupAnchor: "--anchor",
        .setupComponentCount: "--components",
        .setupCutoffFlops: "--cutoff-flops",
        .setupMaxSizeB: "--max-size",
        .setupTargets: "--targets",
        .setupRidge: "--ridge",
        .setupExcludesOutliers: "--exclude-outliers",
        .problemRidge: "--ridge",
        .mustInclude: "--include",
        .maxFamilies: "--max-families",
        .minModels: "--min-models",
        .maxModelsPerFamily: "--max-per-family",
        .maxModels: "--max-models",
        .paperRandomCount: "--random",
        .selectionBootstrapReplicateCount: "--bootstrap",
        .selectionBootstrapLevel: "--level",
        .selectionBootstrapThreadCount: "--threads",
        .selectionBootstrapIndices: "--replicates",
        // ObsScaleEvaluation
        .validationTargets: "--target",
        .validationCutoffFlops: "--cutoff-flops",
        .validationSplit: "--cutoff-size/--cutoff-date",
        .validationSelectors: "--method",
        .validationRandomCount: "--random",
        .simulationWorldCount: "--simulate",
        .simulationWorldIndices: "--replicates",
        .validationMinTestStandardDeviation: "--min-test-sd",
        .validationThreadCount: "--threads",
        .adviceTargets: "--advise",
        .adviceHeldOutShare: "--advise",
        // ObsScaleReport
        .jsonReportPath: "--json",
        .shardIndices: "--replicates",
        .shard: "--shard",
        .shardCount: "--shards",
    ]

    /// `validate --simulate` sets the simulated worlds with flags of its own.
    static let validateOverrides: [Setting: String] = [
        .simulationFamilyCount: "--sim-families",
        .simulationModelsPerFamily: "--sim-models-per-family",
        .simulationMissingRate: "--sim-missing-rate",
        .simulationPublicMetricCount: "--sim-public-metrics",
        // validate has no --min-models: every subset must hold as many models as the law has parameters.
        .minModels: "the law's parameter count (a subset must be fittable)",
    ]

    /// The settings no flag sets — fixed by obsscale, or set only through the library — as the
    /// command line names them. Together with `flags` it covers every `Setting` a layer declares
    /// (`Tests/CLITests/SettingRegistryTests` reads the declarations from the sources), so no
    /// message the command line prints speaks Swift.
    static let fixed: [Setting: String] = [
        .imputerMaxIterations: "the imputation's iteration limit (1000)",
        .regressionFloorBounds: "the sigmoid-floor's floor bounds [0, 0.2]",
        .regressionPenalty: "the prior's penalty",
        .regressionTargets: "the target's values",
        .splitMetricCutoff: "the split by a metric",
        .validationHeldOutModels: "the held-out models",
    ]

    /// How the command line spells `setting`: the command's own flag in `overrides`, else the flag
    /// in `flags`, else its name in `fixed`; the Swift name only for a setting in none of them
    /// (which `SettingRegistryTests` refuses).
    static func flag(for setting: Setting, overrides: [Setting: String] = [:]) -> String {
        overrides[setting] ?? flags[setting] ?? fixed[setting] ?? setting.description
    }

    /// `flag(for:overrides:)` as a naming function, for rendering messages and reports.
    static func naming(overrides: [Setting: String] = [:]) -> (Setting) -> String {
        { flag(for: $0, overrides: overrides) }
    }
}
