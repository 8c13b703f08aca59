internal import CGLPK

/// Solves a linear program (simplex) or a mixed-integer linear program (branch-and-bound) with GLPK.
///
/// - Validation first: every index, bound, coefficient and option is checked in Swift
///   before any GLPK call, because GLPK aborts the process on invalid arguments. Invalid input throws
///   `LinearProgramError`; that is the only error thrown. Everything the solver concludes —
///   infeasible, unbounded, limits reached, numerical failure — is an `LPStatus` in the result.
/// - Programs without variables, and MILPs in which some integer variable has no integer value
///   within its bounds, are answered in Swift without calling GLPK.
/// - LP: `glp_simplex` (primal simplex). With `options.presolve` (default) GLPK's LP presolver is
///   used when the data are tame (see `InputChecks.presolveIsSafe`: GLPK 5.0's presolver aborts on
///   extreme data); otherwise the problem is scaled (`glp_scale_prob(GLP_SF_AUTO)`) and solved
///   without it. The presolver's GLP_ENOPFS is final (infeasible); its GLP_ENODFS means unbounded
///   *or* infeasible, so the LP is re-solved without presolve, whose primal simplex says which
///   (GLP_NOFEAS → infeasible, GLP_UNBND → unbounded). A presolved solve that fails numerically is
///   retried once without presolve.
/// - MILP: the LP relaxation is solved as above, then `glp_intopt` runs from its optimal basis with
///   GLPK's MIP presolver OFF — contrary to the original plan,
///   because GLPK 5.0's MIP presolver aborts the process on small valid programs (found by fuzzing;
///   see `GLPKSolver.solveMIP`). Relaxation infeasible → infeasible. Relaxation unbounded → the MILP
///   is searched for any integer point with a zero objective: found → unbounded (for rational data an
///   unbounded relaxation and an integer point imply an unbounded MILP), none → infeasible.
///   Integer variables without finite bounds are confined to ±1e15 during branch-and-bound (GLPK's
///   integrality tests break down beyond ~2⁵²); if that confinement binds at the returned point the
///   status is `.feasible`, not `.optimal`. GLPK's integer point is checked against every bound and
///   row in Swift; one that violates them (numerical trouble near ±1e15) is searched for again with
///   GLPK's node preprocessing switched, and if it still does the status is `.solverFailure`.
/// - Threading: the GLPK problem object is created, solved, read and deleted inside this one
///   synchronous call on the calling thread (`defer glp_delete_prob`); nothing is stored and no
///   class owns it. GLPK 5 keeps its environment in thread-local storage, so concurrent calls from
///   different threads are safe. Terminal output is switched off on the calling thread at the start
///   of every call (`glp_term_out(GLP_OFF)`, `msg_lev = GLP_MSG_OFF`). `glp_free_env` is never called
///   (each thread that ever solved keeps GLPK's small environment until it exits).
///
/// Complexity: validation and loading O(n + m + nnz); solving is GLPK's simplex (polynomial in
/// practice) or branch-and-bound (exponential in the worst case — set `timeLimitSeconds`).
extension LinearProgram {
    public func solve(options: SolveOptions = SolveOptions()) throws -> LPSolution {
        let prepared = try InputChecks.prepare(self, options: options)
        if let reason = prepared.emptyIntegerDomain {
            return LPSolution(
                status: .infeasible, iterations: 0,
                message: "infeasible (decided without calling GLPK): \(reason)")
        }
        if variables.isEmpty {
            return solveWithoutVariables(self)
        }
        return GLPKSolver.solve(self, prepared: prepared, presolve: options.presolve)
    }
}

/// A program with no variables: every row activity is 0, so it is feasible iff lᵢ ≤ 0 ≤ uᵢ for all
/// rows, and the objective is the constant. O(m).
private func solveWithoutVariables(_ program: LinearProgram) -> LPSolution {
    for (i, constraint) in program.constraints.enumerated()
    where constraint.lowerBound > 0 || constraint.upperBound < 0 {
        let name = constraint.name.isEmpty ? "" : " '\(constraint.name)'"
        return LPSolution(
            status: .infeasible, iterations: 0,
            message: "infeasible (no variables, decided without calling GLPK): constraint \(i)\(name) "
                + "requires \(constraint.lowerBound) ≤ 0 ≤ \(constraint.upperBound)")
    }
    let constant = program.objectiveConstant
    return LPSolution(
        status: .optimal, objective: constant, values: [],
        duals: [Double](repeating: 0, count: program.constraints.count),
        bestBound: constant, iterations: 0,
        message: "optimal (no variables, decided without calling GLPK): objective = constant")
}

/// Wall-clock budget of one `solve` call, shared by all GLPK calls it makes.
private struct Deadline {
    let start = ContinuousClock.now
    let limitMilliseconds: Int32?

    /// A deadline that ends no later than this one and at most `cap` milliseconds from now.
    func tightened(toMilliseconds cap: Int32) -> Deadline {
        Deadline(limitMilliseconds: min(remainingMilliseconds() ?? cap, cap))
    }

    /// Milliseconds left for the next GLPK call: nil without a limit, 0 when exhausted.
    func remainingMilliseconds() -> Int32? {
        guard let limit = limitMilliseconds else { return nil }
        let elapsed = start.duration(to: ContinuousClock.now).components
        let elapsedMilliseconds = Double(elapsed.seconds) * 1000 + Double(elapsed.attoseconds) / 1e15
        let left = (Double(limit) - elapsedMilliseconds).rounded(.up)
        if left < 1 { return 0 }
        return left >= Double(Int32.max) ? Int32.max : Int32(left)
    }
}

