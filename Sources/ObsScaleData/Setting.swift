/// A setting of the library as error messages name it: a property of a settings type or an
/// argument of a function, written `Owner.name` — `PCA.componentCount`, `Selection.budgets`.
///
/// Errors, notes and notices about settings carry the `Setting` itself, not its name: a message is
/// rendered with a naming function (`InputError.message(naming:)`, `SettingText.message(naming:)`)
/// that spells each setting. Their `description` spells it in Swift terms, so a library user reads
/// what to change in their code; the `obsscale` command line spells it as the flag that sets it
/// (`PCA.componentCount` → `--components`). Each layer declares its settings next to its errors
/// (e.g. `Setting.pcaComponentCount` in ObsScaleFit).
public struct Setting: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The type or function that owns the setting, e.g. `PCA` or `Selection`.
    public let owner: String
    /// The property or argument, e.g. `componentCount`.
    public let name: String

    public init(owner: String, name: String) {
        self.owner = owner
        self.name = name
    }

    /// A setting of a type: the owner is the type's name, so it cannot drift from the code.
    public init<Owner>(_ owner: Owner.Type, _ name: String) {
        self.init(owner: String(describing: owner), name: name)
    }

    /// `Owner.name`.
    public var description: String { "\(owner).\(name)" }
}

/// An error in what the user supplied — a data file, a setting, a combination of settings —
/// as opposed to a failure of the computation. Its message names the file, line, column, value
/// or setting and what is allowed. Every layer's error type conforms (`DataError`, `FitError`,
/// `SelectionError`, `EvaluationError`, …), so a front end can report them all alike (the command
/// line: one line on stderr, exit code 64).
public protocol InputError: Error, CustomStringConvertible, Sendable {
    /// The message, with every setting it names spelled by `name` (the command line passes the
    /// flag that sets it).
    func message(naming name: (Setting) -> String) -> String
}

extension InputError {
    /// The message with settings in Swift terms (`PCA.componentCount`).
    public var description: String { message(naming: \.description) }
}

/// Text that names settings — a part of a message (what is allowed, why), a note or a notice —
/// with each setting kept as a `Setting` until the text is read, so every reader spells it its own
/// way. Written as a string literal with settings interpolated: `"lower \(Setting.maxFamilies)"`.
public struct SettingText: Hashable, Sendable, CustomStringConvertible, ExpressibleByStringInterpolation {
    /// A run of literal text, or a setting.
    public enum Piece: Hashable, Sendable {
        case text(String)
        case setting(Setting)
    }

    /// The pieces in order; adjacent runs of text are one piece, so equal texts have equal pieces.
    public private(set) var pieces: [Piece] = []

    /// Text that names no setting.
    public init(_ text: String) {
        append(.text(text))
    }

    public init(stringLiteral value: String) {
        self.init(value)
    }

    public init(stringInterpolation: StringInterpolation) {
        pieces = stringInterpolation.text.pieces
    }

    /// The text with every setting spelled by `name`.
    public func message(naming name: (Setting) -> String) -> String {
        pieces.map { piece in
            switch piece {
            case let .text(text): return text
            case let .setting(setting): return name(setting)
            }
        }.joined()
    }

    /// The text with settings in Swift terms (`PCA.componentCount`).
    public var description: String { message(naming: \.description) }

