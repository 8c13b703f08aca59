import Foundation
import ObsScaleData
import ObsScaleNumerics

/// A prior for the law's parameters θ = (α, β₁…β_K, b): a center and a scale per parameter, and
/// the metrics it summarises. Used as a `ParameterPenalty` (weights 1/scale²) with a strength
/// chosen by cross-validation (`ModelSelection`).
public struct ParameterPrior: Codable, Equatable, Sendable {
    /// Center of each parameter, in the layout of `SigmoidFit.parameters`.
    public var mean: [Double]
    /// Scale of each parameter (> 0).
    public var scale: [Double]
    /// The metrics it was built from (empty for a prior read from a file).
    public var sources: [String]

    public init(mean: [Double], scale: [Double], sources: [String] = []) {
        self.mean = mean
        self.scale = scale
        self.sources = sources
    }

    enum CodingKeys: String, CodingKey { case mean, scale, sources }

    /// Decodes `{"mean": […], "scale": […]}`; `"sources"` is optional and other fields are ignored.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        mean = try container.decode([Double].self, forKey: .mean)
        scale = try container.decode([Double].self, forKey: .scale)
        sources = try container.decodeIfPresent([String].self, forKey: .sources) ?? []
    }

    /// The file format, as the command line's help shows it.
    public static let fileFormat = #"{"mean": [α, β₁, …, β_K, b], "scale": [...]}"#

    /// Reads a prior from JSON: `{"mean": [α, β₁, …, b], "scale": [...]}` (optionally `"sources"`;
    /// other fields are ignored), so a lab can bring the laws of its own past evaluations.
    public static func load(path: String) throws -> ParameterPrior {
        let data = try TextInput.contents(ofFile: path)
        let prior: ParameterPrior
        do {
            prior = try JSONCoding.decoder().decode(ParameterPrior.self, from: data)
        } catch {
            throw DataError.unreadableFile(path: path, reason: "not a prior: a JSON object \(fileFormat) (\(error))")
        }
        guard prior.mean.count == prior.scale.count, !prior.mean.isEmpty, prior.mean.allSatisfy(\.isFinite),
            prior.scale.allSatisfy({ $0 > 0 && $0.isFinite })
        else {
            throw DataError.unreadableFile(path: path, reason: "\"mean\" and \"scale\" must be equally long, finite, with scales > 0")
        }
        return prior
    }
}

/// Where the prior of a fit comes from (`--prior none|public|FILE`).
public enum PriorSource: Codable, Equatable, Sendable {
    /// No prior: the paper's fit.
    case none
    /// The other public downstream metrics of the panel, fitted on the training side of the split
    /// in the target's own capability space. Metrics of the target's task (the same name prefix,
    /// `MetricGroups.task`) are left out, and so are those whose name contains one of `exclude`.
    case publicMetrics(exclude: [String])
    /// A prior given by the user (e.g. read with `ParameterPrior.load`).
    case given(ParameterPrior)
}

/// Grouping of metric names: a metric's task is its name up to the first underscore or comma
/// (`gsm8k_cot_8_exact_match,flexible-extract` → `gsm8k`; `bbh_fewshot_navigate_…` → `bbh`;
/// `arithmetic_3ds_2_acc` → `arithmetic`). Variants of one task (prompting, extraction, shots)
/// share it; a prior for a target never uses metrics of its own task.
public enum MetricGroups {
    public static func task(of metric: String) -> String {
        String(metric.prefix { $0 != "_" && $0 != "," })
    }

    /// Words of a metric's name that say how a task was prompted or scored, not which task it is:
    /// chain of thought, few-/zero-shot, self-consistency, majority voting, and the scoring words.
    static let variantWords: Set<String> = [
        "cot", "fewshot", "zeroshot", "self", "consistency", "maj", "exact", "match", "acc", "accuracy", "bleu", "em", "f1", "score",
        "norm",
    ]
    /// Words that mark a suite's aggregate over its tasks.
    static let aggregateWords: Set<String> = ["overall", "average", "avg", "mean", "all"]

    /// The finer task a calibrated interval is kept from borrowing: the metric's name before its
    /// first ',' (extraction and normalization variants), its '_'-separated words without the
    /// prompting and scoring words and the shot counts (digits-only words). The suite is the first
    /// word. `gsm8k_cot_8_exact_match,flexible-extract` and `gsm8k_5_exact_match,strict-match`
    /// are task `gsm8k`; `bbh_fewshot_navigate_3_exact_match,…` and
    /// `bbh_cot_fewshot_navigate_3_exact_match,…` task `bbh_navigate` of suite `bbh`;
    /// `bbh_fewshot_overall_3_exact_match` is the suite's aggregate.
    public static func calibrationTask(of metric: String) -> (suite: String, task: String, isAggregate: Bool) {
        let name = metric.prefix { $0 != "," }.lowercased()
        let words = name.split(separator: "_").map(String.init).filter { word in
            !variantWords.contains(word) && !word.allSatisfy(\.isNumber)
        }
        let suite = words.first ?? name
        return (suite, words.isEmpty ? name : words.joined(separator: "_"), words.dropFirst().contains { aggregateWords.contains($0) })
    }

