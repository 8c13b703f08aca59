import Foundation

/// Thin singular value decomposition A = U·diag(σ)·Vᵀ (m × n, k = min(m, n)) by one-sided
/// (Hestenes) Jacobi rotations.
///
/// Columns of a working copy of A (of Aᵀ when m < n) are rotated pairwise until every pair is
/// orthogonal to 1e-15 relative; their norms are then σ and V accumulates the rotations. This is
/// accurate to machine precision relative to each σ, unlike the Gram-matrix route. To save
/// sweeps, A is first multiplied by the eigenvectors V₀ of AᵀA (preconditioning: the columns of
/// A·V₀ are already nearly orthogonal), and the rotations are accumulated onto V₀; one or two
/// sweeps then finish the job at full accuracy. Singular values are descending; `u` columns
/// belonging to σ = 0 are left zero. Complexity O(m·n²) per sweep.
public struct ThinSVD: Sendable {
    /// Singular values, descending (length k).
    public let singularValues: [Double]
    /// Left singular vectors, m × k (columns).
    public let u: Matrix
    /// Right singular vectors, n × k (columns).
    public let v: Matrix

    public init(_ matrix: Matrix) {
        let tall = matrix.rowCount >= matrix.columnCount
        // Work on the columns of the tall orientation, each stored contiguously.
        let work = tall ? matrix : matrix.transposed
        let rows = work.rowCount, columns = work.columnCount
        var rotations = Matrix.identity(columns).storage
        var columnsMajor: [Double]
        // The preconditioner only needs to be roughly right: the sweeps below finish the job.
        if let preconditioner = try? SymmetricEigen(work.gram) {
            rotations = preconditioner.vectors.storage
            columnsMajor = (work * preconditioner.vectors).transposed.storage
        } else {
            columnsMajor = work.transposed.storage
        }
        columnsMajor.withUnsafeMutableBufferPointer { w in
            rotations.withUnsafeMutableBufferPointer { r in
                for _ in 0..<60 {
                    var rotated = false
                    for p in 0..<columns {
                        for q in (p + 1)..<max(p + 1, columns) {
                            let cp = p * rows, cq = q * rows
                            var alpha = 0.0, beta = 0.0, gamma = 0.0
                            for i in 0..<rows {
                                let wp = w[cp + i], wq = w[cq + i]
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
                                let wp = w[cp + i], wq = w[cq + i]
                                w[cp + i] = c * wp - s * wq
                                w[cq + i] = s * wp + c * wq
                            }
                            for i in 0..<columns {
                                let vp = r[i * columns + p], vq = r[i * columns + q]
                                r[i * columns + p] = c * vp - s * vq
                                r[i * columns + q] = s * vp + c * vq
                            }
                        }
                    }
                    if !rotated { break }
                }
            }
        }
        let norms = (0..<columns).map { j in
            columnsMajor[(j * rows)..<((j + 1) * rows)].reduce(0) { $0 + $1 * $1 }.squareRoot()
        }
        let order = (0..<columns).sorted { norms[$0] > norms[$1] || (norms[$0] == norms[$1] && $0 < $1) }
        var left = Matrix(rowCount: rows, columnCount: columns)
        var right = Matrix(rowCount: columns, columnCount: columns)
        for (target, source) in order.enumerated() {
            let sigma = norms[source]
            if sigma > 0 {
                for i in 0..<rows { left[flat: i * columns + target] = columnsMajor[source * rows + i] / sigma }
            }
            for i in 0..<columns { right[flat: i * columns + target] = rotations[i * columns + source] }
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
