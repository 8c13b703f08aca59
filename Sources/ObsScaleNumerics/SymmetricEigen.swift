import Foundation

/// Eigendecomposition A = V·diag(λ)·Vᵀ of a real symmetric matrix by the cyclic Jacobi method.
///
/// Eigenvalues are sorted in descending order; eigenvector columns follow them. Each eigenvector's
/// sign is fixed so its largest-magnitude entry is positive (a deterministic convention; callers
/// such as PCA apply their own). Sweeps stop when every off-diagonal element is below
/// `tolerance`·√|aₚₚ·a_qq| (default 1e-15; or 1e-30·‖A‖_F): the threshold Jacobi method, accurate to rounding relative
/// to each eigenvalue; at most 100 sweeps. Complexity O(n³) per sweep; n ≤ ~20 here.
///
/// `warmStart`, an orthogonal matrix whose columns approximate the eigenvectors (e.g. those of a
/// slightly different matrix, as in an iterative imputation), rotates A to VᵀAV first; Jacobi then
/// needs fewer sweeps. With a warm start, `leadingCount: r` asks only for the r largest
/// eigenpairs: rotations are restricted to pairs (p, q) with p < r, which decouples the leading
/// block from the rest (the remaining columns then span the complement but are not eigenvectors,
/// and their `values` are the diagonal of the rotated matrix). If the leading block does not stay
/// separated from the rest, the full method runs. The leading pairs are the same to rounding.
public struct SymmetricEigen: Sendable {
    /// Eigenvalues, descending.
    public let values: [Double]
    /// Eigenvectors as columns, in the order of `values`.
    public let vectors: Matrix

    public init(_ matrix: Matrix, warmStart: Matrix? = nil, leadingCount: Int? = nil, tolerance: Double = 1e-15) throws {
        guard matrix.rowCount == matrix.columnCount else {
            throw LinearAlgebraError.notSquare(rowCount: matrix.rowCount, columnCount: matrix.columnCount)
        }
        let n = matrix.rowCount
        // Symmetrise from the average of both triangles.
        var a = matrix.storage
        for i in 0..<n {
            for j in 0..<i {
                let mean = 0.5 * (a[i * n + j] + a[j * n + i])
                a[i * n + j] = mean
                a[j * n + i] = mean
            }
        }
        var v = Matrix.identity(n).storage
        var partial = false
        if let basis = warmStart, basis.rowCount == n, basis.columnCount == n {
            // a ← Vᵀ a V, v ← V.
            var av = [Double](repeating: 0, count: n * n)
            basis.storage.withUnsafeBufferPointer { b in
                a.withUnsafeMutableBufferPointer { a in
                    av.withUnsafeMutableBufferPointer { av in
                        for i in 0..<n {
                            for k in 0..<n {
                                let aik = a[i * n + k]
                                for j in 0..<n { av[i * n + j] += aik * b[k * n + j] }
                            }
                        }
                        for i in 0..<n {
                            for j in 0..<n {
                                var sum = 0.0
                                for k in 0..<n { sum += b[k * n + i] * av[k * n + j] }
                                a[i * n + j] = sum
                            }
                        }
                    }
                }
            }
            v = basis.storage
            partial = (leadingCount ?? n) < n
        }
        let leading = partial ? (leadingCount ?? n) : n
        let scale = max(matrix.storage.reduce(0) { $0 + $1 * $1 }.squareRoot(), .leastNormalMagnitude)
        Self.jacobi(&a, &v, n: n, firstIndexBelow: leading, scale: scale, tolerance: tolerance)
        if partial {
            let leadingMinimum = (0..<leading).map { a[$0 * n + $0] }.min() ?? 0
            let restMaximum = (leading..<n).map { a[$0 * n + $0] }.max() ?? 0
            if !(leadingMinimum > restMaximum) { Self.jacobi(&a, &v, n: n, firstIndexBelow: n, scale: scale, tolerance: tolerance) }
        }
        let order = (0..<n).sorted { a[$0 * n + $0] > a[$1 * n + $1] || (a[$0 * n + $0] == a[$1 * n + $1] && $0 < $1) }
        values = order.map { a[$0 * n + $0] }
        var sorted = Matrix(rowCount: n, columnCount: n)
        for (target, source) in order.enumerated() {
            var largest = 0.0
            for k in 0..<n where abs(v[k * n + source]) > abs(largest) { largest = v[k * n + source] }
            let sign: Double = largest < 0 ? -1 : 1
            for k in 0..<n { sorted[flat: k * n + target] = sign * v[k * n + source] }
        }
        vectors = sorted
    }

