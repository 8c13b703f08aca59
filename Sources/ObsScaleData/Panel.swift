import Foundation
import ObsScaleNumerics

/// One model of a panel: identity, family and scale.
public struct ModelInfo: Codable, Equatable, Sendable {
    /// Unique model name (the join key), e.g. `meta-llama/Llama-2-7b-hf`.
    public var name: String
    /// Model family, e.g. `Llama-2`.
    public var family: String
    /// Parameter count in billions (`Model Size (B)`), if known.
    public var parametersB: Double?
    /// Pretraining tokens in trillions (`Pretraining Data Size (T)`), if known.
    public var tokensT: Double?
    /// Training compute in units of 1E21 FLOPs, if known or derivable.
    public var flops: Double?
    /// True when `flops` was derived as C ≈ 6·N·D because the file had none.
    public var flopsDerived: Bool
    /// Where the model was read from (`file:line`), for messages.
    public var source: String
    /// Release date `YYYY-MM-DD` (`ReleaseDate`), when the panel names a date column.
    public var releaseDate: String?

    public init(
        name: String, family: String, parametersB: Double?, tokensT: Double?, flops: Double?,
        flopsDerived: Bool = false, source: String, releaseDate: String? = nil
    ) {
        self.name = name
        self.family = family
        self.parametersB = parametersB
        self.tokensT = tokensT
        self.flops = flops
        self.flopsDerived = flopsDerived
        self.source = source
        self.releaseDate = releaseDate
    }
}

/// A table of models with their benchmark scores and any joined downstream metrics.
///
/// Numeric columns are stored column-wise with `NaN` for a missing cell. The panel file's
/// columns: `Model, Model Family, Model Size (B), Pretraining Data Size (T),
/// FLOPs (1E21)` and the benchmark scores (fractions in [0, 1]); any other numeric column of the
/// panel is kept as a metric. Downstream files (`Model` + metric columns) are left-joined on
/// `Model`: panel models missing from a downstream file get `NaN` for its metrics.
public struct Panel: Sendable {
    /// The standard benchmark columns of the paper's panel, in its order.
    public static let standardBenchmarks = [
        "MMLU", "ARC-C", "HellaSwag", "Winograd", "TruthfulQA", "GSM8K",
        "XWinograd", "HumanEval",
    ]
    static let identityColumns = [
        "Model", "Model Family", "Model Size (B)", "Pretraining Data Size (T)",
        "FLOPs (1E21)",
    ]

    /// The models, in file order.
    public private(set) var models: [ModelInfo]
    /// Numeric columns by name (benchmarks and downstream metrics), one value per model.
    public private(set) var columns: [String: [Double]]
    /// Benchmark columns found in the panel file, in file order.
    public private(set) var benchmarkNames: [String]
    /// Metric columns (non-benchmark numeric columns of the panel and every downstream column).
    public private(set) var metricNames: [String]
    /// Columns holding text (a leaderboard's licence, type or date): kept out of every
    /// computation; asking for one as a number gives `DataError.textColumn`. In file order.
    public private(set) var textColumns: [TextColumn] = []
    /// The files this panel was built from.
    public private(set) var sources: [String]
    /// What the loader had to guess, merge or leave out (columns found under an alias, rows left
    /// out or merged, cells read as missing, downstream rows matched loosely or not at all), for
    /// the user to read with the report. A note that says which setting changes what it did names
    /// the `Setting`.
    public internal(set) var notes: [SettingText] = []
    /// Where each numeric value was read: per column, per model, the file (index into `sources`)
    /// and line — for naming both places when two files disagree. Empty for built panels.
    var origins: [String: [CellOrigin]] = [:]

    /// A column of text, with its first cell that is not a number.
    public struct TextColumn: Codable, Equatable, Sendable {
        public var name: String
        public var path: String
        public var line: Int
        public var value: String
        /// Rows whose cell is text.
        public var rows: Int
    }

    /// The file and line a value was read from (file −1: none).
    struct CellOrigin: Equatable, Sendable {
        var file: Int32
        var line: Int32
        static let none = CellOrigin(file: -1, line: 0)
    }

