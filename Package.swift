// swift-tools-version:6.1
import PackageDescription

/// obsscale — observational scaling laws and the selection of which models to evaluate.
/// Layers (DESIGN §7): Numerics → Data → Fit → (Select) → Report, with the CLI on top.
let swift5: [SwiftSetting] = [.swiftLanguageMode(.v5)]

let package = Package(
    name: "obsscale",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "obsscale", targets: ["obsscale"]),
        .library(name: "ObsScale", targets: ["ObsScale"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based", exact: "2.0.1"),
    ],
    targets: [
        .target(name: "ObsScaleNumerics", swiftSettings: swift5),
        .target(name: "ObsScaleData",
                dependencies: ["ObsScaleNumerics", .product(name: "CSV", package: "CSV.swift")],
                swiftSettings: swift5),
        .target(name: "ObsScaleFit", dependencies: ["ObsScaleNumerics", "ObsScaleData"], swiftSettings: swift5),
        // GLPK: the one system library. Only LinearProgramming imports it (DESIGN §4.4).
        .systemLibrary(name: "CGLPK", path: "Sources/CGLPK", providers: [.apt(["libglpk-dev"])]),
        .target(name: "LinearProgramming", dependencies: ["CGLPK"], swiftSettings: swift5),
        .target(name: "ObsScaleSelect", dependencies: ["ObsScaleNumerics", "ObsScaleData", "ObsScaleFit", "LinearProgramming"],
                swiftSettings: swift5),
        .target(name: "ObsScaleReport", dependencies: ["ObsScaleNumerics", "ObsScaleData", "ObsScaleFit", "ObsScaleSelect"],
                swiftSettings: swift5),
        .target(name: "ObsScale",
                dependencies: ["ObsScaleNumerics", "ObsScaleData", "ObsScaleFit", "LinearProgramming", "ObsScaleSelect",
                               "ObsScaleReport"],
                swiftSettings: swift5),
        .executableTarget(name: "obsscale",
                          dependencies: ["ObsScale", .product(name: "ArgumentParser", package: "swift-argument-parser")],
                          swiftSettings: swift5),
        .target(name: "_TestSupport", dependencies: ["ObsScale"], path: "Tests/_TestSupport", swiftSettings: swift5),
        .testTarget(name: "ObsScaleNumericsTests", dependencies: ["ObsScaleNumerics", "_TestSupport"],
                    exclude: ["Fixtures"], swiftSettings: swift5),
        .testTarget(name: "ObsScaleDataTests", dependencies: ["ObsScaleData", "_TestSupport"], swiftSettings: swift5),
        .testTarget(name: "ObsScaleFitTests", dependencies: ["ObsScaleFit", "_TestSupport"],
                    exclude: ["Fixtures"], swiftSettings: swift5),
        .testTarget(name: "LinearProgrammingTests", dependencies: ["LinearProgramming"], swiftSettings: swift5),
        .testTarget(name: "ObsScaleSelectTests", dependencies: ["ObsScaleSelect", "_TestSupport"],
                    exclude: ["Fixtures"], swiftSettings: swift5),
        .testTarget(name: "CLITests", dependencies: ["_TestSupport"], swiftSettings: swift5),
        // Random panels through pca, fit, bootstrap and select (no crash, finite or typed error, budgets, determinism).
        .testTarget(name: "PropertyTests",
                    dependencies: ["ObsScale", "_TestSupport", .product(name: "PropertyBased", package: "swift-property-based")],
                    swiftSettings: swift5),
    ]
)
