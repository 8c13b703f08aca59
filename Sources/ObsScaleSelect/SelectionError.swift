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
            return "budget \(budget) is too small: \(detail) needs at least \(needed)"
        case let .tooManyCombinations(count, limit, suggestion):
            return String(format: "exhaustive search would enumerate %.3g combinations (limit %.0e); %@", count, limit, suggestion)
        case let .noFeasibleSubset(budget, detail):
            return "no feasible subset within budget \(budget): \(detail)"
        }
    }
}
