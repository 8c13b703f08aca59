import Foundation

/// Reading a user's panel or downstream file as `PanelFormat` and `ColumnRequest` say: the work
/// behind `Panel.load` and `Panel.join`. Every choice it makes on the user's behalf (a column
/// found under an alias, rows left out, repeats merged, cells read as missing) becomes one note.
///
/// Steps for a panel file, each O(rows × columns): identity columns (`PanelFormat.resolve`);
/// rows left out by true/false columns (`Flagged`, `excludeWhereTrue`/`excludeWhereFalse`);
/// model names and their repeats (`duplicates`); families (the column, or `familyFrom`); size,
/// tokens and FLOPs (cells that cannot be one are missing; raw counts refused); the other
/// columns — the paper's benchmarks and requested columns must be numbers and are scores, any
/// other column is a metric when every cell is a number or missing, else a text column.
struct PanelReader {
    let table: CSVTable
    let format: PanelFormat
    let request: ColumnRequest
    var notes: [SettingText] = []

    init(table: CSVTable, format: PanelFormat, request: ColumnRequest) {
        self.table = table
        self.format = format
        self.request = request
    }

    var path: String { table.path }

    /// Table rows grouped by a key (a model name, a panel model), in order of first appearance.
    struct Groups<Key: Hashable> {
        var keys: [Key] = []
        /// The table rows of each key, in file order (after `DuplicatePolicy`: one row, or all for `mean`).
        var rows: [[Int]] = []
    }

    // MARK: - Panel file

