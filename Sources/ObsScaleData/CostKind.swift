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

    /// The column a cost is read from (`Model Size (B)`, `FLOPs (1E21)`, the named column; nil for `count`).
    public var columnName: String? {
        switch self {
        case .count: return nil
        case .params: return "Model Size (B)"
        case .flops: return "FLOPs (1E21)"
        case let .column(name): return name
        }
    }

    /// Each model's cost as recorded, NaN where it is missing (1 for every model under `count`).
    public func values(for panel: Panel) throws -> [Double] {
        switch self {
        case .count: return Array(repeating: 1, count: panel.count)
        case .params: return panel.models.map { $0.parametersB ?? .nan }
        case .flops: return panel.models.map { $0.flops ?? .nan }
        case let .column(name): return try panel.values(of: name)
        }
    }

    /// Each model's cost. Throws when a cost is missing, not finite or not > 0, naming the model.
    public func costs(for panel: Panel) throws -> [Double] {
        let values = try values(for: panel)
        let column = columnName ?? "count"
        for (index, value) in values.enumerated() {
            if value.isNaN { throw DataError.missingCost(model: panel.models[index].name, column: column) }
            guard value > 0, value.isFinite else {
                throw DataError.invalidCost(model: panel.models[index].name, column: column, value: value)
            }
        }
        return values
    }
}
