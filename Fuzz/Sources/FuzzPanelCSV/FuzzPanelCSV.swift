import Foundation
import FuzzSupport
import ObsScale

/// libFuzzer target: the panel and downstream CSV readers (`Panel.load(panelPath:downstreamPaths:)`,
/// `CSVTable`). The input is a CSV file (plain text, so corpus files are readable); it is written
/// to a scratch file and read
///   1. as a panel file on its own, under each of `formats` — the leaderboard settings
///      (`duplicates`, `familyFrom`, `scoreScale`, the true/false exclusion columns, a requested
///      capability and target column taken from the file's own header) — and through
///      `PanelQuery.load`, which also leaves out models without a capability score;
///   2. as a downstream file joined to a small valid panel (exact, case-insensitive and
///      `org/`-prefix name matches, duplicates, split metrics);
///   3. when it contains a NUL byte: the part before the first NUL as the panel and each later
///      NUL-separated part as a downstream file (cells holding a NUL are text, never a number).
/// Any thrown `DataError` is fine (with a message); a crash, a trap, a hang or a loaded panel that
/// breaks the documented guarantees (`checkPanel`) is a bug.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPanelCSV(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let parts = bytes.split(separator: 0, omittingEmptySubsequences: false).map(Array.init)
    if parts.count == 1 {
        let path = ScratchFiles.write(bytes, name: "input.csv")
        let header = (try? CSVTable.read(path: path))?.header ?? []
        for format in formats {
            load(panel: path, downstream: [], format: format, request: request(header: header))
        }
        query(panel: path, format: formats[1], header: header)
        load(panel: validPanel, downstream: [path])
        load(panel: validPanel, downstream: [path], format: formats[2], request: ColumnRequest(targets: Array(header.suffix(1))))
        // The in-memory parser must agree with the file reader on valid UTF-8. (Not through
        // Foundation's `String(bytes:encoding:)`, which drops a leading byte-order mark: a file
        // starting with two marks would then reach the parsers differently.)
        if let text = String(validating: bytes, as: UTF8.self) {
            let fromText = Result { try CSVTable.parse(text: text, path: path) }
            let fromFile = Result { try CSVTable.read(path: path) }
            switch (fromText, fromFile) {
            case let (.success(a), .success(b)):
                require(a.header == b.header && a.rows == b.rows && a.lineNumbers == b.lineNumbers, "parse(text:) ≠ read(path:)")
            case let (.failure(a), .failure(b)):
                require("\(a)" == "\(b)", "parse(text:) and read(path:) fail differently: \(a) / \(b)")
            default:
                require(false, "parse(text:) and read(path:) disagree: \(fromText) / \(fromFile)")
            }
        }
    } else {
        let panel = ScratchFiles.write(parts[0], name: "panel.csv")
        let downstream = parts.dropFirst().prefix(3).enumerated().map { index, part in
            ScratchFiles.write(part, name: "downstream-\(index).csv")
        }
        load(panel: panel, downstream: downstream)
    }
    return 0
}

/// A small valid panel (written once) for the downstream-join path.
let validPanel: String = {
    let text = """
        Model,Model Family,Model Size (B),Pretraining Data Size (T),FLOPs (1E21),MMLU,ARC-C,GSM8K
        org/a-1b,A,1,1,6,0.3,0.4,0.1
        org/a-7b,A,7,2,,0.5,0.5,
        org/b-3b,B,3,,,0.4,,0.2
        "org/c,13b",C,13,2,156,0.6,0.6,0.4

        """
    return ScratchFiles.write(Array(text.utf8), name: "valid-panel.csv")
}()

/// The reading settings each panel input is loaded under: the default, and the leaderboard
/// options in three combinations.
let formats: [PanelFormat] = [
    PanelFormat(),
    PanelFormat(duplicates: .first, familyFrom: .org, scoreScale: .percent),
    PanelFormat(duplicates: .mean, familyFrom: .model, scoreScale: .fraction, excludeWhereFalse: ["Flagged"]),
    PanelFormat(delimiter: ";", duplicates: .last, familyFrom: .org, scoreScale: .percent, keepsFlaggedRows: true),
]

/// Asks for the file's third and fourth columns as capabilities and its last as the target (so
/// requested columns must be numbers and scores), when it has them.
func request(header: [String]) -> ColumnRequest {
    ColumnRequest(capabilities: header.count >= 4 ? Array(header[2..<4]) : nil, targets: Array(header.suffix(1)))
}