/// State shared with the branch-and-bound callback (passed through `cb_info`, lives on the stack
/// of the solving call).
private struct SearchMonitor {
    /// Best local bound over the active subproblems at the most recent callback.
    var bestNodeBound: Double?
    /// Simplex-iteration cap for the search; the callback terminates the search beyond it.
    var iterationLimit: Int32?
    /// Set when the callback called `glp_ios_terminate` because of `iterationLimit`.
    var stoppedByIterationLimit = false
}

/// Everything that touches a `glp_prob`. A problem pointer never leaves `solve(_:prepared:presolve:)`.
private enum GLPKSolver {
    static func solve(_ program: LinearProgram, prepared: PreparedProgram, presolve: Bool) -> LPSolution {
        _ = glp_term_out(GLP_OFF)
        guard let problem = glp_create_prob() else {
            return LPSolution(status: .solverFailure, message: "glp_create_prob returned NULL")
        }
        defer { glp_delete_prob(problem) }
        load(program, prepared: prepared, into: problem)
        let deadline = Deadline(limitMilliseconds: prepared.timeLimitMilliseconds)
        // GLPK's LP presolver only on tame data (InputChecks.presolveIsSafe); otherwise without it.
        var note =
            prepared.droppedCount == 0
            ? ""
            : "\(prepared.droppedCount) negligible coefficient\(prepared.droppedCount == 1 ? "" : "s") "
                + "(< 1e-11 × the largest in their row or column) dropped; "
        if presolve && !prepared.presolveIsSafe {
            note += "presolve skipped (coefficients or bounds outside the range where GLPK's presolver is safe); "
        }
        let presolve = presolve && prepared.presolveIsSafe
        if prepared.isMixedInteger {
            return solveMIP(
                problem, program: program, prepared: prepared, deadline: deadline, presolve: presolve,
                note: note)
        }
        return solveLP(
            problem, program: program, prepared: prepared, deadline: deadline, presolve: presolve,
            note: note)
    }

    // MARK: Loading

    /// GLPK bound type and the two values to pass (never an infinity) for [lower, upper].
    /// Requires lower ≤ upper, lower ≠ +∞, upper ≠ -∞ (validated).
    ///
    /// Finite bounds with upper − lower ≤ 1e-12·max(1, |lower|, |upper|) are loaded as GLP_FX at
    /// `lower`: GLPK scales bounds by non-power-of-two factors, two nearly equal double-bound values
    /// can round to the same number, and `spx_build_lp` then aborts (`Assertion failed: l[k] != u[k]`,
    /// spxprob.c; found by fuzzing). GLPK's feasibility tolerance (1e-7) cannot tell them apart anyway.
    static func boundSpec(lower: Double, upper: Double) -> (type: Int32, lower: Double, upper: Double) {
        switch (lower.isFinite, upper.isFinite) {
        case (false, false): return (GLP_FR, 0, 0)
        case (true, false): return (GLP_LO, lower, 0)
        case (false, true): return (GLP_UP, 0, upper)
        case (true, true):
            let nearlyEqual = upper - lower <= 1e-12 * max(1, abs(lower), abs(upper))
            return nearlyEqual ? (GLP_FX, lower, lower) : (GLP_DB, lower, upper)
        }
    }

    /// Loads a validated program. Requires n ≥ 1 (glp_add_cols aborts on 0); rows are added only
    /// when m ≥ 1 (glp_add_rows aborts on 0). Names are never passed (GLPK limits them to 255 chars).
    static func load(_ program: LinearProgram, prepared: PreparedProgram, into problem: OpaquePointer) {
        glp_set_obj_dir(problem, program.sense == .minimize ? GLP_MIN : GLP_MAX)
        glp_set_obj_coef(problem, 0, program.objectiveConstant)
        let m = program.constraints.count
        let n = program.variables.count
        if m > 0 { glp_add_rows(problem, Int32(m)) }
        glp_add_cols(problem, Int32(n))
        for (i, constraint) in program.constraints.enumerated() {
            let spec = boundSpec(lower: constraint.lowerBound, upper: constraint.upperBound)
            glp_set_row_bnds(problem, Int32(i + 1), spec.type, spec.lower, spec.upper)
        }
        for (j, variable) in program.variables.enumerated() {
            let column = Int32(j + 1)
            let spec = boundSpec(lower: prepared.columnLower[j], upper: prepared.columnUpper[j])
            glp_set_col_bnds(problem, column, spec.type, spec.lower, spec.upper)
            glp_set_obj_coef(problem, column, variable.objective)
            // GLP_IV, not GLP_BV: GLP_BV would reset the bounds to [0, 1], but a binary variable's
            // bounds were already intersected with [0, 1] (and may fix it at 0 or 1).
            if variable.kind != .continuous { glp_set_col_kind(problem, column, GLP_IV) }
        }
        let count = prepared.nonzeroCount
        guard count > 0 else { return }
        // 1-based triplets: element 0 is unused by GLPK.
        var rows = [Int32](repeating: 0, count: count + 1)
        var columns = [Int32](repeating: 0, count: count + 1)
        var values = [Double](repeating: 0, count: count + 1)
        var k = 0
        for (i, constraint) in program.constraints.enumerated() {
            for term in constraint.terms where prepared.keeps(term.coefficient, row: i, column: term.index) {
                k += 1
                rows[k] = Int32(i + 1)
                columns[k] = Int32(term.index + 1)
                values[k] = term.coefficient
            }
        }
        rows.withUnsafeBufferPointer { ia in
            columns.withUnsafeBufferPointer { ja in
                values.withUnsafeBufferPointer { ar in
                    glp_load_matrix(problem, Int32(k), ia.baseAddress, ja.baseAddress, ar.baseAddress)
                }
            }
        }
    }

