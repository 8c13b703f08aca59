import Foundation
import ObsScale

/// The benchmarked workload (BENCHMARKS.md): the real public panel, preset `paper-2024`, joined
/// with `base_llm_post_training_eval.csv`, target GSM8K CoT 8-shot (flexible extract), the 7
/// non-GSM8K benchmarks as predictors, split at 84 × 1E21 FLOPs (Llama-2-7B) — the inputs of
/// `baseline/paper_baseline.py`. Loading happens once, outside every measured region.
///
/// Data: `$OBSSCALE_DATA_DIR`, else `data/obsscaling/` in the checkout (after `obsscale data fetch`),
/// resolved from this file's `#filePath`. The preset is read from the checkout's
/// `data/presets/paper-2024.json` by full path.
public struct FitWorkload: Sendable {
    public static let target = "gsm8k_cot_8_exact_match,flexible-extract"
    public static let benchmarks = ["MMLU", "ARC-C", "HellaSwag", "Winograd", "TruthfulQA", "XWinograd", "HumanEval"]
    public static let rule = SplitRule.flopsCutoff(84)
    public static let componentCount = 3

    /// The checkout's root: this file is `<root>/Benchmarks/Sources/FitWorkload/FitWorkload.swift`.
    public static var repoRoot: String {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url.standardizedFileURL.path
    }

    /// `$OBSSCALE_DATA_DIR`, else `<root>/data/obsscaling`.
    public static func dataDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let directory = environment["OBSSCALE_DATA_DIR"], !directory.isEmpty { return directory }
        return URL(fileURLWithPath: repoRoot).appendingPathComponent("data/obsscaling").standardizedFileURL.path
    }

    public let dataDirectory: String
    /// The preset panel (77 models) with the downstream metrics joined.
    public let panel: Panel
    /// The FLOPs split of `panel` (computed again inside the full-fit operations).
    public let split: Split
    /// Training rows that have a target value (the rows the law is fitted on).
    public let trainRows: [Int]
    /// Benchmark matrix of every panel model (NaN = missing).
    public let benchmarkMatrix: Matrix
    /// Benchmark matrix of the training rows.
    public let trainMatrix: Matrix
    /// Capability scores (PC-1…PC-3) and targets of the training rows, for the regression alone.
    public let trainScores: Matrix
    public let trainTargets: [Double]

    /// Loads the data and precomputes the regression inputs. Not measured.
    public static func load() throws -> FitWorkload {
        try FitWorkload(dataDirectory: dataDirectory())
    }

    public init(dataDirectory: String) throws {
        self.dataDirectory = dataDirectory
        let preset = URL(fileURLWithPath: Self.repoRoot).appendingPathComponent("data/presets/paper-2024.json").path
        let query = PanelQuery(
            panelPath: dataDirectory + "/base_llm_benchmark_eval.csv",
            downstreamPaths: [dataDirectory + "/base_llm_post_training_eval.csv"],
            preset: preset)
        panel = try query.load().panel
        split = try Split(panel: panel, rule: Self.rule)
        let targets = try panel.values(of: Self.target)
        trainRows = split.train.filter { !targets[$0].isNaN }
        benchmarkMatrix = try panel.matrix(columns: Self.benchmarks)
        trainMatrix = benchmarkMatrix.selectingRows(trainRows)
        trainTargets = trainRows.map { targets[$0] }
        let imputer = try PCAImputer().fit(trainMatrix, columnNames: Self.benchmarks)
        let pca = try PCA(componentCount: Self.componentCount).fit(imputer.imputed, columnNames: Self.benchmarks)
        trainScores = pca.transform(imputer.imputed)
    }

    // MARK: - The four measured operations

    /// "impute+PCA": imputation fitted on the training rows and applied to every row, then the
    /// PCA fitted on the imputed training rows; returns every row's capability scores.
    public func imputeAndPCA() throws -> Matrix {
        let imputer = try PCAImputer().fit(trainMatrix, columnNames: Self.benchmarks)
        let imputed = imputer.transform(benchmarkMatrix)
        let pca = try PCA(componentCount: Self.componentCount).fit(imputer.imputed, columnNames: Self.benchmarks)
        return pca.transform(imputed)
    }

    /// "sigmoid fit (LS)": the bounded sigmoid-floor regression on the precomputed scores.
    public func sigmoidFitLS() throws -> SigmoidFit {
        try SigmoidRegression().fit(scores: trainScores, targets: trainTargets)
    }

    /// "full fit": split, impute, PCA, regression, predictions and metrics — everything
    /// `obsscale fit` does after loading.
    public func fullFit(loss: Loss = .leastSquares) throws -> ScalingLawFit {
        let split = try Split(panel: panel, rule: Self.rule)
        let law = ScalingLaw(
            benchmarks: Self.benchmarks, pca: PCA(componentCount: Self.componentCount),
            regression: SigmoidRegression(loss: loss))
        return try law.fit(panel: panel, target: Self.target, split: split)
    }
}
