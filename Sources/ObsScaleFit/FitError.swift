/// A fit that cannot be done with the given data or settings; the message names the value and
/// the allowed range.
public enum FitError: Error, Equatable, CustomStringConvertible, Sendable {
    case invalidSetting(name: String, value: String, allowed: String)
    case tooFewRows(what: String, needed: Int, found: Int)
    case emptyColumn(column: String, what: String)
    case nonFiniteTarget(model: String, value: Double)

    public var description: String {
        switch self {
        case let .invalidSetting(name, value, allowed):
            return "\(name): \(value) is not allowed (allowed: \(allowed))"
        case let .tooFewRows(what, needed, found):
            return "\(what): needs at least \(needed) models, found \(found)"
        case let .emptyColumn(column, what):
            return "column '\(column)' has no observed value among \(what)"
        case let .nonFiniteTarget(model, value):
            return "model '\(model)': target value \(value) is not finite"
        }
    }
}
