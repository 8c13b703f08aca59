import Foundation

/// Column statistics over the cells that are present (non-NaN).
public struct ColumnStatistics: Sendable, Equatable, Codable {
    /// Mean of each column's present cells (NaN for a column with none).
    public let means: [Double]
    /// Population standard deviation (ddof = 0) of each column's present cells.
    public let populationStandardDeviations: [Double]
    /// Number of present cells per column.
    public let counts: [Int]

    /// Computes the statistics in two passes per column. O(m·n).
    public init(_ matrix: Matrix) {
        var means = [Double](repeating: .nan, count: matrix.columnCount)
        var deviations = [Double](repeating: .nan, count: matrix.columnCount)
        var counts = [Int](repeating: 0, count: matrix.columnCount)
        for j in 0..<matrix.columnCount {
            var sum = 0.0, count = 0
            for i in 0..<matrix.rowCount where !matrix[i, j].isNaN {
                sum += matrix[i, j]
                count += 1
            }
            counts[j] = count
            guard count > 0 else { continue }
            let mean = sum / Double(count)
            var squares = 0.0
            for i in 0..<matrix.rowCount where !matrix[i, j].isNaN {
                let d = matrix[i, j] - mean
                squares += d * d
            }
            means[j] = mean
            deviations[j] = (squares / Double(count)).squareRoot()
        }
        self.means = means
        self.populationStandardDeviations = deviations
        self.counts = counts
    }
}