    // MARK: Simplex

    /// What one (possibly retried) `glp_simplex` run established about the problem object.
    enum SimplexOutcome {
        /// The basic solution stored in the problem is optimal.
        case optimal(String)
        case infeasible(String)
        case unbounded(String)
        /// Stopped by a limit (`.timeLimit` / `.iterationLimit`); `feasiblePoint` when the stored basic
        /// solution is primal feasible (only possible without presolve).
        case stopped(LPStatus, feasiblePoint: Bool, String)
        case failed(String)
    }

    /// Runs `glp_simplex` (primal simplex) with the remaining time and iteration budget. With presolve,
    /// GLP_ENODFS (unbounded *or* infeasible) and numerical failures are retried once without
    /// presolve; without presolve the problem is scaled first (`glp_scale_prob(GLP_SF_AUTO)`).
    static func simplex(
        _ problem: OpaquePointer, presolve: Bool, mayRetry: Bool, deadline: Deadline,
        iterationLimit: Int32?, note: String = "", scale: Bool = true
    ) -> SimplexOutcome {
        var parm = glp_smcp()
        glp_init_smcp(&parm)
        parm.msg_lev = GLP_MSG_OFF
        parm.presolve = presolve ? GLP_ON : GLP_OFF
        if let milliseconds = deadline.remainingMilliseconds() {
            if milliseconds == 0 {
                return .stopped(.timeLimit, feasiblePoint: false, note + "time limit reached before the simplex (re)started")
            }
            parm.tm_lim = milliseconds
        }
        if let limit = iterationLimit {
            let left = limit - min(limit, glp_get_it_cnt(problem))
            if left == 0 {
                return .stopped(
                    .iterationLimit, feasiblePoint: false,
                    note + "iteration limit reached before the simplex (re)started")
            }
            parm.it_lim = left
        }
        if !presolve && scale {
            // The presolver scales its own copy; without it, scale the problem (affects only the
            // internal representation, not the reported solution).
            glp_scale_prob(problem, GLP_SF_AUTO)
        }
        let code = glp_simplex(problem, &parm)
        let how = presolve ? "glp_simplex with presolve" : "glp_simplex without presolve"
        func retry(_ reason: String) -> SimplexOutcome {
            simplex(
                problem, presolve: false, mayRetry: false, deadline: deadline, iterationLimit: iterationLimit,
                note: note + "\(how) returned \(codeName(code)) (\(reason)); re-solved without presolve: ")
        }

        switch code {
        case 0:
            let status = glp_get_status(problem)
            switch status {
            case GLP_OPT:
                guard basicSolutionIsFinite(problem) else {
                    return .failed(note + "\(how) reported an optimum with non-finite values (numerical breakdown)")
                }
                return .optimal(note + "optimal (\(how))")
            case GLP_NOFEAS:
                return .infeasible(note + "no primal feasible solution (\(how), status GLP_NOFEAS)")
            case GLP_UNBND:
                return .unbounded(note + "primal feasible and objective unbounded (\(how), status GLP_UNBND)")
            case GLP_FEAS:
                return .stopped(
                    .feasible, feasiblePoint: basicSolutionIsFinite(problem),
                    note + "feasible but not proven optimal (\(how), status GLP_FEAS)")
            default:
                return .failed(note + "\(how) returned 0 with solution status \(statusName(status))")
            }
        case GLP_ENOPFS:
            return .infeasible(note + "no primal feasible solution (\(how) returned GLP_ENOPFS)")
        case GLP_ENODFS:
            if mayRetry && presolve { return retry("no dual feasible solution: unbounded or infeasible") }
            return .unbounded(note + "no dual feasible solution (\(how) returned GLP_ENODFS)")
        case GLP_ETMLIM, GLP_EITLIM:
            let status: LPStatus = code == GLP_ETMLIM ? .timeLimit : .iterationLimit
            let which = code == GLP_ETMLIM ? "time limit" : "iteration limit"
            // With presolve GLPK cannot recover a non-optimal solution into the original problem.
            let feasible = !presolve && glp_get_prim_stat(problem) == GLP_FEAS && basicSolutionIsFinite(problem)
            return .stopped(
                status, feasiblePoint: feasible,
                note + "\(which) reached (\(how) returned \(codeName(code)))"
                    + (feasible ? " at a primal feasible, non-optimal basis" : " without a feasible point")
                    + (presolve ? " (presolve on: GLPK cannot recover a non-optimal point)" : ""))
        case GLP_EFAIL, GLP_ESING, GLP_ECOND, GLP_EBADB:
            if mayRetry && presolve { return retry("numerical failure") }
            return .failed(note + "\(how) returned \(codeName(code))")
        default:
            // GLP_EBOUND cannot happen (bounds validated, equal bounds loaded as GLP_FX); GLP_EOBJLL /
            // GLP_EOBJUL only with the dual simplex and objective limits, which are not used.
            return .failed(note + "\(how) returned unexpected \(codeName(code))")
        }
    }

