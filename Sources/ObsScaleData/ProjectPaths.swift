import Foundation

/// Where obsscale looks for its shipped files (`data/presets`, `data/synthetic`) and for the
/// fetched public panel (`data/obsscaling`) (docs/architecture.md, "Data files").
public enum ProjectPaths {
    /// Candidate project roots, in order: `$OBSSCALE_HOME`, the current directory, and — when the
    /// caller names its executable — `PREFIX/share/obsscale` beside an installed `PREFIX/bin`,
    /// then the executable's folder and its ancestors (so `.build/debug/obsscale` finds the
    /// checkout). The library never looks for its own executable: a command-line front end
    /// passes its path (`obsscale` reads `/proc/self/exe`, else `Bundle.main.executablePath`).
    public static func roots(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        executablePath: String? = nil
    ) -> [URL] {
        var result: [URL] = []
        if let home = environment["OBSSCALE_HOME"], !home.isEmpty { result.append(URL(fileURLWithPath: home)) }
        result.append(URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        if let executablePath {
            let folder = URL(fileURLWithPath: executablePath).resolvingSymlinksInPath().deletingLastPathComponent()
            // An installed binary (`make install`): PREFIX/bin/obsscale with PREFIX/share/obsscale/data.
            result.append(folder.deletingLastPathComponent().appendingPathComponent("share/obsscale"))
            var directory = folder
            for _ in 0..<6 {
                result.append(directory)
                directory = directory.deletingLastPathComponent()
            }
        }
        var seen = Set<String>()
        return result.filter { seen.insert($0.standardizedFileURL.path).inserted }
    }

    /// The first root that holds `relativePath`, as a full path.
    public static func find(_ relativePath: String, roots: [URL] = roots()) -> String? {
        roots.map { $0.appendingPathComponent(relativePath).path }.first { FileManager.default.fileExists(atPath: $0) }
    }
}
