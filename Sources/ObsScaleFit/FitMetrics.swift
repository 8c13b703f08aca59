/// Error metrics of predictions against observed values (on the fitted scale).
public struct FitMetrics: Codable, Equatable, Sendable {
    public let count: Int
    /// Mean squared error.
    public let mse: Double
    /// Mean absolute error.
    public let mae: Double
    /// Coefficient of determination 1 − SS_res/SS_tot (NaN with fewer than 2 values or constant targets).
    public let r2: Double

    /// Metrics of `predicted` against `observed` (equal lengths). NaN everywhere when empty.
    public init(observed: [Double], predicted: [Double]) {
        precondition(observed.count == predicted.count)
        count = observed.count
        guard !observed.isEmpty else {
            mse = .nan
            mae = .nan
            r2 = .nan
            return
        }
        let n = Double(observed.count)
        var squares = 0.0, absolutes = 0.0
        for (y, f) in zip(observed, predicted) {
            squares += (y - f) * (y - f)
            absolutes += abs(y - f)
        }
        let mean = observed.reduce(0, +) / n
        let total = observed.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        mse = squares / n
        mae = absolutes / n
        r2 = observed.count >= 2 && total > 0 ? 1 - squares / total : .nan
    }
}
