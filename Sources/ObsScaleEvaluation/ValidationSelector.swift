import Foundation
import ObsScaleData
import ObsScaleSelect

/// A selection method and the unit it selects, as `validate --method` names it: `exhaustive`
/// (families), `exchange:model`, `greedy:model`, `bnb:family`, …
public struct ValidationSelector: Codable, Equatable, Hashable, Sendable, CustomStringConvertible {
    public var method: SelectionMethod
    public var unit: SelectionUnit

    public init(method: SelectionMethod, unit: SelectionUnit = .family) {
        self.method = method
        self.unit = unit
    }

    /// Parses `METHOD[:UNIT]` (unit default: family).
    public init(parsing text: String) throws {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        let baselines: Set<SelectionMethod> = [.random, .cheapest]
        let methods = SelectionMethod.allCases.filter { !baselines.contains($0) }.map(\.rawValue)
        guard (1...2).contains(parts.count), let method = SelectionMethod(rawValue: parts[0]), !baselines.contains(method),
            let unit = parts.count == 2 ? SelectionUnit(rawValue: parts[1]) : .family
        else {
            throw EvaluationError.invalidSetting(
                .validationSelectors, value: text,
                allowed:
                    "METHOD[:UNIT] with METHOD one of \(methods.joined(separator: ", ")) and UNIT family or model (the random and cheapest-first "
                    + "baselines are always measured)"
            )
        }
        self.init(method: method, unit: unit)
    }

    public var description: String { "\(method.rawValue):\(unit.rawValue)" }
}
