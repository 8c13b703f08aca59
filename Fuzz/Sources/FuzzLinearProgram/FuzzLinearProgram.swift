import Foundation
import FuzzSupport
import ObsScale

/// libFuzzer target: a random `LinearProgram` and `SolveOptions` decoded from the input go through
/// `solve`. Every program must either be rejected in Swift with a `LinearProgramError` (invalid
/// bounds, NaN/∞/huge values, out-of-range or duplicate indices, bad options) or come back with a
/// status; a GLPK abort (it kills the process), a Swift trap or a hang is a bug. On top of that, the
/// documented contracts of `LPSolution` are checked (see `checkSolution`).
///
/// Input layout (`ByteReader`): sense, n (0…8), m (0…6), options, then per variable kind, bounds,
/// objective, then per constraint its terms (index as a signed byte — out of range on purpose — and
/// coefficient) and bounds, then the objective constant.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLinearProgram(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    var reader = ByteReader(data, size)
    let (program, options) = decodeProgram(&reader)
    if verbose { debug("program: \(program)\noptions: \(options)") }
    do {
        let solution = try program.solve(options: options)
        if verbose { debug("solution: \(solution)") }
        checkSolution(solution, of: program)
    } catch let error as LinearProgramError {
        if verbose { debug("error: \(error)") }
        require(!error.description.isEmpty, "empty error message")
        require(!Validity.isValid(program, options), "valid program rejected: \(error)\n\(program)")
    } catch {
        require(false, "solve threw a non-LinearProgramError: \(error)")
    }
    checkRoundTrip(program)
    return 0
}

/// `FUZZ_VERBOSE=1` prints the decoded program and the outcome (to triage an input).
let verbose = ProcessInfo.processInfo.environment["FUZZ_VERBOSE"] != nil