    /// True when every primal value of the stored basic solution is finite. GLPK can produce NaN/∞
    /// on badly scaled data, and its branch-and-bound asserts (aborts) on non-finite values.
    static func basicSolutionIsFinite(_ problem: OpaquePointer) -> Bool {
        let n = glp_get_num_cols(problem)
        let m = glp_get_num_rows(problem)
        if n > 0 { for j in 1...n where !glp_get_col_prim(problem, j).isFinite { return false } }
        if m > 0 { for i in 1...m where !glp_get_row_prim(problem, i).isFinite { return false } }
        return glp_get_obj_val(problem).isFinite
    }

    // MARK: LP

    static func solveLP(
        _ problem: OpaquePointer, program: LinearProgram, prepared: PreparedProgram,
        deadline: Deadline, presolve: Bool, note: String
    ) -> LPSolution {
        let outcome = simplex(
            problem, presolve: presolve, mayRetry: true, deadline: deadline,
            iterationLimit: prepared.iterationLimit, note: note)
        let iterations = Int(glp_get_it_cnt(problem))
        func withPoint(_ status: LPStatus, _ message: String) -> LPSolution {
            let values = (1...program.variables.count).map { glp_get_col_prim(problem, Int32($0)) }
            let duals =
                status == .optimal && !program.constraints.isEmpty
                ? (1...program.constraints.count).map { glp_get_row_dual(problem, Int32($0)) } : []
            let objective = glp_get_obj_val(problem)
            return LPSolution(
                status: status, objective: objective, values: values, duals: duals,
                bestBound: status == .optimal ? objective : nil, iterations: iterations,
                message: message)
        }
        switch outcome {
        case let .optimal(message):
            let first = withPoint(.optimal, message)
            let residual = kktResidual(problem)
            guard residual > kktTolerance else { return first }
            return polished(
                problem, first: first, residual: residual, program: program, prepared: prepared,
                deadline: deadline)
        case let .infeasible(message):
            return LPSolution(status: .infeasible, iterations: iterations, message: "infeasible: " + message)
        case let .unbounded(message):
            return LPSolution(status: .unbounded, iterations: iterations, message: "unbounded: " + message)
        case let .stopped(status, feasiblePoint, message):
            if feasiblePoint { return withPoint(.feasible, message) }
            return LPSolution(
                status: status == .feasible ? .solverFailure : status, iterations: iterations,
                message: message)
        case let .failed(message):
            return LPSolution(status: .solverFailure, iterations: iterations, message: "solver failure: " + message)
        }
    }

    /// Relative KKT residual above which an "optimal" LP answer is polished: 1e-6.
    static let kktTolerance = 1e-6

    /// Largest relative residual of the optimality conditions of the stored basic solution
    /// (`glp_check_kkt`: primal rows, primal bounds, dual rows, dual bounds).
    static func kktResidual(_ problem: OpaquePointer) -> Double {
        var worst = 0.0
        for condition in [GLP_KKT_PE, GLP_KKT_PB, GLP_KKT_DE, GLP_KKT_DB] {
            var absolute = 0.0, relative = 0.0
            var absoluteIndex: Int32 = 0, relativeIndex: Int32 = 0
            glp_check_kkt(problem, GLP_SOL, condition, &absolute, &absoluteIndex, &relative, &relativeIndex)
            worst = max(worst, relative.isNaN ? .infinity : relative)
        }
        return worst
    }

    /// GLPK's tolerances are relative to the *scaled* data, so on badly scaled programs its "optimal"
    /// answer can be visibly suboptimal (max x + y, x + 1e-10·y ≤ 1, y ≤ 2 came back as x = 0,
    /// objective 2 instead of 3: a dual-bound residual of 1). Re-solve from the current basis on the
    /// unscaled problem (at most 10 000 + 10(m + n) further iterations, within the caller's limits)
    /// and keep whichever answer has the smaller KKT residual.
    static func polished(
        _ problem: OpaquePointer, first: LPSolution, residual: Double, program: LinearProgram,
        prepared: PreparedProgram, deadline: Deadline
    ) -> LPSolution {
        let used = glp_get_it_cnt(problem)
        let size = program.variables.count + program.constraints.count
        var cap = Int32(clamping: 10_000 + 10 * size) + used
        if let limit = prepared.iterationLimit { cap = min(cap, limit) }
        var kept = first
        kept.message += "; KKT residual \(residual) (badly scaled data: the result may be inaccurate)"
        guard cap > used else { return kept }
        glp_unscale_prob(problem)
        let outcome = simplex(
            problem, presolve: false, mayRetry: false, deadline: deadline, iterationLimit: cap,
            scale: false)
        guard case .optimal = outcome else { return kept }
        let newResidual = kktResidual(problem)
        guard newResidual < residual else { return kept }
        let values = (1...program.variables.count).map { glp_get_col_prim(problem, Int32($0)) }
        let duals =
            program.constraints.isEmpty
            ? []
            : (1...program.constraints.count).map {
                glp_get_row_dual(problem, Int32($0))
            }
        let objective = glp_get_obj_val(problem)
        return LPSolution(
            status: .optimal, objective: objective, values: values, duals: duals, bestBound: objective,
            iterations: Int(glp_get_it_cnt(problem)),
            message: first.message + "; re-solved without scaling (KKT residual \(residual) → \(newResidual))")
    }

    // MARK: MILP

