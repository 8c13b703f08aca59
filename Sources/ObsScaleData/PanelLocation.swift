import Foundation

/// The panel (and downstream files) a command will read.
public struct PanelLocation: Equatable, Sendable {
    public var panelPath: String
    /// The companion files beside the panel, then the files named (each once).
    public var downstreamPaths: [String]
    /// The companion files among `downstreamPaths` (read as a command needs them).
    public var companionPaths: [String]
    /// A one-line notice for stderr when a default was used (nil when the user named the panel).
    public var notice: SettingText?

    /// Companion downstream files picked up beside a panel (in addition to any named ones).
    public static let companionFiles = [
        "base_llm_post_training_eval.csv", "base_llm_emergent_capability_eval.csv",
        "targets.csv",
    ]

    /// Resolves the panel: the named file, then `$OBSSCALE_PANEL`, then the fetched
    /// `data/obsscaling/base_llm_benchmark_eval.csv`, then the shipped synthetic panel (with a notice).
    /// Known companion files in the panel's folder are joined besides the named downstream files,
    /// unless `companions` is false.
    public static func resolve(
        panel: String?, downstream: [String], companions: Bool = true,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        roots: [URL]? = nil
    ) throws -> PanelLocation {
        let roots = roots ?? ProjectPaths.roots(environment: environment)
        var notice: SettingText?
        let panelPath: String
        if let panel {
            panelPath = panel
        } else if let fromEnvironment = environment["OBSSCALE_PANEL"], !fromEnvironment.isEmpty {
            panelPath = fromEnvironment
        } else if let fetched = ProjectPaths.find("data/obsscaling/base_llm_benchmark_eval.csv", roots: roots) {
            panelPath = fetched
        } else if let synthetic = ProjectPaths.find("data/synthetic/panel.csv", roots: roots) {
            panelPath = synthetic
            notice =
                "obsscale: no \(Setting.panelPath) given and the public panel is not fetched; using the synthetic panel \(synthetic) (for real "
                + "data run `obsscale data fetch`, pass \(Setting.panelPath) or set $OBSSCALE_PANEL)"
        } else {
            throw DataError.defaultPanelNotFound(path: "data/synthetic/panel.csv")
        }
        var companionPaths: [String] = []
        if companions {
            let folder = URL(fileURLWithPath: panelPath).deletingLastPathComponent()
            companionPaths = companionFiles.map { folder.appendingPathComponent($0).path }
                .filter { FileManager.default.fileExists(atPath: $0) && !sameFile($0, panelPath) }
        }
        // A named file that is a companion is read once, as a named file.
        companionPaths.removeAll { companion in downstream.contains { sameFile($0, companion) } }
        return PanelLocation(panelPath: panelPath, downstreamPaths: companionPaths + downstream, companionPaths: companionPaths, notice: notice)
    }

    /// Whether two paths name the same file (after resolving `.`, `..` and symbolic links).
    static func sameFile(_ a: String, _ b: String) -> Bool {
        a == b || URL(fileURLWithPath: a).resolvingSymlinksInPath().path == URL(fileURLWithPath: b).resolvingSymlinksInPath().path
    }
}