func debug(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

func decodeProgram(_ reader: inout ByteReader) -> (LinearProgram, SolveOptions) {
    var program = LinearProgram(sense: reader.bool() ? .maximize : .minimize)
    let n = reader.int(in: 0...8)
    let m = reader.int(in: 0...6)
    var options = SolveOptions(presolve: reader.bool())
    switch reader.byte() % 8 {
    case 0: options.timeLimitSeconds = reader.double()  // anything, including invalid values
    case 1: options.timeLimitSeconds = 0.001
    default: options.timeLimitSeconds = nil
    }
    // Keep each execution short: a valid limit above 1 s (or none) becomes 1 s. The solver's own
    // caps (the 10 s feasibility search) are longer than that, so a hang still shows as a timeout.
    if let t = options.timeLimitSeconds, t.isFinite, t > 0 {
        options.timeLimitSeconds = min(t, 1)
    } else if options.timeLimitSeconds == nil {
        options.timeLimitSeconds = 1
    }
    if reader.byte() % 4 == 0 { options.mipGap = reader.double() }
    if reader.byte() % 4 == 0 { options.iterationLimit = Int(Int8(bitPattern: reader.byte())) }

    for _ in 0..<n {
        let kinds: [LinearProgram.Kind] = [.continuous, .integer, .binary]
        let kind = kinds[Int(reader.byte()) % 3]
        // Bounds: usually ordinary, sometimes infinite or anything at all.
        func bound(_ reader: inout ByteReader, infinite: Double) -> Double {
            switch reader.byte() % 4 {
            case 0: return infinite
            case 1: return reader.double()
            default: return Double(Int8(bitPattern: reader.byte())) / 16
            }
        }
        let lower = bound(&reader, infinite: -.infinity)
        var upper = bound(&reader, infinite: .infinity)
        if upper.isFinite, lower.isFinite, upper < lower, reader.bool() { upper = lower + abs(upper) }
        let objective = reader.bool() ? Double(Int8(bitPattern: reader.byte())) / 8 : reader.double()
        program.addVariable(lowerBound: lower, upperBound: upper, kind: kind, objective: objective)
    }
    for _ in 0..<m {
        var terms: [(index: Int, coefficient: Double)] = []
        let termCount = reader.int(in: 0...max(0, n + 1))
        for _ in 0..<termCount {
            let rawIndex = Int(Int8(bitPattern: reader.byte()))
            // Mostly a valid index (mod n), sometimes the raw signed byte (out of range / duplicate).
            let index = n > 0 && rawIndex >= 0 && rawIndex % 4 != 3 ? rawIndex % n : rawIndex
            let coefficient = reader.bool() ? Double(Int8(bitPattern: reader.byte())) / 8 : reader.double()
            terms.append((index, coefficient))
        }
        var lower = -Double.infinity, upper = Double.infinity
        switch reader.byte() % 6 {
        case 0: upper = Double(Int8(bitPattern: reader.byte()))
        case 1: lower = Double(Int8(bitPattern: reader.byte()))
        case 2:
            lower = Double(Int8(bitPattern: reader.byte()))
            upper = lower
        case 3:
            lower = Double(Int8(bitPattern: reader.byte()))
            upper = lower + Double(reader.byte() % 16)
        case 4:
            lower = reader.double()
            upper = reader.double()
        default: break
        }
        program.addConstraint(terms: terms, lowerBound: lower, upperBound: upper)
    }
    if reader.bool() { program.objectiveConstant = reader.double() }
    return (program, options)
}

/// The documented contracts of `LPSolution` (Solution.swift) and the feasibility of returned points.
func checkSolution(_ solution: LPSolution, of program: LinearProgram) {
    require(!solution.message.isEmpty, "empty message")
    let hasPoint: Set<LPStatus> = [.optimal, .gapReached, .feasible]
    if hasPoint.contains(solution.status) {
        require(solution.hasSolution, "status \(solution.status) without a point: \(solution.message)")
    } else {
        require(
            !solution.hasSolution && solution.values.isEmpty && solution.duals.isEmpty,
            "status \(solution.status) with a point: \(solution.message)")
    }
    guard solution.hasSolution else { return }
    require(solution.values.count == program.variables.count, "\(solution.values.count) values for \(program.variables.count) variables")
    require(solution.objective?.isFinite == true, "objective \(String(describing: solution.objective)): \(solution.message)")
    if solution.status == .optimal && !program.isMixedInteger {
        require(solution.duals.count == program.constraints.count, "\(solution.duals.count) duals for \(program.constraints.count) rows")
    }
    for (j, variable) in program.variables.enumerated() {
        let x = solution.values[j]
        require(x.isFinite, "x[\(j)] = \(x): \(solution.message)")
        if variable.kind != .continuous {
            require(x == x.rounded(), "integer x[\(j)] = \(x) is not integral: \(solution.message)")
        }
    }
    // Feasibility of the point, only for well-scaled data (GLPK's tolerances are relative to the
    // scaled problem; on extreme data a tiny violation is expected and documented).
    if Validity.isWellScaled(program), let problem = Validity.violation(of: program, at: solution.values, tolerance: 1e-6) {
        require(
            false,
            "\(solution.status) point violates the program: \(problem)\nvalues \(solution.values), objective "
                + "\(solution.objective ?? .nan)\n\(solution.message)\n\(program)")
    }
}

/// `LinearProgram` is Codable with infinite bounds omitted; a program without NaN must round-trip.
func checkRoundTrip(_ program: LinearProgram) {
    let hasNaN =
        program.objectiveConstant.isNaN
        || program.variables.contains {
            $0.lowerBound.isNaN || $0.upperBound.isNaN || $0.objective.isNaN
        }
        || program.constraints.contains { row in
            row.lowerBound.isNaN || row.upperBound.isNaN || row.terms.contains { $0.coefficient.isNaN }
        }
    let hasWrongInfinity =
        program.objectiveConstant.isInfinite
        || program.variables.contains {
            $0.lowerBound == .infinity || $0.upperBound == -.infinity || $0.objective.isInfinite
        }
        || program.constraints.contains { row in
            row.lowerBound == .infinity || row.upperBound == -.infinity || row.terms.contains { $0.coefficient.isInfinite }
        }
    guard !hasNaN, !hasWrongInfinity else { return }  // not representable in JSON
    do {
        let data = try JSONEncoder().encode(program)
        let decoded = try JSONDecoder().decode(LinearProgram.self, from: data)
        require(decoded == program, "JSON round trip changed the program:\n\(program)\n\(decoded)")
    } catch {
        require(false, "JSON round trip failed: \(error)")
    }
}

/// The validation rules of LinearProgram.swift, restated independently (as in ConcurrencyAndFuzzTests).
enum Validity {
    static func isValid(_ program: LinearProgram, _ options: SolveOptions) -> Bool {
        let limit = 1e15
        func okNumber(_ x: Double) -> Bool { x.isFinite && abs(x) <= limit }
        func okBounds(_ l: Double, _ u: Double) -> Bool {
            (l == -.infinity || okNumber(l)) && (u == .infinity || okNumber(u)) && l <= u
        }
        if let t = options.timeLimitSeconds, !(t.isFinite && t > 0) { return false }
        if let g = options.mipGap, !(g.isFinite && g >= 0) { return false }
        if let i = options.iterationLimit, i < 1 { return false }
        if !okNumber(program.objectiveConstant) { return false }
        for variable in program.variables {
            if !okNumber(variable.objective) || !okBounds(variable.lowerBound, variable.upperBound) { return false }
        }
        for constraint in program.constraints {
            if !okBounds(constraint.lowerBound, constraint.upperBound) { return false }
            var seen = Set<Int>()
            for term in constraint.terms {
                if term.index < 0 || term.index >= program.variables.count { return false }
                if !okNumber(term.coefficient) || !seen.insert(term.index).inserted { return false }
                if term.coefficient != 0 && abs(term.coefficient) < 1e-15 { return false }
            }
        }
        return true
    }

    /// Every nonzero number in [1e-3, 1e3] (infinite bounds allowed).
    static func isWellScaled(_ program: LinearProgram) -> Bool {
        func ordinary(_ x: Double) -> Bool { !x.isFinite || x == 0 || (abs(x) >= 1e-3 && abs(x) <= 1e3) }
        return ordinary(program.objectiveConstant)
            && program.variables.allSatisfy { ordinary($0.lowerBound) && ordinary($0.upperBound) && ordinary($0.objective) }
            && program.constraints.allSatisfy { row in
                ordinary(row.lowerBound) && ordinary(row.upperBound) && row.terms.allSatisfy { ordinary($0.coefficient) }
            }
    }

    /// First violated bound, row or integrality requirement at `values` (tolerance relative to the
    /// magnitudes involved), as in the LinearProgrammingTests support code.
    static func violation(of program: LinearProgram, at values: [Double], tolerance: Double) -> String? {
        for (j, variable) in program.variables.enumerated() {
            let x = values[j]
            var lower = variable.lowerBound, upper = variable.upperBound
            if variable.kind == .binary {
                lower = max(lower, 0)
                upper = min(upper, 1)
            }
            let slack = tolerance * (1 + abs(x))
            if x < lower - slack || x > upper + slack { return "x[\(j)] = \(x) outside [\(lower), \(upper)]" }
        }
        for (i, constraint) in program.constraints.enumerated() {
            var activity = 0.0, magnitude = 0.0
            for term in constraint.terms {
                activity += term.coefficient * values[term.index]
                magnitude += abs(term.coefficient * values[term.index])
            }
            let finiteBounds = [constraint.lowerBound, constraint.upperBound].filter(\.isFinite).map(abs)
            let slack = tolerance * (1 + magnitude + (finiteBounds.max() ?? 0))
            if activity < constraint.lowerBound - slack || activity > constraint.upperBound + slack {
                return "row \(i): activity \(activity) outside [\(constraint.lowerBound), \(constraint.upperBound)]"
            }
        }
        return nil
    }
}
