// swift-tools-version:5.4
// Tools 5.4 on purpose: later tools versions rename an executable's entry point (`<Target>_main`),
// which clashes with the `main` libFuzzer provides. The build commands (Fuzz/run.sh, make
// build-nested) compile every module in the Swift 6 language mode with `-swift-version 6`.
import PackageDescription

/// obsscale fuzzing: libFuzzer targets for the input paths users control. Each
/// executable defines `LLVMFuzzerTestOneInput` and is linked with `-sanitize=fuzzer`, which
/// provides `main` — build them only that way (see README.md or `make fuzz` in the repo root):
///
///     swift build -c release --package-path Fuzz -Xswiftc -sanitize=fuzzer -Xswiftc -parse-as-library \
///         -Xswiftc -swift-version -Xswiftc 6
///
/// - FuzzPanelCSV: panel and downstream CSV files (`Panel.load`, joins, derived columns).
/// - FuzzOptions: costs, model filters, presets, splits, selection setups and solves.
/// - FuzzLinearProgram: random `LinearProgram`s through validation and GLPK.
/// - FuzzSavedLaw: saved laws (`predict --law`): decoding, the load checks, predictions.
/// - FuzzMergeParts: part files of split runs through `ReportMerge.merge` (decoding and checks).

let package = Package(
    name: "obsscale-fuzz",
    dependencies: [
        // Named so `package: "obsscale"` works whatever the checkout's folder is called.
        .package(name: "obsscale", path: "..")
    ],
    targets: [
        // Byte decoding shared by the targets.
        .target(name: "FuzzSupport", path: "Sources/FuzzSupport"),
        .executableTarget(
            name: "FuzzPanelCSV",
            dependencies: ["FuzzSupport", .product(name: "ObsScale", package: "obsscale")],
            path: "Sources/FuzzPanelCSV"),
        .executableTarget(
            name: "FuzzOptions",
            dependencies: ["FuzzSupport", .product(name: "ObsScale", package: "obsscale")],
            path: "Sources/FuzzOptions"),
        .executableTarget(
            name: "FuzzSavedLaw",
            dependencies: ["FuzzSupport", .product(name: "ObsScale", package: "obsscale")],
            path: "Sources/FuzzSavedLaw"),
        .executableTarget(
            name: "FuzzLinearProgram",
            dependencies: ["FuzzSupport", .product(name: "ObsScale", package: "obsscale")],
            path: "Sources/FuzzLinearProgram"),
        .executableTarget(
            name: "FuzzMergeParts",
            dependencies: ["FuzzSupport", .product(name: "ObsScale", package: "obsscale")],
            path: "Sources/FuzzMergeParts"),
    ]
)