    /// MILP pipeline. GLPK's MIP presolver (`glp_intopt` with `presolve = GLP_ON`) is deliberately
    /// NOT used: GLPK 5.0's `npp_integer` aborts the process (`Assertion failed: q->lb < q->ub`,
    /// npp3.c) on small valid programs (found by the fuzz test). Instead:
    ///   1. the LP relaxation is solved by `simplex` (LP presolver per `presolve`, which never runs
    ///      the MIP-only bound improvement that crashes); infeasible → infeasible; unbounded → decided by
    ///      a feasibility search; a limit → that limit;
    ///   2. the optimal relaxation basis (checked finite) is handed to `glp_intopt` with presolve
    ///      off, as GLPK requires (otherwise GLP_EROOT).
    static func solveMIP(
        _ problem: OpaquePointer, program: LinearProgram, prepared: PreparedProgram,
        deadline: Deadline, presolve: Bool, note: String
    ) -> LPSolution {
        let relaxation = simplex(
            problem, presolve: presolve, mayRetry: true, deadline: deadline,
            iterationLimit: prepared.iterationLimit, note: "LP relaxation: " + note)
        switch relaxation {
        case .optimal:
            break
        case let .infeasible(message):
            return LPSolution(status: .infeasible, iterations: Int(glp_get_it_cnt(problem)), message: "infeasible: " + message)
        case let .unbounded(message):
            return classifyUnboundedRelaxation(
                problem, program: program, prepared: prepared, deadline: deadline,
                presolve: presolve, note: message)
        case let .stopped(status, _, message):
            // A relaxation point is not integer feasible: no solution to report.
            return LPSolution(
                status: status == .feasible ? .solverFailure : status,
                iterations: Int(glp_get_it_cnt(problem)), message: message)
        case let .failed(message):
            return LPSolution(
                status: .solverFailure, iterations: Int(glp_get_it_cnt(problem)),
                message: "solver failure: " + message)
        }
        // A bound on the optimum valid for the program as given (before any confinement).
        let relaxationBound = glp_get_obj_val(problem)
        let confinedColumns = confineIntegerColumns(problem, program: program)
        if !confinedColumns.isEmpty {
            let confined = simplex(
                problem, presolve: false, mayRetry: false, deadline: deadline,
                iterationLimit: prepared.iterationLimit,
                note: "LP relaxation with integer variables confined to ±1e15: ")
            switch confined {
            case .optimal:
                break
            case let .infeasible(message):
                return LPSolution(
                    status: .infeasible, iterations: Int(glp_get_it_cnt(problem)),
                    message: "infeasible: " + message)
            case let .stopped(status, _, message):
                return LPSolution(
                    status: status == .feasible ? .solverFailure : status,
                    iterations: Int(glp_get_it_cnt(problem)), message: message)
            case let .unbounded(message), let .failed(message):
                return LPSolution(
                    status: .solverFailure, iterations: Int(glp_get_it_cnt(problem)),
                    message: "solver failure: " + message)
            }
        }
        let isMinimization = program.sense == .minimize
        var monitor = SearchMonitor(iterationLimit: prepared.iterationLimit)
        let search = searchIntegerPoint(
            problem, program: program, prepared: prepared, deadline: deadline,
            confined: !confinedColumns.isEmpty, monitor: &monitor)
        guard let code = search.code else {
            return LPSolution(
                status: .timeLimit, bestBound: relaxationBound, iterations: Int(glp_get_it_cnt(problem)),
                message: note + "time limit reached after the LP relaxation, before glp_intopt started")
        }
        let iterations = Int(glp_get_it_cnt(problem))
        if let violation = search.violation {
            return LPSolution(
                status: .solverFailure, bestBound: relaxationBound, iterations: iterations,
                message: note + "solver failure: glp_intopt returned an integer point that violates the "
                    + "program (\(violation)), with and without node preprocessing (numerical trouble, "
                    + "e.g. bounds near ±1e15)")
        }
        let mipStatus = glp_mip_status(problem)
        let hasIncumbent = mipStatus == GLP_OPT || mipStatus == GLP_FEAS

        /// Best bound on the optimum: the best active node bound if the tree reported one, else the
        /// LP relaxation; never worse than the incumbent. With confined columns the tree solved a
        /// restricted program, so only the unrestricted relaxation's bound is valid.
        func bound(incumbent: Double?) -> Double {
            let candidate = confinedColumns.isEmpty ? (monitor.bestNodeBound ?? relaxationBound) : relaxationBound
            guard let incumbent else { return candidate }
            return isMinimization ? min(candidate, incumbent) : max(candidate, incumbent)
        }
        func withPoint(_ status: LPStatus, _ message: String) -> LPSolution {
            let message = note + message
            var values = [Double](repeating: 0, count: program.variables.count)
            for (j, variable) in program.variables.enumerated() {
                let value = glp_mip_col_val(problem, Int32(j + 1))
                values[j] = variable.kind == .continuous ? value : value.rounded() + 0
            }
            let objective = glp_mip_obj_val(problem)
            // If a confinement bound is active, the point is feasible for the original program but
            // proven optimal only for the confined one, and the tree's bound is not valid for the original.
            if let j = confinedColumns.first(where: { abs(values[$0]) >= integerCap }) {
                return LPSolution(
                    status: .feasible, objective: objective, values: values, duals: [], bestBound: nil,
                    iterations: iterations,
                    message: "\(message), but variable \(j) sits at the confinement bound ±1e15 "
                        + "imposed on unbounded integer variables; not proven optimal for the original program")
            }
            return LPSolution(
                status: status, objective: objective, values: values, duals: [],
                bestBound: status == .optimal ? objective : bound(incumbent: objective),
                iterations: iterations, message: message)
        }
        func without(_ status: LPStatus, _ message: String, keepBound: Bool = true) -> LPSolution {
            LPSolution(
                status: status, bestBound: keepBound ? bound(incumbent: nil) : nil, iterations: iterations,
                message: note + message)
        }

        switch code {
        case 0:
            switch mipStatus {
            case GLP_OPT: return withPoint(.optimal, "integer optimal (glp_intopt)")
            case GLP_NOFEAS:
                return without(
                    .infeasible, "infeasible: no integer feasible solution (glp_intopt, status GLP_NOFEAS)",
                    keepBound: false)
            case GLP_FEAS: return withPoint(.feasible, "integer feasible, optimality not proven (glp_intopt, status GLP_FEAS)")
            default: return without(.solverFailure, "glp_intopt returned 0 with MIP status \(statusName(mipStatus))")
            }
        case GLP_ETMLIM:
            return hasIncumbent
                ? withPoint(.feasible, "time limit reached (GLP_ETMLIM); best integer feasible point returned, not proven optimal")
                : without(.timeLimit, "time limit reached (GLP_ETMLIM) before an integer feasible point was found")
        case GLP_EMIPGAP:
            return hasIncumbent
                ? withPoint(.gapReached, "relative MIP gap tolerance reached (GLP_EMIPGAP)")
                : without(.solverFailure, "glp_intopt returned GLP_EMIPGAP without an integer feasible point")
        case GLP_ESTOP where monitor.stoppedByIterationLimit:
            let what = "iteration limit reached (search terminated after \(iterations) simplex iterations)"
            return hasIncumbent
                ? withPoint(.feasible, what + "; best integer feasible point returned, not proven optimal")
                : without(.iterationLimit, what + " before an integer feasible point was found")
        case GLP_EFAIL, GLP_ESTOP:
            return hasIncumbent
                ? withPoint(.feasible, "glp_intopt stopped with \(codeName(code)); best integer feasible point returned, not proven optimal")
                : without(.solverFailure, "solver failure: glp_intopt returned \(codeName(code))")
        default:
            // GLP_EBOUND cannot happen (integer bounds rounded, equal bounds loaded as GLP_FX); GLP_EROOT
            // cannot happen (an optimal relaxation basis is provided).
            return without(.solverFailure, "solver failure: glp_intopt returned unexpected \(codeName(code))")
        }
    }