/// Summary statistics of samples and the logistic function. A namespace, so that `import
/// ObsScale` adds no free functions to a client's scope.
public enum Statistics {
    /// Mean of a vector (NaN when empty).
    public static func mean(_ values: [Double]) -> Double {
        values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count)
    }

    /// Sample standard deviation (n − 1 in the denominator, numpy's `ddof=1`); NaN below 2 values.
    /// Population standard deviation √(Σ(x − x̄)² / n) (NaN for no values).
    public static func populationStandardDeviation(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return .nan }
        let center = mean(values)
        return (values.reduce(0) { $0 + ($1 - center) * ($1 - center) } / Double(values.count)).squareRoot()
    }

    public static func sampleStandardDeviation(_ values: [Double]) -> Double {
        guard values.count >= 2 else { return .nan }
        let center = mean(values)
        return (values.reduce(0) { $0 + ($1 - center) * ($1 - center) } / Double(values.count - 1)).squareRoot()
    }

    /// Ordinary least squares y ≈ slope·x + intercept: slope = Sxy/Sxx, intercept = ȳ − slope·x̄.
    /// nil with fewer than 2 points or when x does not vary (Sxx = 0). O(n).
    public static func leastSquaresLine(x: [Double], y: [Double]) -> (slope: Double, intercept: Double)? {
        guard x.count >= 2, x.count == y.count else { return nil }
        let meanX = mean(x), meanY = mean(y)
        var sxx = 0.0, sxy = 0.0
        for (xi, yi) in zip(x, y) {
            sxx += (xi - meanX) * (xi - meanX)
            sxy += (xi - meanX) * (yi - meanY)
        }
        guard sxx > 0 else { return nil }
        let slope = sxy / sxx
        return (slope, meanY - slope * meanX)
    }

    /// Pearson's correlation r = Sxy / √(Sxx·Syy); NaN with fewer than 2 pairs or when either
    /// vector is constant. O(n).
    public static func correlation(_ x: [Double], _ y: [Double]) -> Double {
        guard x.count >= 2, x.count == y.count else { return .nan }
        let meanX = mean(x), meanY = mean(y)
        var sxx = 0.0, syy = 0.0, sxy = 0.0
        for (xi, yi) in zip(x, y) {
            sxx += (xi - meanX) * (xi - meanX)
            syy += (yi - meanY) * (yi - meanY)
            sxy += (xi - meanX) * (yi - meanY)
        }
        guard sxx > 0, syy > 0 else { return .nan }
        return sxy / (sxx * syy).squareRoot()
    }

    /// The regularized lower incomplete gamma function P(a, x) = γ(a, x)/Γ(a) for a > 0, x ≥ 0:
    /// its series for x < a + 1, else 1 − Q(a, x) with Q's continued fraction (modified Lentz),
    /// each to relative precision 1e-15 (Numerical Recipes, §6.2). O(√a) terms.
    public static func regularizedGammaP(_ a: Double, _ x: Double) -> Double {
        guard a > 0, x > 0 else { return x.isNaN || a.isNaN ? .nan : 0 }
        guard x.isFinite else { return 1 }
        let logPrefactor = -x + a * log(x) - lgamma(a)
        if x < a + 1 {
            var term = 1 / a
            var sum = term
            var denominator = a
            for _ in 0..<10_000 {
                denominator += 1
                term *= x / denominator
                sum += term
                if abs(term) < abs(sum) * 1e-15 { break }
            }
            return min(1, sum * exp(logPrefactor))
        }
        let tiny = 1e-300
        var b = x + 1 - a
        var c = 1 / tiny
        var d = 1 / b
        var fraction = d
        for i in 1...10_000 {
            let an = -Double(i) * (Double(i) - a)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            fraction *= delta
            if abs(delta - 1) < 1e-15 { break }
        }
        return max(0, 1 - exp(logPrefactor) * fraction)
    }

    /// The q-quantile of the χ² distribution with k ≥ 1 degrees of freedom: the x with
    /// P(k/2, x/2) = q (`regularizedGammaP`), found by bisection to a relative width of 1e-13.
    /// NaN for q outside (0, 1). O(60 evaluations).
    public static func chiSquareQuantile(_ q: Double, degreesOfFreedom k: Int) -> Double {
        guard k >= 1, q > 0, q < 1 else { return .nan }
        let a = Double(k) / 2
        var low = 0.0
        var high = max(1.0, Double(k))
        while regularizedGammaP(a, high / 2) < q { high *= 2 }
        for _ in 0..<200 where high - low > 1e-13 * high {
            let middle = (low + high) / 2
            if regularizedGammaP(a, middle / 2) < q { low = middle } else { high = middle }
        }
        return (low + high) / 2
    }

    /// The q-quantile (0 ≤ q ≤ 1) with linear interpolation between order statistics
    /// (numpy's default "linear" method). NaN when empty.
    public static func quantile(_ values: [Double], _ q: Double) -> Double {
        quantile(sorted: values.sorted(), q)
    }

    /// The q-quantile of values already sorted ascending (numpy's "linear" method); NaN when empty.
    /// O(1), for several quantiles of one sample after a single sort.
    public static func quantile(sorted: [Double], _ q: Double) -> Double {
        guard !sorted.isEmpty else { return .nan }
        let position = q * Double(sorted.count - 1)
        let lower = Int(position.rounded(.down))
        let upper = Swift.min(lower + 1, sorted.count - 1)
        let fraction = position - Double(lower)
        return sorted[lower] + fraction * (sorted[upper] - sorted[lower])
    }

    /// Geometric mean of positive values (NaN when empty or any value is not positive and finite).
    public static func geometricMean(_ values: [Double]) -> Double {
        guard !values.isEmpty, values.allSatisfy({ $0 > 0 && $0.isFinite }) else { return .nan }
        return exp(values.reduce(0) { $0 + log($1) } / Double(values.count))
    }

    /// Mean of the squared differences of two equally long vectors (NaN when empty).
    public static func meanSquaredDifference(_ a: [Double], _ b: [Double]) -> Double {
        precondition(a.count == b.count)
        return a.isEmpty ? .nan : zip(a, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } / Double(a.count)
    }

    /// The logistic function σ(z) = 1 / (1 + e^(−z)), evaluated without overflow.
    @inlinable
    public static func logistic(_ z: Double) -> Double {
        if z >= 0 {
            return 1 / (1 + exp(-z))
        }
        let e = exp(z)
        return e / (1 + e)
    }
}

extension ClosedRange where Bound == Double {
    /// The nearest value of the range (for the package's own modules, not a client's namespace).
    @inlinable
    package func clamp(_ value: Double) -> Double { Swift.min(Swift.max(value, lowerBound), upperBound) }
}
