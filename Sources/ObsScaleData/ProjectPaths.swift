import Foundation

/// Where obsscale looks for its shipped files (`data/presets`, `data/synthetic`) and for the
/// fetched public panel (`data/obsscaling`), and how the default panel is chosen (DESIGN §2.2).
public enum ProjectPaths {
    /// Candidate project roots, in order: `$OBSSCALE_HOME`, the current directory, and the
    /// ancestors of the running executable (so `.build/debug/obsscale` finds the checkout).
    public static func roots(environment: [String: String] = ProcessInfo.processInfo.environment) -> [URL] {
        var result: [URL] = []
        if let home = environment["OBSSCALE_HOME"], !home.isEmpty { result.append(URL(fileURLWithPath: home)) }
        result.append(URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        var directory = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath()
            .deletingLastPathComponent()
        for _ in 0..<6 {
            result.append(directory)
            directory = directory.deletingLastPathComponent()
        }
        var seen = Set<String>()
        return result.filter { seen.insert($0.standardizedFileURL.path).inserted }
    }

    /// The first root that holds `relativePath`, as a full path.
    public static func find(_ relativePath: String, roots: [URL] = roots()) -> String? {
        roots.map { $0.appendingPathComponent(relativePath).path }.first { FileManager.default.fileExists(atPath: $0) }
    }
}

/// The panel (and downstream files) a command will read.
public struct PanelLocation: Equatable, Sendable {
    public var panelPath: String
    public var downstreamPaths: [String]
    /// A one-line notice for stderr when a default was used (nil when the user named the panel).
    public var notice: String?

    /// Companion downstream files picked up beside a panel when no `--downstream` is given.
    public static let companionFiles = ["base_llm_post_training_eval.csv", "base_llm_emergent_capability_eval.csv",
                                        "targets.csv"]

    /// Resolves the panel per DESIGN §2.2: `--panel`, then `$OBSSCALE_PANEL`, then the fetched
    /// `data/obsscaling/base_llm_benchmark_eval.csv`, then the shipped synthetic panel (with a notice).
    /// When no downstream file is named, known companion files in the panel's folder are joined.
    public static func resolve(panel: String?, downstream: [String],
                               environment: [String: String] = ProcessInfo.processInfo.environment,
                               roots: [URL]? = nil) throws -> PanelLocation {
        let roots = roots ?? ProjectPaths.roots(environment: environment)
        var notice: String?
        let panelPath: String
        if let panel {
            panelPath = panel
        } else if let fromEnvironment = environment["OBSSCALE_PANEL"], !fromEnvironment.isEmpty {
            panelPath = fromEnvironment
        } else if let fetched = ProjectPaths.find("data/obsscaling/base_llm_benchmark_eval.csv", roots: roots) {
            panelPath = fetched
        } else if let synthetic = ProjectPaths.find("data/synthetic/panel.csv", roots: roots) {
            panelPath = synthetic
            notice = "obsscale: no --panel given and the public panel is not fetched; using the synthetic panel \(synthetic) (for real data run `obsscale data fetch`, pass --panel or set $OBSSCALE_PANEL)"
        } else {
            throw DataError.fileNotFound(path: "data/synthetic/panel.csv (no --panel given, $OBSSCALE_PANEL unset, public panel not fetched)")
        }
        var downstreamPaths = downstream
        if downstream.isEmpty {
            let folder = URL(fileURLWithPath: panelPath).deletingLastPathComponent()
            downstreamPaths = companionFiles.map { folder.appendingPathComponent($0).path }
                .filter { FileManager.default.fileExists(atPath: $0) && $0 != panelPath }
        }
        return PanelLocation(panelPath: panelPath, downstreamPaths: downstreamPaths, notice: notice)
    }
}

/// Writes files atomically: the bytes go to a temporary file in the same folder, which is then
/// renamed over the destination, so a reader (or a crash) sees the old file or the new one,
/// never a partial one.
public enum AtomicFile {
    public static func write(_ data: Data, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw DataError.unreadableFile(path: path, reason: "folder \(folder.path) does not exist")
        }
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).tmp-\(ProcessInfo.processInfo.processIdentifier)")
        do {
            // Written and flushed to disk before the rename, so the new name never points at a
            // partial file, even after a crash of the machine.
            guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
                throw DataError.unreadableFile(path: path, reason: "cannot create \(temporary.path)")
            }
            let handle = try FileHandle(forWritingTo: temporary)
            defer { try? handle.close() }
            try handle.write(contentsOf: data)
            try handle.synchronize()
        } catch let error as DataError {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw DataError.unreadableFile(path: path, reason: "cannot write: \(error.localizedDescription)")
        }
        guard rename(temporary.path, url.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw DataError.unreadableFile(path: path, reason: "cannot replace file: \(reason)")
        }
    }

    public static func write(_ text: String, to path: String) throws {
        try write(Data(text.utf8), to: path)
    }
}
