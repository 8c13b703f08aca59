import Foundation

/// How a user's files are laid out: the field delimiter and the names of the identity columns.
///
/// Nothing has to be given for the paper's files. Otherwise the delimiter is detected from the
/// header line (the most frequent of comma, tab and semicolon outside quotes), and each identity
/// column is found by, in order: the name given here; the canonical name (`Model`, `Model
/// Family`, `Model Size (B)`, `Pretraining Data Size (T)`, `FLOPs (1E21)`) in any letter case;
/// a common alias (`model_name`, `family`, `params`, `tokens (T)`, `flops`, …). Every guess is
/// reported (`Panel.notes`). Only `Model` and `Model Family` are required; a command that needs
/// FLOPs or sizes says so when they are missing.
public struct PanelFormat: Codable, Equatable, Sendable {
    /// "," , "\t" or ";" (nil: detect).
    public var delimiter: String?
    public var modelColumn: String?
    public var familyColumn: String?
    public var sizeColumn: String?
    public var tokensColumn: String?
    public var flopsColumn: String?
    /// The panel's column of release dates (`ReleaseDate`), read into `ModelInfo.releaseDate` for a
    /// date split; nil: none is read (only a column named here is, never a guessed one).
    public var dateColumn: String?

    public init(
        delimiter: String? = nil, modelColumn: String? = nil, familyColumn: String? = nil, sizeColumn: String? = nil,
        tokensColumn: String? = nil, flopsColumn: String? = nil, dateColumn: String? = nil
    ) {
        self.dateColumn = dateColumn
        self.delimiter = delimiter
        self.modelColumn = modelColumn
        self.familyColumn = familyColumn
        self.sizeColumn = sizeColumn
        self.tokensColumn = tokensColumn
        self.flopsColumn = flopsColumn
    }

    /// The identity columns.
    public enum Role: String, CaseIterable, Sendable {
        case model, family, size, tokens, flops

        /// The name in the paper's files.
        public var canonicalName: String {
            switch self {
            case .model: return "Model"
            case .family: return "Model Family"
            case .size: return "Model Size (B)"
            case .tokens: return "Pretraining Data Size (T)"
            case .flops: return "FLOPs (1E21)"
            }
        }

        /// The setting that names it.
        public var setting: Setting {
            switch self {
            case .model: return .formatModelColumn
            case .family: return .formatFamilyColumn
            case .size: return .formatSizeColumn
            case .tokens: return .formatTokensColumn
            case .flops: return .formatFlopsColumn
            }
        }

        /// Other names it goes by (compared in lower case, spaces and underscores alike).
        public var aliases: [String] {
            switch self {
            case .model: return ["model", "model name", "name", "model id"]
            case .family: return ["model family", "family"]
            case .size: return ["model size (b)", "params", "params (b)", "size", "size (b)", "n params (b)", "parameters (b)", "parameters"]
            case .tokens: return ["pretraining data size (t)", "tokens (t)", "tokens", "data size (t)"]
            case .flops: return ["flops (1e21)", "flops", "compute (1e21)", "flops (1e21 flops)"]
            }
        }
    }

    func explicitName(_ role: Role) -> String? {
        switch role {
        case .model: return modelColumn
        case .family: return familyColumn
        case .size: return sizeColumn
        case .tokens: return tokensColumn
        case .flops: return flopsColumn
        }
    }

    /// Lower case, underscores as spaces, runs of spaces as one, no leading or trailing space.
    /// ASCII names (the usual case) are rewritten byte by byte; others through `lowercased()`.
    static func normalized(_ name: String) -> String {
        let utf8 = name.utf8
        guard utf8.allSatisfy({ $0 < 0x80 }) else {
            return name.lowercased().split(whereSeparator: { $0 == " " || $0 == "_" }).joined(separator: " ")
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count)
        var pendingSpace = false
        for byte in utf8 {
            if byte == 0x20 || byte == 0x5F {  // space, underscore
                pendingSpace = !bytes.isEmpty
                continue
            }
            if pendingSpace { bytes.append(0x20) }
            pendingSpace = false
            bytes.append(byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The header index of each role of `roles` found, and a note for each one that was guessed.
    /// - Parameter required: roles whose absence is an error (naming the option that sets it).
    /// Cost: O(header) per role, each name normalized once.
    func resolve(
        header: [String], path: String, required: [Role], roles: [Role] = Role.allCases
    ) throws -> (indices: [Role: Int], notes: [String]) {
        var indices: [Role: Int] = [:]
        var notes: [String] = []
        var taken = Set<Int>()
        var normalizedHeader: [String]?
        func normalizedNames() -> [String] {
            if let normalizedHeader { return normalizedHeader }
            let names = header.map(Self.normalized)
            normalizedHeader = names
            return names
        }
        for role in roles {
            if let name = explicitName(role) {
                let wanted = Self.normalized(name)
                guard let index = header.firstIndex(of: name) ?? normalizedNames().firstIndex(of: wanted) else {
                    throw DataError.missingColumn(path: path, column: name, suggestions: Suggestions.closeMatches(to: name, in: header))
                }
                indices[role] = index
                taken.insert(index)
                continue
            }
            if let index = header.firstIndex(of: role.canonicalName), !taken.contains(index) {
                indices[role] = index
                taken.insert(index)
                continue
            }
            let candidates = role.aliases
            let names = normalizedNames()
            if let index = header.indices.first(where: { !taken.contains($0) && candidates.contains(names[$0]) }) {
                indices[role] = index
                taken.insert(index)
                notes.append("\(path): using column '\(header[index])' as \(role.canonicalName)")
            }
        }
        for role in required where indices[role] == nil {
            throw DataError.missingRoleColumn(
                path: path, column: role.canonicalName, setting: role.setting,
                suggestions: Suggestions.closeMatches(to: role.canonicalName, in: header))
        }
        return (indices, notes)
    }
}