    /// Largest magnitude an integer variable may take in branch-and-bound: 1e15 (as for bounds).
    static let integerCap = LinearProgramError.maximumMagnitude

    /// Replaces infinite bounds of integer columns by ±`integerCap`; returns the 0-based indices of
    /// the variables changed.
    ///
    /// GLPK's branch-and-bound breaks down on integer values beyond ~2⁵²: with doubles spaced ≥ 1,
    /// `floor(x + 0.5)` can differ from x, and `check_integrality` aborts (`Assertion failed: temp1 >
    /// 0.0 && temp2 > 0.0`, glpios03.c) or branching loops forever ignoring the time limit (both found
    /// by fuzzing: a free integer column with coefficient 1e-15 has relaxation value ~1e16). Finite
    /// bounds are already ≤ 1e15 (validated); unboundedness is decided before, on the uncapped
    /// relaxation.
    static func confineIntegerColumns(_ problem: OpaquePointer, program: LinearProgram) -> [Int] {
        var changed: [Int] = []
        for (j, variable) in program.variables.enumerated() where variable.kind != .continuous {
            let column = Int32(j + 1)
            let lower = glp_get_col_lb(problem, column)
            let upper = glp_get_col_ub(problem, column)
            let type = glp_get_col_type(problem, column)
            let hasLower = type == GLP_LO || type == GLP_DB || type == GLP_FX
            let hasUpper = type == GLP_UP || type == GLP_DB || type == GLP_FX
            if hasLower && hasUpper { continue }
            let newLower = hasLower ? lower : -integerCap
            let newUpper = hasUpper ? upper : integerCap
            // Validated bounds lie within ±1e15, so newLower ≤ newUpper; equal only at ±1e15.
            let spec = boundSpec(lower: newLower, upper: newUpper)
            glp_set_col_bnds(problem, column, spec.type, spec.lower, spec.upper)
            changed.append(j)
        }
        return changed
    }