    /// The panel the file holds.
    mutating func panel() throws -> Panel {
        let (roles, roleNotes) = try format.resolve(header: table.header, path: path, required: [.model])
        let nameColumn = roles[.model] ?? 0
        // A display column of links is named before anything else is asked of the file.
        if let row = table.rows.indices.first { try checkNotHTML(TextInput.trimmed(table.rows[row][nameColumn]), row: row, column: nameColumn) }
        if format.familyFrom == nil && roles[.family] == nil {
            _ = try format.resolve(header: table.header, path: path, required: [.model, .family])  // the missing-column error
        }
        notes += roleNotes
        let dateColumn = try format.dateColumn.map { name in
            guard
                let index = table.header.firstIndex(of: name) ?? table.header.map(PanelFormat.normalized).firstIndex(of: PanelFormat.normalized(name))
            else { throw DataError.missingColumn(path: path, column: name, suggestions: Suggestions.closeMatches(to: name, in: table.header)) }
            return index
        }
        let identityColumns = Set(roles.values).union(dateColumn.map { [$0] } ?? [])
        let exclusionColumns = try excludedRows(identity: identityColumns, nameColumn: nameColumn)
        let kept = table.rows.indices.filter { !exclusionColumns.excluded[$0] }
        var names = [String](repeating: "", count: table.rows.count)
        for row in table.rows.indices {
            names[row] = TextInput.trimmed(table.rows[row][nameColumn])
            guard !names[row].isEmpty else { throw DataError.emptyModelName(path: path, line: table.lineNumbers[row]) }
        }
        guard !kept.isEmpty else {
            throw DataError.emptyResult(what: "\(path): every row is left out by \(exclusionColumns.description)")
        }
        var groups = Groups<String>()
        var groupOfName: [String: Int] = [:]
        for row in kept {
            if let group = groupOfName[names[row]] {
                groups.rows[group].append(row)
            } else {
                groupOfName[names[row]] = groups.keys.count
                groups.keys.append(names[row])
                groups.rows.append([row])
            }
        }
        groups.rows = try applyDuplicatePolicy(groups.rows) { names[$0] }
        let families = try families(of: groups, column: roles[.family])
        var identity: [PanelFormat.Role: [Double?]] = [:]
        for role in [PanelFormat.Role.size, .tokens, .flops] {
            if let column = roles[role] { identity[role] = try scale(role, column: column, groups: groups) }
        }
        var models: [ModelInfo] = []
        models.reserveCapacity(groups.keys.count)
        for (index, name) in groups.keys.enumerated() {
            let line = table.lineNumbers[groups.rows[index][0]]
            let size = identity[.size]?[index], tokens = identity[.tokens]?[index]
            var flops = identity[.flops]?[index]
            var derived = false
            if flops == nil, let size, let tokens {
                // 6·N·D of two finite positive numbers can overflow to +∞ or underflow to 0.
                let product = 6 * size * tokens
                guard product.isFinite, product > 0 else {
                    throw DataError.outOfRange(
                        path: path, line: line, column: "FLOPs (1E21)", value: product,
                        allowed: "FLOPs derived as 6 × Model Size (B) × Pretraining Data Size (T) "
                            + "= 6 × \(size) × \(tokens) must be finite and > 0; fill in FLOPs (1E21) "
                            + "or check the size and token values")
                }
                flops = product
                derived = true
            }
            // The release date of the model's first row (`--date-column`): a day, or empty.
            var releaseDate: String?
            if let dateColumn, case let cell = table.rows[groups.rows[index][0]][dateColumn], !TextInput.trimmed(cell).isEmpty {
                releaseDate = ReleaseDate.parse(cell)
                guard releaseDate != nil else {
                    throw DataError.notANumber(
                        what: "\(path):\(line): column '\(table.header[dateColumn])':", value: cell,
                        allowed: "a date YYYY-MM-DD, optionally with a time (2024-05-05T12:22:44Z), or an empty cell")
                }
            }
            models.append(
                ModelInfo(
                    name: name, family: families[index], parametersB: size, tokensT: tokens, flops: flops, flopsDerived: derived,
                    source: "\(path):\(line)", releaseDate: releaseDate))
        }
        var panel = Panel(models: models, columns: [:], benchmarkNames: [], metricNames: [], sources: [path])
        let skipped = identityColumns.union(exclusionColumns.columns)
        var benchmarks: [String] = []
        var percentColumns: [String] = []
        for column in table.header.indices where !skipped.contains(column) {
            let header = table.header[column]
            if Self.isRowIndex(header) {
                notes.append("\(path): column '\(header)' is a row index (a spreadsheet's or pandas' own numbering) and is ignored")
                continue
            }
            let standard = PanelFormat.standardBenchmark(forHeader: header)
            let name = standard ?? header
            if let standard, standard != header { notes.append("\(path): reading column '\(header)' as the benchmark \(standard)") }
            guard panel.columns[name] == nil else { throw DataError.duplicateColumn(path: path, column: name) }
            let requested = request.requests(header)
            let parsed = parse(column: column, rows: kept)
            let isScore = standard != nil || requested.capability || requested.target
            if let text = parsed.firstText {
                guard isScore else {
                    panel.addTextColumn(
                        .init(name: header, path: path, line: table.lineNumbers[text.row], value: text.value, rows: parsed.textRows))
                    continue
                }
                throw DataError.textColumn(
                    path: path, line: table.lineNumbers[text.row], column: header, value: text.value, textRows: parsed.textRows)
            }
            if let bad = parsed.firstNonFinite {
                throw DataError.nonFinite(path: path, line: table.lineNumbers[bad.row], column: header, value: bad.value)
            }
            var values = parsed.values
            if isScore && format.scoreScale == .percent {
                for row in kept { values[row] /= 100 }
                percentColumns.append(header)
            }
            if standard != nil || requested.capability { try checkScores(values, rows: kept, header: header) }
            noteMarkers(parsed, header: header)
            panel.setColumn(name, values: groups.rows.map { Self.mean(values, rows: $0) }, lines: groups.rows.map { table.lineNumbers[$0[0]] })
            if standard != nil { benchmarks.append(name) } else { panel.appendMetricName(name) }
        }
        panel.setBenchmarkNames(benchmarks)
        if !percentColumns.isEmpty {
            let count = Self.count(percentColumns.count, "score column")
            notes.append("\(path): reading \(count) as percentages (÷ 100, \(Setting.formatScoreScale) percent): \(Self.shown(percentColumns))")
        }
        panel.notes = notes
        return panel
    }

