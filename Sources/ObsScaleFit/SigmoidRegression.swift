import Foundation
import ObsScaleNumerics

/// The link between capabilities S and a downstream metric E (DESIGN §3.3).
public enum Link: String, Codable, CaseIterable, Sendable {
    /// E = (1 − b)·σ(α + βᵀS) + b with floor b ∈ [0, 0.2] (the paper's "sigmoid-parametric").
    case sigmoidFloor = "sigmoid-floor"
    /// E = σ(α + βᵀS).
    case sigmoid
    /// E = α + βᵀS (unbounded targets).
    case linear
}

/// The regression loss.
public enum Loss: Codable, Equatable, Sendable, CustomStringConvertible {
    /// ½ Σ r².
    case leastSquares
    /// Σ ρ_δ(r), ρ_δ(r) = ½r² for |r| ≤ δ, δ(|r| − ½δ) otherwise.
    case huber(delta: Double)

    public var description: String {
        switch self {
        case .leastSquares: return "least squares"
        case let .huber(delta): return "Huber (δ = \(delta))"
        }
    }

    @inlinable
    func value(_ r: Double) -> Double {
        switch self {
        case .leastSquares: return 0.5 * r * r
        case let .huber(delta): return abs(r) <= delta ? 0.5 * r * r : delta * (abs(r) - 0.5 * delta)
        }
    }

    /// ψ(r) = ρ′(r) and the IRLS weight ψ(r)/r.
    @inlinable
    func influence(_ r: Double) -> (psi: Double, weight: Double) {
        switch self {
        case .leastSquares: return (r, 1)
        case let .huber(delta):
            if abs(r) <= delta { return (r, 1) }
            return (r > 0 ? delta : -delta, delta / abs(r))
        }
    }
}

/// Why the solver stopped.
public enum Termination: String, Codable, Sendable {
    /// The projected gradient vanished (first-order optimality, bounds respected).
    case gradientTolerance = "gradient tolerance"
    /// Steps became negligible relative to the parameters.
    case stepTolerance = "step tolerance"
    /// The loss stopped changing (relative change below 1e-15).
    case lossTolerance = "loss tolerance"
    /// The iteration limit was reached before convergence.
    case maxIterations = "iteration limit"
    /// No step reduced the loss even with maximal damping.
    case noProgress = "no progress"

    public var converged: Bool { self != .maxIterations && self != .noProgress }
}

/// Bounded nonlinear regression of a metric on capability scores (DESIGN §3.3).
///
/// Solved with a projected Levenberg–Marquardt method: Gauss–Newton steps (IRLS weights for
/// Huber) damped by μ·diag(JᵀWJ), the floor b kept in its bounds by projection and an active set
/// (a parameter at a bound whose gradient pushes outward is fixed for the step). Start α = 0,
/// β = 0.03, b = 0; when that start does not converge, further starts are tried and the lowest
/// loss is kept. Complexity O(iterations · m · p²) with p = K + 2 parameters.
public struct SigmoidRegression: Codable, Equatable, Sendable {
    public var link: Link = .sigmoidFloor
    public var loss: Loss = .leastSquares
    /// Bounds of the floor b (the paper: height 1 − b ∈ [0.8, 1]).
    public var floorBounds: ClosedRange<Double> = 0...0.2
    public var maxIterations = 500
    /// Starts tried in order when earlier ones do not converge.
    public var maxStarts = 4

    public init(link: Link = .sigmoidFloor, loss: Loss = .leastSquares, floorBounds: ClosedRange<Double> = 0...0.2,
                maxIterations: Int = 500, maxStarts: Int = 4) {
        self.link = link
        self.loss = loss
        self.floorBounds = floorBounds
        self.maxIterations = maxIterations
        self.maxStarts = maxStarts
    }

