import ArgumentParser
import Foundation
import ObsScale

// Options that several commands take, each declared once with one help text: a command takes
// one with `@OptionGroup`. (Larger groups have files of their own: PanelOptions, LawOptions,
// PoolOptions, CutOptions, RunOptions, BootstrapOptions, IntervalOptions, SearchOptions.)

/// `--cutoff-flops X`: the split by training compute (`fit`, `compare`; the pool of `select` and
/// `validate`, through `PoolOptions`).
struct FlopsCutOption: ParsableArguments {
    @Option(
        name: .customLong("cutoff-flops"),
        help: """
            Split at X FLOPs (×1E21): models at or below X are the training side (select's pool); those above it, and those \
            of unknown FLOPs, are held out to be predicted.
            """,
        transform: Parse.flops)
    var cutoffFlops: Double?
}

/// `--budget B,…`: the budgets of `select` and `validate`, in cost units or as percentages of the
/// pool's cost (resolved against each pool by `BudgetSpec.resolved`).
struct BudgetOption: ParsableArguments {
    @Option(
        help: "Budgets, comma-separated: numbers in --cost units, or N% of the pool's total cost (e.g. 4,8,12 or 10%,20%).",
        transform: Parse.budgets)
    var budget: BudgetSpec
}

/// `--html FILE`: the self-contained HTML report.
struct HTMLOption: ParsableArguments {
    @Option(help: "Write a self-contained HTML report with charts to this file (atomically).")
    var html: String?
}

/// `--quiet`: every command's (through `PanelOptions` for the commands that read a panel).
struct QuietOption: ParsableArguments {
    @Flag(help: "Print nothing but errors.")
    var quiet = false
}

/// `--threads N`: worker threads, which never change a result.
struct ThreadsOption: ParsableArguments {
    @Option(help: "Worker threads (default: all cores; results do not depend on it).")
    var threads: Int?

    var threadCount: Int { threads ?? ProcessInfo.processInfo.activeProcessorCount }

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads: '\(threads)' is not allowed (allowed: ≥ 1)") }
    }
}

/// How the capability space is made where no law is fitted (`pca`, `efficiency`): the
/// imputation's rank and whether the PCA standardizes.
struct CapabilitySpaceOptions: ParsableArguments {
    @Option(name: .customLong("impute-rank"), help: "Rank of the PCA imputation.")
    var imputeRank = PCAImputer().rank

    @Flag(help: "Standardize benchmark columns before the PCA (default: centred only, as the paper).")
    var standardize = false
}

/// The target's scale and the compute reference of a law (`fit`, `compare`).
struct TargetScaleOptions: ParsableArguments {
    @Option(
        name: .customLong("target-range"),
        help: "LOW,HIGH: fit and score (y − LOW)/(HIGH − LOW), e.g. LOW = chance accuracy; reports show y on your scale.",
        transform: Parse.range)
    var targetRange: ClosedRange<Double>?

    @Option(
        name: .customLong("reference-family"),
        help: "Family whose compute defines equivalent FLOPs (default: \(ScalingLaw.recommended.referenceFamily)).")
    var referenceFamily: String?

    /// `--reference-family`, or the law's default.
    var referenceFamilyOrDefault: String { referenceFamily ?? ScalingLaw.recommended.referenceFamily }
}

/// `--at-flops C,…`: forecasts for a reference-family model at these computes (`fit`, `predict`).
struct ForecastOption: ParsableArguments {
    @Option(
        name: .customLong("at-flops"),
        help: "Also forecast a reference-family model at these FLOPs (×1E21, comma-separated), with intervals under a bootstrap.",
        transform: Parse.flopsList)
    var atFlops: [Double] = []
}

/// `--refit-pca`: each bootstrap replicate redoes imputation and PCA (`fit`, `validate`).
struct RefitPCAOption: ParsableArguments {
    @Flag(name: .customLong("refit-pca"), help: "Redo imputation and PCA inside each bootstrap replicate (default: fixed capabilities).")
    var refitPCA = false
}

/// `--targets`: the rows of L, the models the selection criterion asks to predict well.
enum CriterionRows: ExpressibleByArgument, Equatable {
    /// Every pool model (the paper).
    case pool
    /// The models above the cutoff, to be predicted.
    case test
    /// The models named in a file, one a line.
    case file(String)

    /// `pool` (or its alias `all`), `test` (or `above-cutoff`), else a file path.
    init?(argument: String) {
        switch argument {
        case "pool", "all": self = .pool
        case "test", "above-cutoff": self = .test
        case "": return nil
        default: self = .file(argument)
        }
    }

    var defaultValueDescription: String {
        switch self {
        case .pool: return "pool"
        case .test: return "test"
        case let .file(path): return path
        }
    }

    /// The file to read, if any.
    var path: String? {
        if case let .file(path) = self { return path }
        return nil
    }

    /// The setup's rows (reads a file).
    func rows() throws -> TargetSet {
        switch self {
        case .pool: return .pool
        case .test: return .aboveCutoff
        case let .file(path): return .models(try ModelNames(names: [], file: path).load())
        }
    }
}

/// The selection's design, shared by `select` and `validate`: the criterion, the intercept, the
/// rows of L and the anchor. Unset, each is the recommended design's for whether the models to predict are
/// known (`SelectionSetup.recommended(predicting:)`).
struct DesignOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            """
            Selection criterion: d (D-optimality), v (V-optimality, the paper), or a (A-optimality). Default: v for the \
            models to predict when they are known (past --cutoff-flops or --max-size; validate's test models), else d.
            """, valueName: "criterion"))
    var criterion: Criterion?

    @Flag(
        inversion: .prefixedNo,
        help: """
            Add an intercept column to the selection's design (default: on, except when the default criterion is v for the \
            models to predict; the paper has none).
            """)
    var intercept: Bool?

    @Option(
        help: ArgumentHelp(
            """
            Rows of L, the models the criterion asks to predict well: pool (every pool model, the paper; alias all), test \
            (the models past the pool's cut: --cutoff-flops or --max-size, validate's test models; alias above-cutoff), or a \
            file of model names, one a line. Default: test when the default criterion is v for the models to predict, else \
            pool.
            """, valueName: "targets"))
    var targets: CriterionRows?

    @Option(
        help: ArgumentHelp(
            """
            Models always selected for their place in the pool: none, compute-extremes (the pool's lowest- and \
            highest-compute models; by size without FLOPs), or auto (compute-extremes when the pool has FLOPs or sizes, \
            dropped at a budget they do not fit). Default: auto with the default criterion when the models to predict are \
            known, else none.
            """, valueName: "anchor"))
    var anchor: SelectionAnchor?

    /// `setup` with this design (reads a `--targets FILE`); what is unset comes from the
    /// recommended design, for a pool whose models to predict are known when `predicting`.
    func apply(to setup: inout SelectionSetup, predicting: Bool) throws {
        // A criterion given explicitly keeps the intercept and the pool rows unless they are given.
        let recommended = SelectionSetup.recommended(predicting: predicting && criterion == nil)
        setup.criterion = criterion ?? recommended.criterion
        setup.intercept = intercept ?? recommended.intercept
        setup.targets = try targets?.rows() ?? recommended.targets
        setup.anchor = anchor ?? recommended.anchor
    }
}
