import Foundation
import ObsScaleNumerics

/// The link between capabilities S and a downstream metric E.
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

/// A quadratic pull of the law's parameters θ = (α, β₁…β_K, b) towards a center:
/// ½·strength·Σⱼ weightⱼ·(θⱼ − centerⱼ)², added to the loss. With weightⱼ = 1/scaleⱼ² of a prior
/// (`ParameterPrior`) it is the negative log of a Gaussian prior, so the fit is a posterior mode;
/// the strength λ is the prior's precision relative to the residuals' (chosen by cross-validation,
/// `ModelSelection`). λ = 0 is the plain fit.
public struct ParameterPenalty: Codable, Equatable, Sendable {
    public var center: [Double]
    public var weights: [Double]
    public var strength: Double

    public init(center: [Double], weights: [Double], strength: Double) {
        self.center = center
        self.weights = weights
        self.strength = strength
    }

    /// The penalty of a prior: weights 1/scale².
    public init(prior: ParameterPrior, strength: Double) {
        self.init(center: prior.mean, weights: prior.scale.map { 1 / ($0 * $0) }, strength: strength)
    }

    /// Whether it pulls at all.
    public var isActive: Bool { strength > 0 }
}

/// Bounded nonlinear regression of a metric on capability scores.
///
/// Solved with a projected Levenberg–Marquardt method: Gauss–Newton steps (IRLS weights for
/// Huber) damped by μ·diag(JᵀWJ), the floor b kept in its bounds by projection and an active set
/// (a parameter at a bound whose gradient pushes outward is fixed for the step). Start α = 0,
/// β = 0.03, b = 0; when that start does not converge, further starts are tried and the lowest
/// loss is kept. An optional `ParameterPenalty` adds ½λΣw(θ − c)² to the loss (its gradient and
/// curvature enter the Newton system exactly); with λ > 0 the fit is defined even with fewer rows
/// than parameters. Complexity O(iterations · m · p²) with p = K + 2 parameters.
public struct SigmoidRegression: Codable, Equatable, Sendable {
    public var link: Link = .sigmoidFloor
    public var loss: Loss = .leastSquares
    /// Bounds of the floor b (the paper: height 1 − b ∈ [0.8, 1]).
    public var floorBounds: ClosedRange<Double> = 0...0.2
    public var maxIterations = 500
    /// Starts tried in order when earlier ones do not converge.
    public var maxStarts = 4

    public init(
        link: Link = .sigmoidFloor, loss: Loss = .leastSquares, floorBounds: ClosedRange<Double> = 0...0.2,
        maxIterations: Int = 500, maxStarts: Int = 4
    ) {
        self.link = link
        self.loss = loss
        self.floorBounds = floorBounds
        self.maxIterations = maxIterations
        self.maxStarts = maxStarts
    }