    /// The rows true/false columns leave out: `excludeWhereTrue`, `excludeWhereFalse`, and a
    /// `Flagged` column unless `keepsFlaggedRows` (or it is named in either list). A `Flagged`
    /// column true on most rows is refused (`DataError.flaggedMostlyTrue`): it cannot mean what
    /// its name says.
    mutating func excludedRows(identity: Set<Int>, nameColumn: Int) throws -> (excluded: [Bool], columns: Set<Int>, description: String) {
        var excluded = [Bool](repeating: false, count: table.rows.count)
        var used = Set<Int>()
        var descriptions: [String] = []
        func column(_ name: String) throws -> Int {
            if let index = table.header.firstIndex(of: name) { return index }
            let wanted = PanelFormat.normalized(name)
            if let index = table.header.firstIndex(where: { PanelFormat.normalized($0) == wanted }) { return index }
            throw DataError.missingColumn(path: path, column: name, suggestions: Suggestions.closeMatches(to: name, in: table.header))
        }
        var rules =
            try format.excludeWhereTrue.map { (try column($0), true, false) } + format.excludeWhereFalse.map { (try column($0), false, false) }
        let named = Set(rules.map(\.0))
        if !format.keepsFlaggedRows, let flagged = table.header.firstIndex(where: { PanelFormat.normalized($0) == "flagged" }),
            !named.contains(flagged), !identity.contains(flagged)
        {
            rules.append((flagged, true, true))
        }
        for (index, excludedValue, automatic) in rules {
            let header = table.header[index]
            let values = try table.rows.indices.map { row -> Bool in
                let raw = TextInput.trimmed(table.rows[row][index])
                switch raw.lowercased() {
                case "true", "t", "yes", "y", "1", "1.0": return true
                case "false", "f", "no", "n", "0", "0.0", "": return false
                default: throw DataError.notABoolean(path: path, line: table.lineNumbers[row], column: header, value: raw)
                }
            }
            let trueRows = values.filter { $0 }.count
            if automatic && 2 * trueRows > values.count {
                let falseNames = table.rows.indices.filter { !values[$0] }.prefix(2).map { TextInput.trimmed(table.rows[$0][nameColumn]) }
                throw DataError.flaggedMostlyTrue(path: path, column: header, trueRows: trueRows, rows: values.count, falseExamples: falseNames)
            }
            let hits = table.rows.indices.filter { values[$0] == excludedValue && !excluded[$0] }
            for row in hits { excluded[row] = true }
            used.insert(index)
            let rule = "'\(header)' is \(excludedValue)"
            descriptions.append(rule)
            guard !hits.isEmpty else { continue }
            let names = hits.map { TextInput.trimmed(table.rows[$0][nameColumn]) }
            let setting: SettingText =
                automatic
                ? "a leaderboard's flag; keep them with \(Setting.formatKeepsFlaggedRows)"
                : "\(excludedValue ? Setting.formatExcludeWhereTrue : Setting.formatExcludeWhereFalse) '\(header)'"
            notes.append("\(path): left out \(Self.count(hits.count, "row")) where \(rule) (\(setting)): \(Self.shown(names))")
        }
        return (excluded, used, descriptions.joined(separator: " or "))
    }

    /// A leaderboard's display column (`<a href=…>org/name</a>`) is not a model name.
    func checkNotHTML(_ name: String, row: Int, column: Int) throws {
        guard name.hasPrefix("<"), name.contains("href=") || name.contains("</") else { return }
        let plain = table.header.indices.filter { index in
            let value = TextInput.trimmed(table.rows[row][index])
            return index != column && value.count > 1 && !value.hasPrefix("<") && name.contains(value) && Cell.parse(value) == .text(value)
        }
        throw DataError.htmlModelColumn(
            path: path, line: table.lineNumbers[row], column: table.header[column], value: name, plainColumns: plain.map { table.header[$0] })
    }

