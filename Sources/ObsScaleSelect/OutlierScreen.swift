import Foundation
import ObsScaleNumerics

/// The pool models far from the bulk of the pool in capability space, by robust Mahalanobis
/// distance on their PC scores.
///
/// Optimal designs favour extreme points (D-optimality's first picks are the pool's corners), and
/// a real leaderboard's extreme points are often broken, mislabelled or contaminated models. The
/// screen fits the reweighted minimum covariance determinant estimator (`RobustCovariance`) to the
/// pool's first K PC scores — the selection's own design space — and lists the models with
/// d² > χ²_K(`level`): under a Gaussian bulk, 1 in 1,000 models lies beyond the 0.999 quantile,
/// so the list is mostly models that do not belong to the cloud (the classic 0.975 cut-off would
/// list 2.5% of any pool, 170 models of the v1 leaderboard export, by chance alone).
///
/// What it finds on real data (README, "From a leaderboard export"): on the v1 leaderboard export
/// it lists the chance-level tail (models scoring 25% on four-way multiple choice), about a fifth
/// of the pool — the cloud is a dense block of 7B fine-tunes with a long tail, not an ellipsoid —
/// and none of the models the leaderboard itself flagged; on the paper's panel it lists the
/// frontier (Llama-3.1-405B, Qwen2-72B) and code models. Both are models a law needs, so the
/// screen lists by default and excludes only when asked (`SelectionSetup.excludesOutliers`).
///
/// Cost: one MCD fit, milliseconds for thousands of models.
public struct OutlierScreen: Codable, Equatable, Sendable {
    /// The χ² quantile beyond which a model is listed.
    public static let defaultLevel = 0.999

    public struct Outlier: Codable, Equatable, Sendable {
        public let model: String
        public let family: String
        /// d² = (s − μ)ᵀ Σ⁻¹ (s − μ) on the robust center and scatter of the pool's PC scores.
        public let squaredDistance: Double
    }

    /// K, the PCs the screen looked at.
    public let componentCount: Int
    public let level: Double
    /// χ²_K(level).
    public let threshold: Double
    /// Models screened.
    public let poolSize: Int
    /// The models beyond the threshold, farthest first.
    public let outliers: [Outlier]
    /// Whether they were left out of the pool (`SelectionSetup.excludesOutliers`).
    public let excluded: Bool

    /// Screens the rows of `scores` (pool models × K PC scores); nil when the pool is too small
    /// for a K-dimensional scatter (n ≤ K + 1) or has no spread.
    public static func screen(
        scores: Matrix, models: [String], families: [String], level: Double = defaultLevel, excluded: Bool
    ) -> OutlierScreen? {
        guard let fit = RobustCovariance.fit(scores) else { return nil }
        let k = scores.columnCount
        let threshold = Statistics.chiSquareQuantile(level, degreesOfFreedom: k)
        let far = fit.squaredDistances.indices.filter { fit.squaredDistances[$0] > threshold }
            .sorted { (-fit.squaredDistances[$0], $0) < (-fit.squaredDistances[$1], $1) }
        return OutlierScreen(
            componentCount: k, level: level, threshold: threshold, poolSize: scores.rowCount,
            outliers: far.map { Outlier(model: models[$0], family: families[$0], squaredDistance: fit.squaredDistances[$0]) },
            excluded: excluded)
    }

    /// The listed models' names.
    public var modelNames: [String] { outliers.map(\.model) }
}
