// swift-tools-version:5.4
import PackageDescription

/// obsscale fuzzing (issue 6): libFuzzer targets for the input paths users control. Each
/// executable defines `LLVMFuzzerTestOneInput` and is linked with `-sanitize=fuzzer`, which
/// provides `main` — build them only that way (see README.md or `make fuzz` in the repo root):
///
///     swift build -c release --package-path Fuzz -Xswiftc -sanitize=fuzzer -Xswiftc -parse-as-library
///
/// - FuzzPanelCSV: panel and downstream CSV files (`Panel.load`, joins, derived columns).
/// - FuzzOptions: costs, model filters, presets, splits, selection setups and solves.
/// - FuzzLinearProgram: random `LinearProgram`s through validation and GLPK.

let package = Package(
    name: "obsscale-fuzz",
    dependencies: [
        // Named so `package: "obsscale"` works whatever the checkout's folder is called.
        .package(name: "obsscale", path: ".."),
    ],
    targets: [
        // Byte decoding shared by the targets.
        .target(name: "FuzzSupport", path: "Sources/FuzzSupport"),
        .executableTarget(name: "FuzzPanelCSV",
                          dependencies: ["FuzzSupport", .product(name: "ObsScale", package: "obsscale")],
                          path: "Sources/FuzzPanelCSV"),
        .executableTarget(name: "FuzzOptions",
                          dependencies: ["FuzzSupport", .product(name: "ObsScale", package: "obsscale")],
                          path: "Sources/FuzzOptions"),
        .executableTarget(name: "FuzzLinearProgram",
                          dependencies: ["FuzzSupport", .product(name: "ObsScale", package: "obsscale")],
                          path: "Sources/FuzzLinearProgram"),
    ]
)
