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
    public let benchmarkNames: [String]
    /// Metric columns (non-benchmark numeric columns of the panel and every downstream column).
    public private(set) var metricNames: [String]
    /// The files this panel was built from.
    public private(set) var sources: [String]
    /// What the loader had to guess or leave out (columns found under an alias, downstream rows
    /// for unknown models), for the user to read on stderr.
    public internal(set) var notes: [String] = []

    /// The model names, in order.
    public var modelNames: [String] { models.map(\.name) }
    /// The number of models.
    public var count: Int { models.count }

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

    /// Reads a panel CSV and left-joins each downstream CSV on `Model`.
    ///
    /// The layout may differ from the paper's files (`PanelFormat`: delimiter, identity column
    /// names and aliases; the standard benchmark names in any letter case); what was guessed is in
    /// `notes`. Checks: `Model` and `Model Family` present, unique non-empty model names,
    /// non-empty families, numbers that parse and are finite, benchmark scores in [0, 1] (a
    /// column up to 100 is named as percentages), sizes/tokens/FLOPs > 0 and FLOPs below 1E15 ×
    /// 1E21 (`FlopsUnit.rawThreshold`: larger values can only be raw FLOPs); FLOPs missing but size and tokens present are derived
    /// as 6·N·D (units: B × T × 6 = 1E21 FLOPs). Size, tokens and FLOPs are optional.
    public static func load(panelPath: String, downstreamPaths: [String] = [], format: PanelFormat = PanelFormat()) throws -> Panel {
        let table = try CSVTable.read(path: panelPath, delimiter: format.delimiter)
        let (roles, roleNotes) = try format.resolve(header: table.header, path: panelPath, required: [.model, .family])
        let nameColumn = roles[.model] ?? 0
        let familyColumn = roles[.family] ?? 0
        let dateColumn = try format.dateColumn.map { name in
            guard
                let index = table.header.firstIndex(of: name) ?? table.header.map(PanelFormat.normalized).firstIndex(of: PanelFormat.normalized(name))
            else { throw DataError.missingColumn(path: panelPath, column: name, suggestions: Suggestions.closeMatches(to: name, in: table.header)) }
            return index
        }
        var models: [ModelInfo] = []
        var firstLine: [String: Int] = [:]
        for row in table.rows.indices {
            let line = table.lineNumbers[row]
            let name = TextInput.trimmed(table.rows[row][nameColumn])
            guard !name.isEmpty else { throw DataError.emptyModelName(path: panelPath, line: line) }
            if let first = firstLine[name] {
                throw DataError.duplicateModel(path: panelPath, line: line, model: name, firstLine: first)
            }
            firstLine[name] = line
            let family = TextInput.trimmed(table.rows[row][familyColumn])
            guard !family.isEmpty else { throw DataError.emptyFamily(path: panelPath, line: line, model: name) }
            func positive(_ role: PanelFormat.Role) throws -> Double? {
                guard let column = roles[role], let value = try table.number(row: row, column: column) else { return nil }
                guard value > 0 else {
                    throw DataError.outOfRange(
                        path: panelPath, line: line, column: table.header[column], value: value,
                        allowed: "a number > 0 or an empty cell")
                }
                return value
            }
            let size = try positive(.size)
            let tokens = try positive(.tokens)
            var flops = try positive(.flops)
            if let value = flops, value >= FlopsUnit.rawThreshold {
                throw DataError.implausibleUnit(
                    what: "\(panelPath):\(line): column '\(table.header[roles[.flops] ?? 0])'", value: value, unit: "units of 1E21 FLOPs",
                    likely: String(format: "%.6g", value / 1e21) + " (the file seems to hold raw FLOPs: divide the column by 1E21)")
            }
            var derived = false
            if flops == nil, let size, let tokens {
                // 6·N·D of two finite positive numbers can overflow to +∞ or underflow to 0.
                let product = 6 * size * tokens
                guard product.isFinite, product > 0 else {
                    throw DataError.outOfRange(
                        path: panelPath, line: line, column: "FLOPs (1E21)", value: product,
                        allowed: "FLOPs derived as 6 × Model Size (B) × Pretraining Data Size (T) "
                            + "= 6 × \(size) × \(tokens) must be finite and > 0; fill in FLOPs (1E21) "
                            + "or check the size and token values")
                }
                flops = product
                derived = true
            }
            var releaseDate: String?
            if let dateColumn, !TextInput.trimmed(table.rows[row][dateColumn]).isEmpty {
                releaseDate = ReleaseDate.parse(table.rows[row][dateColumn])
                guard releaseDate != nil else {
                    throw DataError.notANumber(
                        what: "\(panelPath):\(line): column '\(table.header[dateColumn])':", value: table.rows[row][dateColumn],
                        allowed: "a date YYYY-MM-DD, optionally with a time (2024-05-05T12:22:44Z), or an empty cell")
                }
            }
            models.append(
                ModelInfo(
                    name: name, family: family, parametersB: size, tokensT: tokens, flops: flops, flopsDerived: derived,
                    source: "\(panelPath):\(line)", releaseDate: releaseDate))
        }
        var notes = roleNotes
        var columns: [String: [Double]] = [:]
        var benchmarks: [String] = []
        var metrics: [String] = []
        let identity = Set(roles.values).union(dateColumn.map { [$0] } ?? [])
        for (index, header) in table.header.enumerated() where !identity.contains(index) {
            let standard = standardBenchmarks.first { $0.lowercased() == header.lowercased() }
            let column = standard ?? header
            if column != header { notes.append("\(panelPath): reading column '\(header)' as the benchmark \(column)") }
            guard columns[column] == nil else { throw DataError.duplicateColumn(path: panelPath, column: column) }
            var values = [Double](repeating: .nan, count: models.count)
            for row in table.rows.indices {
                guard let value = try table.number(row: row, column: index) else { continue }
                values[row] = value
            }
            if standard != nil { try checkScores(values, column: column, header: header, table: table) }
            columns[column] = values
            if standard != nil { benchmarks.append(column) } else { metrics.append(column) }
        }
        var panel = Panel(
            models: models, columns: columns, benchmarkNames: benchmarks, metricNames: metrics,
            sources: [panelPath])
        panel.notes = notes
        for path in downstreamPaths { try panel.join(downstreamPath: path, format: format) }
        return panel
    }

    /// Benchmark scores must be fractions in [0, 1]; a column that goes above 1 but not above
    /// 100 is named as percentages.
    static func checkScores(_ values: [Double], column: String, header: String, table: CSVTable) throws {
        guard let row = values.indices.first(where: { !values[$0].isNaN && !(0...1).contains(values[$0]) }) else { return }
        let finite = values.filter { !$0.isNaN }
        // Percentages: most values above 1, the largest above 1.5, none above 100 (a stray 1.3 is
        // a wrong value, not a unit).
        let largest = finite.max() ?? 0
        if (finite.min() ?? 0) >= 0 && largest > 1.5 && largest <= 100 && 2 * finite.filter({ $0 > 1 }).count > finite.count {
            throw DataError.percentScale(path: table.path, line: table.lineNumbers[row], column: header, value: values[row])
        }
        throw DataError.outOfRange(
            path: table.path, line: table.lineNumbers[row], column: header, value: values[row], allowed: "a score in [0, 1] or an empty cell")
    }

    /// Left-joins a downstream CSV (`Model` + metric columns) on `Model`. Rows for models not in
    /// the panel are reported in `notes` (the first few by name, and the count); duplicate models
    /// and column names already present are errors.
    /// - Parameter columns: convert and join only these columns (nil: all). The file is still read
    ///   and checked whole (field counts, duplicate models); only the numbers of other columns are
    ///   not parsed.
    public mutating func join(downstreamPath path: String, format: PanelFormat = PanelFormat(), columns only: Set<String>? = nil) throws {
        let table = try CSVTable.read(path: path, delimiter: format.delimiter)
        var modelFormat = PanelFormat()
        modelFormat.modelColumn = format.modelColumn
        let (roles, roleNotes) = try modelFormat.resolve(header: table.header, path: path, required: [.model], roles: [.model])
        notes += roleNotes
        let nameColumn = roles[.model] ?? 0
        let known = Set(models.map(\.name))
        var rowOfModel: [String: Int] = [:]
        var unmatched: [String] = []
        for row in table.rows.indices {
            let name = TextInput.trimmed(table.rows[row][nameColumn])
            guard !name.isEmpty else { throw DataError.emptyModelName(path: path, line: table.lineNumbers[row]) }
            if let first = rowOfModel[name] {
                throw DataError.duplicateModel(
                    path: path, line: table.lineNumbers[row], model: name,
                    firstLine: table.lineNumbers[first])
            }
            rowOfModel[name] = row
            if !known.contains(name) { unmatched.append(name) }
        }
        if !unmatched.isEmpty {
            let shown = unmatched.prefix(3).map { "'\($0)'" }.joined(separator: ", ")
            notes.append(
                "\(path): \(unmatched.count) row(s) name models not in the panel, left out: \(shown)\(unmatched.count > 3 ? ", …" : "")")
        }
        for (index, column) in table.header.enumerated() where index != nameColumn && only.map({ $0.contains(column) }) ?? true {
            if columns[column] != nil || Self.identityColumns.contains(column) {
                throw DataError.columnConflict(column: column, firstPath: sources.joined(separator: ", "), secondPath: path)
            }
            var values = [Double](repeating: .nan, count: models.count)
            // Parse every row (including models not in the panel) so bad cells are always reported.
            var parsed = [Double?](repeating: nil, count: table.rows.count)
            for row in table.rows.indices { parsed[row] = try table.number(row: row, column: index) }
            for (modelIndex, model) in models.enumerated() {
                if let row = rowOfModel[model.name], let value = parsed[row] { values[modelIndex] = value }
            }
            columns[column] = values
            metricNames.append(column)
        }
        sources.append(path)
    }

    /// The capability columns a command uses: `requested`, or the panel's benchmarks; an error
    /// that lists the numeric columns when there are none.
    public func capabilityColumns(_ requested: [String]?) throws -> [String] {
        if let requested { return requested }
        guard benchmarkNames.isEmpty else { return benchmarkNames }
        throw DataError.noBenchmarks(path: sources.first ?? "the panel", numericColumns: metricNames)
    }

    /// The values of a numeric column, or `DataError.unknownColumn` with close names.
    public func values(of column: String) throws -> [Double] {
        if let values = columns[column] { return values }
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

    /// The panel restricted to the given model indices, in that order.
    public func subset(_ indices: [Int]) -> Panel {
        var panel = Panel(
            models: indices.map { models[$0] }, columns: columns.mapValues { values in indices.map { values[$0] } },
            benchmarkNames: benchmarkNames, metricNames: metricNames, sources: sources)
        panel.notes = notes
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
