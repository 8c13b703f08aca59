import Foundation
import ObsScaleData
import ObsScaleEvaluation
import ObsScaleFit
import ObsScaleSelect

// The `options` and `result` of each command's `--json` envelope (`JSONReport`), documented in
// docs/json.md. Codable both ways, so scripts and tests can read a report back into these types.

/// `obsscale compare`'s settings.
public struct CompareOptions: Codable, Equatable, Sendable {
    public var query: PanelQuery
    public var split: SplitRule
    public var comparison: TechniqueComparison

    public init(query: PanelQuery, split: SplitRule, comparison: TechniqueComparison) {
        self.query = query
        self.split = split
        self.comparison = comparison
    }
}

/// `obsscale efficiency`'s settings.
public struct EfficiencyOptions: Codable, Equatable, Sendable {
    public var query: PanelQuery
    public var efficiency: ComputeEfficiency

    public init(query: PanelQuery, efficiency: ComputeEfficiency) {
        self.query = query
        self.efficiency = efficiency
    }
}

/// `obsscale pca`: options; the result is `CapabilityAnalysis.Result`.
public struct PCAOptions: Codable, Equatable, Sendable {
    public var query: PanelQuery
    public var analysis: CapabilityAnalysis

    public init(query: PanelQuery, analysis: CapabilityAnalysis) {
        self.query = query
        self.analysis = analysis
    }
}

/// `obsscale fit`: options; the result is `ScalingLawFit` (with `bootstrap` when requested). The
/// thread count is not recorded: it never changes the result.
public struct FitOptions: Codable, Equatable, Sendable {
    public var query: PanelQuery
    public var target: String
    public var split: SplitRule
    public var law: ScalingLaw
    public var bootstrap: FitBootstrap?
    /// FLOPs (×1E21) of the `--at-flops` predictions.
    public var atFlops: [Double]
    /// What the law regresses on (`--predictor`; absent in older reports: the capabilities).
    public var predictor: LawPredictor?
    /// The score intervals asked for with a bootstrap (absent without one, and in older reports:
    /// the bootstrap's).
    public var interval: IntervalKind?

    public init(
        query: PanelQuery, target: String, split: SplitRule, law: ScalingLaw, bootstrap: FitBootstrap?, atFlops: [Double],
        predictor: LawPredictor? = nil, interval: IntervalKind? = nil
    ) {
        self.query = query
        self.target = target
        self.split = split
        self.law = law
        self.bootstrap = bootstrap
        self.atFlops = atFlops
        self.predictor = predictor
        self.interval = interval
    }
}

/// `obsscale select`: options.
public struct SelectOptions: Codable, Equatable, Sendable {
    public var query: PanelQuery
    public var setup: SelectionSetup
    public var options: SelectionOptions
    /// The budgets in cost units (percentages resolved).
    public var budgets: [Double]
    /// `--budget` as given.
    public var budgetSpec: String
    public var bootstrap: SelectionBootstrap?

    public init(
        query: PanelQuery, setup: SelectionSetup, options: SelectionOptions, budgets: [Double], budgetSpec: String,
        bootstrap: SelectionBootstrap?
    ) {
        self.query = query
        self.setup = setup
        self.options = options
        self.budgets = budgets
        self.budgetSpec = budgetSpec
        self.bootstrap = bootstrap
    }
}

/// `obsscale select`: result.
public struct SelectOutput: Codable, Equatable, Sendable {
    /// Pool models, in panel order.
    public var pool: [String]
    /// Unit names (families or models), in unit order.
    public var units: [String]
    /// One per budget.
    public var results: [SelectionResult]
    public var bootstrap: SelectionBootstrapSummary?
    /// What to expect at each budget (`--advise`).
    public var advice: SelectionAdvice.Advice?
    /// What the loader and the pool left out, merged or guessed (`Panel.notes`, then
    /// `SelectionProblem.poolNotes`).
    public var notes: [String]
    /// The pool's capability-space outliers (`OutlierScreen`; nil when the pool is too small).
    public var outliers: OutlierScreen?

    public init(
        pool: [String], units: [String], results: [SelectionResult], bootstrap: SelectionBootstrapSummary?, advice: SelectionAdvice.Advice? = nil,
        notes: [String] = [], outliers: OutlierScreen? = nil
    ) {
        self.pool = pool
        self.units = units
        self.results = results
        self.bootstrap = bootstrap
        self.advice = advice
        self.notes = notes
        self.outliers = outliers
    }
}

/// `obsscale validate`: options — `query` and `validation` on a panel (result
/// `ValidationReport`), or `study` with `--simulate` (result `SimulationStudyReport`).
public struct ValidateOptions: Codable, Equatable, Sendable {
    public var query: PanelQuery?
    public var validation: Validation?
    public var study: SimulationStudy?

    public init(query: PanelQuery?, validation: Validation?, study: SimulationStudy?) {
        self.query = query
        self.validation = validation
        self.study = study
    }
}