    /// Applies `PanelFormat.duplicates` to grouped rows: one row per group, or every row for `mean`.
    /// - Parameter name: the model name a row stands for (in messages).
    mutating func applyDuplicatePolicy(_ rows: [[Int]], name: (Int) -> String) throws -> [[Int]] {
        let repeated = rows.filter { $0.count > 1 }
        guard !repeated.isEmpty else { return rows }
        let repeatedRows = repeated.reduce(0) { $0 + $1.count }
        switch format.duplicates {
        case .error:
            // The first repeat in file order, with the line it repeats.
            let first = repeated.min { $0[1] < $1[1] } ?? repeated[0]
            throw DataError.duplicateModel(
                path: path, line: table.lineNumbers[first[1]], model: name(first[1]), firstLine: table.lineNumbers[first[0]],
                repeatedNames: repeated.count, rows: repeatedRows)
        case .first, .last, .mean:
            let how =
                format.duplicates == .mean
                ? "averaged each number over a name's rows" : "kept the \(format.duplicates.rawValue) row of each"
            let repeats = "\(path): \(Self.count(repeated.count, "model name")) repeat, over \(repeatedRows) rows: \(how)"
            notes.append("\(repeats) (\(Setting.formatDuplicates) \(format.duplicates.rawValue)): \(Self.shown(repeated.map { name($0[0]) }))")
            switch format.duplicates {
            case .first: return rows.map { [$0[0]] }
            case .last: return rows.map { [$0[$0.count - 1]] }
            default: return rows
            }
        }
    }

    /// Each group's family: the first non-empty cell of the family column among its rows, else
    /// `familyFrom` applied to the model name; one note says how many came from the names.
    mutating func families(of groups: Groups<String>, column: Int?) throws -> [String] {
        var derived = 0
        let table = self.table
        let families = try groups.keys.indices.map { index -> String in
            if let column, let cell = groups.rows[index].map({ TextInput.trimmed(table.rows[$0][column]) }).first(where: { !$0.isEmpty }) {
                return cell
            }
            guard let source = format.familyFrom else {
                throw DataError.emptyFamily(path: path, line: table.lineNumbers[groups.rows[index][0]], model: groups.keys[index])
            }
            derived += 1
            return source.family(of: groups.keys[index])
        }
        if derived > 0, let source = format.familyFrom {
            let rule = source == .org ? "the part of the name before '/'" : "each model its own family"
            let scope = column.map { "\(Self.count(derived, "model")) with an empty '\(table.header[$0])' cell" } ?? "all \(derived) models"
            notes.append("\(path): families of \(scope) from the model name (\(Setting.formatFamilyFrom) \(source.rawValue): \(rule))")
        }
        return families
    }

    /// Size, tokens or FLOPs per group. A cell that cannot be one (0, negative, text, ±∞) is
    /// missing — one note with the count and the first lines; a value no model can have (a raw
    /// count in a column of billions, trillions or 1E21 FLOPs) is refused with the likely value.
    mutating func scale(_ role: PanelFormat.Role, column: Int, groups: Groups<String>) throws -> [Double?] {
        var unusable: [Int] = []
        var markers = 0
        var values = [Double](repeating: .nan, count: table.rows.count)
        for row in groups.rows.joined() {
            switch table.cell(row: row, column: column) {
            case .missing: continue
            case .marker: markers += 1
            case let .number(value) where value > 0:
                try Self.checkPlausible(value, role: role, at: "\(path):\(table.lineNumbers[row]): column '\(table.header[column])'")
                values[row] = value
            case .number, .nonFinite, .text:
                unusable.append(table.lineNumbers[row])
            }
        }
        let header = table.header[column]
        if !unusable.isEmpty {
            let what: String
            switch role {
            case .size: what = "a model size"
            case .tokens: what = "a token count"
            default: what = "a compute figure"
            }
            notes.append(
                SettingText(
                    "\(path): column '\(header)': \(Self.count(unusable.count, "cell")) cannot be \(what) (0, negative or text) and "
                        + "\(unusable.count == 1 ? "is" : "are") read as missing: line\(unusable.count == 1 ? "" : "s") "
                        + Self.shown(unusable.map(String.init), quoted: false)))
        }
        if markers > 0 { notes.append("\(path): column '\(header)': \(Self.count(markers, "cell")) read as missing (NaN, NA, N/A, -, None)") }
        return groups.rows.map { rows in
            let value = Self.mean(values, rows: rows)
            return value.isNaN ? nil : value
        }
    }