    /// Whether the public metric `source` may calibrate the intervals of `target`: not the metric
    /// itself, nor a variant of its task, nor — across one suite — an aggregate and its parts
    /// (the aggregate is computed from them). Leave-one-task-out: no target calibrates itself.
    public static func mayCalibrate(_ target: String, with source: String) -> Bool {
        guard source != target else { return false }
        let a = calibrationTask(of: target), b = calibrationTask(of: source)
        if a.task == b.task { return false }
        return !(a.suite == b.suite && (a.isAggregate || b.isAggregate))
    }
}

/// The laws of the public metrics, fitted in one capability space: the raw material of public
/// priors. Built once per capability space and shared by every target fitted in it.
public struct PublicMetricFits: Sendable {
    public struct Entry: Sendable {
        public let metric: String
        public let task: String
        public let parameters: [Double]

        /// A metric's fitted law (its task from `MetricGroups.task`).
        public init(metric: String, parameters: [Double]) {
            self.metric = metric
            self.task = MetricGroups.task(of: metric)
            self.parameters = parameters
        }
    }
    public let entries: [Entry]

    /// Laws fitted elsewhere (e.g. a lab's own past evaluations).
    public init(entries: [Entry]) { self.entries = entries }

    /// At least this many source metrics for a prior (fewer give no prior).
    public static let minimumSources = 3

    /// Fits every metric of `metrics` on the rows of `scores` (the training side of the split) that
    /// have it: metrics observed on fewer than 2·(K + 2) of those rows, or varying by less than
    /// 0.01 (standard deviation) on them, or whose fit does not converge, are left out, and so are
    /// laws the data do not determine (`SigmoidFit.identifiability` below
    /// `minimumIdentifiability`): a step through data it separates, e.g. a strict-match metric that
    /// is 0 for every model below some capability, fits as well at β = 300 as at β = 3000.
    /// O(metrics · iterations · rows · K²).
    public init(panel: Panel, metrics: [String], rows: [Int], scores: Matrix, regression: SigmoidRegression) {
        let k = scores.columnCount
        var entries: [Entry] = []
        for metric in metrics {
            guard let values = try? panel.values(of: metric) else { continue }
            let observed = rows.filter { !values[$0].isNaN }
            guard observed.count >= 2 * (k + 2) else { continue }
            let y = observed.map { values[$0] }
            guard Statistics.sampleStandardDeviation(y) >= 0.01,
                let fit = try? regression.fit(scores: scores.selectingRows(observed), targets: y), fit.termination.converged,
                fit.identifiability(scores: scores.selectingRows(observed)) >= Self.minimumIdentifiability
            else { continue }
            entries.append(Entry(metric: metric, parameters: fit.parameters))
        }
        self.entries = entries
    }

    /// The prior for a target: the elementwise median of the laws of the metrics outside its task
    /// and not matching `exclude` (case-insensitive substrings), with the scale 1.4826·MAD (the
    /// normal-consistent median absolute deviation), floored at `minimumScale` so a parameter on
    /// which every source agrees (a floor at its bound) is pulled, not pinned. The median and MAD
    /// are robust to the odd metric whose law is far from the rest. nil with fewer than
    /// `minimumSources` sources.
    public func prior(for target: String, exclude: [String] = []) -> ParameterPrior? {
        let task = MetricGroups.task(of: target)
        let patterns = exclude.map { $0.lowercased() }.filter { !$0.isEmpty }
        let chosen = entries.filter { entry in
            entry.metric != target && entry.task != task && !patterns.contains { entry.metric.lowercased().contains($0) }
        }
        guard chosen.count >= Self.minimumSources, let p = chosen.first?.parameters.count else { return nil }
        var mean: [Double] = [], scale: [Double] = []
        for j in 0..<p {
            let values = chosen.map { $0.parameters[j] }.sorted()
            let median = Statistics.quantile(sorted: values, 0.5)
            let deviations = values.map { abs($0 - median) }.sorted()
            mean.append(median)
            scale.append(max(1.4826 * Statistics.quantile(sorted: deviations, 0.5), Self.minimumScale))
        }
        return ParameterPrior(mean: mean, scale: scale, sources: chosen.map(\.metric))
    }

    /// The smallest ratio of the extreme eigenvalues of JᵀJ of a source law. On the public
    /// metrics the laws fall in two groups: steps at 3e-14 and below, determined laws at 7e-10 and
    /// above; the threshold sits between them, well above rounding (1e-16).
    public static let minimumIdentifiability = 1e-12

    /// The smallest scale of a parameter: a quarter of the floor's [0, 0.2] range, and small
    /// against the α and β's of accuracy laws (units of the linear predictor, typically 1–10).
    public static let minimumScale = 0.05
}