    /// The model names, in order.
    public var modelNames: [String] { models.map(\.name) }
    /// The number of models.
    public var count: Int { models.count }
    /// The names of the text columns, in file order.
    public var textColumnNames: [String] { textColumns.map(\.name) }

    /// Builds a panel directly (for synthetic data and tests). Columns must have `models.count` values.
    public init(
        models: [ModelInfo], columns: [String: [Double]], benchmarkNames: [String],
        metricNames: [String] = [], sources: [String] = []
    ) {
        precondition(columns.values.allSatisfy { $0.count == models.count })
        self.models = models
        self.columns = columns
        self.benchmarkNames = benchmarkNames
        self.metricNames = metricNames
        self.sources = sources
    }

    /// Reads a panel CSV and left-joins each downstream CSV.
    ///
    /// The layout may differ from the paper's files (`PanelFormat`: delimiter, identity column
    /// names and aliases; the paper's benchmarks under their leaderboard names — `ARC`,
    /// `Winogrande` — in any letter case); leaderboard exports load with `PanelFormat`'s
    /// settings. Everything the loader decided is in `notes`.
    ///
    /// - Rows: a true `Flagged` column (or a column of `PanelFormat.excludeWhereTrue`/`False`)
    ///   leaves the row out; model names must be non-empty and unique unless
    ///   `PanelFormat.duplicates` says which row to keep (or to average them); families come from
    ///   the family column or `PanelFormat.familyFrom`.
    /// - Identity: size (billions), tokens (trillions) and FLOPs (1E21) are optional; a cell that
    ///   cannot be one (0, negative, text) is missing, one note per column; values only a raw
    ///   count can have are refused with the likely value (`PanelReader.checkPlausible`); FLOPs
    ///   missing but size and tokens present are derived as 6·N·D (B × T × 6 = 1E21 FLOPs).
    /// - Other columns: the paper's benchmarks and the columns `request` names must hold numbers
    ///   (`Cell`: decimal, with missing-value markers such as `NaN` and `N/A`); they are scores,
    ///   read on `PanelFormat.scoreScale`, and capability scores must lie in [0, 1]. Any other
    ///   column is a metric when all its cells are numbers, else a text column (`textColumns`).
    public static func load(
        panelPath: String, downstreamPaths: [String] = [], format: PanelFormat = PanelFormat(), request: ColumnRequest = ColumnRequest()
    ) throws -> Panel {
        let table = try CSVTable.read(path: panelPath, delimiter: format.delimiter)
        var reader = PanelReader(table: table, format: format, request: request)
        var panel = try reader.panel()
        for path in downstreamPaths { try panel.join(downstreamPath: path, format: format, request: request) }
        return panel
    }

    /// Left-joins a downstream CSV (a model column + metric columns) on the model names
    /// (`PanelReader.join`: exact, letter case, `org/` prefix; unmatched and ambiguous rows
    /// counted in `notes`). A column the panel already has is filled in where it is missing;
    /// two different values for one model are refused, naming both files and lines.
    /// - Parameter columns: convert and join only these columns (nil: all). The file is still read
    ///   and checked whole (field counts, duplicate models); only the numbers of other columns are
    ///   not parsed.
    public mutating func join(
        downstreamPath path: String, format: PanelFormat = PanelFormat(), request: ColumnRequest = ColumnRequest(), columns only: Set<String>? = nil
    ) throws {
        var reader = PanelReader(table: try CSVTable.read(path: path, delimiter: format.delimiter), format: format, request: request)
        try reader.join(into: &self, only: only)
        notes += reader.notes
    }

    // MARK: - Building (the reader's)

    mutating func addTextColumn(_ column: TextColumn) { textColumns.append(column) }
    mutating func appendMetricName(_ name: String) { metricNames.append(name) }
    mutating func setBenchmarkNames(_ names: [String]) { benchmarkNames = names }
    mutating func appendSource(_ path: String) { sources.append(path) }

    /// Sets a new column read from the panel file (file 0) at these lines (per model).
    mutating func setColumn(_ name: String, values: [Double], lines: [Int]) {
        columns[name] = values
        origins[name] = lines.map { CellOrigin(file: 0, line: Int32(clamping: $0)) }
    }