    /// Refuses a size, token count or FLOPs value no model can have in the column's unit, with
    /// the value it most likely stands for: ≥ 1E5 billion parameters (a raw count, or millions),
    /// ≥ 1E3 trillion tokens (a raw count, or billions), ≥ `FlopsUnit.rawThreshold` × 1E21 FLOPs.
    /// The largest models have about 2E3 billion parameters and 4E1 trillion tokens.
    static func checkPlausible(_ value: Double, role: PanelFormat.Role, at place: String) throws {
        let likely: String
        switch role {
        case .size where value >= largestPlausibleSizeB:
            likely =
                value >= 1e6
                ? format(value / 1e9) + " (the column seems to hold raw parameter counts: divide it by 1E9)"
                : format(value / 1e3) + " (the column seems to hold millions of parameters: divide it by 1E3)"
        case .tokens where value >= largestPlausibleTokensT:
            likely =
                value >= 1e6
                ? format(value / 1e12) + " (the column seems to hold raw token counts: divide it by 1E12)"
                : format(value / 1e3) + " (the column seems to hold billions of tokens: divide it by 1E3)"
        case .flops where value >= FlopsUnit.rawThreshold:
            likely = format(value / 1e21) + " (the file seems to hold raw FLOPs: divide the column by 1E21)"
        default:
            return
        }
        throw DataError.implausibleUnit(what: place, value: value, unit: role.unitDescription, likely: likely)
    }

    /// Sizes from here on (billions of parameters: 1E14 parameters) can only be raw counts or millions.
    static let largestPlausibleSizeB = 1e5
    /// Token counts from here on (trillions: 1E15 tokens) can only be raw counts or billions.
    static let largestPlausibleTokensT = 1e3

    static func format(_ value: Double) -> String { String(format: "%.6g", value) }

    // MARK: - Downstream files

