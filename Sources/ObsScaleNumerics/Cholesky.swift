import Foundation

/// Errors from the dense linear algebra.
public enum LinearAlgebraError: Error, Equatable, CustomStringConvertible {
    /// The matrix is not (numerically) symmetric positive definite: pivot `pivotIndex` was `pivot`.
    case notPositiveDefinite(pivotIndex: Int, pivot: Double)
    /// The matrix is not square.
    case notSquare(rowCount: Int, columnCount: Int)

    public var description: String {
        switch self {
        case let .notPositiveDefinite(index, pivot):
            return "matrix is not positive definite: pivot \(index + 1) is \(pivot) (must be > 0)"
        case let .notSquare(rows, columns):
            return "matrix must be square, got \(rows) × \(columns)"
        }
    }
}

/// The Cholesky factorisation A = L·Lᵀ of a symmetric positive-definite matrix.
///
/// Complexity O(n³/3). Only the lower triangle of A is read. A pivot that is not > 0 (or not
/// finite) throws `LinearAlgebraError.notPositiveDefinite`, naming the pivot: singular and
/// indefinite Gram matrices are reported, never turned into NaN.
public struct Cholesky: Sendable {
    /// The lower-triangular factor L (upper triangle is zero).
    public let lower: Matrix

    public init(_ matrix: Matrix) throws {
        guard matrix.rowCount == matrix.columnCount else {
            throw LinearAlgebraError.notSquare(rowCount: matrix.rowCount, columnCount: matrix.columnCount)
        }
        let size = matrix.rowCount
        var factor = Matrix(rowCount: size, columnCount: size)
        for j in 0..<size {
            var pivot = matrix[j, j]
            for k in 0..<j { pivot -= factor[j, k] * factor[j, k] }
            guard pivot > 0, pivot.isFinite else {
                throw LinearAlgebraError.notPositiveDefinite(pivotIndex: j, pivot: pivot)
            }
            let diagonal = pivot.squareRoot()
            factor[j, j] = diagonal
            for i in (j + 1)..<max(j + 1, size) {
                var sum = matrix[i, j]
                for k in 0..<j { sum -= factor[i, k] * factor[j, k] }
                factor[i, j] = sum / diagonal
            }
        }
        lower = factor
    }

    /// Solves A·x = b by forward and back substitution. O(n²).
    public func solve(_ rhs: [Double]) -> [Double] {
        let size = lower.rowCount
        precondition(rhs.count == size)
        var y = rhs
        for i in 0..<size {
            var sum = y[i]
            for k in 0..<i { sum -= lower[i, k] * y[k] }
            y[i] = sum / lower[i, i]
        }
        for i in stride(from: size - 1, through: 0, by: -1) {
            var sum = y[i]
            for k in (i + 1)..<max(i + 1, size) { sum -= lower[k, i] * y[k] }
            y[i] = sum / lower[i, i]
        }
        return y
    }

    /// A⁻¹, column by column. O(n³).
    public var inverse: Matrix {
        let size = lower.rowCount
        var result = Matrix(rowCount: size, columnCount: size)
        var unit = [Double](repeating: 0, count: size)
        for column in 0..<size {
            unit[column] = 1
            let solution = solve(unit)
            unit[column] = 0
            for row in 0..<size { result[row, column] = solution[row] }
        }
        return result
    }

    /// log det A = 2 Σ log Lᵢᵢ.
    public var logDeterminant: Double {
        (0..<lower.rowCount).reduce(0) { $0 + 2 * log(lower[$1, $1]) }
    }
}

extension Cholesky {
    /// Cholesky factorisation in place of a small symmetric positive-definite matrix stored row-major
    /// in `a` (n × n): on success the lower triangle holds L with A = L·Lᵀ (the strict upper triangle
    /// is left as it was). Returns false when a pivot is not finite or not above `minimumPivot` —
    /// singular and indefinite matrices are reported, never turned into NaN. No allocation; for the
    /// hot loops of the regression and selection solvers. O(n³/3).
    @inlinable
    public static func factorInPlace(_ a: UnsafeMutableBufferPointer<Double>, n: Int, minimumPivot: Double = 0) -> Bool {
        for j in 0..<n {
            var pivot = a[j * n + j]
            for k in 0..<j { pivot -= a[j * n + k] * a[j * n + k] }
            guard pivot > minimumPivot, pivot.isFinite else { return false }
            let diagonal = pivot.squareRoot()
            a[j * n + j] = diagonal
            for i in (j + 1)..<max(j + 1, n) {
                var sum = a[i * n + j]
                for k in 0..<j { sum -= a[i * n + k] * a[j * n + k] }
                a[i * n + j] = sum / diagonal
            }
        }
        return true
    }

    /// Solves L·Lᵀ·x = b in place (b ← x), with L from `factorInPlace`. O(n²).
    @inlinable
    public static func solveInPlace(_ factor: UnsafeBufferPointer<Double>, n: Int, _ b: UnsafeMutableBufferPointer<Double>) {
        for i in 0..<n {
            var sum = b[i]
            for k in 0..<i { sum -= factor[i * n + k] * b[k] }
            b[i] = sum / factor[i * n + i]
        }
        for i in stride(from: n - 1, through: 0, by: -1) {
            var sum = b[i]
            for k in (i + 1)..<max(i + 1, n) { sum -= factor[k * n + i] * b[k] }
            b[i] = sum / factor[i * n + i]
        }
    }
}
