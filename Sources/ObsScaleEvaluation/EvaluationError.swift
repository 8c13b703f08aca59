import ObsScaleData

/// An evaluation that cannot be run as asked; the message names the setting and what is allowed.
public enum EvaluationError: InputError, Equatable {
    case invalidSetting(Setting, value: String, allowed: SettingText)

    public func message(naming name: (Setting) -> String) -> String {
        switch self {
        case let .invalidSetting(setting, value, allowed):
            return "\(name(setting)): '\(value)' is not allowed (allowed: \(allowed.message(naming: name)))"
        }
    }
}

extension Setting {
    // The settings checked by this layer (ObsScaleEvaluation).
    public static let validationTargets = Setting(Validation.self, "targets")
    public static let validationCutoffFlops = Setting(Validation.self, "cutoffFlops")
    public static let validationSplit = Setting(Validation.self, "split")
    public static let validationSelectors = Setting(Validation.self, "selectors")
    public static let validationRandomCount = Setting(Validation.self, "randomCount")
    public static let simulationWorldCount = Setting(SimulationStudy.self, "worldCount")
    public static let simulationWorldIndices = Setting(owner: "SimulationStudy.worlds", name: "indices")
    public static let validationMinTestStandardDeviation = Setting(Validation.self, "minTestStandardDeviation")
    public static let validationHeldOutModels = Setting(Validation.self, "heldOutModels")
    public static let adviceHeldOutShare = Setting(SelectionAdvice.self, "heldOutShare")
    public static let adviceTargets = Setting(SelectionAdvice.self, "targets")
    public static let validationThreadCount = Setting(owner: "Validation.run", name: "threadCount")
    public static let calibrationLevels = Setting(IntervalCalibrator.self, "levels")
    public static let intervalReplicateCount = Setting(IntervalMeasurement.self, "replicateCount")
    public static let intervalLevel = Setting(IntervalMeasurement.self, "level")
}
