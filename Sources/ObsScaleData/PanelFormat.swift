import Foundation

/// How a user's files are laid out and how to read what leaderboard exports hold.
///
/// Nothing has to be given for the paper's files. Otherwise the delimiter is detected from the
/// header line (the most frequent of comma, tab and semicolon outside quotes), and each identity
/// column is found by, in order: the name given here; the canonical name (`Model`, `Model
/// Family`, `Model Size (B)`, `Pretraining Data Size (T)`, `FLOPs (1E21)`) in any letter case;
/// a common alias (`model_name`, `family`, `params_b`, `#Params (B)`, `tokens_t`, `flops`, …).
/// Every guess is reported (`Panel.notes`). Only `Model` is required, and `Model Family` unless
/// `familyFrom` derives families; a command that needs FLOPs or sizes says so when they are
/// missing.
///
/// Leaderboard exports (one row per submission, no family column, percent scores, a `Flagged`
/// column) load with `duplicates`, `familyFrom`, `scoreScale` and the exclusion settings; see
/// `Panel.load` for what each does.
public struct PanelFormat: Codable, Equatable, Sendable {
    /// "," , "\t" or ";" (nil: detect).
    public var delimiter: String?
    public var modelColumn: String?
    public var familyColumn: String?
    public var sizeColumn: String?
    public var tokensColumn: String?
    public var flopsColumn: String?
    /// What to do with a model name on several rows (default: refuse).
    public var duplicates: DuplicatePolicy = .error
    /// Families from the model names: for a file without a family column, and for the empty
    /// cells of one (nil: a family column with every cell filled is required).
    public var familyFrom: FamilySource?
    /// The scale of benchmark and target scores in the files (default: fractions in [0, 1]).
    public var scoreScale: ScoreScale = .fraction
    /// Rows where one of these true/false columns is true are left out.
    public var excludeWhereTrue: [String] = []
    /// Rows where one of these true/false columns is false are left out.
    public var excludeWhereFalse: [String] = []
    /// Keep the rows a `Flagged` column marks (by default they are left out, with a note, unless
    /// the column is named in `excludeWhereTrue` or `excludeWhereFalse`).
    public var keepsFlaggedRows = false
    /// The panel's column of release dates (`ReleaseDate`), read into `ModelInfo.releaseDate` for a
    /// date split; nil: none is read (only a column named here is, never a guessed one).
    public var dateColumn: String?

    public init(
        delimiter: String? = nil, modelColumn: String? = nil, familyColumn: String? = nil, sizeColumn: String? = nil,
        tokensColumn: String? = nil, flopsColumn: String? = nil, duplicates: DuplicatePolicy = .error, familyFrom: FamilySource? = nil,
        scoreScale: ScoreScale = .fraction, excludeWhereTrue: [String] = [], excludeWhereFalse: [String] = [], keepsFlaggedRows: Bool = false,
        dateColumn: String? = nil
    ) {
        self.dateColumn = dateColumn
        self.delimiter = delimiter
        self.modelColumn = modelColumn
        self.familyColumn = familyColumn
        self.sizeColumn = sizeColumn
        self.tokensColumn = tokensColumn
        self.flopsColumn = flopsColumn
        self.duplicates = duplicates
        self.familyFrom = familyFrom
        self.scoreScale = scoreScale
        self.excludeWhereTrue = excludeWhereTrue
        self.excludeWhereFalse = excludeWhereFalse
        self.keepsFlaggedRows = keepsFlaggedRows
    }

    enum CodingKeys: String, CodingKey {
        case delimiter, modelColumn, familyColumn, sizeColumn, tokensColumn, flopsColumn, duplicates, familyFrom, scoreScale
        case excludeWhereTrue, excludeWhereFalse, keepsFlaggedRows, dateColumn
    }

