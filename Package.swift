// swift-tools-version:6.1
import PackageDescription

/// obsscale — observational scaling laws and the selection of which models to evaluate.
///
/// Layers (docs/architecture.md): Numerics → Data → Fit → Select → Evaluation → Report, with
/// LinearProgramming (the only importer of GLPK) beside them and the CLI on top. Every library
/// target is its own product, so a client depends on just the layers it uses; `ObsScale` is the
/// umbrella that re-exports them all. Every target builds in the Swift 6 language mode.
let package = Package(
    name: "obsscale",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "obsscale", targets: ["obsscale"]),
        .library(name: "ObsScale", targets: ["ObsScale"]),
        .library(name: "ObsScaleNumerics", targets: ["ObsScaleNumerics"]),
        .library(name: "ObsScaleData", targets: ["ObsScaleData"]),
        .library(name: "ObsScaleFit", targets: ["ObsScaleFit"]),
        .library(name: "LinearProgramming", targets: ["LinearProgramming"]),
        .library(name: "ObsScaleSelect", targets: ["ObsScaleSelect"]),
        .library(name: "ObsScaleEvaluation", targets: ["ObsScaleEvaluation"]),
        .library(name: "ObsScaleReport", targets: ["ObsScaleReport"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based", exact: "2.0.1"),
        // `make docs`: the DocC catalog of the umbrella module (a plugin; nothing of it is linked).
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        .target(name: "ObsScaleNumerics"),
        // `data fetch`'s downloads: libcurl opened with dlopen on the first download, so no other
        // command loads libcurl and its TLS libraries at start (as linking URLSession would).
        .target(name: "CHTTPFetch", linkerSettings: [.linkedLibrary("dl")]),
        .target(name: "ObsScaleData", dependencies: ["ObsScaleNumerics"]),
        // `data fetch` (downloads, SHA-256 checks): only the command line links it.
        .target(name: "ObsScaleFetch", dependencies: ["ObsScaleData", "CHTTPFetch"]),
        .target(name: "ObsScaleFit", dependencies: ["ObsScaleNumerics", "ObsScaleData"]),
        // GLPK: the one system library. Only LinearProgramming imports it.
        .systemLibrary(name: "CGLPK", path: "Sources/CGLPK", providers: [.apt(["libglpk-dev"])]),
        .target(name: "LinearProgramming", dependencies: ["CGLPK"]),
        .target(
            name: "ObsScaleSelect",
            dependencies: ["ObsScaleNumerics", "ObsScaleData", "ObsScaleFit", "LinearProgramming"]),
        .target(
            name: "ObsScaleEvaluation",
            dependencies: ["ObsScaleNumerics", "ObsScaleData", "ObsScaleFit", "ObsScaleSelect", "LinearProgramming"]),
        .target(
            name: "ObsScaleReport",
            dependencies: ["ObsScaleNumerics", "ObsScaleData", "ObsScaleFit", "ObsScaleSelect", "ObsScaleEvaluation"]),
        .target(
            name: "ObsScale",
            dependencies: [
                "ObsScaleNumerics", "ObsScaleData", "ObsScaleFit", "LinearProgramming", "ObsScaleSelect",
                "ObsScaleEvaluation", "ObsScaleReport",
            ]),
        .executableTarget(
            name: "obsscale",
            dependencies: ["ObsScale", "ObsScaleFetch", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .target(name: "_TestSupport", dependencies: ["ObsScale", "ObsScaleFetch"], path: "Tests/_TestSupport"),
        .testTarget(name: "ObsScaleNumericsTests", dependencies: ["ObsScaleNumerics", "_TestSupport"], exclude: ["Fixtures"]),
        .testTarget(
            name: "ObsScaleDataTests",
            dependencies: ["ObsScaleData", "ObsScaleFetch", "_TestSupport", .product(name: "CSV", package: "CSV.swift")],
            exclude: ["Fixtures"]),
        .testTarget(name: "ObsScaleFitTests", dependencies: ["ObsScaleFit", "_TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "LinearProgrammingTests", dependencies: ["LinearProgramming"]),
        .testTarget(name: "ObsScaleSelectTests", dependencies: ["ObsScaleSelect", "_TestSupport"], exclude: ["Fixtures"]),
        .testTarget(
            name: "ObsScaleEvaluationTests", dependencies: ["ObsScaleEvaluation", "_TestSupport"],
            exclude: ["Fixtures"]),
        // The umbrella: the README's library example, compiled and run.
        .testTarget(name: "ObsScaleTests", dependencies: ["ObsScale", "ObsScaleFetch", "_TestSupport"]),
        // The command line: in-process parse tests (`@testable import obsscale`) and process-level runs.
        .testTarget(name: "CLITests", dependencies: ["obsscale", "ObsScaleFetch", "_TestSupport"], exclude: ["Fixtures"]),
        // Random panels through pca, fit, bootstrap and select (no crash, finite or typed error, budgets, determinism).
        .testTarget(
            name: "PropertyTests",
            dependencies: ["ObsScale", "_TestSupport", .product(name: "PropertyBased", package: "swift-property-based")]),
    ]
)
