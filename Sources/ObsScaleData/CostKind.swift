/// What one model costs to evaluate: budgets are sums of these.
public enum CostKind: Codable, Equatable, Sendable, CustomStringConvertible {
    /// 1 per model (the paper's budget: a number of models).
    case count
    /// `Model Size (B)`: proportional to inference cost per token.
    case params
    /// `FLOPs (1E21)`: training compute.
    case flops
    /// Any numeric column, e.g. measured GPU-hours.
    case column(String)

    /// Parses `count`, `params`, `flops` or a column name.
    public init(parsing text: String) {
        switch text {
        case "count": self = .count
        case "params": self = .params
        case "flops": self = .flops
        default: self = .column(text)
        }
    }

    public var description: String {
        switch self {
        case .count: return "count"
        case .params: return "params"
        case .flops: return "flops"
        case let .column(name): return name
        }
    }

    /// Each model's cost. Throws when a cost is missing, not finite or not > 0, naming the model.
    public func costs(for panel: Panel) throws -> [Double] {
        let values: [Double]
        let column: String
        switch self {
        case .count: return Array(repeating: 1, count: panel.count)
        case .params:
            column = "Model Size (B)"
            values = panel.models.map { $0.parametersB ?? .nan }
        case .flops:
            column = "FLOPs (1E21)"
            values = panel.models.map { $0.flops ?? .nan }
        case let .column(name):
            column = name
            values = try panel.values(of: name)
        }
        for (index, value) in values.enumerated() {
            if value.isNaN { throw DataError.missingCost(model: panel.models[index].name, column: column) }
            guard value > 0, value.isFinite else {
                throw DataError.invalidCost(model: panel.models[index].name, column: column, value: value)
            }
        }
        return values
    }
}
