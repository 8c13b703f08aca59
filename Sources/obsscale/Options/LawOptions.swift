import ArgumentParser
import ObsScale

/// Per-command defaults of `LawOptions`: the recommended law (`ScalingLaw.recommended`: least
/// squares, PCA on the pool, a public prior, K = 1…3 averaged on a subset of the pool) unless a
/// command says otherwise (`validate` fits with the paper's Huber loss).
protocol LawDefaults {
    static var loss: LossChoice { get }
    static var prior: PriorChoice { get }
    static var components: ComponentsChoice { get }
    static var pcaOn: PCAFitRows { get }
}

extension LawDefaults {
    static var loss: LossChoice { .ls }
    static var prior: PriorChoice { .publicMetrics }
    /// `average` (K = 1…3 averaged on a subset of the pool, the K = 3 law on the whole pool):
    /// chosen on two validation worlds, where it was the best law on the worse world at 5, 10 and
    /// 20% of the pool's parameters (README, "How good is a subset?").
    static var components: ComponentsChoice { .average }
    static var pcaOn: PCAFitRows { .pool }
}

/// The recommended law's defaults, as they are (`fit`, `compare`).
enum RecommendedLawDefaults: LawDefaults {}

/// `--components K`, `auto` (K chosen by cross-validation) or `average` (the weighted mean of the laws
/// with K = 1…--max-components).
enum ComponentsChoice: Equatable, ExpressibleByArgument, CustomStringConvertible {
    case fixed(Int)
    case auto
    case average

    init?(argument: String) {
        if argument == "auto" {
            self = .auto
        } else if argument == "average" {
            self = .average
        } else if let count = Int(argument), count >= 1 {
            self = .fixed(count)
        } else {
            return nil
        }
    }

    var description: String {
        switch self {
        case let .fixed(count): return "\(count)"
        case .auto: return "auto"
        case .average: return "average"
        }
    }

    var defaultValueDescription: String { description }
}

/// `--prior none|public|FILE`.
enum PriorChoice: Equatable, ExpressibleByArgument, CustomStringConvertible {
    case none
    case publicMetrics
    case file(String)

    init?(argument: String) {
        switch argument {
        case "none": self = .none
        case "public": self = .publicMetrics
        case "": return nil
        default: self = .file(argument)
        }
    }

    var description: String {
        switch self {
        case .none: return "none"
        case .publicMetrics: return "public"
        case let .file(path): return path
        }
    }

    var defaultValueDescription: String { description }
}

/// The scaling law's settings shared by `fit` and `validate`: link, loss, capability components,
/// where imputation and PCA are fitted, and the prior. `law(…)` is the one place a `ScalingLaw`
/// is built from options.
struct LawOptions<Defaults: LawDefaults>: ParsableArguments {
    @Option(help: "Link of the law: sigmoid-floor (the paper's, a floor b ∈ [0, 0.2]), sigmoid (no floor) or linear.")
    var link: Link = .sigmoidFloor

    @Option(help: "Regression loss: ls (least squares) or huber.")
    var loss: LossChoice = Defaults.loss

    @Option(name: .customLong("huber-delta"), help: "Huber threshold δ.")
    var huberDelta = 1.0

    @Option(
        help: """
            Capability components K of the law; auto: K ∈ 1…--max-components by cross-validation on the training models; \
            average: the weighted mean of the laws with K = 1…--max-components (each with its own prior strength; \
            see --average-weights).
            """)
    var components: ComponentsChoice = Defaults.components

    @Option(name: .customLong("max-components"), help: "The largest K --components auto tries, and average averages.")
    var maxComponents = 3

    @Option(
        name: .customLong("average-weights"),
        help: """
            How --components average weighs its laws: cv (each in inverse proportion to its cross-validated error on \
            the training models), equal, or stacking (the weights whose combination has the least cross-validated error).
            """)
    var averageWeights: ScalingLaw.AverageWeights = .crossValidated

    @Option(
        name: .customLong("pca-on"),
        help: """
            Fit imputation and PCA on the training models (train, the paper), every training-side model with or without \
            the target (pool: public benchmarks, no test model), or every panel model (panel).
            """)
    var pcaOn: PCAFitRows = Defaults.pcaOn

    @Option(
        help: """
            Prior for the law's parameters: none (the paper's fit), public (the median law of the panel's other public \
            accuracy metrics, fitted on the training side in the same capability space; its strength chosen by \
            cross-validation, and only used when it clearly helps), or a JSON file {"mean": [α, β₁, …, β_K, b], "scale": [...]} \
            (b only with the sigmoid-floor link).
            """)
    var prior: PriorChoice = Defaults.prior

    @Option(
        name: .customLong("prior-exclude"),
        help: "Leave metrics whose name contains this out of a public prior (repeatable; the target's own task is always left out).")
    var priorExclude: [String] = []

    @Flag(
        inversion: .prefixedNo,
        help: """
            Refuse a prior that moves the predictions of the models to predict by more than the plain fit's own \
            (jackknife) uncertainty there (default: on; off trades safety on unusual targets for more borrowing).
            """)
    var priorCheck = true

    @Option(
        name: .customLong("cv-folds"),
        help: "Cross-validation folds for the prior's strength and K: families, top (the most capable quarter), or families+top.")
    var cvFolds: ModelSelection.FoldScheme = .familiesAndTop

    @Option(
        name: .customLong("cv-rule"), help: "How a prior or another K must beat the plain fit in cross-validation: one-standard-error or minimum.")
    var cvRule: ModelSelection.Rule = .oneStandardError

    /// The K of a fixed choice (3 for auto: the paper's K, which auto must beat; the widest law's
    /// for average).
    var componentCount: Int {
        switch components {
        case let .fixed(count): return count
        case .auto: return 3
        case .average: return maxComponents
        }
    }

    func validate() throws {
        guard maxComponents >= 1 else { throw ValidationError("--max-components: '\(maxComponents)' is not allowed (allowed: ≥ 1)") }
    }

    /// The `--prior FILE` path, if one is given (an input the outputs must not overwrite).
    var priorFile: String? {
        if case let .file(path) = prior { return path }
        return nil
    }

    /// The law these options describe, on `benchmarks` (nil: the panel's). Reads a prior file.
    func law(benchmarks: [String]?, targetRange: ClosedRange<Double>? = nil, referenceFamily: String = "Llama-2") throws -> ScalingLaw {
        let priorSource: PriorSource
        switch prior {
        case .none: priorSource = .none
        case .publicMetrics: priorSource = .publicMetrics(exclude: priorExclude)
        case let .file(path): priorSource = .given(try ParameterPrior.load(path: path))
        }
        var selection = ModelSelection()
        selection.checksCompatibility = priorCheck
        selection.folds = cvFolds
        selection.rule = cvRule
        var law = ScalingLaw(
            benchmarks: benchmarks, pca: PCA(componentCount: componentCount),
            regression: SigmoidRegression(link: link, loss: loss == .ls ? .leastSquares : .huber(delta: huberDelta)),
            pcaOn: pcaOn, targetRange: targetRange, referenceFamily: referenceFamily, prior: priorSource,
            maxAutoComponents: components == .auto ? maxComponents : nil, selection: selection)
        if components == .average {
            law.averagesComponents = true
            law.averageWeights = averageWeights
        }
        return law
    }
}
