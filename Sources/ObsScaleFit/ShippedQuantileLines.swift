// The shipped quantile lines of `IntervalCalibration.shippedLines` — the fallback when a fit has
// too few public metrics or records to calibrate its own (a panel without companion metrics, a
// model to predict without public values). Learned once, by `IntervalCalibrator` (the same code as
// a fit's own calibration), on the public panel: preset paper-2024, split at 84×1E21 FLOPs, every
// pool model as the training set, every public accuracy metric as a calibration metric.
// Regenerate with `swift run --package-path Benchmarks calibration-lines` (prints this table).
// swift-format-ignore-file

enum ShippedQuantileLines {
    /// Learned on: the public panel, paper-2024 preset, cutoff 84×1E21 FLOPs, every pool model.
    static let source = "the public panel (paper-2024 preset, 84×1E21 FLOPs cutoff, every pool model)"

    static let table: [QuantileLines] = [
        QuantileLines(level: 0.5, upper: [0.0, 1.3389503224604935, 0.6225926841981719, 0.04935178639646711, 0.022796568864607923], lower: [0.0, 0.0, 0.19157303806864406, 0.0, 0.05598332713146076]),
        QuantileLines(level: 0.6, upper: [0.0, 1.3878639062514884, 0.7280164018493147, 0.058548731774796234, 0.04251680477170859], lower: [0.0, 0.0, 0.400286633482834, 0.0, 0.07610998719386006]),
        QuantileLines(level: 0.7, upper: [0.0, 1.5439819618364528, 0.7915968712159138, 0.06685048283626918, 0.0723663102285041], lower: [0.0, 0.0, 0.6145843823375676, 0.0, 0.0939001592719173]),
        QuantileLines(level: 0.8, upper: [0.0, 1.8672086817950144, 0.5232863975897681, 0.1180752172278593, 0.09408664605061798], lower: [0.0, 0.0, 1.3273843883745093, 0.0, 0.11643780087411233]),
        QuantileLines(level: 0.9, upper: [0.0, 1.830780222939321, 0.6250497185335204, 0.17072069613235982, 0.1589179141543598], lower: [0.0, 0.0, 2.3031879563899342, 0.0, 0.1434386666802116]),
        QuantileLines(level: 0.95, upper: [0.0, 1.577816204906692, 0.39200782137412293, 0.1965897141715519, 0.28856138922240065], lower: [4.932165786897258e-13, 0.0, 2.9247080924315667, 0.0, 0.250989132724379]),
        QuantileLines(level: 0.975, upper: [0.0, 1.6509268698721937, 0.26259701667222, 0.2394115581973058, 0.3554336873689534], lower: [0.0, 5.756638210655589e-11, 1.6962607843039166, 0.0, 0.6236617886986028]),
        QuantileLines(level: 0.99, upper: [0.0, 1.1618739281287722, 0.0, 0.14697800267965005, 0.6218616966417028], lower: [2.491290507222743e-11, 0.0, 1.2244241876418762, 0.0, 0.7930990672382291]),
    ]
}
