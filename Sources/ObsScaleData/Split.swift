/// How to divide models into a training set (the law is fitted on it) and a test set
/// (held out, predicted).
public enum SplitRule: Codable, Equatable, Sendable {
    /// Everything is training.
    case none
    /// Train: FLOPs ≤ threshold (×1E21); test: the rest, including unknown FLOPs.
    case flopsCutoff(Double)
    /// Train: model size ≤ threshold (billions of parameters); test: the rest, including unknown
    /// sizes — the FLOPs cutoff's rule for panels without compute (leaderboard exports).
    case sizeCutoff(Double)
    /// Train: released on or before the day (`YYYY-MM-DD`, `ModelInfo.releaseDate`); test: the
    /// later models and those without a date — forecasting the next period's models.
    case dateCutoff(String)
    /// Train: column ≤ threshold; test: the rest, including missing values.
    case metricCutoff(column: String, threshold: Double)
    /// Test: the top models ranked by the column (descending), among the n models that have a
    /// value for it: floor(F·n) models when 0 < F < 1, else F models (a whole number 1 ≤ F < n);
    /// train: the rest, including the models without a value (predicted, never scored).
    case top(column: String, limit: Double)
    /// Test: the named models; train: the rest.
    case holdout([String])
    /// Train: the named models (e.g. the ones `select --plan` chose and you evaluated); test: the
    /// rest (scored where they have the target, else predicted).
    case train([String])
}

extension SplitRule {
    /// Whether the rule cuts the models along an axis of scale or time (FLOPs, size, release date),
    /// so that the test models are the ones past the training side — what `validate` extrapolates to.
    public var isValidationCut: Bool {
        switch self {
        case .flopsCutoff, .sizeCutoff, .dateCutoff: return true
        case .none, .metricCutoff, .top, .holdout, .train: return false
        }
    }

    /// The cut in words: "84×1E21 FLOPs", "13B parameters", "release date 2024-04-30"; nil for other rules.
    public var cutDescription: String? {
        switch self {
        case let .flopsCutoff(threshold): return "\(String(format: "%g", threshold))×1E21 FLOPs"
        case let .sizeCutoff(threshold): return "\(String(format: "%g", threshold))B parameters"
        case let .dateCutoff(day): return "release date \(day)"
        case .none, .metricCutoff, .top, .holdout, .train: return nil
        }
    }
}

extension SplitRule {
    /// The pool a law fitted on this split borrows public data from (`ScalingLaw.fit(poolRows:)`),
    /// when it is not the training side: for `.train` every model — the named models are the few
    /// a selection chose from all of them, so the capability space and the public prior stay the
    /// panel's (as without a split, where models without the target are predicted); nil (the
    /// training side) otherwise.
    public func poolRows(panelCount: Int) -> [Int]? {
        if case .train = self { return Array(0..<panelCount) }
        return nil
    }
}

/// Row indices of a training and a test set.
public struct Split: Codable, Equatable, Sendable {
    public var train: [Int]
    public var test: [Int]

    public init(train: [Int], test: [Int]) {
        self.train = train
        self.test = test
    }

    /// Applies a split rule to a panel. Throws for invalid thresholds, unknown models/columns,
    /// and an empty training set.
    public init(panel: Panel, rule: SplitRule) throws {
        let all = Array(panel.models.indices)
        switch rule {
        case .none:
            self.init(train: all, test: [])
        case let .flopsCutoff(threshold):
            guard threshold.isFinite, threshold > 0 else {
                throw DataError.invalidSetting(.splitFlopsCutoff, value: "\(threshold)", allowed: "a finite number > 0 (units of 1E21 FLOPs)")
            }
            guard panel.models.contains(where: { $0.flops != nil }) else {
                throw DataError.requiresColumn(setting: .splitFlopsCutoff, column: "FLOPs (1E21) (or Model Size (B) and Pretraining Data Size (T))")
            }
            let inTrain = all.map { panel.models[$0].flops.map { $0 <= threshold } ?? false }
            self.init(train: all.filter { inTrain[$0] }, test: all.filter { !inTrain[$0] })
        case let .sizeCutoff(threshold):
            guard threshold.isFinite, threshold > 0 else {
                throw DataError.invalidSetting(.splitSizeCutoff, value: "\(threshold)", allowed: "a finite number > 0 (billions of parameters)")
            }
            guard panel.models.contains(where: { $0.parametersB != nil }) else {
                throw DataError.requiresColumn(setting: .splitSizeCutoff, column: "Model Size (B)")
            }
            let inTrain = all.map { panel.models[$0].parametersB.map { $0 <= threshold } ?? false }
            self.init(train: all.filter { inTrain[$0] }, test: all.filter { !inTrain[$0] })
        case let .dateCutoff(day):
            guard let cut = ReleaseDate.parse(day), cut == day else {
                throw DataError.invalidSetting(.splitDateCutoff, value: day, allowed: "a date YYYY-MM-DD")
            }
            guard panel.models.contains(where: { $0.releaseDate != nil }) else {
                // The panel's text columns are the likely date columns: name them.
                let candidates = panel.textColumnNames.isEmpty ? "" : "; text columns of the panel: " + panel.textColumnNames.joined(separator: ", ")
                throw DataError.requiresColumn(setting: .splitDateCutoff, column: "of release dates (\(Setting.formatDateColumn) NAME\(candidates))")
            }
            let inTrain = all.map { panel.models[$0].releaseDate.map { $0 <= cut } ?? false }
            self.init(train: all.filter { inTrain[$0] }, test: all.filter { !inTrain[$0] })
        case let .metricCutoff(column, threshold):
            guard threshold.isFinite else {
                throw DataError.invalidSetting(.splitMetricCutoff, value: "\(threshold)", allowed: "a finite number")
            }
            let values = try panel.values(of: column)
            self.init(train: all.filter { values[$0] <= threshold }, test: all.filter { !(values[$0] <= threshold) })
        case let .top(column, limit):
            // Only models with a value can be ranked and tested; the others stay on the training
            // side, where they are predicted but never scored.
            let values = try panel.values(of: column)
            let valued = all.filter { !values[$0].isNaN }
            let isFraction = limit > 0 && limit < 1
            let isCount = limit >= 1 && limit < Double(valued.count) && limit.rounded() == limit
            guard isFraction || isCount else {
                throw DataError.invalidSetting(
                    .splitTop, value: "\(limit)",
                    allowed:
                        "a fraction strictly between 0 and 1, or a whole number of models from 1 to \(valued.count - 1) (the models with a value "
                        + "for '\(column)')"
                )
            }
            let ranked = valued.sorted { a, b in values[a] > values[b] || (values[a] == values[b] && a < b) }
            let testCount = isFraction ? Int(limit * Double(valued.count)) : Int(limit)
            let test = Set(ranked.prefix(testCount))
            self.init(train: all.filter { !test.contains($0) }, test: all.filter { test.contains($0) })
        case let .holdout(names):
            let indices = try Set(names.map { try panel.index(ofModel: $0) })
            self.init(train: all.filter { !indices.contains($0) }, test: all.filter { indices.contains($0) })
        case let .train(names):
            guard !names.isEmpty else { throw DataError.invalidSetting(.splitTrain, value: "(no names)", allowed: "at least one model name") }
            let indices = try Set(names.map { try panel.index(ofModel: $0) })
            self.init(train: all.filter { indices.contains($0) }, test: all.filter { !indices.contains($0) })
        }
        if train.isEmpty { throw DataError.emptyResult(what: "the split leaves no training models") }
    }
}