    /// Cyclic threshold Jacobi sweeps over the pairs (p, q), p < q, p < `firstIndexBelow`,
    /// applied to `a` (n × n, symmetric) and accumulated into `v`.
    static func jacobi(
        _ a: inout [Double], _ v: inout [Double], n: Int, firstIndexBelow limit: Int, scale: Double,
        tolerance: Double
    ) {
        a.withUnsafeMutableBufferPointer { a in
            v.withUnsafeMutableBufferPointer { v in
                for _ in 0..<100 {
                    // Threshold Jacobi: a pair already orthogonal to rounding is skipped; a sweep
                    // without rotations ends the iteration (quadratic convergence, then one check).
                    var rotated = false
                    for p in 0..<limit {
                        for q in (p + 1)..<max(p + 1, n) {
                            let apq = a[p * n + q]
                            // Full sweeps: relative to both diagonal entries (accurate small eigenvalues). Leading-block
                            // sweeps (p < limit < n): relative to the leading entry, which bounds the
                            // error of the leading eigenvectors, ~|a_pq|/a_pp.
                            let reference = limit < n ? abs(a[p * n + p]) : (abs(a[p * n + p]) * abs(a[q * n + q])).squareRoot()
                            let negligible = max(tolerance * reference, 1e-30 * scale)
                            if abs(apq) <= negligible { continue }
                            rotated = true
                            // Rotation angle that zeroes a[p, q] (Golub & Van Loan, Algorithm 8.5.1).
                            let tau = (a[q * n + q] - a[p * n + p]) / (2 * apq)
                            let t = (tau >= 0 ? 1.0 : -1.0) / (abs(tau) + (1 + tau * tau).squareRoot())
                            let c = 1 / (1 + t * t).squareRoot()
                            let s = t * c
                            for k in 0..<n {
                                let akp = a[k * n + p], akq = a[k * n + q]
                                a[k * n + p] = c * akp - s * akq
                                a[k * n + q] = s * akp + c * akq
                            }
                            for k in 0..<n {
                                let apk = a[p * n + k], aqk = a[q * n + k]
                                a[p * n + k] = c * apk - s * aqk
                                a[q * n + k] = s * apk + c * aqk
                            }
                            for k in 0..<n {
                                let vkp = v[k * n + p], vkq = v[k * n + q]
                                v[k * n + p] = c * vkp - s * vkq
                                v[k * n + q] = s * vkp + c * vkq
                            }
                        }
                    }
                    if !rotated { break }
                }
            }
        }
    }
}

extension SymmetricEigen {
    /// The dominant eigenvector of a symmetric matrix by shifted power iteration from a nearby
    /// `start`: v ← (A − σI)·v / ‖(A − σI)·v‖ until two iterates differ by less than `tolerance`
    /// (max-norm), or by less than `roundingTolerance` and no less than the step before — the
    /// rounding floor, which for a large n lies above `tolerance`. The error shrinks by
    /// |λ₂ − σ| / (λ₁ − σ) per step, so σ = (λ₂ + λₙ)/2 from a recent decomposition is the best
    /// shift (σ = 0 is always safe for a positive semidefinite A). Far cheaper than Jacobi when only the leading
    /// vector of a slowly changing matrix is needed (the rank-1 imputation loop).
    ///
    /// - Returns: the unit eigenvector, signed to agree with `start`, or nil when it did not
    ///   converge in `maxIterations` steps (the caller then uses the full method).
    /// - Complexity: O(n²) per step.
    public static func dominantEigenvector(
        of matrix: Matrix, start: [Double], shift: Double,
        tolerance: Double = 1e-15, roundingTolerance: Double = 1e-12, maxIterations: Int = 500
    ) -> [Double]? {
        let n = matrix.rowCount
        precondition(matrix.columnCount == n && start.count == n)
        var current = start
        var next = [Double](repeating: 0, count: n)
        var converged = false
        var previousChange = Double.infinity
        matrix.storage.withUnsafeBufferPointer { a in
            for _ in 0..<maxIterations {
                var norm = 0.0
                for i in 0..<n {
                    var sum = -shift * current[i]
                    for j in 0..<n { sum += a[i * n + j] * current[j] }
                    next[i] = sum
                    norm += sum * sum
                }
                norm = norm.squareRoot()
                guard norm > 0, norm.isFinite else { return }
                var change = 0.0
                for i in 0..<n {
                    next[i] /= norm
                    change = max(change, abs(next[i] - current[i]))
                }
                swap(&current, &next)
                if change < tolerance || (change < roundingTolerance && change >= previousChange) {
                    converged = true
                    return
                }
                previousChange = change
            }
        }
        return converged ? current : nil
    }
}