    /// Left-joins this (downstream) file to `panel`. Rows are matched to panel models by name:
    /// exactly, else ignoring letter case, else — when one side has an `org/` prefix and the other
    /// not — by the name after it, when exactly one panel model fits; a note says how many rows
    /// matched each looser way (with an example), and how many match no model or several (left
    /// out). Rows for one panel model follow `duplicates`. A column already in the panel (the same
    /// metric in another file) is filled in: a model with two different values is refused,
    /// naming both places.
    /// - Parameter only: join only these columns (nil: all).
    mutating func join(into panel: inout Panel, only: Set<String>?) throws {
        var modelFormat = PanelFormat()
        modelFormat.modelColumn = format.modelColumn
        let (roles, roleNotes) = try modelFormat.resolve(header: table.header, path: path, required: [.model], roles: [.model])
        notes += roleNotes
        let nameColumn = roles[.model] ?? 0
        let matcher = ModelNameMatcher(names: panel.modelNames)
        var matchedRows: [Int] = []
        var matchOfRow = [Int](repeating: -1, count: table.rows.count)
        var loose: [ModelNameMatcher.Match: [(String, String)]] = [:]
        var unmatched: [String] = []
        var ambiguous: [(String, [String])] = []
        for row in table.rows.indices {
            let name = TextInput.trimmed(table.rows[row][nameColumn])
            guard !name.isEmpty else { throw DataError.emptyModelName(path: path, line: table.lineNumbers[row]) }
            if row == 0 { try checkNotHTML(name, row: row, column: nameColumn) }
            switch matcher.match(name) {
            case let .found(index, how):
                matchOfRow[row] = index
                matchedRows.append(row)
                if how != .exact { loose[how, default: []].append((name, panel.models[index].name)) }
            case let .several(indices):
                ambiguous.append((name, indices.map { panel.models[$0].name }))
            case .none:
                unmatched.append(name)
            }
        }
        for how in [ModelNameMatcher.Match.letterCase, .withoutOrg] {
            guard let pairs = loose[how], let example = pairs.first else { continue }
            let rule = how == .letterCase ? "ignoring letter case" : "by the name after 'org/'"
            notes.append("\(path): matched \(Self.count(pairs.count, "row")) to panel models \(rule) (e.g. '\(example.0)' → '\(example.1)')")
        }
        if !unmatched.isEmpty {
            notes.append(
                SettingText(
                    "\(path): \(Self.count(unmatched.count, "row")) \(unmatched.count == 1 ? "names" : "name") no model of the panel, left out: "
                        + Self.shown(unmatched)))
        }
        if !ambiguous.isEmpty {
            let example = ambiguous[0]
            notes.append(
                SettingText(
                    "\(path): \(Self.count(ambiguous.count, "row")) \(ambiguous.count == 1 ? "matches" : "match") several panel models, left out: "
                        + "'\(example.0)' "
                        + "(\(example.1.prefix(3).map { "'\($0)'" }.joined(separator: " or ")))\(ambiguous.count > 1 ? ", …" : "")"))
        }
        var groups = Groups<Int>()
        var groupOfModel: [Int: Int] = [:]
        for row in matchedRows {
            let model = matchOfRow[row]
            if let group = groupOfModel[model] {
                groups.rows[group].append(row)
            } else {
                groupOfModel[model] = groups.keys.count
                groups.keys.append(model)
                groups.rows.append([row])
            }
        }
        groups.rows = try applyDuplicatePolicy(groups.rows) { panel.models[matchOfRow[$0]].name }
        let everyRow = Array(table.rows.indices)
        let fileIndex = panel.sources.count
        for (column, header) in table.header.enumerated() where column != nameColumn && only.map({ $0.contains(header) }) ?? true {
            if Self.isRowIndex(header) {
                notes.append("\(path): column '\(header)' is a row index (a spreadsheet's or pandas' own numbering) and is ignored")
                continue
            }
            if Panel.identityColumns.contains(header) {
                throw DataError.columnConflict(column: header, firstPath: panel.sources.joined(separator: ", "), secondPath: path)
            }
            let requested = request.requests(header)
            let existing = panel.columns[header] != nil
            let isBenchmark = panel.benchmarkNames.contains(header)
            let isScore = isBenchmark || requested.capability || requested.target
            // Every row, including models not in the panel, so a bad cell is always reported.
            let parsed = parse(column: column, rows: everyRow)
            if let text = parsed.firstText {
                guard isScore || existing else {
                    if !panel.textColumnNames.contains(header) {
                        panel.addTextColumn(
                            .init(name: header, path: path, line: table.lineNumbers[text.row], value: text.value, rows: parsed.textRows))
                    }
                    continue
                }
                throw DataError.textColumn(
                    path: path, line: table.lineNumbers[text.row], column: header, value: text.value, textRows: parsed.textRows)
            }
            if let bad = parsed.firstNonFinite {
                throw DataError.nonFinite(path: path, line: table.lineNumbers[bad.row], column: header, value: bad.value)
            }
            var values = parsed.values
            if isScore && format.scoreScale == .percent { values = values.map { $0 / 100 } }
            if isBenchmark || requested.capability { try checkScores(values, rows: everyRow, header: header) }
            noteMarkers(parsed, header: header)
            var joined = [Double](repeating: .nan, count: panel.count)
            var lines = [Int](repeating: 0, count: panel.count)
            for (group, model) in groups.keys.enumerated() {
                joined[model] = Self.mean(values, rows: groups.rows[group])
                lines[model] = table.lineNumbers[groups.rows[group][0]]
            }
            try panel.mergeColumn(header, values: joined, lines: lines, file: fileIndex, path: path)
        }
        panel.appendSource(path)
    }

    // MARK: - Columns

    /// A column's cells read as numbers over `rows`: values per table row (NaN where missing),
    /// the count of missing-value markers, and the first text and non-finite cells.
    struct ParsedColumn {
        var values: [Double]
        var markers = 0
        var markerSpellings: [String] = []
        var textRows = 0
        var firstText: (row: Int, value: String)?
        var firstNonFinite: (row: Int, value: String)?
    }

