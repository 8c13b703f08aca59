import Foundation
import ObsScaleData

/// The envelope of every `--json` output: a versioned schema, the command, the options that
/// produced it, and the result. Keys are sorted so outputs diff cleanly; non-finite numbers are
/// written as the strings "NaN", "Infinity", "-Infinity".
public struct JSONReport<Options: Encodable, Result: Encodable>: Encodable {
    /// Bumped whenever a field changes meaning or disappears.
    public static var currentSchemaVersion: Int { 1 }

    public let schemaVersion: Int
    public let command: String
    public let tool: String
    public let options: Options
    public let result: Result

    public init(command: String, options: Options, result: Result) {
        self.schemaVersion = Self.currentSchemaVersion
        self.command = command
        self.tool = "obsscale \(obsscaleVersion)"
        self.options = options
        self.result = result
    }

    /// Encoded bytes (pretty-printed, sorted keys).
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity",
                                                                      negativeInfinity: "-Infinity", nan: "NaN")
        return try encoder.encode(self)
    }

    /// Writes the report atomically (DESIGN §6).
    public func write(to path: String) throws {
        try AtomicFile.write(try encoded(), to: path)
    }
}

/// The tool's version string.
public let obsscaleVersion = "0.1.0"
