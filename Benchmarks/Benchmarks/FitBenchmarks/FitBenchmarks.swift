// The fitting core on the real panel (BENCHMARKS.md): preset paper-2024, target GSM8K CoT,
// 7 benchmarks, split at 84 × 1E21 FLOPs. Run from Benchmarks/: `swift package benchmark`.
// Data: $OBSSCALE_DATA_DIR, else data/obsscaling in the checkout (obsscale data fetch).
import Benchmark
import FitWorkload
import ObsScale

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .mallocCountTotal],
        timeUnits: .microseconds,
        warmupIterations: 10,
        maxDuration: .seconds(3),
        maxIterations: 1_000_000
    )

    // Loaded once, outside every measured region.
    let workload: FitWorkload
    do {
        workload = try FitWorkload.load()
    } catch {
        fatalError("FitBenchmarks: cannot load the panel from \(FitWorkload.dataDirectory()) " + "(set OBSSCALE_DATA_DIR): \(error)")
    }

    Benchmark("impute+PCA") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try workload.imputeAndPCA())
        }
    }

    Benchmark("sigmoid fit (LS)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try workload.sigmoidFitLS())
        }
    }

    Benchmark("full fit (LS)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try workload.fullFit(loss: .leastSquares))
        }
    }

    Benchmark("full fit (Huber δ=1)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try workload.fullFit(loss: .huber(delta: 1)))
        }
    }
}
