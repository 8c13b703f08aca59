import Foundation

/// The panel (and downstream files) a command will read.
public struct PanelLocation: Equatable, Sendable {
    public var panelPath: String
    public var downstreamPaths: [String]
    /// A one-line notice for stderr when a default was used (nil when the user named the panel).
    public var notice: String?

    /// Companion downstream files picked up beside a panel when no `--downstream` is given.
    public static let companionFiles = [
        "base_llm_post_training_eval.csv", "base_llm_emergent_capability_eval.csv",
        "targets.csv",
    ]

    /// Resolves the panel: the named file, then `$OBSSCALE_PANEL`, then the fetched
    /// `data/obsscaling/base_llm_benchmark_eval.csv`, then the shipped synthetic panel (with a notice).
    /// When no downstream file is named, known companion files in the panel's folder are joined.
    public static func resolve(
        panel: String?, downstream: [String],
        environment: [String: String] = ProcessInfo.processInfo.environment,
        roots: [URL]? = nil
    ) throws -> PanelLocation {
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
            notice =
                "obsscale: no \(Setting.panelPath) given and the public panel is not fetched; using the synthetic panel \(synthetic) (for real data run `obsscale data fetch`, pass \(Setting.panelPath) or set $OBSSCALE_PANEL)"
        } else {
            throw DataError.fileNotFound(
                path: "data/synthetic/panel.csv (no \(Setting.panelPath) given, $OBSSCALE_PANEL unset, public panel not fetched)")
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
