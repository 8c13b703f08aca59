import CGLPK

/// Solves a linear program (simplex) or a mixed-integer linear program (branch-and-bound) with GLPK.
///
/// - Validation first (DESIGN §4.4): every index, bound, coefficient and option is checked in Swift
///   before any GLPK call, because GLPK aborts the process on invalid arguments. Invalid input throws
///   `LinearProgramError`; that is the only error thrown. Everything the solver concludes —
///   infeasible, unbounded, limits reached, numerical failure — is an `LPStatus` in the result.
/// - Programs without variables, and MILPs in which some integer variable has no integer value
///   within its bounds, are answered in Swift without calling GLPK.
/// - LP: `glp_simplex` (primal simplex), with GLPK's LP presolver when `options.presolve` is true,
///   otherwise with automatic scaling (`glp_scale_prob(GLP_SF_AUTO)`). When the presolver reports
///   "no dual feasible solution" (GLP_ENODFS, which means unbounded *or* infeasible) the LP is
///   re-solved without presolve to tell the two apart; a presolved solve that fails numerically is
///   likewise retried once without presolve. GLP_ENOPFS from the presolver is final: infeasible.
/// - MILP: `glp_intopt` with the MIP presolver on (no prior `glp_simplex` needed). GLP_ENOPFS →
///   infeasible. GLP_ENODFS (the LP relaxation is unbounded or infeasible) → the same MILP is solved
///   once more with a zero objective: an integer-feasible point proves the MILP unbounded (for
///   rational data an unbounded relaxation plus an integer point imply an unbounded MILP), none proves
///   it infeasible.
/// - Threading: the GLPK problem object is created, solved, read and deleted inside this one
///   synchronous call on the calling thread (`defer glp_delete_prob`); nothing is stored. GLPK 5 keeps
///   its environment per thread (thread-local storage), so concurrent calls from different threads
///   are safe. Terminal output is switched off (`glp_term_out(GLP_OFF)`, `msg_lev = GLP_MSG_OFF`) on
///   the calling thread at the start of every call. `glp_free_env` is never called.
///
/// Complexity: validation and loading O(n + m + nnz); solving is GLPK's simplex (polynomial in
/// practice) or branch-and-bound (exponential in the worst case — use `timeLimitSeconds`).
public func solve(_ program: LinearProgram, options: SolveOptions = SolveOptions()) throws -> LPSolution {
    let prepared = try Validation.prepare(program, options: options)
    if let reason = prepared.emptyIntegerDomain {
        return LPSolution(status: .infeasible, iterations: 0,
                          message: "infeasible (decided without calling GLPK): \(reason)")
    }
    if program.variables.isEmpty {
        return solveWithoutVariables(program)
    }
    return GLPKSolver.solve(program, prepared: prepared, presolveLP: options.presolve)
}

/// A program with no variables: every row activity is 0, so it is feasible iff lᵢ ≤ 0 ≤ uᵢ for all
/// rows, and the objective is the constant. O(m).
private func solveWithoutVariables(_ program: LinearProgram) -> LPSolution {
    for (i, constraint) in program.constraints.enumerated()
    where constraint.lowerBound > 0 || constraint.upperBound < 0 {
        let name = constraint.name.isEmpty ? "" : " '\(constraint.name)'"
        return LPSolution(status: .infeasible, iterations: 0,
                          message: "infeasible (no variables, decided without calling GLPK): constraint \(i)\(name) "
                              + "requires \(constraint.lowerBound) ≤ 0 ≤ \(constraint.upperBound)")
    }
    let constant = program.objectiveConstant
    return LPSolution(status: .optimal, objective: constant, values: [],
                      duals: [Double](repeating: 0, count: program.constraints.count),
                      bestBound: constant, iterations: 0,
                      message: "optimal (no variables, decided without calling GLPK): objective = constant")
}

/// Wall-clock budget of one `solve` call, shared by all GLPK calls it makes.
private struct Deadline {
    let start = ContinuousClock.now
    let limitMilliseconds: Int32?

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

/// Everything that touches a `glp_prob`. A problem pointer never leaves `solve(_:prepared:presolveLP:)`.
private enum GLPKSolver {
    static func solve(_ program: LinearProgram, prepared: PreparedProgram, presolveLP: Bool) -> LPSolution {
        _ = glp_term_out(GLP_OFF)
        guard let problem = glp_create_prob() else {
            return LPSolution(status: .solverFailure, message: "glp_create_prob returned NULL")
        }
        defer { glp_delete_prob(problem) }
        load(program, prepared: prepared, into: problem)
        let deadline = Deadline(limitMilliseconds: prepared.timeLimitMilliseconds)
        if prepared.isMixedInteger {
            return solveMIP(problem, program: program, prepared: prepared, deadline: deadline)
        }
        return solveLP(problem, program: program, prepared: prepared, deadline: deadline,
                       presolve: presolveLP, mayRetry: true, note: "")
    }

