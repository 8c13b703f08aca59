import FitWorkload
// Times the four benchmarked operations with ContinuousClock and prints JSON with the medians,
// for Benchmarks/compare.sh (the side-by-side ratio with baseline/paper_baseline.py).
//
//     compare-timing [--repeat N] [--min-seconds S] [--json PATH]
//
// The operations run round-robin: 5 warm-up rounds, then rounds until each has at least N calls
// and S seconds of calls; the median of the per-call durations is reported. The data are loaded
// once, untimed.
import Foundation
import ObsScale

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("compare-timing: \(message)\n".utf8))
    exit(2)
}

var repeatCount = 200
var minSeconds = 2.0
var jsonPath: String?
var arguments = CommandLine.arguments.dropFirst()
/// The next argument parsed by `parse`, or exit with `message`.
@MainActor func nextValue<T>(_ parse: (String) -> T?, else message: String) -> T {
    guard let text = arguments.popFirst(), let value = parse(text) else { fail(message) }
    return value
}
while let argument = arguments.popFirst() {
    switch argument {
    case "--repeat": repeatCount = nextValue({ Int($0).flatMap { $0 > 0 ? $0 : nil } }, else: "--repeat needs a whole number > 0")
    case "--min-seconds": minSeconds = nextValue({ Double($0).flatMap { $0 >= 0 ? $0 : nil } }, else: "--min-seconds needs a number >= 0")
    case "--json": jsonPath = nextValue({ $0 }, else: "--json needs a path")
    case "-h", "--help":
        print("usage: compare-timing [--repeat N] [--min-seconds S] [--json PATH]")
        exit(0)
    default: fail("unknown argument \(argument)")
    }
}

let workload: FitWorkload
do {
    workload = try FitWorkload.load()
} catch {
    fail("cannot load the panel from \(FitWorkload.dataDirectory()) (set OBSSCALE_DATA_DIR): \(error)")
}

@inline(never)
func consume<T>(_ value: T) { withExtendedLifetime(value) {} }

func seconds(_ duration: Duration) -> Double {
    let (s, attoseconds) = duration.components
    return Double(s) + Double(attoseconds) * 1e-18
}

struct Timing {
    var median: Double
    var minimum: Double
    var count: Int
}

/// Runs the operations round-robin (one call of each per round, so slow drifts of the machine —
/// frequency, a neighbour's load — affect them alike): 5 untimed rounds, then rounds until each
/// operation has at least `repeatCount` samples and `minSeconds` seconds of samples.
@MainActor func timeRoundRobin(_ operations: [() throws -> Void]) throws -> [Timing] {
    for _ in 0..<5 { for operation in operations { try operation() } }
    let clock = ContinuousClock()
    var samples = [[Double]](repeating: [], count: operations.count)
    var totals = [Double](repeating: 0, count: operations.count)
    while samples[0].count < repeatCount || totals.min()! < minSeconds {
        for (index, operation) in operations.enumerated() {
            let t0 = clock.now
            try operation()
            let elapsed = seconds(clock.now - t0)
            samples[index].append(elapsed)
            totals[index] += elapsed
        }
    }
    return samples.map { values in
        let sorted = values.sorted()
        let n = sorted.count
        let median = n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2])
        return Timing(median: median, minimum: sorted[0], count: n)
    }
}

do {
    let timings = try timeRoundRobin([
        { consume(try workload.imputeAndPCA()) },
        { consume(try workload.sigmoidFitLS()) },
        { consume(try workload.fullFit(loss: .leastSquares)) },
        { consume(try workload.fullFit(loss: .huber(delta: 1))) },
    ])
    let (imputePCA, sigmoid, fullLS, fullHuber) = (timings[0], timings[1], timings[2], timings[3])

    // One more fit of each, reported for checking against the Python baseline.
    let ls = try workload.fullFit(loss: .leastSquares)
    let huber = try workload.fullFit(loss: .huber(delta: 1))
    func parameters(_ fit: ScalingLawFit) -> [Double] {
        let r = fit.law.regression
        return [r.alpha] + r.beta + [r.floor]
    }
    let report: [String: Any] = [
        "swift": "release build",
        "nModels": workload.panel.count,
        "nTrain": ls.predictions.filter { $0.role == .train }.count,
        "nTest": ls.predictions.filter { $0.role == .test }.count,
        "medianSeconds": [
            "impute_pca": imputePCA.median,
            "ls_sigmoid": sigmoid.median,
            "fit_impute_pca_ls": fullLS.median,
            "fit_impute_pca_huber": fullHuber.median,
        ],
        "minimumSeconds": [
            "impute_pca": imputePCA.minimum,
            "ls_sigmoid": sigmoid.minimum,
            "fit_impute_pca_ls": fullLS.minimum,
            "fit_impute_pca_huber": fullHuber.minimum,
        ],
        "samples": [
            "impute_pca": imputePCA.count,
            "ls_sigmoid": sigmoid.count,
            "fit_impute_pca_ls": fullLS.count,
            "fit_impute_pca_huber": fullHuber.count,
        ],
        "paramsLS": parameters(ls),
        "paramsHuber": parameters(huber),
        "mseLS": ["train": ls.trainMetrics.mse, "test": ls.testMetrics.mse],
        "mseHuber": ["train": huber.trainMetrics.mse, "test": huber.testMetrics.mse],
        "imputationIterations": ls.law.imputer.iterations,
        "sigmoidIterations": ["ls": ls.law.regression.iterations, "huber": huber.law.regression.iterations],
        "termination": ["ls": ls.law.regression.termination.rawValue, "huber": huber.law.regression.termination.rawValue],
        "explainedVarianceRatio": Array(ls.law.pca.explainedVarianceRatio.prefix(FitWorkload.componentCount)),
    ]
    let data = try JSONSerialization.data(withJSONObject: report, options: [.prettyPrinted, .sortedKeys])
    if let jsonPath {
        try data.write(to: URL(fileURLWithPath: jsonPath))
    }
    print(String(decoding: data, as: UTF8.self))
} catch {
    fail("\(error)")
}