    /// Runs `glp_intopt` (presolve off, starting from the optimal relaxation basis stored in the
    /// problem) with the monitoring callback. Returns nil when the time budget is already exhausted
    /// (GLPK is then not called).
    ///
    /// `preprocess`: GLPK's node preprocessing (`pp_tech`, bound tightening from the rows; default
    /// on all levels); see `searchIntegerPoint`.
    static func runIntopt(
        _ problem: OpaquePointer, prepared: PreparedProgram, deadline: Deadline, preprocess: Bool,
        monitor: inout SearchMonitor
    ) -> Int32? {
        var parm = glp_iocp()
        glp_init_iocp(&parm)
        parm.msg_lev = GLP_MSG_OFF
        parm.presolve = GLP_OFF
        if !preprocess { parm.pp_tech = GLP_PP_NONE }
        if let gap = prepared.mipGap { parm.mip_gap = gap }
        if let milliseconds = deadline.remainingMilliseconds() {
            if milliseconds == 0 { return nil }
            parm.tm_lim = milliseconds
        }
        parm.cb_func = { tree, info in
            guard let tree, let info else { return }
            let monitor = info.assumingMemoryBound(to: SearchMonitor.self)
            let node = glp_ios_best_node(tree)
            if node != 0 {
                let bound = glp_ios_node_bound(tree, node)
                // A node starts at ±DBL_MAX until its relaxation is solved.
                if bound.isFinite, abs(bound) < 1e300 { monitor.pointee.bestNodeBound = bound }
            }
            if let limit = monitor.pointee.iterationLimit, !monitor.pointee.stoppedByIterationLimit,
                let mip = glp_ios_get_prob(tree), glp_get_it_cnt(mip) >= limit
            {
                monitor.pointee.stoppedByIterationLimit = true
                glp_ios_terminate(tree)
            }
        }
        return withUnsafeMutablePointer(to: &monitor) { pointer in
            parm.cb_info = UnsafeMutableRawPointer(pointer)
            return glp_intopt(problem, &parm)
        }
    }

    /// `runIntopt`, then an independent check of GLPK's integer point (`mipPointViolation`).
    ///
    /// On extreme data — bounds near ±1e15, including the confinement of unbounded integer columns
    /// — GLPK 5.0's branch-and-bound has returned "integer optimal" points that violate a row by ~1
    /// (found by fuzzing, `FuzzRegressionTests`): with node preprocessing, implied bounds computed
    /// from products of 1e15-sized bounds lose their last digits (one ulp at 1e15 is 0.125); without
    /// it, a node LP with a column of width 1e15 accepted activity 112 for a row fixed at 111. Each
    /// failure occurred where the other setting was right, so preprocessing is on only for tame data
    /// without confinement (`presolveIsSafe`), and a violating point is searched for again with the
    /// setting switched (after re-solving the relaxation: `glp_intopt` needs an optimal basis).
    /// Returns the return code (nil: no time was left for the first search) and the violation of the
    /// final point, if it still has one.
    static func searchIntegerPoint(
        _ problem: OpaquePointer, program: LinearProgram, prepared: PreparedProgram,
        deadline: Deadline, confined: Bool,
        monitor: inout SearchMonitor
    ) -> (code: Int32?, violation: String?) {
        let preprocess = prepared.presolveIsSafe && !confined
        guard
            let code = runIntopt(
                problem, prepared: prepared, deadline: deadline, preprocess: preprocess,
                monitor: &monitor)
        else { return (nil, nil) }
        guard let violation = mipPointViolation(problem, program: program, prepared: prepared) else { return (code, nil) }
        guard
            case .optimal = simplex(
                problem, presolve: false, mayRetry: false, deadline: deadline,
                iterationLimit: prepared.iterationLimit)
        else { return (code, violation) }
        var retryMonitor = SearchMonitor(iterationLimit: prepared.iterationLimit)
        guard
            let retry = runIntopt(
                problem, prepared: prepared, deadline: deadline, preprocess: !preprocess,
                monitor: &retryMonitor)
        else { return (code, violation) }
        monitor = retryMonitor
        return (retry, mipPointViolation(problem, program: program, prepared: prepared))
    }

    /// The first bound or row of the program as loaded (effective bounds, kept coefficients) that
    /// GLPK's stored integer point violates by more than 1e-6 × (1 + the magnitudes involved), as
    /// text; nil when there is no integer point or it satisfies everything. Integer columns are
    /// checked at their rounded values (as reported). O(n + nnz).
    static func mipPointViolation(_ problem: OpaquePointer, program: LinearProgram, prepared: PreparedProgram) -> String? {
        let status = glp_mip_status(problem)
        guard status == GLP_OPT || status == GLP_FEAS else { return nil }
        var values = [Double](repeating: 0, count: program.variables.count)
        for (j, variable) in program.variables.enumerated() {
            let value = glp_mip_col_val(problem, Int32(j + 1))
            let x = variable.kind == .continuous ? value : value.rounded()
            values[j] = x
            let lower = prepared.columnLower[j], upper = prepared.columnUpper[j]
            let slack = 1e-6 * (1 + abs(x))
            guard x.isFinite, x >= lower - slack, x <= upper + slack else {
                return "variable \(j) = \(x) outside [\(lower), \(upper)]"
            }
        }
        for (i, constraint) in program.constraints.enumerated() {
            var activity = 0.0, magnitude = 0.0
            for term in constraint.terms where prepared.keeps(term.coefficient, row: i, column: term.index) {
                activity += term.coefficient * values[term.index]
                magnitude += abs(term.coefficient * values[term.index])
            }
            let lower = constraint.lowerBound, upper = constraint.upperBound
            let slack = 1e-6 * (1 + magnitude + max(lower.isFinite ? abs(lower) : 0, upper.isFinite ? abs(upper) : 0))
            guard activity.isFinite, activity >= lower - slack, activity <= upper + slack else {
                return "constraint \(i): activity \(activity) outside [\(lower), \(upper)]"
            }
        }
        return nil
    }

    /// Wall-clock cap of the feasibility search that classifies an unbounded relaxation: 10 s.
    static let feasibilitySearchMilliseconds: Int32 = 10_000