    /// Adds a downstream column (a new metric), or fills in the missing values of a column the
    /// panel has; a model with two different values is `DataError.conflictingValue`.
    /// - Parameters:
    ///   - file: the index the file will have in `sources`; `path`: its name, for messages.
    mutating func mergeColumn(_ name: String, values: [Double], lines: [Int], file: Int, path: String) throws {
        let incoming = lines.map { CellOrigin(file: Int32(clamping: file), line: Int32(clamping: $0)) }
        guard var merged = columns[name] else {
            columns[name] = values
            origins[name] = zip(values, incoming).map { $0.isNaN ? .none : $1 }
            metricNames.append(name)
            textColumns.removeAll { $0.name == name }
            return
        }
        var places = origins[name] ?? [CellOrigin](repeating: .none, count: count)
        for model in 0..<count where !values[model].isNaN {
            if merged[model].isNaN {
                merged[model] = values[model]
                places[model] = incoming[model]
            } else if merged[model] != values[model] {
                throw DataError.conflictingValue(
                    column: name, model: models[model].name, first: place(places[model], model: model), firstValue: merged[model],
                    second: "\(path):\(lines[model])", secondValue: values[model])
            }
        }
        columns[name] = merged
        origins[name] = places
    }

    /// "file:line" of an origin (the model's own source when unknown).
    func place(_ origin: CellOrigin, model: Int) -> String {
        guard origin.file >= 0, Int(origin.file) < sources.count else { return models[model].source }
        return "\(sources[Int(origin.file)]):\(origin.line)"
    }

    /// The capability columns a command uses: `requested` (each matched ignoring letter case and
    /// the spelling of blanks, and the paper's benchmarks under their aliases — `arc` is `ARC-C`),
    /// or the panel's benchmarks; when there are none, an error that lists the numeric columns
    /// to pass, leaving out `excluded` (the target: a target among the capabilities would predict
    /// itself).
    public func capabilityColumns(_ requested: [String]?, excluding excluded: [String] = []) throws -> [String] {
        if let requested { return try requested.map(resolvedColumn) }
        guard benchmarkNames.isEmpty else { return benchmarkNames }
        throw DataError.noBenchmarks(path: sources.first ?? "the panel", numericColumns: metricNames.filter { !excluded.contains($0) })
    }

    /// The numeric column `name` refers to: itself, else the one column equal to it ignoring
    /// letter case and blanks (or a benchmark alias); `DataError.ambiguousColumn` when several
    /// are, `DataError.unknownColumn` (or `textColumn`) when none is.
    public func resolvedColumn(_ name: String) throws -> String {
        if columns[name] != nil { return name }
        if textColumns.contains(where: { $0.name == name }) { _ = try values(of: name) }  // the text-column error
        let wanted = PanelFormat.normalized(name)
        let standard = PanelFormat.standardBenchmark(forHeader: name)
        let candidates = numericColumnNames.filter { PanelFormat.normalized($0) == wanted || $0 == standard }
        if candidates.count == 1 { return candidates[0] }
        if candidates.count > 1 { throw DataError.ambiguousColumn(column: name, candidates: candidates) }
        _ = try values(of: name)  // the unknown-column or text-column error
        return name
    }

    /// The values of a numeric column — a paper benchmark also under the name the file gave it
    /// (`ARC`, `winogrande`) — or `DataError.unknownColumn` with close names
    /// (`DataError.textColumn` for a text column).
    public func values(of column: String) throws -> [Double] {
        if let values = columns[column] { return values }
        // A column of that very name holding text wins over a benchmark alias (a results file's
        // text column 'arc' is not ARC-C).
        if let text = textColumns.first(where: { $0.name == column }) {
            throw DataError.textColumn(path: text.path, line: text.line, column: text.name, value: text.value, textRows: text.rows)
        }
        if let standard = PanelFormat.standardBenchmark(forHeader: column), let values = columns[standard] { return values }
        if column == "FLOPs (1E21)" { return models.map { $0.flops ?? .nan } }
        if column == "Model Size (B)" { return models.map { $0.parametersB ?? .nan } }
        throw DataError.unknownColumn(column: column, suggestions: Suggestions.closeMatches(to: column, in: numericColumnNames))
    }

    /// Every numeric column name: benchmarks, then metrics.
    public var numericColumnNames: [String] { benchmarkNames + metricNames }