    /// Fits E ≈ f(S) on rows of `scores` (m × K) and `targets` (m values, finite).
    public func fit(scores: Matrix, targets: [Double]) throws -> SigmoidFit {
        let k = scores.columnCount
        let parameterCount = k + 1 + (link == .sigmoidFloor ? 1 : 0)
        guard targets.count == scores.rowCount else {
            throw FitError.invalidSetting(name: "targets", value: "\(targets.count) values", allowed: "\(scores.rowCount) (one per row)")
        }
        guard scores.rowCount >= parameterCount else {
            throw FitError.tooFewRows(what: "a \(link.rawValue) fit with \(k) capabilities (\(parameterCount) parameters)",
                                      needed: parameterCount, found: scores.rowCount)
        }
        if case let .huber(delta) = loss, !(delta > 0 && delta.isFinite) {
            throw FitError.invalidSetting(name: "--huber-delta", value: "\(delta)", allowed: "a finite number > 0")
        }
        guard floorBounds.lowerBound >= 0, floorBounds.upperBound < 1 else {
            throw FitError.invalidSetting(name: "floor bounds", value: "\(floorBounds)", allowed: "within [0, 1)")
        }
        for (index, value) in targets.enumerated() where !value.isFinite {
            throw FitError.nonFiniteTarget(model: "row \(index + 1)", value: value)
        }
        let candidates = starts(k: k)
        var best = solve(scores: scores, targets: targets, start: candidates[0])
        var tried = 1
        while !best.termination.converged && tried < min(max(1, maxStarts), candidates.count) {
            let fit = solve(scores: scores, targets: targets, start: candidates[tried])
            tried += 1
            if fit.loss < best.loss - 1e-15 * abs(best.loss) || fit.termination.converged { best = fit }
        }
        best.startsTried = tried
        return best
    }

    /// α = 0, β = 0.03, b = 0 (DESIGN §3.3), then spread-out alternatives.
    func starts(k: Int) -> [[Double]] {
        let floorStart = link == .sigmoidFloor ? [floorBounds.lowerBound] : []
        let floorMid = link == .sigmoidFloor ? [0.5 * (floorBounds.lowerBound + floorBounds.upperBound)] : []
        return [[0] + Array(repeating: 0.03, count: k) + floorStart,
                [-2] + Array(repeating: 1, count: k) + floorMid,
                [2] + Array(repeating: 0.3, count: k) + floorStart,
                [0] + Array(repeating: 3, count: k) + floorMid]
    }

    /// Model value and its gradient with respect to the parameters at one row.
    @inline(__always)
    func evaluate(_ parameters: [Double], row: UnsafeBufferPointer<Double>, gradient: inout [Double]) -> Double {
        let k = row.count
        var z = parameters[0]
        for c in 0..<k { z += parameters[c + 1] * row[c] }
        switch link {
        case .linear:
            gradient[0] = 1
            for c in 0..<k { gradient[c + 1] = row[c] }
            return z
        case .sigmoid, .sigmoidFloor:
            let floor = link == .sigmoidFloor ? parameters[k + 1] : 0
            let s = logistic(z)
            let slope = (1 - floor) * s * (1 - s)
            gradient[0] = slope
            for c in 0..<k { gradient[c + 1] = slope * row[c] }
            if link == .sigmoidFloor { gradient[k + 1] = 1 - s }
            return (1 - floor) * s + floor
        }
    }