    /// Reads reports written before the leaderboard settings existed (their defaults).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        delimiter = try container.decodeIfPresent(String.self, forKey: .delimiter)
        modelColumn = try container.decodeIfPresent(String.self, forKey: .modelColumn)
        familyColumn = try container.decodeIfPresent(String.self, forKey: .familyColumn)
        sizeColumn = try container.decodeIfPresent(String.self, forKey: .sizeColumn)
        tokensColumn = try container.decodeIfPresent(String.self, forKey: .tokensColumn)
        flopsColumn = try container.decodeIfPresent(String.self, forKey: .flopsColumn)
        duplicates = try container.decodeIfPresent(DuplicatePolicy.self, forKey: .duplicates) ?? .error
        familyFrom = try container.decodeIfPresent(FamilySource.self, forKey: .familyFrom)
        scoreScale = try container.decodeIfPresent(ScoreScale.self, forKey: .scoreScale) ?? .fraction
        excludeWhereTrue = try container.decodeIfPresent([String].self, forKey: .excludeWhereTrue) ?? []
        excludeWhereFalse = try container.decodeIfPresent([String].self, forKey: .excludeWhereFalse) ?? []
        keepsFlaggedRows = try container.decodeIfPresent(Bool.self, forKey: .keepsFlaggedRows) ?? false
        dateColumn = try container.decodeIfPresent(String.self, forKey: .dateColumn)
    }

    /// Writes only what differs from the defaults (`{}` for the paper's layout), so reports of
    /// ordinary runs keep their shape.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(delimiter, forKey: .delimiter)
        try container.encodeIfPresent(modelColumn, forKey: .modelColumn)
        try container.encodeIfPresent(familyColumn, forKey: .familyColumn)
        try container.encodeIfPresent(sizeColumn, forKey: .sizeColumn)
        try container.encodeIfPresent(tokensColumn, forKey: .tokensColumn)
        try container.encodeIfPresent(flopsColumn, forKey: .flopsColumn)
        if duplicates != .error { try container.encode(duplicates, forKey: .duplicates) }
        try container.encodeIfPresent(familyFrom, forKey: .familyFrom)
        if scoreScale != .fraction { try container.encode(scoreScale, forKey: .scoreScale) }
        if !excludeWhereTrue.isEmpty { try container.encode(excludeWhereTrue, forKey: .excludeWhereTrue) }
        if !excludeWhereFalse.isEmpty { try container.encode(excludeWhereFalse, forKey: .excludeWhereFalse) }
        try container.encodeIfPresent(dateColumn, forKey: .dateColumn)
        if keepsFlaggedRows { try container.encode(keepsFlaggedRows, forKey: .keepsFlaggedRows) }
    }

    /// What to do with a model name that appears on several rows (a leaderboard has one row per
    /// submission: precision, revision).
    public enum DuplicatePolicy: String, Codable, CaseIterable, Sendable {
        /// Refuse the file, naming the first repeat and how many names repeat.
        case error
        /// Keep the first row of each name (a leaderboard sorted by score keeps the best one).
        case first
        /// Keep the last row of each name.
        case last
        /// Average each number over the name's rows that have it (family: the first row's).
        case mean
    }

    /// Where families come from when the file has none for a model.
    public enum FamilySource: String, Codable, CaseIterable, Sendable {
        /// The organisation: the part of the name before the first `/` (`meta-llama/Llama-2-7b`
        /// → `meta-llama`); a name without `/` is its own family.
        case org
        /// Each model is its own family (select by single models, not families).
        case model

        /// The family of `model` under this rule.
        public func family(of model: String) -> String {
            switch self {
            case .model: return model
            case .org:
                guard let slash = model.firstIndex(of: "/"), slash != model.startIndex else { return model }
                return String(model[..<slash])
            }
        }
    }

    /// The scale benchmark and target scores are written on.
    public enum ScoreScale: String, Codable, CaseIterable, Sendable {
        /// Fractions in [0, 1] (the paper's files).
        case fraction
        /// Percentages in [0, 100] (leaderboards): read as value / 100.
        case percent
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
            case .size:
                return [
                    "model size (b)", "#params (b)", "params b", "params (b)", "size b", "size (b)", "n params (b)", "parameters (b)",
                    "params", "size", "parameters", "model size",
                ]
            case .tokens: return ["pretraining data size (t)", "tokens t", "tokens (t)", "data size (t)", "training tokens (t)", "tokens"]
            case .flops: return ["flops (1e21)", "flops", "compute (1e21)", "flops (1e21 flops)", "flops 1e21"]
            }
        }
    }

    /// The leaderboards' and other common names of the paper's benchmarks, normalized
    /// (`normalized`): `ARC` → `ARC-C`, `Winogrande` → `Winograd`, `arc_c`, `human_eval`, ….
    static let benchmarkAliases: [String: String] = {
        var aliases: [String: String] = [:]
        for name in Panel.standardBenchmarks { aliases[normalized(name)] = name }
        for (alias, name) in [
            ("arc", "ARC-C"), ("arc c", "ARC-C"), ("arc challenge", "ARC-C"), ("arc-challenge", "ARC-C"), ("winogrande", "Winograd"),
            ("truthful qa", "TruthfulQA"), ("hella swag", "HellaSwag"), ("human eval", "HumanEval"), ("gsm 8k", "GSM8K"),
            ("x winograd", "XWinograd"),
        ] {
            aliases[alias] = name
        }
        return aliases
    }()

    /// The paper's benchmark a column header names, if any (canonical name, alias, any case).
    static func standardBenchmark(forHeader header: String) -> String? {
        benchmarkAliases[normalized(header)]
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
    ) throws -> (indices: [Role: Int], notes: [SettingText]) {
        var indices: [Role: Int] = [:]
        var notes: [SettingText] = []
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
        // Suggestions among the columns no other role took (a missing family column is not 'Model').
        let free = header.indices.filter { !taken.contains($0) }.map { header[$0] }
        for role in required where indices[role] == nil {
            let suggestions = Suggestions.closeMatches(to: role.canonicalName, in: free)
            if role == .family { throw DataError.missingFamilyColumn(path: path, suggestions: suggestions) }
            throw DataError.missingRoleColumn(path: path, column: role.canonicalName, setting: role.setting, suggestions: suggestions)
        }
        return (indices, notes)
    }
}