    /// Fits E ≈ f(S) on rows of `scores` (m × K) and `targets` (m values, finite).
    ///
    /// - Parameters:
    ///   - scores: capability scores of the training models (m × K).
    ///   - targets: their (normalized) metric values.
    ///   - start: parameters [α, β₁…β_K, (b)] tried before the default starts (e.g. the full-data
    ///     fit when refitting a bootstrap replicate); the floor is clamped into its bounds.
    ///   - penalty: a pull towards a prior center (nil or strength 0: none).
    public func fit(scores: Matrix, targets: [Double], start: [Double]? = nil, penalty: ParameterPenalty? = nil) throws -> SigmoidFit {
        let k = scores.columnCount
        let parameterCount = k + 1 + (link == .sigmoidFloor ? 1 : 0)
        guard targets.count == scores.rowCount else {
            throw FitError.invalidSetting(.regressionTargets, value: "\(targets.count) values", allowed: "\(scores.rowCount) (one per row)")
        }
        let penalty = penalty.flatMap { $0.isActive ? $0 : nil }
        if let penalty {
            guard penalty.center.count == parameterCount, penalty.weights.count == parameterCount,
                penalty.strength.isFinite, penalty.center.allSatisfy(\.isFinite),
                penalty.weights.allSatisfy({ $0.isFinite && $0 >= 0 })
            else {
                throw FitError.invalidSetting(
                    .regressionPenalty, value: "\(penalty.center.count) centers, \(penalty.weights.count) weights, strength \(penalty.strength)",
                    allowed: "\(parameterCount) finite centers and weights ≥ 0 and a finite strength")
            }
        }
        guard scores.rowCount >= (penalty == nil ? parameterCount : 1) else {
            throw FitError.tooFewRows(
                what: "a \(link.rawValue) fit with \(k) capabilities (\(parameterCount) parameters)",
                needed: parameterCount, found: scores.rowCount)
        }
        if case let .huber(delta) = loss, !(delta > 0 && delta.isFinite) {
            throw FitError.invalidSetting(.huberDelta, value: "\(delta)", allowed: "a finite number > 0")
        }
        guard floorBounds.lowerBound >= 0, floorBounds.upperBound < 1 else {
            throw FitError.invalidSetting(.regressionFloorBounds, value: "\(floorBounds)", allowed: "within [0, 1)")
        }
        for (index, value) in targets.enumerated() where !value.isFinite {
            throw FitError.nonFiniteTarget(model: "row \(index + 1)", value: value)
        }
        var candidates = starts(k: k)
        if let penalty { candidates.insert(penalty.center, at: 0) }
        if let start, start.count == parameterCount, start.allSatisfy(\.isFinite) { candidates.insert(start, at: 0) }
        if link == .sigmoidFloor {
            for index in candidates.indices {
                candidates[index][k + 1] = min(max(candidates[index][k + 1], floorBounds.lowerBound), floorBounds.upperBound)
            }
        }
        var best = solve(scores: scores, targets: targets, start: candidates[0], penalty: penalty)
        var tried = 1
        while !best.termination.converged && tried < min(max(1, maxStarts), candidates.count) {
            let fit = solve(scores: scores, targets: targets, start: candidates[tried], penalty: penalty)
            tried += 1
            if fit.loss < best.loss - 1e-15 * abs(best.loss) || fit.termination.converged { best = fit }
        }
        best.startsTried = tried
        return best
    }

    /// α = 0, β = 0.03, b = 0, then spread-out alternatives.
    func starts(k: Int) -> [[Double]] {
        let floorStart = link == .sigmoidFloor ? [floorBounds.lowerBound] : []
        let floorMid = link == .sigmoidFloor ? [0.5 * (floorBounds.lowerBound + floorBounds.upperBound)] : []
        return [
            [0] + Array(repeating: 0.03, count: k) + floorStart,
            [-2] + Array(repeating: 1, count: k) + floorMid,
            [2] + Array(repeating: 0.3, count: k) + floorStart,
            [0] + Array(repeating: 3, count: k) + floorMid,
        ]
    }

    /// Per-row working storage of `assemble`, allocated once per solve (column-major scores so
    /// every accumulation is a contiguous, vectorisable loop over the rows).
    struct Workspace {
        /// Scores, column c at [c·m ..< (c + 1)·m].
        var columns: [Double]
        /// Per-row weights: ψ·f_z, ψ·f_b, GN weight w·f_z², w·f_z·f_b, w·f_b², curvature ψ·f_zz, ψ·f_zb.
        var weights: [Double]

        init(scores: Matrix) {
            columns = scores.transposed.storage
            weights = [Double](repeating: 0, count: 7 * scores.rowCount)
        }
    }