    func parse(column: Int, rows: [Int]) -> ParsedColumn {
        var parsed = ParsedColumn(values: [Double](repeating: .nan, count: table.rows.count))
        for row in rows {
            switch table.cell(row: row, column: column) {
            case .missing: continue
            case let .number(value): parsed.values[row] = value
            case let .marker(spelling):
                parsed.markers += 1
                if parsed.markerSpellings.count < 5 && !parsed.markerSpellings.contains(spelling) { parsed.markerSpellings.append(spelling) }
            case let .nonFinite(raw):
                if parsed.firstNonFinite == nil { parsed.firstNonFinite = (row, raw) }
            case let .text(raw):
                parsed.textRows += 1
                if parsed.firstText == nil { parsed.firstText = (row, raw) }
            }
        }
        return parsed
    }

    mutating func noteMarkers(_ parsed: ParsedColumn, header: String) {
        guard parsed.markers > 0 else { return }
        notes.append(
            SettingText(
                "\(path): column '\(header)': \(Self.count(parsed.markers, "cell")) read as missing ("
                    + parsed.markerSpellings.map { "'\($0)'" }.joined(separator: ", ") + ")"))
    }

    /// Scores must be fractions in [0, 1] (on the score scale read); a column that goes above 1
    /// but not above 100 is named as percentages.
    func checkScores(_ values: [Double], rows: [Int], header: String) throws {
        guard let row = rows.first(where: { !values[$0].isNaN && !(0...1).contains(values[$0]) }) else { return }
        let finite = rows.map { values[$0] }.filter { !$0.isNaN }
        // Percentages: most values above 1, the largest above 1.5, none above 100 (a stray 1.3 is
        // a wrong value, not a unit).
        let largest = finite.max() ?? 0
        if format.scoreScale == .fraction && (finite.min() ?? 0) >= 0 && largest > 1.5 && largest <= 100
            && 2 * finite.filter({ $0 > 1 }).count > finite.count
        {
            throw DataError.percentScale(path: path, line: table.lineNumbers[row], column: header, value: values[row])
        }
        let allowed =
            format.scoreScale == .percent ? "a percentage in [0, 100] or an empty cell" : "a score in [0, 1] or an empty cell"
        let shown = format.scoreScale == .percent ? values[row] * 100 : values[row]
        throw DataError.outOfRange(path: path, line: table.lineNumbers[row], column: header, value: shown, allowed: allowed)
    }

    /// The mean of `values` over `rows`, ignoring NaN (NaN when none has a value); the value
    /// itself for one row.
    static func mean(_ values: [Double], rows: [Int]) -> Double {
        if rows.count == 1 { return values[rows[0]] }
        var sum = 0.0
        var count = 0
        for row in rows where !values[row].isNaN {
            sum += values[row]
            count += 1
        }
        return count == 0 ? .nan : sum / Double(count)
    }

    /// An unnamed column or pandas' `Unnamed: 0`: the row numbers a spreadsheet or
    /// `DataFrame.to_csv` writes, not data.
    static func isRowIndex(_ header: String) -> Bool {
        header.isEmpty || header.lowercased().hasPrefix("unnamed: ")
    }

    /// "1 row", "3 rows".
    static func count(_ number: Int, _ noun: String) -> String { "\(number) \(noun)\(number == 1 ? "" : "s")" }

    /// The first three items, quoted, and "…" when there are more.
    static func shown(_ items: [String], quoted: Bool = true) -> String {
        items.prefix(3).map { quoted ? "'\($0)'" : $0 }.joined(separator: ", ") + (items.count > 3 ? ", …" : "")
    }
}

extension PanelFormat.Role {
    /// The unit of the role's column, for messages.
    var unitDescription: String {
        switch self {
        case .size: return "billions of parameters"
        case .tokens: return "trillions of tokens"
        case .flops: return "units of 1E21 FLOPs"
        case .model, .family: return "names"
        }
    }
}
