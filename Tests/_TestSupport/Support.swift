import Foundation
import ObsScale
import Testing

/// Paths and helpers shared by the test targets.
public enum TestPaths {
    /// The repository root (two levels above this file).
    public static let root: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// The folder of the public panel files the tests read: the real files when found
    /// (`RealPanel.directory`), else the committed slices of them (`RealPanel.slices`), so a clone
    /// without the data runs every numeric check on the rows and columns those checks use.
    public static var sharedData: URL { RealPanel.directory ?? RealPanel.slices }

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

/// The public panel files (`base_llm_benchmark_eval.csv` and its downstream files), looked for
/// where the tool looks: `$OBSSCALE_DATA_DIR` (alone, when set), else the folder of `$OBSSCALE_PANEL`, `data/obsscaling/`
/// in the checkout (after `obsscale data fetch`). CI names its copy with `$OBSSCALE_DATA_DIR`.
///
/// Where none of these folders holds them — a fresh clone, or `OBSSCALE_DATA_DIR=/nonexistent` to
/// see what one runs — the tests read `slices`: the rows and columns of the files that the tests
/// use, committed in `Tests/Fixtures/public-panel/` (Apache-2.0, like the files; its README says
/// how they are made). Only tests that need the published files themselves (their checksums)
/// carry the `.realPanel` trait and are skipped, with that reason, without them. CI sets
/// `$OBSSCALE_REQUIRE_REAL_PANEL`, which runs those regardless — they then fail if the files are
/// missing — and makes `RealPanelTests` fail with the folders searched, so CI never passes on the
/// slices alone.
public enum RealPanel {
    public static let fileNames = [
        "base_llm_benchmark_eval.csv", "base_llm_post_training_eval.csv",
        "base_llm_emergent_capability_eval.csv",
    ]

    /// The folders searched, in order.
    public static var candidates: [URL] {
        let environment = ProcessInfo.processInfo.environment
        var folders: [URL] = []
        // An explicit folder is the only candidate, before the slices (`OBSSCALE_DATA_DIR=/nonexistent`
        // shows what a fresh clone without the data runs).
        if let folder = environment["OBSSCALE_DATA_DIR"], !folder.isEmpty { return [URL(fileURLWithPath: folder)] }
        if let panel = environment["OBSSCALE_PANEL"], !panel.isEmpty {
            folders.append(URL(fileURLWithPath: panel).deletingLastPathComponent())
        }
        folders.append(TestPaths.root.appendingPathComponent("data/obsscaling"))
        return folders
    }

    /// The first folder holding every public file, or nil.
    public static let directory: URL? = candidates.first { folder in
        fileNames.allSatisfy { FileManager.default.fileExists(atPath: folder.appendingPathComponent($0).path) }
    }

    /// The committed slices of the public files (`Tests/Fixtures/public-panel/`, made by its
    /// `make_slices.py`), read when `directory` is nil.
    public static let slices: URL = TestPaths.root.appendingPathComponent("Tests/Fixtures/public-panel")

    /// Set by CI: the tests of the published files must run (and fail when the files are missing).
    public static var isRequired: Bool {
        !(ProcessInfo.processInfo.environment["OBSSCALE_REQUIRE_REAL_PANEL"] ?? "").isEmpty
    }

    /// Whether the tests of the published files (`.realPanel`) run.
    public static var testsRun: Bool { directory != nil || isRequired }
}

/// The Open LLM Leaderboard exports (`open_llm_leaderboard_v1.csv`, `open_llm_leaderboard_v2.csv`,
/// `v1_v2_merged.csv`, MIT), read where they are: `$OBSSCALE_LEADERBOARD_DIR`, else the `oll`
/// folder beside the real public panel's folder (the workspace keeps `shared/data/obsscaling` and
/// `shared/data/oll` side by side; no slices of them are committed). Tests reading them carry
/// `.leaderboardExports`: skipped where the files are absent, run (and failing) when CI requires
/// the real data.
public enum LeaderboardExports {
    public static let fileNames = ["open_llm_leaderboard_v1.csv", "open_llm_leaderboard_v2.csv", "v1_v2_merged.csv"]

    public static var directory: URL {
        if let folder = ProcessInfo.processInfo.environment["OBSSCALE_LEADERBOARD_DIR"], !folder.isEmpty {
            return URL(fileURLWithPath: folder)
        }
        let panelFolder = RealPanel.directory ?? RealPanel.candidates[RealPanel.candidates.count - 1]
        return panelFolder.deletingLastPathComponent().appendingPathComponent("oll")
    }

    public static var v1: String { directory.appendingPathComponent(fileNames[0]).path }
    public static var v2: String { directory.appendingPathComponent(fileNames[1]).path }
    public static var merged: String { directory.appendingPathComponent(fileNames[2]).path }

    public static var present: Bool {
        fileNames.allSatisfy { FileManager.default.fileExists(atPath: directory.appendingPathComponent($0).path) }
    }
}

extension Trait where Self == ConditionTrait {
    /// Runs the test only when the leaderboard exports are found (or the real data is required by
    /// CI); otherwise it is reported as skipped with this reason.
    public static var leaderboardExports: Self {
        .enabled(
            if: LeaderboardExports.present || RealPanel.isRequired,
            "needs the Open LLM Leaderboard exports (set OBSSCALE_LEADERBOARD_DIR, or keep them in 'oll' beside the public panel's folder)")
    }

