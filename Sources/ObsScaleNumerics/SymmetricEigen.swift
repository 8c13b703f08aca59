import Foundation

/// Eigendecomposition A = V·diag(λ)·Vᵀ of a real symmetric matrix by the cyclic Jacobi method.
///
/// Eigenvalues are sorted in descending order; eigenvector columns follow them. Each eigenvector's
/// sign is fixed so its largest-magnitude entry is positive (a deterministic convention; callers
/// such as PCA apply their own). Sweeps stop when the off-diagonal mass is below
/// 1e-15 × ‖A‖_F (at most 100 sweeps). Complexity O(n³) per sweep; n ≤ ~20 here.
public struct SymmetricEigen: Sendable {
    /// Eigenvalues, descending.
    public let values: [Double]
    /// Eigenvectors as columns, in the order of `values`.
    public let vectors: Matrix

    public init(_ matrix: Matrix) throws {
        guard matrix.rowCount == matrix.columnCount else {
            throw LinearAlgebraError.notSquare(rowCount: matrix.rowCount, columnCount: matrix.columnCount)
        }
        let size = matrix.rowCount
        var a = matrix
        // Symmetrise from the average of both triangles.
        for i in 0..<size {
            for j in 0..<i {
                let mean = 0.5 * (a[i, j] + a[j, i])
                a[i, j] = mean
                a[j, i] = mean
            }
        }
        var v = Matrix.identity(size)
        let scale = max(a.storage.reduce(0) { $0 + $1 * $1 }.squareRoot(), .leastNormalMagnitude)
        for _ in 0..<100 {
            var offDiagonal = 0.0
            for i in 0..<size { for j in 0..<i { offDiagonal += 2 * a[i, j] * a[i, j] } }
            if offDiagonal.squareRoot() <= 1e-15 * scale { break }
            for p in 0..<size {
                for q in (p + 1)..<max(p + 1, size) {
                    let apq = a[p, q]
                    if abs(apq) <= 1e-300 { continue }
                    // Rotation angle that zeroes a[p, q] (Golub & Van Loan, Algorithm 8.5.1).
                    let tau = (a[q, q] - a[p, p]) / (2 * apq)
                    let t = (tau >= 0 ? 1.0 : -1.0) / (abs(tau) + (1 + tau * tau).squareRoot())
                    let c = 1 / (1 + t * t).squareRoot()
                    let s = t * c
                    for k in 0..<size {
                        let akp = a[k, p], akq = a[k, q]
                        a[k, p] = c * akp - s * akq
                        a[k, q] = s * akp + c * akq
                    }
                    for k in 0..<size {
                        let apk = a[p, k], aqk = a[q, k]
                        a[p, k] = c * apk - s * aqk
                        a[q, k] = s * apk + c * aqk
                    }
                    for k in 0..<size {
                        let vkp = v[k, p], vkq = v[k, q]
                        v[k, p] = c * vkp - s * vkq
                        v[k, q] = s * vkp + c * vkq
                    }
                }
            }
        }
        let order = (0..<size).sorted { a[$0, $0] > a[$1, $1] || (a[$0, $0] == a[$1, $1] && $0 < $1) }
        values = order.map { a[$0, $0] }
        var sorted = Matrix(rowCount: size, columnCount: size)
        for (target, source) in order.enumerated() {
            var largest = 0.0
            for k in 0..<size where abs(v[k, source]) > abs(largest) { largest = v[k, source] }
            let sign: Double = largest < 0 ? -1 : 1
            for k in 0..<size { sorted[k, target] = sign * v[k, source] }
        }
        vectors = sorted
    }
}

/// Thin singular value decomposition A = U·diag(σ)·Vᵀ (m × n, k = min(m, n)) by one-sided
/// (Hestenes) Jacobi rotations.
///
/// Columns of a working copy of A (of Aᵀ when m < n) are rotated pairwise until every pair is
/// orthogonal to 1e-15 relative; their norms are then σ and V accumulates the rotations. This is
/// accurate to machine precision relative to each σ, unlike the Gram-matrix route. Singular values
/// are descending; `u` columns belonging to σ = 0 are left zero. Complexity O(m·n²) per sweep,
/// typically 6–10 sweeps.
public struct ThinSVD: Sendable {
    /// Singular values, descending (length k).
    public let singularValues: [Double]
    /// Left singular vectors, m × k (columns).
    public let u: Matrix
    /// Right singular vectors, n × k (columns).
    public let v: Matrix

    public init(_ matrix: Matrix) {
        let tall = matrix.rowCount >= matrix.columnCount
        var work = tall ? matrix : matrix.transposed
        let rows = work.rowCount, columns = work.columnCount
        var rotations = Matrix.identity(columns)
        for _ in 0..<60 {
            var rotated = false
            for p in 0..<columns {
                for q in (p + 1)..<max(p + 1, columns) {
                    var alpha = 0.0, beta = 0.0, gamma = 0.0
                    for i in 0..<rows {
                        let wp = work[i, p], wq = work[i, q]
                        alpha += wp * wp
                        beta += wq * wq
                        gamma += wp * wq
                    }
                    if gamma == 0 || abs(gamma) <= 1e-15 * (alpha * beta).squareRoot() { continue }
                    rotated = true
                    let zeta = (beta - alpha) / (2 * gamma)
                    let t = (zeta >= 0 ? 1.0 : -1.0) / (abs(zeta) + (1 + zeta * zeta).squareRoot())
                    let c = 1 / (1 + t * t).squareRoot()
                    let s = c * t
                    for i in 0..<rows {
                        let wp = work[i, p], wq = work[i, q]
                        work[i, p] = c * wp - s * wq
                        work[i, q] = s * wp + c * wq
                    }
                    for i in 0..<columns {
                        let vp = rotations[i, p], vq = rotations[i, q]
                        rotations[i, p] = c * vp - s * vq
                        rotations[i, q] = s * vp + c * vq
                    }
                }
            }
            if !rotated { break }
        }
        var norms = [Double](repeating: 0, count: columns)
        for j in 0..<columns {
            var sum = 0.0
            for i in 0..<rows { sum += work[i, j] * work[i, j] }
            norms[j] = sum.squareRoot()
        }
        let order = (0..<columns).sorted { norms[$0] > norms[$1] || (norms[$0] == norms[$1] && $0 < $1) }
        var left = Matrix(rowCount: rows, columnCount: columns)
        var right = Matrix(rowCount: columns, columnCount: columns)
        for (target, source) in order.enumerated() {
            let sigma = norms[source]
            if sigma > 0 {
                for i in 0..<rows { left[i, target] = work[i, source] / sigma }
            }
            for i in 0..<columns { right[i, target] = rotations[i, source] }
        }
        singularValues = order.map { norms[$0] }
        if tall {
            u = left
            v = right
        } else {
            u = right
            v = left
        }
    }
}