    /// The LP relaxation is unbounded (or GLPK could not tell unbounded from infeasible). For rational
    /// data an unbounded relaxation plus one integer-feasible point imply an unbounded MILP, so search
    /// for any integer-feasible point with a zero objective: found → unbounded, none → infeasible.
    /// The search is capped at 10 s even without a time limit (with unbounded integer directions
    /// GLPK's branching can crawl through the ±1e15 box practically forever); when the cap or the
    /// caller's limit is hit the status is `.timeLimit` ("unbounded or infeasible").
    static func classifyUnboundedRelaxation(
        _ problem: OpaquePointer, program: LinearProgram,
        prepared: PreparedProgram, deadline: Deadline, presolve: Bool,
        note: String
    ) -> LPSolution {
        let deadline = deadline.tightened(toMilliseconds: feasibilitySearchMilliseconds)
        let prefix = note + "; feasibility search with zero objective: "
        for j in 1...program.variables.count { glp_set_obj_coef(problem, Int32(j), 0) }
        let confinedColumns = confineIntegerColumns(problem, program: program)  // see solveMIP
        let relaxation = simplex(
            problem, presolve: false, mayRetry: false, deadline: deadline,
            iterationLimit: prepared.iterationLimit)
        switch relaxation {
        case .optimal:
            break
        case let .infeasible(message):
            return LPSolution(
                status: .infeasible, iterations: Int(glp_get_it_cnt(problem)),
                message: "infeasible: " + prefix + message)
        case let .stopped(status, _, message):
            return LPSolution(
                status: status == .feasible ? .solverFailure : status,
                iterations: Int(glp_get_it_cnt(problem)),
                message: prefix + message + "; the MILP is unbounded or infeasible")
        case let .unbounded(message), let .failed(message):
            return LPSolution(
                status: .solverFailure, iterations: Int(glp_get_it_cnt(problem)),
                message: "solver failure: " + prefix + message)
        }
        var monitor = SearchMonitor(iterationLimit: prepared.iterationLimit)
        let search = searchIntegerPoint(
            problem, program: program, prepared: prepared, deadline: deadline,
            confined: !confinedColumns.isEmpty, monitor: &monitor)
        guard let code = search.code else {
            return LPSolution(
                status: .timeLimit, iterations: Int(glp_get_it_cnt(problem)),
                message: prefix + "time limit reached; the MILP is unbounded or infeasible")
        }
        let iterations = Int(glp_get_it_cnt(problem))
        if let violation = search.violation {
            return LPSolution(
                status: .solverFailure, iterations: iterations,
                message: "solver failure: " + prefix + "glp_intopt returned an integer point that violates "
                    + "the program (\(violation)); the MILP is unbounded or infeasible")
        }
        let mipStatus = glp_mip_status(problem)
        if mipStatus == GLP_OPT || mipStatus == GLP_FEAS {
            return LPSolution(
                status: .unbounded, iterations: iterations,
                message: "unbounded: " + prefix + "an integer feasible point exists")
        }
        if code == 0 && mipStatus == GLP_NOFEAS {
            return LPSolution(
                status: .infeasible, iterations: iterations,
                message: "infeasible: " + prefix + "no integer feasible point exists")
        }
        if code == GLP_ETMLIM {
            return LPSolution(
                status: .timeLimit, iterations: iterations,
                message: prefix + "time limit reached; the MILP is unbounded or infeasible")
        }
        if code == GLP_ESTOP && monitor.stoppedByIterationLimit {
            return LPSolution(
                status: .iterationLimit, iterations: iterations,
                message: prefix + "iteration limit reached; the MILP is unbounded or infeasible")
        }
        return LPSolution(
            status: .solverFailure, iterations: iterations,
            message: "solver failure: " + prefix + "glp_intopt returned \(codeName(code)) "
                + "with MIP status \(statusName(mipStatus))")
    }

    // MARK: Names

    static func codeName(_ code: Int32) -> String {
        switch code {
        case 0: return "0"
        case GLP_EBADB: return "GLP_EBADB"
        case GLP_ESING: return "GLP_ESING"
        case GLP_ECOND: return "GLP_ECOND"
        case GLP_EBOUND: return "GLP_EBOUND"
        case GLP_EFAIL: return "GLP_EFAIL"
        case GLP_EOBJLL: return "GLP_EOBJLL"
        case GLP_EOBJUL: return "GLP_EOBJUL"
        case GLP_EITLIM: return "GLP_EITLIM"
        case GLP_ETMLIM: return "GLP_ETMLIM"
        case GLP_ENOPFS: return "GLP_ENOPFS"
        case GLP_ENODFS: return "GLP_ENODFS"
        case GLP_EROOT: return "GLP_EROOT"
        case GLP_ESTOP: return "GLP_ESTOP"
        case GLP_EMIPGAP: return "GLP_EMIPGAP"
        case GLP_ENOFEAS: return "GLP_ENOFEAS"
        case GLP_ENOCVG: return "GLP_ENOCVG"
        case GLP_EINSTAB: return "GLP_EINSTAB"
        case GLP_EDATA: return "GLP_EDATA"
        case GLP_ERANGE: return "GLP_ERANGE"
        default: return "return code \(code)"
        }
    }

    static func statusName(_ status: Int32) -> String {
        switch status {
        case GLP_UNDEF: return "GLP_UNDEF"
        case GLP_FEAS: return "GLP_FEAS"
        case GLP_INFEAS: return "GLP_INFEAS"
        case GLP_NOFEAS: return "GLP_NOFEAS"
        case GLP_OPT: return "GLP_OPT"
        case GLP_UNBND: return "GLP_UNBND"
        default: return "status \(status)"
        }
    }
}