    /// Loss, and optionally the gradient Jᵀψ, the upper triangle of the Gauss–Newton (IRLS)
    /// matrix JᵀWJ (`hessian[0..<p²]`) and of the second-order term Σ ψᵢ·∇²fᵢ (`hessian[p²..<2p²]`)
    /// at `parameters`. A penalty (`penaltyCenter`, `penaltyWeights` = λ·w, empty for none) adds
    /// ½Σ λwⱼ(θⱼ − cⱼ)² to the loss, λwⱼ(θⱼ − cⱼ) to the gradient and λwⱼ to the diagonal.
    ///
    /// The model depends on θ only through z = α + βᵀS and the floor b, so with x̃ = (1, S),
    /// J = [f_z·x̃ | f_b] and ∇²f = [[f_zz·x̃x̃ᵀ, f_zb·x̃], [f_zb·x̃ᵀ, 0]]: one pass computes per-row
    /// weights, then every entry is a weighted sum over rows (f_z = (1 − b)σ′, f_b = 1 − σ,
    /// f_zz = (1 − b)σ″, f_zb = −σ′ for the sigmoid-floor link; f_z = 1 and the rest 0 for linear).
    /// Writes only into the given buffers. O(m·p²).
    @inline(__always)
    func assemble(
        _ parameters: UnsafeBufferPointer<Double>, columns x: UnsafeBufferPointer<Double>, k: Int,
        targets: UnsafeBufferPointer<Double>, gradient: UnsafeMutableBufferPointer<Double>,
        hessian: UnsafeMutableBufferPointer<Double>, weights: UnsafeMutableBufferPointer<Double>,
        penaltyCenter: UnsafeBufferPointer<Double>, penaltyWeights: UnsafeBufferPointer<Double>,
        withDerivatives: Bool
    ) -> Double {
        let p = parameters.count, m = targets.count
        let floor = link == .sigmoidFloor ? parameters[k + 1] : 0
        let isLinear = link == .linear, hasFloor = link == .sigmoidFloor
        let delta: Double
        switch loss {
        case .leastSquares: delta = .infinity
        case let .huber(huberDelta): delta = huberDelta
        }
        // Weight vectors live side by side in `weights`: row i of vector v is weights[v·m + i].
        let psiZ = 0, psiB = 1, gnZZ = 2, gnZB = 3, gnBB = 4, curvZZ = 5, curvZB = 6
        // z = α + βᵀS, accumulated column by column (into the curvZB slot, overwritten below).
        for i in 0..<m { weights[curvZB * m + i] = parameters[0] }
        for c in 0..<k {
            let beta = parameters[c + 1]
            for i in 0..<m { weights[curvZB * m + i] += beta * x[c * m + i] }
        }
        var total = 0.0
        for i in 0..<m {
            let z = weights[curvZB * m + i]
            let s = isLinear ? 0 : Statistics.logistic(z)
            let sigmaPrime = s * (1 - s)
            let fz = isLinear ? 1 : (1 - floor) * sigmaPrime
            let fb = hasFloor ? 1 - s : 0
            let value = isLinear ? z : (1 - floor) * s + floor
            // Loss, ψ = ρ′(r) and the IRLS weight ψ/r, with δ = ∞ for least squares.
            let r = value - targets[i]
            let inside = abs(r) <= delta
            total += inside ? 0.5 * r * r : delta * (abs(r) - 0.5 * delta)
            guard withDerivatives else { continue }
            let psi = inside ? r : (r > 0 ? delta : -delta)
            let weight = inside ? 1 : delta / abs(r)
            weights[psiZ * m + i] = psi * fz
            weights[psiB * m + i] = psi * fb
            weights[gnZZ * m + i] = weight * fz * fz
            weights[gnZB * m + i] = weight * fz * fb
            weights[gnBB * m + i] = weight * fb * fb
            weights[curvZZ * m + i] = isLinear ? 0 : psi * (1 - floor) * sigmaPrime * (1 - 2 * s)
            weights[curvZB * m + i] = hasFloor ? -psi * sigmaPrime : 0
        }
        for j in 0..<penaltyWeights.count {
            let deviation = parameters[j] - penaltyCenter[j]
            total += 0.5 * penaltyWeights[j] * deviation * deviation
        }
        guard withDerivatives else { return total }
        for index in 0..<(2 * p * p) { hessian[index] = 0 }
        let curvatureOffset = p * p
        // Σᵢ w_i·x̃_ia·x̃_ib, where x̃_i0 = 1 and x̃_ia (a ≥ 1) is score column a − 1.
        @inline(__always) func sum(_ vector: Int, _ a: Int, _ b: Int) -> Double {
            let w = vector * m
            var total = 0.0
            if a == 0 && b == 0 {
                for i in 0..<m { total += weights[w + i] }
            } else if a == 0 {
                let xb = (b - 1) * m
                for i in 0..<m { total += weights[w + i] * x[xb + i] }
            } else {
                let xa = (a - 1) * m, xb = (b - 1) * m
                for i in 0..<m { total += weights[w + i] * x[xa + i] * x[xb + i] }
            }
            return total
        }
        for a in 0...k {
            gradient[a] = sum(psiZ, 0, a)
            for b in a...k {
                hessian[a * p + b] = sum(gnZZ, a, b)
                hessian[curvatureOffset + a * p + b] = sum(curvZZ, a, b)
            }
            if hasFloor {
                hessian[a * p + k + 1] = sum(gnZB, 0, a)
                hessian[curvatureOffset + a * p + k + 1] = sum(curvZB, 0, a)
            }
        }
        if hasFloor {
            gradient[k + 1] = sum(psiB, 0, 0)
            hessian[(k + 1) * p + k + 1] = sum(gnBB, 0, 0)
        }
        for j in 0..<penaltyWeights.count {
            gradient[j] += penaltyWeights[j] * (parameters[j] - penaltyCenter[j])
            hessian[j * p + j] += penaltyWeights[j]
        }
        return total
    }