    /// Text recorded with its settings in Swift terms — a failure reason or a note stored as a
    /// plain string in a JSON report — read back with each `Owner.name` (an owner of dotted words
    /// starting upper-case, `SelectionProblem.Constraints` or `JSONReport.write`, then a dot and a
    /// lower-case word, standing alone) typed again as a setting. A word pair that is no
    /// setting renders as it was under any naming that spells unknown settings by their Swift
    /// names. O(length of the text).
    public init(recorded text: String) {
        var rest = Substring(text)
        while let match = rest.firstMatch(of: /([A-Z][A-Za-z0-9]*(?:\.[A-Za-z][A-Za-z0-9]*)*)\.([a-z][A-Za-z0-9]*)/) {
            let before = rest[..<match.range.lowerBound]
            let after = rest[match.range.upperBound...]
            let standsAlone =
                !(before.last.map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "_" } ?? false)
                && !(after.first.map { $0.isLetter || $0.isNumber || $0 == "_" } ?? false)
            if standsAlone {
                append(.text(String(before)))
                append(.setting(Setting(owner: String(match.output.1), name: String(match.output.2))))
            } else {
                append(.text(String(rest[..<match.range.upperBound])))
            }
            rest = after
        }
        append(.text(String(rest)))
    }

    /// The two texts one after the other.
    public static func + (lhs: SettingText, rhs: SettingText) -> SettingText {
        var joined = lhs
        for piece in rhs.pieces { joined.append(piece) }
        return joined
    }

    mutating func append(_ piece: Piece) {
        switch (pieces.last, piece) {
        case (_, .text("")): return
        case let (.text(previous)?, .text(text)): pieces[pieces.count - 1] = .text(previous + text)
        default: pieces.append(piece)
        }
    }

    /// Builds a `SettingText` from a string literal: a `Setting` (or another `SettingText`)
    /// interpolated stays typed; any other value becomes its text.
    public struct StringInterpolation: StringInterpolationProtocol {
        var text = SettingText("")

        public init(literalCapacity: Int, interpolationCount: Int) {}

        public mutating func appendLiteral(_ literal: String) {
            text.append(.text(literal))
        }

        public mutating func appendInterpolation(_ setting: Setting) {
            text.append(.setting(setting))
        }

        public mutating func appendInterpolation(_ other: SettingText) {
            for piece in other.pieces { text.append(piece) }
        }

        public mutating func appendInterpolation<Value>(_ value: Value) {
            text.append(.text(String(describing: value)))
        }
    }
}

extension Setting {
    // The settings checked by this layer (ObsScaleData).
    public static let panelPath = Setting(PanelQuery.self, "panelPath")
    public static let panelBenchmarks = Setting(owner: "Panel", name: "capabilityColumns")
    public static let formatDelimiter = Setting(PanelFormat.self, "delimiter")
    public static let formatModelColumn = Setting(PanelFormat.self, "modelColumn")
    public static let formatFamilyColumn = Setting(PanelFormat.self, "familyColumn")
    public static let formatSizeColumn = Setting(PanelFormat.self, "sizeColumn")
    public static let formatTokensColumn = Setting(PanelFormat.self, "tokensColumn")
    public static let formatFlopsColumn = Setting(PanelFormat.self, "flopsColumn")
    public static let formatDateColumn = Setting(PanelFormat.self, "dateColumn")
    public static let formatDuplicates = Setting(PanelFormat.self, "duplicates")
    public static let formatFamilyFrom = Setting(PanelFormat.self, "familyFrom")
    public static let formatScoreScale = Setting(PanelFormat.self, "scoreScale")
    public static let formatExcludeWhereTrue = Setting(PanelFormat.self, "excludeWhereTrue")
    public static let formatExcludeWhereFalse = Setting(PanelFormat.self, "excludeWhereFalse")
    public static let formatKeepsFlaggedRows = Setting(PanelFormat.self, "keepsFlaggedRows")
    public static let querySkipsCompanions = Setting(PanelQuery.self, "skipsCompanions")
    public static let splitFlopsCutoff = Setting(owner: "SplitRule", name: "flopsCutoff")
    public static let splitSizeCutoff = Setting(owner: "SplitRule", name: "sizeCutoff")
    public static let splitDateCutoff = Setting(owner: "SplitRule", name: "dateCutoff")
    public static let splitMetricCutoff = Setting(owner: "SplitRule", name: "metricCutoff")
    public static let splitTop = Setting(owner: "SplitRule", name: "top")
    public static let splitTrain = Setting(owner: "SplitRule", name: "train")
    public static let modelListBudget = Setting(owner: "ModelList", name: "budget")
    public static let modelFilterMaxSize = Setting(ModelFilter.self, "maxSizeB")
    public static let simulationFamilyCount = Setting(SimulationSettings.self, "familyCount")
    public static let simulationModelsPerFamily = Setting(SimulationSettings.self, "modelsPerFamily")
    public static let simulationModelCount = Setting(SimulationSettings.self, "modelCount")
    public static let simulationMissingRate = Setting(SimulationSettings.self, "missingRate")
    public static let simulationCapabilityCount = Setting(SimulationSettings.self, "capabilityCount")
    public static let simulationPublicMetricCount = Setting(SimulationSettings.self, "publicMetricCount")
}
