// swift-tools-version:6.1
import PackageDescription

/// obsscale benchmarks: the ordo-one/benchmark suite `FitBenchmarks` and the
/// `compare-timing` executable used by `compare.sh` for the side-by-side ratio with the Python
/// baseline (`baseline/paper_baseline.py`). Results and how to reproduce them: ../BENCHMARKS.md.
///
///     cd Benchmarks && swift package benchmark          # the suite (also: make benchmarks)
///     Benchmarks/compare.sh                             # Python vs Swift, from the repo root
let package = Package(
    name: "obsscale-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        // Named so `package: "obsscale"` works whatever the checkout's folder is called.
        .package(name: "obsscale", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // The data and the four measured operations, shared by the suite and compare-timing.
        .target(
            name: "FitWorkload",
            dependencies: [.product(name: "ObsScale", package: "obsscale")],
            path: "Sources/FitWorkload"),
        .executableTarget(
            name: "compare-timing",
            dependencies: ["FitWorkload"],
            path: "Sources/compare-timing"),
        .executableTarget(
            name: "selection-timing",
            dependencies: ["FitWorkload"],
            path: "Sources/selection-timing"),
        .executableTarget(
            name: "csv-timing",
            dependencies: ["FitWorkload", .product(name: "ObsScale", package: "obsscale")],
            path: "Sources/csv-timing"),
        .executableTarget(
            name: "calibration-lines",
            dependencies: [.product(name: "ObsScale", package: "obsscale")],
            path: "Sources/calibration-lines"),
        .executableTarget(
            name: "bootstrap-timing",
            dependencies: ["FitWorkload"],
            path: "Sources/bootstrap-timing"),
        .executableTarget(
            name: "FitBenchmarks",
            dependencies: ["FitWorkload", .product(name: "Benchmark", package: "benchmark")],
            path: "Benchmarks/FitBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]),
    ]
)