    /// Runs the test only when the published public panel files are found (or required by CI);
    /// otherwise it is reported as skipped with this reason. Only for tests that need the files
    /// themselves (e.g. their checksums): the others read `TestPaths.sharedData`, which falls back
    /// to the committed slices.
    public static var realPanel: Self {
        .enabled(
            if: RealPanel.testsRun,
            "needs the published public panel files, not the committed slices (fetch them with `obsscale data fetch`, or set OBSSCALE_DATA_DIR)")
    }
}

/// A JSON fixture decoded into `T`, a `Decodable` struct with the keys the tests read: a missing
/// file, or a key that is missing or of another type, throws an error naming it (`DecodingError`
/// gives the key's path), so the tests that read it fail with that message — where a dictionary
/// tree read with `as?` and empty defaults would index an empty array and trap, ending the run.
/// Keep the result in a `static let … = Result { try decodeFixture(…) }` and read it with
/// `try ….get()` in each test: parsed once, and a failure stays one test's failure.
public func decodeFixture<T: Decodable>(_ type: T.Type, _ url: URL) throws -> T {
    let data: Data
    do {
        data = try Data(contentsOf: url)
    } catch {
        throw FixtureError(message: "cannot read the fixture \(url.path): \(error)")
    }
    do {
        return try JSONDecoder().decode(T.self, from: data)
    } catch let error as DecodingError {
        throw FixtureError(message: "fixture \(url.lastPathComponent): \(describe(error))")
    }
}

/// Why a fixture could not be read, with the file and the key.
public struct FixtureError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

/// A `DecodingError` in one line: what went wrong and at which key path.
func describe(_ error: DecodingError) -> String {
    func path(_ keys: [any CodingKey]) -> String {
        keys.isEmpty ? "the top level" : keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
    }
    switch error {
    case let .keyNotFound(key, context): return "missing key '\(key.stringValue)' at \(path(context.codingPath))"
    case let .typeMismatch(type, context): return "expected \(type) at \(path(context.codingPath)): \(context.debugDescription)"
    case let .valueNotFound(type, context): return "null where \(type) is expected at \(path(context.codingPath))"
    case let .dataCorrupted(context): return "\(context.debugDescription) at \(path(context.codingPath))"
    @unknown default: return "\(error)"
    }
}

/// A fixture number that may be `null` (the reference scripts write NaN as null): NaN then.
public struct FixtureNumber: Decodable, Sendable, Equatable {
    public let value: Double

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        value = container.decodeNil() ? .nan : try container.decode(Double.self)
    }
}

extension Array where Element == FixtureNumber {
    /// The numbers, NaN for null.
    public var values: [Double] { map(\.value) }
}

/// Decodes a JSON fixture into a dictionary tree.
public func loadJSON(_ url: URL) throws -> [String: Any] {
    try loadJSON(data: try Data(contentsOf: url))
}

/// A JSON object from bytes.
public func loadJSON(data: Data) throws -> [String: Any] {
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

/// The description of the error `body` throws ("no error" when it throws none).
public func errorMessage(_ body: () throws -> Void) -> String {
    do {
        try body()
        return "no error"
    } catch {
        return "\(error)"
    }
}

/// The result of running the CLI.
public struct CommandResult {
    public let status: Int32
    public let stdout: String
    public let stderr: String
}

/// The `obsscale` executable the CLI tests run: the one in the build folder of the running test
/// bundle. CLITests depends on the `obsscale` target, so the build that made these tests
/// (`swift build --build-tests`, `swift test`) also relinked that executable — whatever the
/// configuration or `--scratch-path` — and a stale binary from another build is never picked up.
/// `$OBSSCALE_BIN` overrides it (e.g. to test an installed copy).
public let obsscaleBinary: String = {
    if let override = ProcessInfo.processInfo.environment["OBSSCALE_BIN"], !override.isEmpty { return override }
    let testBundle = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    var folder = testBundle.deletingLastPathComponent()
    // On Linux the runner is `<build>/obsscalePackageTests.xctest`; on macOS it sits inside
    // `<build>/obsscalePackageTests.xctest/Contents/MacOS/`.
    while folder.path != "/" && !FileManager.default.isExecutableFile(atPath: folder.appendingPathComponent("obsscale").path) {
        folder = folder.deletingLastPathComponent()
    }
    let binary = folder.appendingPathComponent("obsscale").path
    precondition(
        FileManager.default.isExecutableFile(atPath: binary),
        "no obsscale executable beside the test bundle \(testBundle.path); build with `swift build --build-tests`")
    return binary
}()

/// Runs the `obsscale` executable of this build (`obsscaleBinary`) with the test process's
/// environment plus `environment`, less `unsetting` (e.g. a job array's variables, so a test
/// behaves the same when the suite itself runs in one).
public func runCLI(
    _ arguments: [String], environment: [String: String] = [:], unsetting: [String] = [], directory: URL? = nil
) throws -> CommandResult {
    try runProcess(obsscaleBinary, arguments, environment: environment, unsetting: unsetting, directory: directory)
}

/// Runs any executable (e.g. `make`, or an installed copy of obsscale) the way `runCLI` does.
public func runProcess(
    _ binary: String, _ arguments: [String], environment: [String: String] = [:], unsetting: [String] = [], directory: URL? = nil
) throws
    -> CommandResult
{
    let process = Process()
    process.executableURL = URL(fileURLWithPath: binary)
    process.arguments = arguments
    var env = ProcessInfo.processInfo.environment
    env.removeValue(forKey: "OBSSCALE_PANEL")
    for name in unsetting { env.removeValue(forKey: name) }
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
    return CommandResult(
        status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
        stderr: String(decoding: errData, as: UTF8.self))
}