/// The whole query path: companions (none here), the capability columns resolved, models without a
/// score left out; the result must still be a valid panel whose every model has a score.
func query(panel path: String, format: PanelFormat, header: [String]) {
    do {
        let loaded = try PanelQuery(panelPath: path, format: format, skipsCompanions: true).load(
            environment: [:], roots: [], companions: .skip, request: request(header: header))
        checkPanel(loaded.panel)
        if let columns = loaded.capabilityColumns {
            require((try? loaded.panel.capabilityMatrix(columns: columns)) != nil, "a model without a capability score was kept")
        }
    } catch let error as InputError {
        require(!error.description.isEmpty, "empty error message")
    } catch {
        require(false, "PanelQuery.load threw an untyped error: \(type(of: error)) \(error)")
    }
}

func load(panel path: String, downstream: [String], format: PanelFormat = PanelFormat(), request: ColumnRequest = ColumnRequest()) {
    let panel: Panel
    do {
        panel = try Panel.load(panelPath: path, downstreamPaths: downstream, format: format, request: request)
    } catch let error as DataError {
        require(!error.description.isEmpty, "empty DataError message")
        return
    } catch {
        require(false, "Panel.load threw a non-DataError: \(type(of: error)) \(error)")
        return
    }
    checkPanel(panel)
}

/// The guarantees `Panel.load` documents (Panel.swift) and what later stages rely on.
func checkPanel(_ panel: Panel) {
    var names = Set<String>()
    require(Set(panel.textColumnNames).isDisjoint(with: panel.numericColumnNames), "a column is both text and numeric")
    require(panel.notes.allSatisfy { !$0.description.isEmpty }, "an empty note")
    for model in panel.models {
        require(!model.name.isEmpty, "empty model name")
        require(!model.family.isEmpty, "\(model.name): empty family")
        require(model.name == model.name.trimmingCharacters(in: .whitespaces), "untrimmed model name '\(model.name)'")
        require(names.insert(model.name).inserted, "duplicate model '\(model.name)'")
        for (what, value) in [("size", model.parametersB), ("tokens", model.tokensT), ("FLOPs", model.flops)] {
            if let value { require(value.isFinite && value > 0, "\(model.name): \(what) = \(value), not finite and > 0") }
        }
        if let size = model.parametersB { require(size < 1e5, "\(model.name): implausible size \(size) B accepted") }
        if let tokens = model.tokensT { require(tokens < 1e3, "\(model.name): implausible tokens \(tokens) T accepted") }
    }
    for name in panel.numericColumnNames {
        guard let values = try? panel.values(of: name) else {
            require(false, "listed column '\(name)' has no values")
            return
        }
        require(values.count == panel.count, "column '\(name)' has \(values.count) values for \(panel.count) models")
        require(values.allSatisfy { $0.isNaN || $0.isFinite }, "column '\(name)' holds an infinite value")
        if panel.benchmarkNames.contains(name) {
            require(values.allSatisfy { $0.isNaN || (0...1).contains($0) }, "benchmark '\(name)' outside [0, 1]")
        }
    }
    // Derived views must not trap.
    _ = panel.accuracyMetricNames
    for name in panel.textColumnNames { require((try? panel.values(of: name)) == nil, "text column '\(name)' read as numbers") }
    if let columns = try? panel.capabilityColumns(nil), let kept = try? panel.droppingUnscoredModels(columns: columns) {
        require((try? kept.capabilityMatrix(columns: columns)) != nil, "droppingUnscoredModels kept a model without a score")
    }
    _ = panel.familyNames
    _ = try? panel.matrix(columns: panel.numericColumnNames)
    for kind in [CostKind.count, .params, .flops] + panel.metricNames.prefix(2).map(CostKind.column) {
        if let costs = try? kind.costs(for: panel) {
            require(costs.count == panel.count && costs.allSatisfy { $0.isFinite && $0 > 0 }, "bad \(kind) costs")
        }
    }
    if let first = panel.models.first {
        require((try? panel.index(ofModel: first.name)) == 0, "index(ofModel:) of the first model")
        _ = try? Split(panel: panel, rule: .flopsCutoff(10))
        _ = try? Split(panel: panel, rule: .holdout([first.name]))
    }
}
