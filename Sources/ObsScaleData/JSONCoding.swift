import Foundation

/// The JSON conventions of every file obsscale writes and reads back — reports, parts of split
/// runs, saved laws, simulated worlds' truth: pretty-printed, keys sorted, slashes unescaped, and
/// non-finite numbers as the strings "NaN", "Infinity" and "-Infinity" (JSON has no literal for
/// them). Doubles are written in their shortest round-tripping form, so decoding and re-encoding
/// is byte-exact. One convention, so whatever obsscale writes it can read.
public enum JSONCoding {
    public static let nan = "NaN"
    public static let infinity = "Infinity"
    public static let negativeInfinity = "-Infinity"

    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: infinity, negativeInfinity: negativeInfinity, nan: nan)
        return encoder
    }

    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: infinity, negativeInfinity: negativeInfinity, nan: nan)
        return decoder
    }
}
