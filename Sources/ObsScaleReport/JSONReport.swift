import Foundation
import ObsScaleData

/// The envelope of every `--json` output (docs/json.md): a versioned schema, the command, the
/// tool, the seed of any randomness (null when the command draws none), the options that produced
/// it, and the result, in obsscale's JSON conventions (`JSONCoding`: sorted keys, non-finite numbers
/// as "NaN", "Infinity", "-Infinity"). `decode(_:)` reads a report back.
public struct JSONReport<Options: Codable, Result: Codable>: Codable {
    /// Bumped whenever a field changes meaning or disappears.
    public static var currentSchemaVersion: Int { 1 }

    public let schemaVersion: Int
    public let command: String
    public let tool: String
    public let seed: UInt64?
    public let options: Options
    public let result: Result

    public init(command: String, seed: UInt64? = nil, options: Options, result: Result) {
        self.schemaVersion = Self.currentSchemaVersion
        self.command = command
        self.tool = "obsscale \(ObsScaleVersion.current)"
        self.seed = seed
        self.options = options
        self.result = result
    }

    enum CodingKeys: String, CodingKey {
        case schemaVersion, command, tool, seed, options, result
    }

    /// Writes `seed` as null rather than leaving it out, so every report has the key.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(schemaVersion, forKey: .schemaVersion)
        try container.encode(command, forKey: .command)
        try container.encode(tool, forKey: .tool)
        try container.encode(seed, forKey: .seed)
        try container.encode(options, forKey: .options)
        try container.encode(result, forKey: .result)
    }

    /// Reads a report written by `encoded()`.
    public static func decode(_ data: Data) throws -> JSONReport {
        try JSONCoding.decoder().decode(JSONReport.self, from: data)
    }

    /// Encoded bytes (pretty-printed, sorted keys).
    public func encoded() throws -> Data {
        try JSONCoding.encoder().encode(self)
    }
}