    /// Solves (H_ff + μ·diag(G_ff))·δ = −g_f in place by Cholesky on the free parameters, where G
    /// is the Gauss–Newton matrix and H = G, or G + Σψ∇²f (Newton) when `newton` is set.
    /// Returns false when the damped system is not positive definite. O(f³), f ≤ p.
    @inline(__always)
    static func dampedStep(
        hessian: UnsafeBufferPointer<Double>, gradient: UnsafeBufferPointer<Double>, p: Int,
        free: UnsafeBufferPointer<Int>, damping: Double, newton: Bool,
        system: UnsafeMutableBufferPointer<Double>, step: UnsafeMutableBufferPointer<Double>
    ) -> Bool {
        let f = free.count
        for a in 0..<f {
            for b in 0...a {
                let pa = free[a], pb = free[b]
                let index = min(pa, pb) * p + max(pa, pb)
                let h = hessian[index]
                system[a * f + b] = h + (newton ? hessian[p * p + index] : 0) + (a == b ? damping * max(h, 1e-12) : 0)
            }
        }
        guard Cholesky.factorInPlace(system, n: f) else { return false }
        for i in 0..<f { step[i] = -gradient[free[i]] }
        Cholesky.solveInPlace(UnsafeBufferPointer(system), n: f, step)
        return true
    }

