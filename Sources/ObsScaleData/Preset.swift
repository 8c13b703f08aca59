import Foundation

/// A named, shipped model set (`data/presets/NAME.json`), e.g. the paper's `paper-2024`.
public struct Preset: Codable, Equatable, Sendable {
    public var name: String
    public var description: String
    /// Families to keep.
    public var families: [String]
    /// Models to drop (absent models are ignored, so presets work on other panel releases).
    public var excludeModels: [String]

    /// Loads a preset by name (searching `data/presets/` under the project roots) or by file path.
    public static func load(_ nameOrPath: String, roots: [URL] = ProjectPaths.roots()) throws -> Preset {
        var candidates: [String] = []
        if nameOrPath.hasSuffix(".json") || nameOrPath.contains("/") { candidates.append(nameOrPath) }
        candidates += roots.map { $0.appendingPathComponent("data/presets/\(nameOrPath).json").path }
        guard let path = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
            let available = Set(
                roots.flatMap { root in
                    ((try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("data/presets").path)) ?? [])
                        .filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }
                }
            ).sorted()
            if !available.isEmpty && !nameOrPath.contains("/") && !nameOrPath.hasSuffix(".json") {
                throw DataError.unknownPreset(
                    name: nameOrPath, available: available, suggestions: Suggestions.closeMatches(to: nameOrPath, in: available))
            }
            throw DataError.presetNotFound(name: nameOrPath, searched: candidates)
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DataError.unreadableFile(path: path, reason: "cannot read")
        }
        do {
            return try JSONDecoder().decode(Preset.self, from: data)
        } catch {
            throw DataError.invalidPreset(path: path, reason: "\(error)")
        }
    }

    /// The filter this preset stands for.
    public var filter: ModelFilter { ModelFilter(families: families, excludeModels: excludeModels) }
}
