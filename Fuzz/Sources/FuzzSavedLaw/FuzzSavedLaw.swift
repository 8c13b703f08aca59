import Foundation
import FuzzSupport
import ObsScale

/// libFuzzer target: saved laws (`SavedLaw.decode`, the checks `predict --law` runs on a file) and
/// the predictions of any law that passes them (`SavedLaw.predict` on a small panel with the law's
/// benchmarks). The input's first byte picks how it is read:
/// - even: the rest is the file itself (libFuzzer mutates the committed seed laws' text);
/// - odd: the rest edits a valid law (Fuzz/Corpus/FuzzSavedLaw/seed-law.json, embedded below as
///   `baseLaw`) field by field — a number replaced by a stress value (`ByteReader.double`), an array
///   cut short or emptied, a string swapped for a benchmark name — which reaches the checks far
///   faster than text mutation.
/// A typed error (`DataError`, `FitError`) is fine; a trap, an out-of-bounds read (run under the
/// address sanitizer to see one), a hang, or a law that passes the checks and then predicts a
/// non-finite value or an inverted interval is a bug.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSavedLaw(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    var reader = ByteReader(data, size)
    let bytes: Data
    if reader.byte() % 2 == 0 {
        bytes = Data(reader.bytes.dropFirst())
    } else {
        guard var tree = try? JSONSerialization.jsonObject(with: baseLaw) else { return 0 }
        for _ in 0..<reader.int(in: 1...6) { tree = edit(tree, &reader) }
        guard let edited = try? JSONSerialization.data(withJSONObject: tree) else { return 0 }
        bytes = edited
    }
    guard let law = try? SavedLaw.decode(bytes, path: "fuzz.json") else { return 0 }
    predict(law, &reader)
    return 0
}

/// Applies one edit at a path the reader chooses (descending into objects and arrays).
func edit(_ node: Any, _ reader: inout ByteReader) -> Any {
    if var object = node as? [String: Any], !object.isEmpty, reader.int(in: 0...5) != 0 {
        let keys = object.keys.sorted()
        let key = keys[reader.int(in: 0...255) % keys.count]
        object[key] = edit(object[key] as Any, &reader)
        return object
    }
    if var array = node as? [Any], !array.isEmpty {
        switch reader.int(in: 0...5) {
        case 0: return Array(array.dropLast(1 + reader.int(in: 0...255) % array.count))
        case 1: return array + array.prefix(reader.int(in: 1...3))
        default:
            let index = reader.int(in: 0...255) % array.count
            array[index] = edit(array[index], &reader)
            return array
        }
    }
    switch node {
    case is String:
        return ["MMLU", "", "NaN", "Infinity", "sigmoid-floor", "linear", "\u{0}", "x"][reader.int(in: 0...7)]
    case is NSNumber:
        let value = reader.double()
        return value.isFinite ? value as Any : (value.isNaN ? "NaN" : (value > 0 ? "Infinity" : "-Infinity"))
    default:
        return reader.bool() ? [Any]() : NSNull()
    }
}

/// Predicts a few models (scores from the reader, some missing) with a law that passed the checks:
/// every prediction must be finite and every interval ordered.
func predict(_ law: SavedLaw, _ reader: inout ByteReader) {
    let names = law.law.benchmarkNames
    let count = reader.int(in: 1...4)
    let models = (0..<count).map { ModelInfo(name: "m\($0)", family: "F", parametersB: 7, tokensT: 2, flops: 84, source: "fuzz") }
    var columns: [String: [Double]] = [:]
    for name in names {
        columns[name] = (0..<count).map { _ in
            let byte = reader.byte()
            return byte >= 240 ? .nan : Double(byte) / 239
        }
    }
    // Every model needs one observed benchmark (a model without any is refused by the loader).
    if let first = names.first { columns[first] = columns[first]?.map { $0.isNaN ? 0.5 : $0 } }
    let panel = Panel(models: models, columns: columns, benchmarkNames: names, metricNames: [], sources: ["fuzz"])
    guard let result = try? law.predict(panel: panel, seed: UInt64(reader.byte())) else { return }
    for prediction in result.predictions {
        precondition(prediction.predicted.isFinite, "a checked law predicted \(prediction.predicted)")
        for interval in [prediction.interval, prediction.predictionInterval].compactMap({ $0 }) {
            precondition(!(interval.lower > interval.upper), "inverted interval \(interval)")
        }
    }
}
