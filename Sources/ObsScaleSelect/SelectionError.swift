/// A selection request that cannot be answered as asked; the message says why and what to do.
public enum SelectionError: Error, Equatable, CustomStringConvertible, Sendable {
    case invalidOption(name: String, value: String, allowed: String)
    case invalidProblem(String)
    case emptyPool(String)
    case contradictoryConstraints(String)
    case unknownUnit(name: String, suggestions: [String])
    case budgetTooSmall(budget: Double, needed: Double, detail: String)
    case tooManyCombinations(count: Double, limit: Double, suggestion: String)
    case noFeasibleSubset(budget: Double, detail: String)

    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(format: "%.6g", value)
    }

    public var description: String {
        switch self {
        case let .invalidOption(name, value, allowed):
            return "\(name): '\(value)' is not allowed (allowed: \(allowed))"
        case let .invalidProblem(message):
            return "invalid selection problem: \(message)"
        case let .emptyPool(message):
            return "empty pool: \(message)"
        case let .contradictoryConstraints(message):
            return "contradictory constraints: \(message)"
        case let .unknownUnit(name, suggestions):
            return "unknown family or model '\(name)'" + (suggestions.isEmpty ? "" : "; did you mean " + suggestions.map { "'\($0)'" }.joined(separator: " or ") + "?")
        case let .budgetTooSmall(budget, needed, detail):
            return "budget \(Self.number(budget)) is too small: \(detail) cost at least \(Self.number(needed))"
        case let .tooManyCombinations(count, limit, suggestion):
            return String(format: "exhaustive search would enumerate %.3g combinations (limit %.0e); %@", count, limit, suggestion)
        case let .noFeasibleSubset(budget, detail):
            return "no feasible subset within budget \(budget): \(detail)"
        }
    }
}
