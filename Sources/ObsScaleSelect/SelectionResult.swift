import Foundation
import ObsScaleData

/// The outcome of one selector at one budget: what was chosen, its value, the best
/// proven lower bound and the certified gap, and how it was obtained.
public struct SelectionResult: Codable, Equatable, Sendable {
    public var budget: Double
    /// Chosen unit names (families or models), in unit order.
    public var units: [String]
    /// Chosen models, in pool order.
    public var models: [String]
    public var totalCost: Double
    /// The criterion value (V, A or D); +∞ when nothing feasible was found.
    public var value: Double
    /// The best proven lower bound on the optimum at this budget, when the solver has one.
    public var lowerBound: Double?
    /// With D-optimality, the number of design columns p (nil for V and A): the gap is then
    /// measured in D-efficiency (`certifiedGap`).
    public var efficiencyDimension: Int?
    /// The certified gap: how much better the optimum can be (`certifiedGap`); 0 when proven
    /// optimal, nil without a bound.
    public var gap: Double? {
        guard let lowerBound, value.isFinite else { return nil }
        return Self.certifiedGap(value: value, lowerBound: lowerBound, efficiencyDimension: efficiencyDimension)
    }

    /// How far a value can be from the optimum, given a lower bound on it.
    ///
    /// V and A (a variance, > 0): (value − bound)/|bound|, the relative excess. D (−log det G, any
    /// sign): exp((value − bound)/p) − 1, the D-efficiency gap — the optimal design's (det G)^(1/p)
    /// is at most this much larger. A relative excess of −log det would depend on the scale of the
    /// design rows and explode where log det crosses 0; the efficiency does neither. O(1).
    public static func certifiedGap(value: Double, lowerBound: Double, efficiencyDimension: Int?) -> Double {
        let excess = max(0, value - lowerBound)
        if let dimension = efficiencyDimension, dimension > 0 { return expm1(excess / Double(dimension)) }
        return excess / max(abs(lowerBound), 1e-300)
    }
    /// True when the solver proved optimality (exhaustive, or a closed branch-and-bound).
    public var provenOptimal: Bool
    public var solver: String
    public var iterations: Int
    /// Wall-clock time of the search. Not in the JSON encoding (decoded as 0), so a report is the
    /// same byte for byte for the same inputs on any machine; the text report shows it.
    public var seconds: Double
    /// Anything the user should know (limits hit, fallbacks).
    public var notes: [String]

    public init(
        budget: Double, units: [String], models: [String], totalCost: Double, value: Double, lowerBound: Double?,
        provenOptimal: Bool, solver: String, iterations: Int, seconds: Double, notes: [String] = [], efficiencyDimension: Int? = nil
    ) {
        self.efficiencyDimension = efficiencyDimension
        self.budget = budget
        self.units = units
        self.models = models
        self.totalCost = totalCost
        self.value = value
        self.lowerBound = lowerBound
        self.provenOptimal = provenOptimal
        self.solver = solver
        self.iterations = iterations
        self.seconds = seconds
        self.notes = notes
    }

    enum CodingKeys: String, CodingKey {
        case budget, units, models, totalCost, value, lowerBound, gap, efficiencyDimension, provenOptimal, solver, iterations, notes
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(budget, forKey: .budget)
        try container.encode(units, forKey: .units)
        try container.encode(models, forKey: .models)
        try container.encode(totalCost, forKey: .totalCost)
        try container.encode(value, forKey: .value)
        try container.encodeIfPresent(lowerBound, forKey: .lowerBound)
        try container.encodeIfPresent(gap, forKey: .gap)
        try container.encodeIfPresent(efficiencyDimension, forKey: .efficiencyDimension)
        try container.encode(provenOptimal, forKey: .provenOptimal)
        try container.encode(solver, forKey: .solver)
        try container.encode(iterations, forKey: .iterations)
        try container.encode(notes, forKey: .notes)
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        budget = try container.decode(Double.self, forKey: .budget)
        units = try container.decode([String].self, forKey: .units)
        models = try container.decode([String].self, forKey: .models)
        totalCost = try container.decode(Double.self, forKey: .totalCost)
        value = try container.decode(Double.self, forKey: .value)
        lowerBound = try container.decodeIfPresent(Double.self, forKey: .lowerBound)
        efficiencyDimension = try container.decodeIfPresent(Int.self, forKey: .efficiencyDimension)
        provenOptimal = try container.decode(Bool.self, forKey: .provenOptimal)
        solver = try container.decode(String.self, forKey: .solver)
        iterations = try container.decode(Int.self, forKey: .iterations)
        seconds = 0
        notes = try container.decode([String].self, forKey: .notes)
    }
}

extension SelectionProblem {
    /// p for the D-criterion's efficiency gap, nil for V and A (`SelectionResult.certifiedGap`).
    public var efficiencyDimension: Int? { criterion == .d ? dimension : nil }

    /// The certified gap of a value against a lower bound (`SelectionResult.certifiedGap`).
    public func gap(value: Double, lowerBound: Double) -> Double {
        SelectionResult.certifiedGap(value: value, lowerBound: lowerBound, efficiencyDimension: efficiencyDimension)
    }

    /// A result for a subset of unit indices.
    func result(
        subset: [Int], budget: Double, value: Double, lowerBound: Double?, provenOptimal: Bool, solver: String,
        iterations: Int, started: Date, notes: [String] = []
    ) -> SelectionResult {
        let sorted = subset.sorted()
        let models = sorted.flatMap { units[$0].models }.sorted().map { poolModels[$0] }
        return SelectionResult(
            budget: budget, units: sorted.map { units[$0].name }, models: models,
            totalCost: sorted.reduce(0) { $0 + units[$1].cost }, value: value,
            lowerBound: provenOptimal ? value : lowerBound, provenOptimal: provenOptimal,
            solver: solver, iterations: iterations, seconds: Date().timeIntervalSince(started),
            notes: notes, efficiencyDimension: efficiencyDimension)
    }

    /// The result for a heuristic's final subset: an error when it is not a valid answer (a
    /// singular design, or fewer models than the minimum), else the subset's result without a bound.
    func result(of state: SubsetState, budget: Double, solver: String, iterations: Int, started: Date) throws -> SelectionResult {
        guard state.value.isFinite else {
            throw SelectionError.noFeasibleSubset(
                budget: budget,
                detail:
                    "no affordable subset has \(dimension) independent design rows (a nonsingular G); raise the budget or use \(Setting.problemRidge)"
            )
        }
        guard state.meetsMinimums else {
            throw SelectionError.noFeasibleSubset(
                budget: budget, detail: "\(solver) reached \(state.modelCount) models but \(Setting.minModels) asks for \(constraints.minModels ?? 0)"
            )
        }
        return result(
            subset: state.members, budget: budget, value: state.value, lowerBound: nil, provenOptimal: false,
            solver: solver, iterations: iterations, started: started)
    }
}
