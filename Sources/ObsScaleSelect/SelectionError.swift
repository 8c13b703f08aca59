import Foundation
import ObsScaleData

/// A selection request that cannot be answered as asked; the message says why and what to do.
public enum SelectionError: InputError, Equatable {
    case invalidSetting(Setting, value: String, allowed: SettingText)
    /// A unit whose cost is not a finite number > 0.
    case invalidCost(unit: String, value: Double)
    case invalidProblem(String)
    case emptyPool(String)
    case contradictoryConstraints(SettingText)
    case unknownUnit(name: String, suggestions: [String])
    case budgetTooSmall(budget: Double, needed: Double, detail: String)
    case tooManyCombinations(count: Double, limit: Double, suggestion: SettingText)
    case noFeasibleSubset(budget: Double, detail: SettingText)

    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(format: "%.6g", value)
    }

    public func message(naming name: (Setting) -> String) -> String {
        switch self {
        case let .invalidSetting(setting, value, allowed):
            return "\(name(setting)): '\(value)' is not allowed (allowed: \(allowed.message(naming: name)))"
        case let .invalidCost(unit, value):
            return "cost of \(unit): '\(value)' is not allowed (allowed: a finite number > 0)"
        case let .invalidProblem(message):
            return "invalid selection problem: \(message)"
        case let .emptyPool(message):
            return "empty pool: \(message)"
        case let .contradictoryConstraints(message):
            return "contradictory constraints: \(message.message(naming: name))"
        case let .unknownUnit(unit, suggestions):
            return "unknown family or model '\(unit)'"
                + (suggestions.isEmpty ? "" : "; did you mean " + suggestions.map { "'\($0)'" }.joined(separator: " or ") + "?")
        case let .budgetTooSmall(budget, needed, detail):
            return "budget \(Self.number(budget)) is too small: \(detail) cost at least \(Self.number(needed))"
        case let .tooManyCombinations(count, limit, suggestion):
            return String(format: "exhaustive search would enumerate %.3g combinations (limit %.0e); ", count, limit)
                + suggestion.message(naming: name)
        case let .noFeasibleSubset(budget, detail):
            return "no feasible subset within budget \(budget): \(detail.message(naming: name))"
        }
    }
}

extension Setting {
    // The settings checked by this layer (ObsScaleSelect).
    public static let selectionBudgets = Setting(owner: "Selection", name: "budgets")
    public static let selectionMethod = Setting(SelectionOptions.self, "method")
    public static let selectionTimeLimit = Setting(SelectionOptions.self, "timeLimitSeconds")
    public static let selectionGap = Setting(SelectionOptions.self, "gapTolerance")
    public static let setupComponentCount = Setting(SelectionSetup.self, "componentCount")
    public static let setupCutoffFlops = Setting(SelectionSetup.self, "cutoffFlops")
    public static let setupMaxSizeB = Setting(SelectionSetup.self, "maxSizeB")
    public static let setupAnchor = Setting(SelectionSetup.self, "anchor")
    public static let setupTargets = Setting(SelectionSetup.self, "targets")
    public static let setupRidge = Setting(SelectionSetup.self, "ridge")
    public static let setupExcludesOutliers = Setting(SelectionSetup.self, "excludesOutliers")
    public static let problemRidge = Setting(SelectionProblem.self, "ridge")
    public static let mustInclude = Setting(owner: "SelectionProblem.Constraints", name: "mustInclude")
    public static let maxFamilies = Setting(owner: "SelectionProblem.Constraints", name: "maxFamilies")
    public static let minModels = Setting(owner: "SelectionProblem.Constraints", name: "minModels")
    public static let maxModelsPerFamily = Setting(owner: "SelectionProblem.Constraints", name: "maxModelsPerFamily")
    public static let maxModels = Setting(owner: "SelectionProblem.Constraints", name: "maxModels")
    public static let paperRandomCount = Setting(PaperRandomBaseline.self, "count")
    public static let selectionBootstrapReplicateCount = Setting(SelectionBootstrap.self, "replicateCount")
    public static let selectionBootstrapLevel = Setting(SelectionBootstrap.self, "level")
    public static let selectionBootstrapThreadCount = Setting(owner: "SelectionBootstrap.run", name: "threadCount")
    public static let selectionBootstrapIndices = Setting(owner: "SelectionBootstrap.replicates", name: "indices")
}