    /// Projected Levenberg–Marquardt from one start. Allocation-free inside the iterations.
    func solve(scores: Matrix, targets: [Double], start: [Double], penalty: ParameterPenalty? = nil) -> SigmoidFit {
        let p = start.count, k = scores.columnCount
        let floorIndex = link == .sigmoidFloor ? k + 1 : nil
        // A capability column that is zero on every row (a PC without variance) carries no
        // information: its β is held at 0 instead of drifting on a flat direction.
        let zeroColumn = (0..<k).map { c in (0..<scores.rowCount).allSatisfy { scores[$0, c] == 0 } }
        var parameters = start
        for c in 0..<k where zeroColumn[c] { parameters[c + 1] = 0 }
        var candidate = parameters
        var gradient = [Double](repeating: 0, count: p)
        var hessian = [Double](repeating: 0, count: 2 * p * p)
        var trialGradient = gradient
        var trialHessian = hessian
        var workspace = Workspace(scores: scores)
        let penaltyCenter = penalty?.center ?? []
        let penaltyWeights = penalty.map { penalty in penalty.weights.map { penalty.strength * $0 } } ?? []
        var system = [Double](repeating: 0, count: p * p)
        var step = [Double](repeating: 0, count: p)
        var free = [Int](repeating: 0, count: p)
        var current = 0.0
        var iterations = 0
        var termination = Termination.maxIterations
        workspace.columns.withUnsafeBufferPointer { x in
            targets.withUnsafeBufferPointer { y in
                gradient.withUnsafeMutableBufferPointer { g in
                    hessian.withUnsafeMutableBufferPointer { h in
                        trialGradient.withUnsafeMutableBufferPointer { trialG in
                            trialHessian.withUnsafeMutableBufferPointer { trialH in
                                workspace.weights.withUnsafeMutableBufferPointer { rowBuffer in
                                    system.withUnsafeMutableBufferPointer { systemBuffer in
                                        step.withUnsafeMutableBufferPointer { stepBuffer in
                                            free.withUnsafeMutableBufferPointer { freeBuffer in
                                                parameters.withUnsafeMutableBufferPointer { theta in
                                                    candidate.withUnsafeMutableBufferPointer { trialTheta in
                                                        func evaluate(_ at: UnsafeMutableBufferPointer<Double>, derivatives: Bool) -> Double {
                                                            penaltyCenter.withUnsafeBufferPointer { center in
                                                                penaltyWeights.withUnsafeBufferPointer { penaltyWeight in
                                                                    assemble(
                                                                        UnsafeBufferPointer(at), columns: x, k: k, targets: y, gradient: g,
                                                                        hessian: h,
                                                                        weights: rowBuffer, penaltyCenter: center, penaltyWeights: penaltyWeight,
                                                                        withDerivatives: derivatives)
                                                                }
                                                            }
                                                        }
                                                        current = evaluate(theta, derivatives: true)
                                                        var damping = 1e-1
                                                        var increase = 2.0
                                                        while iterations < maxIterations {
                                                            iterations += 1
                                                            // Active set: the floor at a bound with the gradient pushing outward stays fixed.
                                                            var freeCount = 0
                                                            for a in 0..<p {
                                                                if a >= 1 && a <= k && zeroColumn[a - 1] { continue }
                                                                if let floorIndex, a == floorIndex {
                                                                    let value = theta[a], slope = g[a]
                                                                    if (value <= floorBounds.lowerBound && slope > 0)
                                                                        || (value >= floorBounds.upperBound && slope < 0)
                                                                    {
                                                                        continue
                                                                    }
                                                                }
                                                                freeBuffer[freeCount] = a
                                                                freeCount += 1
                                                            }
                                                            let freeIndices = UnsafeBufferPointer(rebasing: freeBuffer[0..<freeCount])
                                                            var projectedGradient = 0.0
                                                            for a in freeIndices { projectedGradient = max(projectedGradient, abs(g[a])) }
                                                            if projectedGradient <= 1e-13 * max(1, current) {
                                                                termination = .gradientTolerance
                                                                break
                                                            }
                                                            var accepted = false
                                                            while !accepted {
                                                                // Newton (Gauss–Newton plus the residual curvature) converges quadratically on
                                                                // problems with non-zero residuals, where Gauss–Newton is only linear; where the
                                                                // damped Newton matrix is not positive definite, Gauss–Newton steps are used.
                                                                var newton = true
                                                                var solved = Self.dampedStep(
                                                                    hessian: UnsafeBufferPointer(h), gradient: UnsafeBufferPointer(g), p: p,
                                                                    free: freeIndices, damping: damping, newton: true,
                                                                    system: systemBuffer, step: stepBuffer)
                                                                if !solved {
                                                                    newton = false
                                                                    solved = Self.dampedStep(
                                                                        hessian: UnsafeBufferPointer(h), gradient: UnsafeBufferPointer(g), p: p,
                                                                        free: freeIndices, damping: damping, newton: false,
                                                                        system: systemBuffer, step: stepBuffer)
                                                                }
                                                                guard solved else {
                                                                    damping *= increase
                                                                    increase *= 2
                                                                    if damping > 1e16 { break }
                                                                    continue
                                                                }
                                                                for a in 0..<p { trialTheta[a] = theta[a] }
                                                                for (a, pa) in freeIndices.enumerated() { trialTheta[pa] += stepBuffer[a] }
                                                                if let floorIndex {
                                                                    trialTheta[floorIndex] = min(
                                                                        floorBounds.upperBound, max(floorBounds.lowerBound, trialTheta[floorIndex]))
                                                                }
                                                                // Predicted reduction of the quadratic model for the (projected) step taken.
                                                                var predicted = 0.0
                                                                for a in 0..<p {
                                                                    let da = trialTheta[a] - theta[a]
                                                                    predicted -= g[a] * da
                                                                    for b in 0..<p {
                                                                        let index = min(a, b) * p + max(a, b)
                                                                        let curvature = h[index] + (newton ? h[p * p + index] : 0)
                                                                        predicted -= 0.5 * da * curvature * (trialTheta[b] - theta[b])
                                                                    }
                                                                }
                                                                // The trial point's derivatives go to spare buffers, kept if the step is accepted.
                                                                let trial = penaltyCenter.withUnsafeBufferPointer { center in
                                                                    penaltyWeights.withUnsafeBufferPointer { penaltyWeight in
                                                                        assemble(
                                                                            UnsafeBufferPointer(trialTheta), columns: x, k: k, targets: y,
                                                                            gradient: trialG,
                                                                            hessian: trialH, weights: rowBuffer, penaltyCenter: center,
                                                                            penaltyWeights: penaltyWeight, withDerivatives: true)
                                                                    }
                                                                }
                                                                if trial.isFinite && trial <= current {
                                                                    let ratio = predicted > 0 ? (current - trial) / predicted : 1
                                                                    damping *= max(1.0 / 3.0, 1 - pow(2 * ratio - 1, 3))
                                                                    increase = 2
                                                                    var stepSize = 0.0, scale = 0.0
                                                                    for a in 0..<p {
                                                                        stepSize = max(stepSize, abs(trialTheta[a] - theta[a]))
                                                                        scale = max(scale, abs(theta[a]))
                                                                        theta[a] = trialTheta[a]
                                                                    }
                                                                    let change = current - trial
                                                                    current = trial
                                                                    for index in 0..<p { g[index] = trialG[index] }
                                                                    for index in 0..<(2 * p * p) { h[index] = trialH[index] }
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
                                                    }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        let floor = floorIndex.map { parameters[$0] } ?? 0
        return SigmoidFit(
            settings: self, alpha: parameters[0], beta: Array(parameters[1...k]), floor: floor,
            loss: current, iterations: iterations, termination: termination,
            gradientNorm: gradient.reduce(0) { max($0, abs($1)) }, startsTried: 1)
    }
}

extension SigmoidFit {
    /// The average of fits on the first k = 1…K capability columns (`ScalingLaw.averagesComponents`):
    /// a law that predicts the weighted mean Σ wₖ·ŷₖ of its members' predictions (`members`,
    /// `memberWeights`; nil weights: equal, 1/M each). Its α, β and b are the members' weighted
    /// means — each member's missing coefficients counted as 0 — for what needs one set
    /// of coefficients (the benchmark weights, parameter intervals, the curvature behind leverages
    /// and calibrated intervals); its linear predictor is the link's inverse of the mean
    /// prediction (`linearPredictor`), so that P maps back to the mean through the averaged floor
    /// and equivalent FLOPs stay one line. `loss` is recomputed on `scores` and `targets` (the
    /// training rows), the termination is the first non-converged member's (or the widest's), the
    /// iterations and starts the members' sums. nil without members. O(M·K + m·M·K).
    static func average(_ members: [SigmoidFit], weights: [Double]? = nil, scores: Matrix, targets: [Double]) -> SigmoidFit? {
        guard let widest = members.max(by: { $0.beta.count < $1.beta.count }) else { return nil }
        let k = widest.beta.count
        let shares = weights.flatMap { $0.count == members.count ? $0 : nil } ?? Array(repeating: 1 / Double(members.count), count: members.count)
        func mean(_ value: (SigmoidFit) -> Double) -> Double { zip(members, shares).reduce(0) { $0 + $1.1 * value($1.0) } }
        let beta = (0..<k).map { j in mean { j < $0.beta.count ? $0.beta[j] : 0 } }
        var averaged = SigmoidFit(
            settings: widest.settings, alpha: mean(\.alpha), beta: beta, floor: mean(\.floor), loss: 0,
            iterations: members.reduce(0) { $0 + $1.iterations },
            termination: members.first { !$0.termination.converged }?.termination ?? widest.termination,
            gradientNorm: members.reduce(0) { max($0, $1.gradientNorm) }, startsTried: members.reduce(0) { $0 + $1.startsTried })
        averaged.members = members
        averaged.memberWeights = weights == nil ? nil : shares
        averaged.loss = (0..<min(scores.rowCount, targets.count)).reduce(0) { sum, row in
            let residual = targets[row] - averaged.predict(scores.row(row))
            switch widest.settings.loss {
            case .leastSquares: return sum + 0.5 * residual * residual
            case let .huber(delta): return sum + (abs(residual) <= delta ? 0.5 * residual * residual : delta * (abs(residual) - 0.5 * delta))
            }
        }
        return averaged
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
    public internal(set) var loss: Double
    public let iterations: Int
    public let termination: Termination
    /// Largest gradient component at the solution (a bound-active floor may keep a nonzero one).
    public let gradientNorm: Double
    /// Number of starting points tried.
    public internal(set) var startsTried: Int
    /// A law averaged over K (`average`): the fits on the first k = 1…K components whose mean
    /// prediction this fit predicts; nil for a single fit.
    public internal(set) var members: [SigmoidFit]?
    /// The weights of `members` in the average, summing to 1 (`ScalingLaw.averageWeights`); nil:
    /// equal weights (and in laws saved before weights existed).
    public internal(set) var memberWeights: [Double]?

    /// [α, β₁…β_K] and, for the sigmoid-floor link, b: the layout of `SigmoidRegression.fit(start:)`.
    public var parameters: [Double] { [alpha] + beta + (settings.link == .sigmoidFloor ? [floor] : []) }

    /// Leverages h_ii = jᵢᵀ(JᵀJ)⁻¹jᵢ of the rows of `scores` at the fitted parameters, with J the
    /// Jacobian of the fitted values (a floor at its bound is not a free parameter and is left
    /// out). They rescale residuals to the size of out-of-sample errors, rᵢ/√(1 − hᵢᵢ). nil when
    /// JᵀJ is singular. O(m·p²).
    public func leverages(scores: Matrix) -> [Double]? {
        let jacobian = freeJacobian(scores: scores)
        guard let factor = try? Cholesky(jacobian.gram) else { return nil }
        return (0..<jacobian.rowCount).map { i in
            let row = jacobian.row(i)
            return min(1, max(0, Matrix.dot(row, factor.solve(row))))
        }
    }

    /// How well the rows of `scores` determine the free parameters: the smallest over the largest
    /// eigenvalue of JᵀJ (0 when some direction is not determined at all). A law fitted to data a
    /// step separates — every row on a flat part of the sigmoid — has a ratio near 0: many
    /// parameter values fit equally well. O(m·p² + p³).
    public func identifiability(scores: Matrix) -> Double {
        guard let eigen = try? SymmetricEigen(freeJacobian(scores: scores).gram), let largest = eigen.values.max(), largest > 0,
            let smallest = eigen.values.min()
        else { return 0 }
        return max(0, smallest / largest)
    }

    /// J of the fitted values at `scores` with respect to the free parameters (α, β and, when it
    /// is not on a bound, the floor).
    func freeJacobian(scores: Matrix) -> Matrix {
        let k = beta.count
        let floorFree =
            settings.link == .sigmoidFloor
            && floor > settings.floorBounds.lowerBound + 1e-12 && floor < settings.floorBounds.upperBound - 1e-12
        var jacobian = Matrix(rowCount: scores.rowCount, columnCount: k + 1 + (floorFree ? 1 : 0))
        for i in 0..<scores.rowCount {
            let row = scores.row(i)
            let s = Statistics.logistic(linearPredictor(row))
            let fz: Double
            switch settings.link {
            case .linear: fz = 1
            case .sigmoid: fz = s * (1 - s)
            case .sigmoidFloor: fz = (1 - floor) * s * (1 - s)
            }
            jacobian[i, 0] = fz
            for c in 0..<k { jacobian[i, c + 1] = fz * row[c] }
            if floorFree { jacobian[i, k + 1] = 1 - s }
        }
        return jacobian
    }

    /// The linear predictor P = α + βᵀS (the "aggregate capability") at capability scores S; for an
    /// average (`members`), the link's inverse of the members' weighted mean prediction, so that
    /// `predict(linearPredictor:)` returns that mean (clamped 1e-12 inside the link's range).
    public func linearPredictor(_ scores: [Double]) -> Double {
        guard let members else {
            return alpha + Matrix.dot(beta, scores.count == beta.count ? scores : Array(scores.prefix(beta.count)))
        }
        let mean =
            memberWeights.map { weights in zip(members, weights).reduce(0) { $0 + $1.1 * $1.0.predict(scores) } }
            ?? members.reduce(0) { $0 + $1.predict(scores) } / Double(members.count)
        func logit(_ p: Double) -> Double {
            let q = min(max(p, 1e-12), 1 - 1e-12)
            return log(q / (1 - q))
        }
        switch settings.link {
        case .linear: return mean
        case .sigmoid: return logit(mean)
        case .sigmoidFloor: return logit((mean - floor) / max(1 - floor, 1e-12))
        }
    }

    /// The fitted metric at capability scores S.
    public func predict(_ scores: [Double]) -> Double { predict(linearPredictor: linearPredictor(scores)) }

    /// The fitted metric at a given linear predictor P.
    public func predict(linearPredictor z: Double) -> Double {
        switch settings.link {
        case .linear: return z
        case .sigmoid: return Statistics.logistic(z)
        case .sigmoidFloor: return (1 - floor) * Statistics.logistic(z) + floor
        }
    }
}

extension SigmoidFit {
    /// The same law with other parameters ([α, β₁…β_K] and, for the sigmoid-floor link, b — the
    /// layout of `parameters`), e.g. a bootstrap replicate's; the fit statistics are left as this one's.
    public func with(parameters: [Double]) -> SigmoidFit {
        let k = beta.count
        return SigmoidFit(
            settings: settings, alpha: parameters[0], beta: Array(parameters[1...k]),
            floor: settings.link == .sigmoidFloor && parameters.count > k + 1 ? parameters[k + 1] : 0, loss: loss, iterations: iterations,
            termination: termination, gradientNorm: gradientNorm, startsTried: startsTried)
    }
}
