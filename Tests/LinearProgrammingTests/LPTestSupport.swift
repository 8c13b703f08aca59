import LinearProgramming

/// Deterministic generator (SplitMix64) so random tests are reproducible.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Approximate equality with an absolute + relative tolerance.
func close(_ a: Double?, _ b: Double, tolerance: Double = 1e-7) -> Bool {
    guard let a else { return false }
    return abs(a - b) <= tolerance * (1 + abs(b))
}

func close(_ a: [Double], _ b: [Double], tolerance: Double = 1e-7) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { close($0, $1, tolerance: tolerance) }
}

/// Independent check that `values` satisfy every bound, row and integrality requirement of `program`
/// (tolerance relative to the magnitudes involved). Returns a description of the first violation.
func violation(of program: LinearProgram, at values: [Double], tolerance: Double = 1e-6) -> String? {
    guard values.count == program.variables.count else {
        return "expected \(program.variables.count) values, got \(values.count)"
    }
    for (j, variable) in program.variables.enumerated() {
        let x = values[j]
        guard x.isFinite else { return "x[\(j)] = \(x) is not finite" }
        var lower = variable.lowerBound
        var upper = variable.upperBound
        if variable.kind == .binary {
            lower = max(lower, 0)
            upper = min(upper, 1)
        }
        let slack = tolerance * (1 + abs(x))
        if x < lower - slack || x > upper + slack { return "x[\(j)] = \(x) outside [\(lower), \(upper)]" }
        if variable.kind != .continuous, abs(x - x.rounded()) > 1e-9 { return "x[\(j)] = \(x) is not integral" }
    }
    for (i, constraint) in program.constraints.enumerated() {
        var activity = 0.0
        var magnitude = 0.0
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

/// A random, valid, small LP or MILP with integer data (so results are easy to reason about).
/// Some are infeasible or unbounded on purpose (free variables, tight rows).
func randomSmallProgram<G: RandomNumberGenerator>(using rng: inout G, integerProbability: Double) -> LinearProgram {
    var program = LinearProgram(sense: Bool.random(using: &rng) ? .minimize : .maximize)
    let n = Int.random(in: 1...8, using: &rng)
    let m = Int.random(in: 0...6, using: &rng)
    for _ in 0..<n {
        let kindRoll = Double.random(in: 0..<1, using: &rng)
        let kind: LinearProgram.Kind =
            kindRoll < integerProbability / 2
            ? .binary
            : (kindRoll < integerProbability ? .integer : .continuous)
        let lower: Double = Int.random(in: 0..<10, using: &rng) == 0 ? -.infinity : Double(Int.random(in: -3...2, using: &rng))
        let upper: Double =
            Int.random(in: 0..<4, using: &rng) == 0
            ? .infinity
            : lower.isFinite
                ? lower + Double(Int.random(in: 0...8, using: &rng)) : Double(Int.random(in: 0...8, using: &rng))
        program.addVariable(
            lowerBound: lower, upperBound: upper, kind: kind,
            objective: Double(Int.random(in: -5...5, using: &rng)))
    }
    for _ in 0..<m {
        var terms: [(index: Int, coefficient: Double)] = []
        for j in 0..<n where Int.random(in: 0..<3, using: &rng) != 0 {
            terms.append((j, Double(Int.random(in: -4...6, using: &rng))))
        }
        let center = Double(Int.random(in: -5...20, using: &rng))
        switch Int.random(in: 0..<4, using: &rng) {
        case 0: program.addConstraint(terms: terms, upperBound: center)
        case 1: program.addConstraint(terms: terms, lowerBound: center)
        case 2: program.addConstraint(terms: terms, lowerBound: center, upperBound: center)
        default: program.addConstraint(terms: terms, lowerBound: center - 5, upperBound: center + 5)
        }
    }
    program.objectiveConstant = Double(Int.random(in: -3...3, using: &rng))
    return program
}

/// A 0-1 multidimensional knapsack that GLPK cannot finish in a millisecond.
func hardKnapsack(items: Int, dimensions: Int, seed: UInt64) -> LinearProgram {
    var rng = SplitMix64(seed: seed)
    var program = LinearProgram(sense: .maximize)
    var weights: [[Double]] = Array(repeating: [], count: dimensions)
    for _ in 0..<items {
        program.addVariable(kind: .binary, objective: Double(Int.random(in: 50...100, using: &rng)))
        for d in 0..<dimensions { weights[d].append(Double(Int.random(in: 20...60, using: &rng))) }
    }
    for d in 0..<dimensions {
        let capacity = (weights[d].reduce(0, +) / 2).rounded(.down)
        program.addConstraint(terms: weights[d].enumerated().map { ($0.offset, $0.element) }, upperBound: capacity)
    }
    return program
}

extension LinearProgram {
    /// The same program with every variable continuous (binary bounds intersected with [0, 1]).
    func relaxed() -> LinearProgram {
        var copy = self
        for j in copy.variables.indices where copy.variables[j].kind != .continuous {
            if copy.variables[j].kind == .binary {
                copy.variables[j].lowerBound = max(copy.variables[j].lowerBound, 0)
                copy.variables[j].upperBound = min(copy.variables[j].upperBound, 1)
            }
            copy.variables[j].kind = .continuous
        }
        return copy
    }
}
