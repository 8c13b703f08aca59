/// A small dense matrix of `Double`, stored row-major.
///
/// Sized for this domain: panels of at most a few thousand models × a handful of benchmarks,
/// Gram matrices of at most ~10 × 10. Everything here is written for clarity first and avoids
/// allocation inside loops; no BLAS/LAPACK dependency.
public struct Matrix: Equatable, Codable, Sendable {
    /// Number of rows.
    public let rowCount: Int
    /// Number of columns.
    public let columnCount: Int
    /// Row-major storage: element (i, j) is `storage[i * columnCount + j]`. Read-only from outside,
    /// so the element count always matches the dimensions; elements are written through the
    /// subscripts or `withUnsafeMutableBufferPointer`.
    @inlinable public var storage: [Double] { elements }
    @usableFromInline var elements: [Double]

    enum CodingKeys: String, CodingKey {
        case rowCount, columnCount
        case elements = "storage"
    }

    /// Decodes a matrix, refusing one whose storage does not match its dimensions (a decoded file
    /// is input: its dimensions are checked here, so no later index can leave the storage).
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let rowCount = try container.decode(Int.self, forKey: .rowCount)
        let columnCount = try container.decode(Int.self, forKey: .columnCount)
        let elements = try container.decode([Double].self, forKey: .elements)
        let (product, overflow) = rowCount.multipliedReportingOverflow(by: columnCount)
        guard rowCount >= 0, columnCount >= 0, !overflow, elements.count == product else {
            throw DecodingError.dataCorruptedError(
                forKey: .elements, in: container,
                debugDescription:
                    "a \(rowCount) × \(columnCount) matrix needs \(overflow ? "more" : "\(product)") elements, "
                    + "found \(elements.count)")
        }
        self.rowCount = rowCount
        self.columnCount = columnCount
        self.elements = elements
    }

    /// A matrix filled with `value`.
    public init(rowCount: Int, columnCount: Int, repeating value: Double = 0) {
        precondition(rowCount >= 0 && columnCount >= 0, "matrix dimensions must be non-negative")
        self.rowCount = rowCount
        self.columnCount = columnCount
        self.elements = Array(repeating: value, count: rowCount * columnCount)
    }

    /// A matrix from row-major storage (`storage.count == rowCount * columnCount`).
    public init(rowCount: Int, columnCount: Int, storage: [Double]) {
        precondition(storage.count == rowCount * columnCount, "storage size does not match dimensions")
        self.rowCount = rowCount
        self.columnCount = columnCount
        self.elements = storage
    }

    /// A matrix from an array of equally long rows.
    public init(rows: [[Double]]) {
        let columnCount = rows.first?.count ?? 0
        precondition(rows.allSatisfy { $0.count == columnCount }, "rows must have equal length")
        self.init(rowCount: rows.count, columnCount: columnCount, storage: rows.flatMap { $0 })
    }

    /// The n × n identity.
    public static func identity(_ size: Int) -> Matrix {
        var result = Matrix(rowCount: size, columnCount: size)
        for index in 0..<size { result[index, index] = 1 }
        return result
    }

    @inlinable
    public subscript(row: Int, column: Int) -> Double {
        get { elements[row * columnCount + column] }
        set { elements[row * columnCount + column] = newValue }
    }

    /// Element `index` of the row-major storage (row `index / columnCount`, column `index % columnCount`).
    @inlinable
    public subscript(flat index: Int) -> Double {
        get { elements[index] }
        set { elements[index] = newValue }
    }

    /// Calls `body` with the row-major storage for in-place work in hot loops (no copy when the
    /// storage is not shared).
    @inlinable
    public mutating func withUnsafeMutableBufferPointer<Result>(
        _ body: (UnsafeMutableBufferPointer<Double>) throws -> Result
    ) rethrows -> Result {
        try elements.withUnsafeMutableBufferPointer { try body($0) }
    }

    /// Row `index` as a new array.
    public func row(_ index: Int) -> [Double] {
        Array(storage[(index * columnCount)..<((index + 1) * columnCount)])
    }

    /// Column `index` as a new array.
    public func column(_ index: Int) -> [Double] {
        (0..<rowCount).map { self[$0, index] }
    }

    /// All rows as arrays (for output and tests).
    public var rows: [[Double]] { (0..<rowCount).map(row) }

    /// The transpose.
    public var transposed: Matrix {
        var result = Matrix(rowCount: columnCount, columnCount: rowCount)
        let rows = rowCount, columns = columnCount
        storage.withUnsafeBufferPointer { source in
            result.elements.withUnsafeMutableBufferPointer { target in
                for i in 0..<rows {
                    for j in 0..<columns { target[j * rows + i] = source[i * columns + j] }
                }
            }
        }
        return result
    }

    /// The sub-matrix made of the given rows, in that order.
    public func selectingRows(_ indices: [Int]) -> Matrix {
        var result = Matrix(rowCount: indices.count, columnCount: columnCount)
        let columns = columnCount
        storage.withUnsafeBufferPointer { source in
            result.elements.withUnsafeMutableBufferPointer { target in
                for (position, row) in indices.enumerated() {
                    precondition(row >= 0 && row < rowCount, "row index out of range")
                    for j in 0..<columns { target[position * columns + j] = source[row * columns + j] }
                }
            }
        }
        return result
    }

    /// The matrix of the first `count` columns.
    public func leadingColumns(_ count: Int) -> Matrix {
        precondition(count >= 0 && count <= columnCount)
        if count == columnCount { return self }
        var result = Matrix(rowCount: rowCount, columnCount: count)
        for i in 0..<rowCount { for j in 0..<count { result[i, j] = self[i, j] } }
        return result
    }

    /// Matrix product `self · other`. O(m·n·p).
    public static func * (lhs: Matrix, rhs: Matrix) -> Matrix {
        precondition(lhs.columnCount == rhs.rowCount, "inner dimensions differ")
        var result = Matrix(rowCount: lhs.rowCount, columnCount: rhs.columnCount)
        lhs.storage.withUnsafeBufferPointer { a in
            rhs.storage.withUnsafeBufferPointer { b in
                result.elements.withUnsafeMutableBufferPointer { c in
                    for i in 0..<lhs.rowCount {
                        for k in 0..<lhs.columnCount {
                            let aik = a[i * lhs.columnCount + k]
                            if aik == 0 { continue }
                            for j in 0..<rhs.columnCount {
                                c[i * rhs.columnCount + j] += aik * b[k * rhs.columnCount + j]
                            }
                        }
                    }
                }
            }
        }
        return result
    }

    /// Matrix–vector product `self · vector`.
    public func multiply(_ vector: [Double]) -> [Double] {
        precondition(vector.count == columnCount, "vector length differs from column count")
        var result = [Double](repeating: 0, count: rowCount)
        for i in 0..<rowCount {
            var sum = 0.0
            for j in 0..<columnCount { sum += self[i, j] * vector[j] }
            result[i] = sum
        }
        return result
    }

    /// `selfᵀ · self`, the Gram matrix of the columns. O(m·n²).
    public var gram: Matrix {
        let n = columnCount
        var result = Matrix(rowCount: n, columnCount: n)
        storage.withUnsafeBufferPointer { x in
            result.elements.withUnsafeMutableBufferPointer { g in
                for i in 0..<rowCount {
                    for a in 0..<n {
                        let xa = x[i * n + a]
                        for b in a..<n { g[a * n + b] += xa * x[i * n + b] }
                    }
                }
                for a in 0..<n {
                    for b in 0..<a { g[a * n + b] = g[b * n + a] }
                }
            }
        }
        return result
    }

    /// Element-wise difference.
    public static func - (lhs: Matrix, rhs: Matrix) -> Matrix {
        precondition(lhs.rowCount == rhs.rowCount && lhs.columnCount == rhs.columnCount)
        return Matrix(
            rowCount: lhs.rowCount, columnCount: lhs.columnCount,
            storage: zip(lhs.storage, rhs.storage).map { $0 - $1 })
    }

    /// The largest absolute element (0 for an empty matrix).
    public var maxAbs: Double { storage.reduce(0) { max($0, abs($1)) } }

    /// Dot product of two equally long vectors.
    @inlinable
    public static func dot(_ lhs: [Double], _ rhs: [Double]) -> Double {
        precondition(lhs.count == rhs.count)
        var sum = 0.0
        for index in lhs.indices { sum += lhs[index] * rhs[index] }
        return sum
    }
}
