import FitWorkload
// Times the fit bootstrap (FitBootstrap.run) on the benchmark workload (FitWorkload: GSM8K CoT,
// 7 benchmarks, cutoff 84) and prints JSON, for Benchmarks/compare-bootstrap.sh (the ratio with
// baseline/bootstrap_baseline.py) and the thread-scaling figure in BENCHMARKS.md.
//
//     bootstrap-timing [--replicates R] [--repeat K] [--threads N] [--mode NAME] [--json PATH]
//
// Modes (each timed K times after one warm-up, the main fit excluded, as in the Python loop):
// fixed/ls, refit-pca/ls, fixed/huber. Reported: median, min and max seconds per R replicates.
import Foundation
import ObsScale

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("bootstrap-timing: \(message)\n".utf8))
    exit(2)
}

var replicates = 1000
var repeatCount = 5
var threads = ProcessInfo.processInfo.activeProcessorCount
var jsonPath: String?
var onlyMode: String?
var arguments = CommandLine.arguments.dropFirst()
@MainActor func nextInt(_ name: String) -> Int {
    guard let text = arguments.popFirst(), let value = Int(text), value > 0 else { fail("\(name) needs a whole number > 0") }
    return value
}
while let argument = arguments.popFirst() {
    switch argument {
    case "--replicates": replicates = nextInt(argument)
    case "--repeat": repeatCount = nextInt(argument)
    case "--threads": threads = nextInt(argument)
    case "--mode":
        guard let name = arguments.popFirst() else { fail("--mode needs fixed/ls, refit-pca/ls or fixed/huber") }
        onlyMode = name
    case "--json":
        guard let path = arguments.popFirst() else { fail("--json needs a path") }
        jsonPath = path
    case "-h", "--help":
        print("usage: bootstrap-timing [--replicates R] [--repeat K] [--threads N] [--mode NAME] [--json PATH]")
        exit(0)
    default: fail("unknown argument \(argument)")
    }
}

let workload: FitWorkload
do { workload = try FitWorkload.load() } catch { fail("cannot load the panel (set OBSSCALE_DATA_DIR): \(error)") }

func seconds(_ duration: Duration) -> Double {
    let (s, attoseconds) = duration.components
    return Double(s) + Double(attoseconds) * 1e-18
}

struct Mode: Encodable {
    let name: String
    let medianSeconds: Double
    let minSeconds: Double
    let maxSeconds: Double
    let failedReplicates: Int
}

var modes: [Mode] = []
for (name, refit, loss) in [("fixed/ls", false, Loss.leastSquares), ("refit-pca/ls", true, .leastSquares), ("fixed/huber", false, .huber(delta: 1))] {
    if let onlyMode, onlyMode != name { continue }
    let law = ScalingLaw(
        benchmarks: FitWorkload.benchmarks, pca: PCA(componentCount: FitWorkload.componentCount),
        regression: SigmoidRegression(loss: loss))
    let fit: ScalingLawFit
    do { fit = try law.fit(panel: workload.panel, target: FitWorkload.target, split: workload.split) } catch { fail("fit: \(error)") }
    let settings = FitBootstrap(replicateCount: replicates, refitPCA: refit, seed: 1)
    var times: [Double] = []
    var failed = 0
    for round in 0...repeatCount {
        let clock = ContinuousClock()
        let start = clock.now
        let summary: FitBootstrapSummary
        do { summary = try settings.run(fit, panel: workload.panel, threadCount: threads) } catch { fail("bootstrap: \(error)") }
        let elapsed = seconds(clock.now - start)
        failed = summary.failures.count
        if round > 0 { times.append(elapsed) }
    }
    times.sort()
    modes.append(
        Mode(
            name: name, medianSeconds: times[times.count / 2], minSeconds: times[0], maxSeconds: times[times.count - 1],
            failedReplicates: failed))
    print(
        String(
            format: "%-14@ %8.4f s per %d replicates (min %.4f, max %.4f), %d threads, %d failed",
            name as NSString, times[times.count / 2], replicates, times[0], times[times.count - 1], threads, failed))
}

struct Output: Encodable {
    let replicates: Int
    let threads: Int
    let repeatCount: Int
    let modes: [Mode]
}
if let jsonPath {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    do {
        try encoder.encode(Output(replicates: replicates, threads: threads, repeatCount: repeatCount, modes: modes))
            .write(to: URL(fileURLWithPath: jsonPath), options: .atomic)
    } catch { fail("cannot write \(jsonPath): \(error)") }
}
