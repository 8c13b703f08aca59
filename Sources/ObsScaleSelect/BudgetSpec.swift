import Foundation
import ObsScaleData

/// Budgets as a user writes them: numbers in cost units, or percentages of the pool's total cost,
/// comma-separated — `4,8,12` or `10%` or `5%,10%`.
public struct BudgetSpec: Codable, Equatable, Sendable, CustomStringConvertible {
    /// One budget.
    public enum Item: Equatable, Sendable {
        /// In cost units.
        case amount(Double)
        /// A share of the pool's total cost, in percent.
        case percent(Double)
    }

    public let items: [Item]
    /// The text it was parsed from.
    public let description: String

    /// Parses the comma-separated list; every item must be a finite number > 0, or a percentage
    /// in (0, 100] (more than the whole pool is no budget to select within).
    public init(parsing text: String) throws {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard !parts.isEmpty else {
            throw SelectionError.invalidSetting(.selectionBudgets, value: text, allowed: "numbers > 0 or percentages")
        }
        items = try parts.map { part in
            let isPercent = part.hasSuffix("%")
            guard let number = Double(isPercent ? String(part.dropLast()) : part), number > 0, number.isFinite else {
                throw SelectionError.invalidSetting(.selectionBudgets, value: part, allowed: "a number > 0, or a percentage such as 10%")
            }
            guard !isPercent || number <= 100 else {
                throw SelectionError.invalidSetting(.selectionBudgets, value: part, allowed: "a percentage of the pool's cost in (0, 100]")
            }
            return isPercent ? .percent(number) : .amount(number)
        }
        description = text
    }

    /// Budgets in cost units.
    public init(amounts: [Double]) {
        items = amounts.map { .amount($0) }
        description = amounts.map { $0 == $0.rounded() && abs($0) < 1e15 ? String(Int($0)) : "\($0)" }.joined(separator: ",")
    }

    /// Encoded as its text (`"10%,20%"`), the form a user writes.
    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        self = try BudgetSpec(parsing: text)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    /// Each budget as written (`10%`, `12`), for reports that span pools of different costs.
    public var labels: [String] {
        items.map { item in
            func text(_ value: Double) -> String { value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : "\(value)" }
            switch item {
            case let .amount(value): return text(value)
            case let .percent(value): return text(value) + "%"
            }
        }
    }

    /// Each budget's number as written: the amount, or the percentage (10 for `10%`) — the x
    /// position of a chart over budgets.
    public var writtenValues: [Double] {
        items.map { item in
            switch item {
            case let .amount(value), let .percent(value): return value
            }
        }
    }

    /// Whether any budget is a percentage (and so needs the pool's total cost).
    public var hasPercentages: Bool { items.contains { if case .percent = $0 { return true } else { return false } } }

    /// The budgets in cost units: percentages become that share of `totalCost`.
    public func resolved(totalCost: Double) -> [Double] {
        items.map { item in
            switch item {
            case let .amount(value): return value
            case let .percent(value): return value / 100 * totalCost
            }
        }
    }
}