    // MARK: Loading

    /// GLPK bound type and the two values to pass (never an infinity) for [lower, upper].
    /// Requires lower ≤ upper, lower ≠ +∞, upper ≠ -∞ (validated).
    static func boundSpec(lower: Double, upper: Double) -> (type: Int32, lower: Double, upper: Double) {
        switch (lower.isFinite, upper.isFinite) {
        case (false, false): return (GLP_FR, 0, 0)
        case (true, false): return (GLP_LO, lower, 0)
        case (false, true): return (GLP_UP, 0, upper)
        case (true, true): return lower == upper ? (GLP_FX, lower, lower) : (GLP_DB, lower, upper)
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
            for term in constraint.terms where term.coefficient != 0 {
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

    // MARK: LP

    static func solveLP(_ problem: OpaquePointer, program: LinearProgram, prepared: PreparedProgram,
                        deadline: Deadline, presolve: Bool, mayRetry: Bool, note: String) -> LPSolution {
        var parm = glp_smcp()
        glp_init_smcp(&parm)
        parm.msg_lev = GLP_MSG_OFF
        parm.presolve = presolve ? GLP_ON : GLP_OFF
        if let milliseconds = deadline.remainingMilliseconds() {
            if milliseconds == 0 {
                return LPSolution(status: .timeLimit, iterations: Int(glp_get_it_cnt(problem)),
                                  message: note + "time limit reached before the simplex could (re)start")
            }
            parm.tm_lim = milliseconds
        }
        if let limit = prepared.iterationLimit {
            let left = limit - min(limit, glp_get_it_cnt(problem))
            if left == 0 {
                return LPSolution(status: .iterationLimit, iterations: Int(glp_get_it_cnt(problem)),
                                  message: note + "iteration limit reached before the simplex could restart")
            }
            parm.it_lim = left
        }
        if !presolve {
            // The presolver scales its own copy; without it, scale the problem (affects only the
            // internal representation, not the reported solution).
            glp_scale_prob(problem, GLP_SF_AUTO)
        }
        let code = glp_simplex(problem, &parm)
        let iterations = Int(glp_get_it_cnt(problem))
        let how = presolve ? "glp_simplex with presolve" : "glp_simplex without presolve"

        func retryWithoutPresolve(_ reason: String) -> LPSolution {
            solveLP(problem, program: program, prepared: prepared, deadline: deadline, presolve: false,
                    mayRetry: false, note: note + "\(how) returned \(codeName(code)) (\(reason)); re-solved without presolve: ")
        }
        func withPoint(_ status: LPStatus, _ message: String, duals includeDuals: Bool) -> LPSolution {
            let values = (1...program.variables.count).map { glp_get_col_prim(problem, Int32($0)) }
            let duals = includeDuals && !program.constraints.isEmpty
                ? (1...program.constraints.count).map { glp_get_row_dual(problem, Int32($0)) } : []
            let objective = glp_get_obj_val(problem)
            return LPSolution(status: status, objective: objective, values: values, duals: duals,
                              bestBound: status == .optimal ? objective : nil, iterations: iterations,
                              message: note + message)
        }
        func without(_ status: LPStatus, _ message: String) -> LPSolution {
            LPSolution(status: status, iterations: iterations, message: note + message)
        }

        switch code {
        case 0:
            let status = glp_get_status(problem)
            switch status {
            case GLP_OPT:
                return withPoint(.optimal, "optimal (\(how))", duals: true)
            case GLP_NOFEAS:
                return without(.infeasible, "infeasible: no primal feasible solution (\(how), status GLP_NOFEAS)")
            case GLP_UNBND:
                return without(.unbounded, "unbounded: primal feasible, objective unbounded (\(how), status GLP_UNBND)")
            case GLP_FEAS:
                return withPoint(.feasible, "feasible but not proven optimal (\(how), status GLP_FEAS)", duals: false)
            default:
                return without(.solverFailure, "\(how) returned 0 with solution status \(statusName(status))")
            }
        case GLP_ENOPFS:
            return without(.infeasible, "infeasible: no primal feasible solution (\(how) returned GLP_ENOPFS)")
        case GLP_ENODFS:
            if mayRetry && presolve {
                return retryWithoutPresolve("no dual feasible solution: unbounded or infeasible")
            }
            return without(.unbounded, "no dual feasible solution (\(how) returned GLP_ENODFS)")
        case GLP_ETMLIM, GLP_EITLIM:
            let limited: LPStatus = code == GLP_ETMLIM ? .timeLimit : .iterationLimit
            let which = code == GLP_ETMLIM ? "time limit" : "iteration limit"
            if !presolve && glp_get_prim_stat(problem) == GLP_FEAS {
                return withPoint(.feasible, "\(which) reached (\(codeName(code))) at a primal feasible, "
                                     + "non-optimal basis (\(how))", duals: false)
            }
            return without(limited, "\(which) reached (\(how) returned \(codeName(code))) without a feasible point"
                               + (presolve ? " that GLPK can recover (presolve on)" : ""))
        case GLP_EFAIL, GLP_ESING, GLP_ECOND, GLP_EBADB:
            if mayRetry && presolve {
                return retryWithoutPresolve("numerical failure")
            }
            return without(.solverFailure, "solver failure: \(how) returned \(codeName(code))")
        default:
            // GLP_EBOUND cannot happen (bounds validated, equal bounds loaded as GLP_FX); GLP_EOBJLL /
            // GLP_EOBJUL only with the dual simplex and objective limits, which are not used.
            return without(.solverFailure, "solver failure: \(how) returned unexpected \(codeName(code))")
        }
    }

    // MARK: MILP

    /// Runs `glp_intopt` (presolve on) with the monitoring callback. Returns nil when the time budget
    /// is already exhausted (GLPK is then not called).
    static func runIntopt(_ problem: OpaquePointer, prepared: PreparedProgram, deadline: Deadline,
                          monitor: inout SearchMonitor) -> Int32? {
        var parm = glp_iocp()
        glp_init_iocp(&parm)
        parm.msg_lev = GLP_MSG_OFF
        parm.presolve = GLP_ON
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
                // The root starts at ±DBL_MAX until its relaxation is solved.
                if bound.isFinite, abs(bound) < 1e300 { monitor.pointee.bestNodeBound = bound }
            }
            if let limit = monitor.pointee.iterationLimit, !monitor.pointee.stoppedByIterationLimit,
               let mip = glp_ios_get_prob(tree), glp_get_it_cnt(mip) >= limit {
                monitor.pointee.stoppedByIterationLimit = true
                glp_ios_terminate(tree)
            }
        }
        return withUnsafeMutablePointer(to: &monitor) { pointer in
            parm.cb_info = UnsafeMutableRawPointer(pointer)
            return glp_intopt(problem, &parm)
        }
    }

    static func solveMIP(_ problem: OpaquePointer, program: LinearProgram, prepared: PreparedProgram,
                         deadline: Deadline) -> LPSolution {
        var monitor = SearchMonitor(iterationLimit: prepared.iterationLimit)
        guard let code = runIntopt(problem, prepared: prepared, deadline: deadline, monitor: &monitor) else {
            return LPSolution(status: .timeLimit, iterations: 0, message: "time limit reached before glp_intopt started")
        }
        let iterations = Int(glp_get_it_cnt(problem))
        let mipStatus = glp_mip_status(problem)
        let hasIncumbent = mipStatus == GLP_OPT || mipStatus == GLP_FEAS
        let isMinimization = program.sense == .minimize

        func withPoint(_ status: LPStatus, _ message: String) -> LPSolution {
            var values = [Double](repeating: 0, count: program.variables.count)
            for (j, variable) in program.variables.enumerated() {
                let value = glp_mip_col_val(problem, Int32(j + 1))
                values[j] = variable.kind == .continuous ? value : value.rounded() + 0
            }
            let objective = glp_mip_obj_val(problem)
            var bound: Double?
            if status == .optimal {
                bound = objective
            } else if let nodeBound = monitor.bestNodeBound {
                // Unexplored space is covered by the active nodes; explored space holds nothing
                // better than the incumbent.
                bound = isMinimization ? min(nodeBound, objective) : max(nodeBound, objective)
            }
            return LPSolution(status: status, objective: objective, values: values, duals: [],
                              bestBound: bound, iterations: iterations, message: message)
        }
        func without(_ status: LPStatus, _ message: String) -> LPSolution {
            LPSolution(status: status, iterations: iterations, message: message)
        }

        switch code {
        case 0:
            switch mipStatus {
            case GLP_OPT: return withPoint(.optimal, "integer optimal (glp_intopt with presolve)")
            case GLP_NOFEAS: return without(.infeasible, "infeasible: no integer feasible solution (glp_intopt, status GLP_NOFEAS)")
            case GLP_FEAS: return withPoint(.feasible, "integer feasible, optimality not proven (glp_intopt, status GLP_FEAS)")
            default: return without(.solverFailure, "glp_intopt returned 0 with MIP status \(statusName(mipStatus))")
            }
        case GLP_ENOPFS:
            return without(.infeasible, "infeasible: no primal feasible solution (glp_intopt presolver/relaxation returned GLP_ENOPFS)")
        case GLP_ENODFS:
            return classifyUnboundedRelaxation(problem, program: program, prepared: prepared, deadline: deadline)
        case GLP_ETMLIM:
            return hasIncumbent
                ? withPoint(.feasible, "time limit reached (GLP_ETMLIM); best integer feasible point returned, not proven optimal")
                : without(.timeLimit, "time limit reached (GLP_ETMLIM) before an integer feasible point was found")
        case GLP_EMIPGAP:
            return hasIncumbent
                ? withPoint(.gapReached, "relative MIP gap tolerance reached (GLP_EMIPGAP)")
                : without(.solverFailure, "glp_intopt returned GLP_EMIPGAP without an integer feasible point")
        case GLP_ESTOP where monitor.stoppedByIterationLimit:
            return hasIncumbent
                ? withPoint(.feasible, "iteration limit reached (search terminated after \(iterations) simplex iterations); "
                                + "best integer feasible point returned, not proven optimal")
                : without(.iterationLimit, "iteration limit reached (search terminated after \(iterations) simplex "
                                + "iterations) before an integer feasible point was found")
        case GLP_EFAIL, GLP_ESTOP:
            return hasIncumbent
                ? withPoint(.feasible, "glp_intopt stopped with \(codeName(code)); best integer feasible point returned, not proven optimal")
                : without(.solverFailure, "solver failure: glp_intopt returned \(codeName(code))")
        default:
            // GLP_EBOUND cannot happen (integer bounds rounded, equal bounds loaded as GLP_FX); GLP_EROOT
            // only without presolve.
            return without(.solverFailure, "solver failure: glp_intopt returned unexpected \(codeName(code))")
        }
    }

    /// GLP_ENODFS from `glp_intopt`: the LP relaxation has no dual feasible solution, i.e. it is
    /// unbounded or infeasible. Decide by searching for any integer-feasible point (zero objective).
    static func classifyUnboundedRelaxation(_ problem: OpaquePointer, program: LinearProgram,
                                            prepared: PreparedProgram, deadline: Deadline) -> LPSolution {
        let prefix = "LP relaxation has no dual feasible solution (glp_intopt returned GLP_ENODFS); "
            + "feasibility search with zero objective: "
        for j in 1...program.variables.count { glp_set_obj_coef(problem, Int32(j), 0) }
        var monitor = SearchMonitor(iterationLimit: prepared.iterationLimit)
        guard let code = runIntopt(problem, prepared: prepared, deadline: deadline, monitor: &monitor) else {
            return LPSolution(status: .timeLimit, iterations: Int(glp_get_it_cnt(problem)),
                              message: prefix + "time limit reached before it started; unbounded or infeasible")
        }
        let iterations = Int(glp_get_it_cnt(problem))
        let mipStatus = glp_mip_status(problem)
        if mipStatus == GLP_OPT || mipStatus == GLP_FEAS {
            return LPSolution(status: .unbounded, iterations: iterations,
                              message: prefix + "an integer feasible point exists, so the MILP is unbounded")
        }
        if code == GLP_ENOPFS || (code == 0 && mipStatus == GLP_NOFEAS) {
            return LPSolution(status: .infeasible, iterations: iterations,
                              message: prefix + "no integer feasible point exists (\(codeName(code))), so the MILP is infeasible")
        }
        if code == GLP_ETMLIM {
            return LPSolution(status: .timeLimit, iterations: iterations,
                              message: prefix + "time limit reached; the MILP is unbounded or infeasible")
        }
        if code == GLP_ESTOP && monitor.stoppedByIterationLimit {
            return LPSolution(status: .iterationLimit, iterations: iterations,
                              message: prefix + "iteration limit reached; the MILP is unbounded or infeasible")
        }
        return LPSolution(status: .solverFailure, iterations: iterations,
                          message: prefix + "glp_intopt returned \(codeName(code)) with MIP status \(statusName(mipStatus))")
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