    func solve(scores: Matrix, targets: [Double], start: [Double]) -> SigmoidFit {
        let p = start.count, m = targets.count, k = scores.columnCount
        let floorIndex = link == .sigmoidFloor ? k + 1 : nil
        var parameters = start
        var gradientRow = [Double](repeating: 0, count: p)
        var hessian = [Double](repeating: 0, count: p * p)
        var gradient = [Double](repeating: 0, count: p)
        var candidate = parameters
        // Loss, gradient Jᵀψ and IRLS Hessian JᵀWJ at the given parameters.
        func assemble(_ at: [Double], withDerivatives: Bool) -> Double {
            var total = 0.0
            if withDerivatives {
                for index in 0..<(p * p) { hessian[index] = 0 }
                for index in 0..<p { gradient[index] = 0 }
            }
            scores.storage.withUnsafeBufferPointer { all in
                for i in 0..<m {
                    let row = UnsafeBufferPointer(rebasing: all[(i * k)..<((i + 1) * k)])
                    let r = evaluate(at, row: row, gradient: &gradientRow) - targets[i]
                    total += loss.value(r)
                    guard withDerivatives else { continue }
                    let (psi, weight) = loss.influence(r)
                    for a in 0..<p {
                        gradient[a] += gradientRow[a] * psi
                        let wa = weight * gradientRow[a]
                        for b in a..<p { hessian[a * p + b] += wa * gradientRow[b] }
                    }
                }
            }
            return total
        }
        var current = assemble(parameters, withDerivatives: true)
        var damping = 1e-3
        var increase = 2.0
        var iterations = 0
        var termination = Termination.maxIterations
        var system = Matrix(rowCount: 0, columnCount: 0)
        while iterations < maxIterations {
            iterations += 1
            // Active set: the floor at a bound with the gradient pushing outward stays fixed.
            var free = Array(0..<p)
            if let floorIndex {
                let value = parameters[floorIndex], g = gradient[floorIndex]
                if (value <= floorBounds.lowerBound && g > 0) || (value >= floorBounds.upperBound && g < 0) {
                    free.removeAll { $0 == floorIndex }
                }
            }
            let projectedGradient = free.reduce(0.0) { max($0, abs(gradient[$1])) }
            if projectedGradient <= 1e-13 * max(1, current) {
                termination = .gradientTolerance
                break
            }
            var accepted = false
            while !accepted {
                let f = free.count
                system = Matrix(rowCount: f, columnCount: f)
                for (a, pa) in free.enumerated() {
                    for (b, pb) in free.enumerated() {
                        let h = hessian[min(pa, pb) * p + max(pa, pb)]
                        system[a, b] = h + (a == b ? damping * max(h, 1e-12) : 0)
                    }
                }
                guard let factor = try? Cholesky(system) else {
                    damping *= increase
                    increase *= 2
                    if damping > 1e16 { break }
                    continue
                }
                let step = factor.solve(free.map { -gradient[$0] })
                candidate = parameters
                for (a, pa) in free.enumerated() { candidate[pa] += step[a] }
                if let floorIndex {
                    candidate[floorIndex] = min(floorBounds.upperBound, max(floorBounds.lowerBound, candidate[floorIndex]))
                }
                // Predicted reduction of the quadratic model for the (projected) step taken.
                var predicted = 0.0
                for a in 0..<p {
                    let da = candidate[a] - parameters[a]
                    predicted -= gradient[a] * da
                    for b in 0..<p {
                        let db = candidate[b] - parameters[b]
                        predicted -= 0.5 * da * hessian[min(a, b) * p + max(a, b)] * db
                    }
                }
                let trial = assemble(candidate, withDerivatives: false)
                if trial.isFinite && trial <= current {
                    let ratio = predicted > 0 ? (current - trial) / predicted : 1
                    damping *= max(1.0 / 3.0, 1 - pow(2 * ratio - 1, 3))
                    increase = 2
                    let stepSize = zip(candidate, parameters).reduce(0.0) { max($0, abs($1.0 - $1.1)) }
                    let scale = parameters.reduce(0.0) { max($0, abs($1)) }
                    let change = current - trial
                    parameters = candidate
                    current = assemble(parameters, withDerivatives: true)
                    accepted = true
                    if change <= 1e-15 * max(current, 1e-300) && stepSize <= 1e-8 * (scale + 1e-8) {
                        termination = .lossTolerance
                    } else if stepSize <= 1e-14 * (scale + 1e-14) {
                        termination = .stepTolerance
                    }
                } else {
                    damping *= increase
                    increase *= 2
                    if damping > 1e16 { break }
                }
            }
            if !accepted {
                termination = .noProgress
                break
            }
            if termination != .maxIterations { break }
        }
        let floor = floorIndex.map { parameters[$0] } ?? 0
        return SigmoidFit(settings: self, alpha: parameters[0], beta: Array(parameters[1...k]), floor: floor,
                          loss: current, iterations: iterations, termination: termination,
                          gradientNorm: gradient.reduce(0) { max($0, abs($1)) }, startsTried: 1)
    }
}

/// A fitted link: E = (1 − b)·σ(α + βᵀS) + b (or the linear/plain-sigmoid variant).
public struct SigmoidFit: Codable, Equatable, Sendable {
    public let settings: SigmoidRegression
    public let alpha: Double
    public let beta: [Double]
    /// The floor b (0 for the `sigmoid` and `linear` links).
    public let floor: Double
    /// Final loss (½Σr² or Σρ_δ(r)).
    public let loss: Double
    public let iterations: Int
    public let termination: Termination
    /// Largest gradient component at the solution (a bound-active floor may keep a nonzero one).
    public let gradientNorm: Double
    /// Number of starting points tried.
    public internal(set) var startsTried: Int

    /// The linear predictor P = α + βᵀS (the "aggregate capability").
    public func linearPredictor(_ scores: [Double]) -> Double { alpha + dot(beta, scores) }

    /// The fitted metric at capability scores S.
    public func predict(_ scores: [Double]) -> Double { predict(linearPredictor: linearPredictor(scores)) }

    /// The fitted metric at a given linear predictor P.
    public func predict(linearPredictor z: Double) -> Double {
        switch settings.link {
        case .linear: return z
        case .sigmoid: return logistic(z)
        case .sigmoidFloor: return (1 - floor) * logistic(z) + floor
        }
    }
}
