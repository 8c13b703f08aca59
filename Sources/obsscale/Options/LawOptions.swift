import ArgumentParser
import ObsScale

/// Per-command defaults of `LawOptions` (`fit` uses least squares, `validate` the paper's Huber loss).
protocol LawDefaults {
    static var loss: LossChoice { get }
}

/// The scaling law's settings shared by `fit` and `validate`: link, loss, capability components
/// and where imputation and PCA are fitted. `law(…)` is the one place a `ScalingLaw` is built
/// from options.
struct LawOptions<Defaults: LawDefaults>: ParsableArguments {
    @Option(help: "Link of the law: sigmoid-floor (the paper's, a floor b ∈ [0, 0.2]), sigmoid (no floor) or linear.")
    var link: Link = .sigmoidFloor

    @Option(help: "Regression loss: ls (least squares) or huber.")
    var loss: LossChoice = Defaults.loss

    @Option(name: .customLong("huber-delta"), help: "Huber threshold δ.")
    var huberDelta = 1.0

    @Option(help: "Number of capability components (PCs) of the law.")
    var components = 3

    @Option(name: .customLong("pca-on"), help: "Fit imputation and PCA on the training models (train, the paper) or every panel model (panel).")
    var pcaOn: PCAFitRows = .train

    /// The law these options describe, on `benchmarks` (nil: the panel's).
    func law(benchmarks: [String]?, targetRange: ClosedRange<Double>? = nil, referenceFamily: String = "Llama-2") -> ScalingLaw {
        ScalingLaw(
            benchmarks: benchmarks, pca: PCA(componentCount: components),
            regression: SigmoidRegression(link: link, loss: loss == .ls ? .leastSquares : .huber(delta: huberDelta)),
            pcaOn: pcaOn, targetRange: targetRange, referenceFamily: referenceFamily)
    }
}
