import ObsScaleNumerics

extension Panel {
    /// The column among `capabilities` that measures what `target` measures, if any — a target
    /// among its own capabilities is predicted from itself (a test error many times too good):
    /// - the target itself;
    /// - a column whose name is the target's up to letter case, punctuation, the paper's
    ///   benchmark aliases (`ARC` is `ARC-C`) and the words `raw`, `norm`, `normalized`, `acc`,
    ///   `accuracy`, `score`, `percent`, `pct` (`IFEval Raw` is `IFEval`);
    /// - a column whose values are the target's up to an affine map, rounding aside —
    ///   |Pearson r| ≥ 1 − 1e-6 over at least 5 models with both (the same scores in percent, or
    ///   shifted). No two distinct metrics of the public panel come near: the largest |r| between
    ///   a downstream metric and a benchmark there is below 0.99 (and a noise-free synthetic
    ///   sigmoid of a linear benchmark reaches 1 − 3e-4).
    ///
    /// O(capabilities × models).
    public func capabilityColumn(sameMetricAs target: String, among capabilities: [String]) -> String? {
        if capabilities.contains(target) { return target }
        let stem = Self.metricStem(target)
        if let named = capabilities.first(where: { Self.metricStem($0) == stem }) { return named }
        guard let targetValues = columns[target] else { return nil }
        for column in capabilities {
            guard let values = columns[column] else { continue }
            let rows = models.indices.filter { !targetValues[$0].isNaN && !values[$0].isNaN }
            guard rows.count >= 5 else { continue }
            let r = Statistics.correlation(rows.map { targetValues[$0] }, rows.map { values[$0] })
            if r.isFinite && abs(r) >= 1 - 1e-6 { return column }
        }
        return nil
    }

    /// A metric's name without what does not change the metric: letter case, punctuation, the
    /// benchmark alias, and scale words.
    static func metricStem(_ name: String) -> String {
        let canonical = PanelFormat.standardBenchmark(forHeader: name) ?? name
        let words = canonical.lowercased().split { !($0.isLetter || $0.isNumber) }
        let ignored: Set<Substring> = ["raw", "norm", "normalized", "acc", "accuracy", "score", "percent", "pct"]
        return words.filter { !ignored.contains($0) }.joined()
    }
}
