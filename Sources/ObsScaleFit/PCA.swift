import ObsScaleNumerics

/// Principal component analysis of a complete (imputed) panel.
///
/// Centred on the training column means and, by default, not standardized (the paper). The
/// components are the right singular vectors of the centred matrix; explained variance is
/// σᵢ²/(m − 1) and its ratio σᵢ²/Σσ². **Sign convention**: each component is flipped so the
/// sum of its loadings is positive, so PC-1 grows with capability. A component without variance
/// (ratio below `PCAModel.degenerateRatio`, e.g. beyond the rank of collinear benchmarks) is
/// rounding noise: its scores are exactly 0, so no law is fitted on it. Complexity O(m·n²).
public struct PCA: Codable, Equatable, Sendable {
    /// Number of components kept (the paper uses 3).
    public var componentCount = 3
    /// Divide each column by its population std before the PCA.
    public var standardize = false

    public init(componentCount: Int = 3, standardize: Bool = false) {
        self.componentCount = componentCount
        self.standardize = standardize
    }

    /// Fits the PCA on a complete matrix (no NaN).
    public func fit(_ matrix: Matrix, columnNames: [String]) throws -> PCAModel {
        let m = matrix.rowCount, n = matrix.columnCount
        guard m >= 2 else { throw FitError.tooFewRows(what: "PCA", needed: 2, found: m) }
        let maximum = min(n, m - 1)
        guard (1...max(1, maximum)).contains(componentCount) else {
            throw FitError.invalidSetting(
                .pcaComponentCount, value: "\(componentCount)",
                allowed: "1 to \(maximum) (benchmarks: \(n), models: \(m))")
        }
        precondition(!matrix.storage.contains { $0.isNaN }, "PCA needs a complete (imputed) matrix")
        let statistics = ColumnStatistics(matrix)
        let scales = standardize ? statistics.populationStandardDeviations.map { $0 > 0 ? $0 : 1 } : Array(repeating: 1.0, count: n)
        var centered = matrix
        centered.withUnsafeMutableBufferPointer { x in
            for i in 0..<m { for j in 0..<n { x[i * n + j] = (x[i * n + j] - statistics.means[j]) / scales[j] } }
        }
        let svd = ThinSVD(centered)
        let squares = svd.singularValues.map { $0 * $0 }
        let total = squares.reduce(0, +)
        var components = Matrix(rowCount: squares.count, columnCount: n)
        for k in 0..<squares.count {
            let sum = (0..<n).reduce(0.0) { $0 + svd.v[$1, k] }
            let sign: Double = sum < 0 ? -1 : 1
            for j in 0..<n { components[k, j] = sign * svd.v[j, k] }
        }
        return PCAModel(
            settings: self, columnNames: columnNames, mean: statistics.means, scales: scales,
            allComponents: components,
            explainedVariance: squares.map { $0 / Double(m - 1) },
            explainedVarianceRatio: squares.map { total > 0 ? $0 / total : 0 })
    }
}

/// A fitted PCA: centre, components (all n, of which the first `componentCount` are used) and
/// explained variance for diagnostics.
public struct PCAModel: Codable, Equatable, Sendable {
    public let settings: PCA
    public let columnNames: [String]
    public let mean: [Double]
    public let scales: [Double]
    /// All components as rows (loadings per column), sign-normalised.
    public let allComponents: Matrix
    public let explainedVariance: [Double]
    public let explainedVarianceRatio: [Double]

    /// The components used (first `componentCount` rows).
    public var components: Matrix {
        Matrix(
            rowCount: settings.componentCount, columnCount: allComponents.columnCount,
            storage: Array(allComponents.storage.prefix(settings.componentCount * allComponents.columnCount)))
    }

    /// The same model using only the first `k` components (k ≤ the components computed).
    public func truncated(to k: Int) -> PCAModel {
        precondition(k >= 1 && k <= allComponents.rowCount)
        var settings = self.settings
        settings.componentCount = k
        return PCAModel(
            settings: settings, columnNames: columnNames, mean: mean, scales: scales, allComponents: allComponents,
            explainedVariance: explainedVariance, explainedVarianceRatio: explainedVarianceRatio)
    }

    /// Explained-variance ratio below which a component counts as having no variance.
    public static let degenerateRatio = 1e-10

    /// Indices of the used components without variance (their scores are 0).
    public var degenerateComponents: [Int] {
        (0..<settings.componentCount).filter { explainedVarianceRatio[$0] < Self.degenerateRatio }
    }

    /// Capability scores S = ((X − mean)/scale)·Vᵀ for the first `componentCount` components
    /// (0 for components without variance).
    public func transform(_ matrix: Matrix) -> Matrix {
        let k = settings.componentCount, n = mean.count
        precondition(
            matrix.columnCount == n && scales.count == n && allComponents.columnCount == n && (0...allComponents.rowCount).contains(k)
                && explainedVarianceRatio.count >= k, "PCA model dimensions differ from the input (a saved law is checked when loaded)")
        var scores = Matrix(rowCount: matrix.rowCount, columnCount: k)
        matrix.storage.withUnsafeBufferPointer { x in
            allComponents.storage.withUnsafeBufferPointer { v in
                scores.withUnsafeMutableBufferPointer { s in
                    for i in 0..<matrix.rowCount {
                        for c in 0..<k where explainedVarianceRatio[c] >= Self.degenerateRatio {
                            var sum = 0.0
                            for j in 0..<n { sum += (x[i * n + j] - mean[j]) / scales[j] * v[c * n + j] }
                            s[i * k + c] = sum
                        }
                    }
                }
            }
        }
        return scores
    }
}