    /// The downstream metrics that are accuracies or exact-match rates and vary: names containing
    /// `acc` or `exact_match`, every observed value in [0, 1], and a spread of at least one
    /// percentage point (population standard deviation ≥ 0.01) — a metric every model scores
    /// (nearly) the same on, such as a strict-match column nobody's output format satisfies, has
    /// nothing to predict. In file order.
    public var accuracyMetricNames: [String] {
        metricNames.filter { name in
            let lower = name.lowercased()
            guard lower.contains("acc") || lower.contains("exact_match"), let values = columns[name] else { return false }
            let observed = values.filter { !$0.isNaN }
            guard observed.count >= 2, observed.allSatisfy({ (0...1).contains($0) }) else { return false }
            let center = Statistics.mean(observed)
            return (observed.reduce(0) { $0 + ($1 - center) * ($1 - center) } / Double(observed.count)).squareRoot() >= 0.01
        }
    }

    /// A models × columns matrix of the given numeric columns (NaN for missing cells).
    public func matrix(columns names: [String]) throws -> Matrix {
        let vectors = try names.map { try values(of: $0) }
        var result = Matrix(rowCount: count, columnCount: names.count)
        for (j, vector) in vectors.enumerated() {
            for i in 0..<count { result[i, j] = vector[i] }
        }
        return result
    }

    /// The benchmark matrix a capability space is built from: `matrix(columns:)`, refusing a
    /// model without a score in any of the columns (`DataError.unscoredModel`): imputation would
    /// place it at the mean capability and a fit would train on (or predict) an invented model.
    /// `droppingUnscoredModels(columns:)` leaves such models out first.
    public func capabilityMatrix(columns names: [String]) throws -> Matrix {
        let matrix = try self.matrix(columns: names)
        if let row = unscoredRows(matrix).first {
            throw DataError.unscoredModel(model: models[row].name, source: models[row].source, columns: names)
        }
        return matrix
    }

    /// The panel without the models that have no score in any of `columns`, with a note naming
    /// how many and the first few (itself when every model has one).
    public func droppingUnscoredModels(columns names: [String]) throws -> Panel {
        let unscored = unscoredRows(try matrix(columns: names))
        guard !unscored.isEmpty else { return self }
        guard unscored.count < count else {
            throw DataError.emptyResult(what: "no model has a score in any capability column (\(names.joined(separator: ", ")))")
        }
        let dropped = Set(unscored)
        var panel = subset(models.indices.filter { !dropped.contains($0) })
        let shown = unscored.prefix(3).map { "'\(models[$0].name)'" }.joined(separator: ", ") + (unscored.count > 3 ? ", …" : "")
        panel.notes.append(
            SettingText(
                "left out \(unscored.count) model\(unscored.count == 1 ? "" : "s") without a score in any capability column "
                    + "(\(names.joined(separator: ", "))): \(shown)"))
        return panel
    }

    /// Rows of `matrix` without any value.
    func unscoredRows(_ matrix: Matrix) -> [Int] {
        guard matrix.columnCount > 0 else { return [] }
        return (0..<matrix.rowCount).filter { row in (0..<matrix.columnCount).allSatisfy { matrix[row, $0].isNaN } }
    }

    /// The panel restricted to the given model indices, in that order.
    public func subset(_ indices: [Int]) -> Panel {
        var panel = Panel(
            models: indices.map { models[$0] }, columns: columns.mapValues { values in indices.map { values[$0] } },
            benchmarkNames: benchmarkNames, metricNames: metricNames, sources: sources)
        panel.notes = notes
        panel.textColumns = textColumns
        panel.origins = origins.mapValues { places in indices.map { places[$0] } }
        return panel
    }

    /// The index of a model by exact name, or `DataError.unknownModel` with close names.
    public func index(ofModel name: String) throws -> Int {
        if let index = models.firstIndex(where: { $0.name == name }) { return index }
        throw DataError.unknownModel(name: name, suggestions: Suggestions.closeMatches(to: name, in: modelNames))
    }

    /// Family names in order of first appearance.
    public var familyNames: [String] {
        var seen = Set<String>()
        return models.map(\.family).filter { seen.insert($0).inserted }
    }
}
