import Foundation
import ObsScale

/// Paths and helpers shared by the test targets.
public enum TestPaths {
    /// The repository root (two levels above this file).
    public static let root: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// The real public panel beside the checkout (`../shared/data/obsscaling`), or `$OBSSCALE_DATA_DIR`.
    public static let sharedData: URL = {
        if let override = ProcessInfo.processInfo.environment["OBSSCALE_DATA_DIR"], !override.isEmpty {
            return URL(fileURLWithPath: override)
        }
        return root.deletingLastPathComponent().appendingPathComponent("shared/data/obsscaling")
    }()

    public static var panel: String { sharedData.appendingPathComponent("base_llm_benchmark_eval.csv").path }
    public static var postTraining: String { sharedData.appendingPathComponent("base_llm_post_training_eval.csv").path }
    public static var emergent: String { sharedData.appendingPathComponent("base_llm_emergent_capability_eval.csv").path }
    public static var preset2024: String { root.appendingPathComponent("data/presets/paper-2024.json").path }
    public static var syntheticPanel: String { root.appendingPathComponent("data/synthetic/panel.csv").path }

    /// A fixture file next to a test file: `fixture("linalg.json", near: #filePath)`.
    public static func fixture(_ name: String, near file: String) -> URL {
        URL(fileURLWithPath: file).deletingLastPathComponent().appendingPathComponent("Fixtures").appendingPathComponent(name)
    }

    /// A fresh empty temporary directory.
    public static func temporaryDirectory() -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("obsscale-tests-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Writes `text` to a new file in a fresh temporary directory and returns its path.
    public static func write(_ text: String, name: String = "input.csv") -> String {
        let url = temporaryDirectory().appendingPathComponent(name)
        try? Data(text.utf8).write(to: url)
        return url.path
    }
}

/// Decodes a JSON fixture into a dictionary tree.
public func loadJSON(_ url: URL) throws -> [String: Any] {
    let data = try Data(contentsOf: url)
    guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
        throw CocoaError(.coderReadCorrupt)
    }
    return object
}

/// `[[Double]]` from a JSON array of arrays.
public func matrixRows(_ value: Any?) -> [[Double]] {
    (value as? [[Any]] ?? []).map { $0.map { ($0 as? NSNumber)?.doubleValue ?? .nan } }
}

/// `[Double]` from a JSON array.
public func doubles(_ value: Any?) -> [Double] {
    (value as? [Any] ?? []).map { ($0 as? NSNumber)?.doubleValue ?? .nan }
}

/// Largest relative difference |a − b| / max(|b|, floor).
public func maxRelativeDifference(_ a: [Double], _ b: [Double], floor: Double = 1e-12) -> Double {
    precondition(a.count == b.count, "lengths differ: \(a.count) vs \(b.count)")
    return zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1) / max(abs($1.1), floor)) }
}

/// The result of running the CLI.
public struct CommandResult {
    public let status: Int32
    public let stdout: String
    public let stderr: String
}

/// Runs the built `obsscale` executable (debug build by default; `$OBSSCALE_BIN` overrides).
public func runCLI(_ arguments: [String], environment: [String: String] = [:], directory: URL? = nil) throws -> CommandResult {
    let binary = ProcessInfo.processInfo.environment["OBSSCALE_BIN"]
        ?? TestPaths.root.appendingPathComponent(".build/debug/obsscale").path
    let process = Process()
    process.executableURL = URL(fileURLWithPath: binary)
    process.arguments = arguments
    var env = ProcessInfo.processInfo.environment
    env.removeValue(forKey: "OBSSCALE_PANEL")
    for (key, value) in environment { env[key] = value }
    process.environment = env
    process.currentDirectoryURL = directory ?? TestPaths.root
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return CommandResult(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                         stderr: String(decoding: errData, as: UTF8.self))
}
