import Foundation
import ObsScaleNumerics

/// A method that chooses, for each budget, a subset of a problem's units (docs/architecture.md,
/// "Adding a selector").
///
/// One requirement does the work — `select(_:budgets:progress:)`, all budgets of a problem at once
/// — and its default implementation solves each budget on its own with `select(_:budget:progress:)`.
/// A selector that shares work across budgets (the exhaustive search visits every combination once
/// for all of them) implements the budgets form itself. Budgets are checked by the caller
/// (`SelectionProblem.checkBudgets`, done by `Selection.solve`); each result is finished by the
/// problem (`SelectionProblem.result`), so every selector reports the same fields.
public protocol SubsetSelector: Sendable {
    /// The chosen subset for each budget, in the order of `budgets`.
    func select(_ problem: SelectionProblem, budgets: [Double], progress: ProgressHandler?) throws -> [SelectionResult]

    /// The chosen subset at one budget.
    func select(_ problem: SelectionProblem, budget: Double, progress: ProgressHandler?) throws -> SelectionResult
}

extension SubsetSelector {
    /// Each budget on its own.
    public func select(_ problem: SelectionProblem, budgets: [Double], progress: ProgressHandler?) throws -> [SelectionResult] {
        try budgets.map { try select(problem, budget: $0, progress: progress) }
    }

    /// `select(_:budgets:progress:)` without progress reports.
    public func select(_ problem: SelectionProblem, budgets: [Double]) throws -> [SelectionResult] {
        try select(problem, budgets: budgets, progress: nil)
    }

    /// `select(_:budget:progress:)` without progress reports.
    public func select(_ problem: SelectionProblem, budget: Double) throws -> SelectionResult {
        try select(problem, budget: budget, progress: nil)
    }
}
