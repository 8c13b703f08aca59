/// Solver limits and switches for `LinearProgram.solve(options:)`. Every field is validated by `solve`
/// (a bad value throws `LinearProgramError.invalidOption`).
public struct SolveOptions: Sendable, Codable, Equatable {
    /// Wall-clock limit for the whole call, in seconds (finite, > 0). Converted to whole
    /// milliseconds for GLPK, rounded up and clamped to [1, Int32.max] ms; every GLPK call of the
    /// solve gets what is left. Default nil: no limit — but a MILP whose relaxation is unbounded
    /// spends at most 10 s deciding between unbounded and infeasible.
    public var timeLimitSeconds: Double?
    /// MILP only: stop when the relative gap |best − bound| / |best| ≤ mipGap (finite, ≥ 0; e.g.
    /// 1e-6). The result is then `.gapReached`. Default nil: GLPK's default 0 (prove optimality).
    public var mipGap: Double?
    /// Use GLPK's LP presolver for the LP (or a MILP's LP relaxation). Default true. It is applied
    /// only when the data are tame enough for it (every nonzero coefficient and finite bound in
    /// [1e-6, 1e6], ranges not swamped by products — GLPK 5.0's presolver aborts the process
    /// otherwise); `LPSolution.message` says when it was skipped. GLPK's MIP presolver is never used
    /// (it aborts on small valid programs). With presolve, GLPK cannot recover a non-optimal point,
    /// so an LP stopped by a limit reports no values.
    public var presolve: Bool
    /// Limit on the total simplex iterations of the call (≥ 1), clamped to Int32.max. LP: GLPK's
    /// `it_lim` (shared by any re-solve). MILP: the LP relaxation gets `it_lim`, then the
    /// branch-and-bound search is stopped (`glp_ios_terminate`) once the running total reaches the
    /// limit, checked between subproblems (so one subproblem's iterations may overshoot it).
    /// Default nil: no limit.
    public var iterationLimit: Int?

    public init(
        timeLimitSeconds: Double? = nil, mipGap: Double? = nil, presolve: Bool = true,
        iterationLimit: Int? = nil
    ) {
        self.timeLimitSeconds = timeLimitSeconds
        self.mipGap = mipGap
        self.presolve = presolve
        self.iterationLimit = iterationLimit
    }
}

/// Outcome of a solve. Whether a point is attached follows from the status:
///
/// | status            | values / objective | meaning |
/// |-------------------|--------------------|---------|
/// | `optimal`         | yes                | proven optimal (MILP: within GLPK's tolerances) |
/// | `gapReached`      | yes                | MILP stopped at `mipGap`; the point is integer feasible |
/// | `feasible`        | yes                | stopped early (time or iteration limit, solver trouble) with a feasible, unproven point¹ |
/// | `infeasible`      | no                 | no feasible point exists (proven) |
/// | `unbounded`       | no                 | feasible, objective unbounded in the optimizing direction |
/// | `timeLimit`       | no                 | time limit reached before any feasible point was found² |
/// | `iterationLimit`  | no                 | iteration limit reached before any feasible point was found |
/// | `solverFailure`   | no                 | GLPK failed (numerical trouble); `message` has the return code |
///
/// ¹ Or optimal only for the ±1e15 confinement of unbounded integer variables; `message` says
/// which. ² Also: a MILP with an unbounded relaxation whose feasibility search could not decide
/// unbounded vs infeasible in time.
public enum LPStatus: String, Codable, Sendable, Equatable, CaseIterable {
    case optimal, infeasible, unbounded, timeLimit, iterationLimit, gapReached, feasible, solverFailure
}

/// The result of `LinearProgram.solve(options:)`. A plain value: nothing refers back to GLPK.
public struct LPSolution: Sendable, Codable, Equatable {
    /// See `LPStatus` for which statuses carry a point.
    public var status: LPStatus
    /// Σ c_j x_j + c₀ at `values` (as computed by GLPK), or nil when there is no point.
    public var objective: Double?
    /// x_j for every variable, in `LinearProgram.variables` order; empty when there is no point.
    /// Integer and binary variables are reported rounded to the nearest integer.
    public var values: [Double]
    /// LP with status `optimal` only: one dual value per constraint, y_i = ∂(optimal objective)/∂(active
    /// bound of row i) (GLPK's sign convention: for a minimization, ≥ 0 on an active lower bound and
    /// ≤ 0 on an active upper bound; the opposite for a maximization; 0 when inactive). Empty for
    /// MILPs and for every other status.
    public var duals: [Double]
    /// A bound on the optimal objective from the other side (a lower bound when minimizing, an upper
    /// bound when maximizing):
    /// - `optimal`: equal to `objective`;
    /// - MILP stopped after its LP relaxation was solved (`gapReached`, `feasible`, `timeLimit`,
    ///   `iterationLimit`, `solverFailure`): the best local bound of the active branch-and-bound
    ///   subproblems (`glp_ios_best_node`) at the last callback before the search stopped — or the LP
    ///   relaxation's optimum when the tree gave none, or when unbounded integer variables had to be
    ///   confined — combined with the incumbent (min when minimizing, max when maximizing); nil when
    ///   the confinement binds at the returned point;
    /// - otherwise nil (LP limits, infeasible, unbounded).
    public var bestBound: Double?
    /// Total simplex iterations GLPK performed (`glp_get_it_cnt`, including any re-solve); 0 when
    /// GLPK was not called; nil when unknown.
    public var iterations: Int?
    /// Human-readable account of the outcome (which GLPK code/status produced it).
    public var message: String

    public init(
        status: LPStatus, objective: Double? = nil, values: [Double] = [], duals: [Double] = [],
        bestBound: Double? = nil, iterations: Int? = nil, message: String
    ) {
        self.status = status
        self.objective = objective
        self.values = values
        self.duals = duals
        self.bestBound = bestBound
        self.iterations = iterations
        self.message = message
    }

    /// True when a point is attached (`optimal`, `gapReached`, `feasible`): `objective` is then
    /// non-nil and `values` has one entry per variable (none for a program without variables).
    public var hasSolution: Bool {
        objective != nil
    }

    /// GLPK's relative gap |objective − bestBound| / (|objective| + ε), ε = 2.2e-16; nil unless both
    /// are known. 0 for a proven optimum.
    public var relativeGap: Double? {
        guard let objective, let bestBound else { return nil }
        return abs(objective - bestBound) / (abs(objective) + Double.ulpOfOne)
    }
}
