import ObsScaleData

/// A fit that cannot be done with the given data or settings; the message names the value and
/// the allowed range.
public enum FitError: InputError, Equatable {
    /// `value` is the value or what was asked ("with a law averaged over K"), and may name settings.
    case invalidSetting(Setting, value: SettingText, allowed: SettingText)
    case tooFewRows(what: String, needed: Int, found: Int)
    case emptyColumn(column: String, what: String)
    case nonFiniteTarget(model: String, value: Double)
    /// A target value outside [0, 1] with no target range to map it there.
    case targetOutOfUnitRange(target: String, model: String, value: Double, largest: Double)
    /// A file given as a saved law (`SavedLaw.load`) that is not one.
    case notASavedLaw(path: String)
    /// A saved law (`SavedLaw.load`) whose field `field` cannot be used.
    case invalidSavedLaw(path: String, field: String, problem: String)
    /// The target (or a column of the same metric) among the capability columns.
    case targetAmongCapabilities(target: String, column: String)

    /// Refuses target values outside [0, 1] when no range maps them there and the link is bounded
    /// to [0, 1] (a percentage or an unbounded score fitted as a fraction would be answered
    /// confidently and wrongly; the linear link has no such bound).
    /// Refuses a target that is (or measures the same as) one of the capability columns
    /// (`Panel.capabilityColumn(sameMetricAs:among:)`).
    public static func checkTarget(_ target: String, notAmong capabilities: [String], in panel: Panel) throws {
        if let column = panel.capabilityColumn(sameMetricAs: target, among: capabilities) {
            throw FitError.targetAmongCapabilities(target: target, column: column)
        }
    }

    public static func checkUnitRange(_ values: [Double], rows: [Int], target: String, modelNames: [String]) throws {
        guard let row = rows.first(where: { !values[$0].isNaN && !(0...1).contains(values[$0]) }) else { return }
        let largest = rows.map { values[$0] }.filter { !$0.isNaN }.max() ?? values[row]
        throw FitError.targetOutOfUnitRange(target: target, model: modelNames[row], value: values[row], largest: largest)
    }

    public func message(naming name: (Setting) -> String) -> String {
        switch self {
        case let .invalidSetting(setting, value, allowed):
            return "\(name(setting)): \(value.message(naming: name)) is not allowed (allowed: \(allowed.message(naming: name)))"
        case let .tooFewRows(what, needed, found):
            return "\(what): needs at least \(needed) models, found \(found)"
        case let .emptyColumn(column, what):
            return "column '\(column)' has no observed value among \(what)"
        case let .nonFiniteTarget(model, value):
            return "model '\(model)': target value \(value) is not finite"
        case let .targetOutOfUnitRange(target, model, value, largest):
            let hint =
                largest > 1 && largest <= 100
                ? "it looks like a percentage: pass \(name(.scalingLawTargetRange)) 0,100"
                : "pass \(name(.scalingLawTargetRange)) LOW,HIGH (the score's floor and ceiling)"
            return "target '\(target)': model '\(model)' has \(value), outside [0, 1] (largest \(largest)); \(hint)"
        case let .notASavedLaw(path):
            return "\(path): cannot read file: not a saved law (write one with \(name(.savedLawPath)))"
        case let .invalidSavedLaw(path, field, problem):
            return "\(path): invalid saved law: \(field) \(problem)"
        case let .targetAmongCapabilities(target, column):
            let what = column == target ? "is itself" : "measures the same as the capability column '\(column)', which is"
            return "target '\(target)' \(what) among the capability columns (\(name(.imputerColumns))): the law would predict the "
                + "target from itself; leave '\(column)' out of the capability columns"
        }
    }
}

extension Setting {
    // The settings checked by this layer (ObsScaleFit).
    public static let imputerColumns = Setting(owner: "PCAImputer.fit", name: "columnNames")
    public static let imputerRank = Setting(PCAImputer.self, "rank")
    public static let imputerMaxIterations = Setting(PCAImputer.self, "maxIterations")
    public static let pcaComponentCount = Setting(PCA.self, "componentCount")
    public static let huberDelta = Setting(owner: "Loss.huber", name: "delta")
    public static let regressionTargets = Setting(owner: "SigmoidRegression.fit", name: "targets")
    public static let regressionFloorBounds = Setting(SigmoidRegression.self, "floorBounds")
    public static let regressionPenalty = Setting(owner: "SigmoidRegression.fit", name: "penalty")
    public static let scalingLawTargetRange = Setting(ScalingLaw.self, "targetRange")
    public static let scalingLawPCAOn = Setting(ScalingLaw.self, "pcaOn")
    public static let scalingLawReferenceFamily = Setting(ScalingLaw.self, "referenceFamily")
    public static let scalingLawPrior = Setting(ScalingLaw.self, "prior")
    public static let scalingLawMaxAutoComponents = Setting(ScalingLaw.self, "maxAutoComponents")
    public static let scalingLawAveragesComponents = Setting(ScalingLaw.self, "averagesComponents")
    public static let fitBootstrapReplicateCount = Setting(FitBootstrap.self, "replicateCount")
    public static let fitBootstrapLevel = Setting(FitBootstrap.self, "level")
    public static let fitBootstrapRefitPCA = Setting(FitBootstrap.self, "refitPCA")
    public static let fitBootstrapRefitChoices = Setting(FitBootstrap.self, "refitChoices")
    public static let fitBootstrapLog10Flops = Setting(owner: "FitBootstrap.run", name: "log10Flops")
    public static let fitBootstrapThreadCount = Setting(owner: "FitBootstrap.run", name: "threadCount")
    public static let fitBootstrapIndices = Setting(owner: "FitBootstrap.replicates", name: "indices")
    public static let techniqueTargets = Setting(TechniqueComparison.self, "targets")
    public static let scalingLawTarget = Setting(owner: "ScalingLaw.fit", name: "target")
    public static let savedLawPath = Setting(owner: "SavedLaw.write", name: "path")
    /// The computes of a saved law's forecasts (`SavedLaw.forecasts(atFlops:)`).
    public static let savedLawForecastFlops = Setting(owner: "SavedLaw.forecasts", name: "atFlops")
    public static let techniqueGapThreshold = Setting(TechniqueComparison.self, "gapThreshold")
    public static let techniqueGridPointCount = Setting(TechniqueComparison.self, "gridPointCount")
    public static let computeBaselinePredictor = Setting(ComputeBaseline.self, "predictor")
    public static let computeEfficiencyComponentCount = Setting(ComputeEfficiency.self, "componentCount")
    public static let computeEfficiencyRankingFlops = Setting(ComputeEfficiency.self, "rankingFlops")
}
