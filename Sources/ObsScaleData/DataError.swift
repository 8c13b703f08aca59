import Foundation

/// A problem with the user's data or options, phrased so the user can fix it: every case names
/// the file, line and column where one exists, the offending value and what is allowed.
public enum DataError: InputError, Equatable {
    case fileNotFound(path: String)
    /// No panel named, none in `$OBSSCALE_PANEL`, the public panel not fetched, and the shipped
    /// synthetic panel not found at `path` either.
    case defaultPanelNotFound(path: String)
    case unreadableFile(path: String, reason: String)
    /// A byte that is not UTF-8 (a file saved as Latin-1 or Windows-1252), with where it is.
    case notUTF8(path: String, line: Int, byteInLine: Int, byte: UInt8)
    case unwritableFile(path: String, reason: String)
    /// An output (`option`, at `path`) that is a file the run reads.
    case outputOverwritesInput(option: String, path: String, input: String)
    /// Two outputs of one run on the same file.
    case outputsCollide(first: String, second: String, path: String)
    case emptyFile(path: String)
    case malformedRow(path: String, line: Int, expectedFields: Int, foundFields: Int)
    case missingColumn(path: String, column: String, suggestions: [String])
    /// An identity column that is neither under its name nor under an alias.
    case missingRoleColumn(path: String, column: String, setting: Setting, suggestions: [String])
    case emptyFamily(path: String, line: Int, model: String)
    /// No family column, and families are not derived from the names.
    case missingFamilyColumn(path: String, suggestions: [String])
    /// A model column holding HTML links (a leaderboard's display column) instead of names.
    case htmlModelColumn(path: String, line: Int, column: String, value: String, plainColumns: [String])
    case noDataRows(path: String)
    /// A setting that needs a column the panel does not have.
    /// `column` describes the column, and may name the setting that names it.
    case requiresColumn(setting: Setting, column: SettingText)
    /// A numeric column whose values look like percentages where fractions are expected.
    case percentScale(path: String, line: Int, column: String, value: Double)
    /// No capability columns: none of the known benchmarks, and none named.
    case noBenchmarks(path: String, numericColumns: [String])
    /// A value far outside what its unit allows, with the likely intended value.
    case implausibleUnit(what: String, value: Double, unit: String, likely: String)
    /// A typed quantity that is not a number of the allowed form.
    case notANumber(what: String, value: String, allowed: String)
    case duplicateColumn(path: String, column: String)
    /// A model name on several rows; `repeatedNames` names repeat over `rows` rows in the file.
    case duplicateModel(path: String, line: Int, model: String, firstLine: Int, repeatedNames: Int, rows: Int)
    case emptyModelName(path: String, line: Int)
    case nonNumeric(path: String, line: Int, column: String, value: String)
    case nonFinite(path: String, line: Int, column: String, value: String)
    /// A column a command reads as numbers (a benchmark, target or cost) that holds text.
    case textColumn(path: String, line: Int, column: String, value: String, textRows: Int)
    /// A cell of a true/false column (`Flagged`, `PanelFormat.excludeWhereTrue`) that is neither.
    case notABoolean(path: String, line: Int, column: String, value: String)
    /// A `Flagged` column that is true on most rows: a leaderboard flags few models, so the
    /// column most likely means the opposite (the v1 leaderboard export's does).
    case flaggedMostlyTrue(path: String, column: String, trueRows: Int, rows: Int, falseExamples: [String])
    /// The same model with different values of one metric in two places.
    case conflictingValue(column: String, model: String, first: String, firstValue: Double, second: String, secondValue: Double)
    /// A model with no score in any capability column: it has no place in capability space.
    case unscoredModel(model: String, source: String, columns: [String])
    /// A name that matches several columns when letter case is ignored.
    case ambiguousColumn(column: String, candidates: [String])
    case outOfRange(path: String, line: Int, column: String, value: Double, allowed: String)
    case columnConflict(column: String, firstPath: String, secondPath: String)
    case unknownColumn(column: String, suggestions: [String])
    case unknownFamily(name: String, suggestions: [String])
    case unknownModel(name: String, suggestions: [String])
    case invalidCost(model: String, column: String, value: Double)
    case missingCost(model: String, column: String)
    case emptyResult(what: String)
    case invalidSetting(Setting, value: String, allowed: SettingText)
    case presetNotFound(name: String, searched: [String])
    case unknownPreset(name: String, available: [String], suggestions: [String])
    /// A preset whose families are not in the default synthetic panel.
    case presetNeedsPublicPanel(preset: String, panelPath: String, missing: [String])
    case invalidPreset(path: String, reason: String)
    /// A downloaded file (`obsscale data fetch`) whose SHA-256 or size differs from the committed checksum.
    case checksumMismatch(path: String, url: String, expected: String, actual: String, expectedBytes: Int, actualBytes: Int)
    /// A checksum file (`data/checksums.json` or `--checksums FILE`) that cannot be used.
    case invalidChecksums(path: String, reason: String)

    public func message(naming name: (Setting) -> String) -> String {
        switch self {
        case let .fileNotFound(path):
            return "\(path): file not found"
        case let .defaultPanelNotFound(path):
            return "\(path) (no \(name(.panelPath)) given, $OBSSCALE_PANEL unset, public panel not fetched): file not found"
        case let .unwritableFile(path, reason):
            return "\(path): cannot write file: \(reason)"
        case let .outputOverwritesInput(option, path, input):
            return "\(option) \(path): is the input file \(input); writing there would destroy it (nothing was written; give another path)"
        case let .outputsCollide(first, second, path):
            return "\(first) and \(second) are the same file (\(path)); one would overwrite the other (nothing was written; give two paths)"
        case let .unreadableFile(path, reason):
            return "\(path): cannot read file: \(reason)"
        case let .notUTF8(path, line, byteInLine, byte):
            let stem = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
            return "\(path):\(line): byte \(byteInLine) of the line (0x" + String(byte, radix: 16, uppercase: true)
                + ") is not UTF-8 text; the file seems to be saved in another encoding (Latin-1 or Windows-1252): convert it, "
                + "e.g. `iconv -f WINDOWS-1252 -t UTF-8 \(path) > \(stem)-utf8.csv`, and read the converted file"
        case let .emptyFile(path):
            return "\(path): file is empty (a header row is required)"
        case let .malformedRow(path, line, expected, found):
            return "\(path):\(line): malformed row: \(found) fields, the header has \(expected)"
        case let .missingColumn(path, column, suggestions):
            return "\(path): required column '\(column)' is missing" + Self.hint(suggestions)
        case let .missingRoleColumn(path, column, setting, suggestions):
            return "\(path): required column '\(column)' is missing (name your column with \(name(setting)))" + Self.hint(suggestions)
        case let .emptyFamily(path, line, model):
            return "\(path):\(line): model '\(model)' has an empty family cell (every model needs a family; "
                + "\(name(.formatFamilyFrom)) org|model fills empty cells from the model name)"
        case let .missingFamilyColumn(path, suggestions):
            return "\(path): required column 'Model Family' is missing: name your family column with \(name(.formatFamilyColumn)), "
                + "or derive families from the model names with \(name(.formatFamilyFrom)) org (the part before '/') or "
                + "\(name(.formatFamilyFrom)) model (each model alone)" + Self.hint(suggestions)
        case let .htmlModelColumn(path, line, column, value, plainColumns):
            let shown = value.count > 60 ? String(value.prefix(57)) + "…" : value
            return "\(path):\(line): column '\(column)' holds HTML ('\(shown)'), not model names; "
                + (plainColumns.isEmpty
                    ? "name the column with plain model names with \(name(.formatModelColumn))"
                    : "name the column with plain model names with \(name(.formatModelColumn)) "
                        + plainColumns.map { "'\($0)'" }.joined(separator: " or "))
        case let .requiresColumn(setting, column):
            return "\(name(setting)) needs the column \(column.message(naming: name)), which no model of the panel has"
        case let .noDataRows(path):
            return "\(path): no data rows (the file has a header only)"
        case let .percentScale(path, line, column, value):
            return "\(path):\(line): column '\(column)': value \(value) looks like a percentage (values up to 100); "
                + "scores must be fractions in [0, 1]: read the scores as percentages with \(name(.formatScoreScale)) percent "
                + "(or divide the column by 100)"
        case let .noBenchmarks(path, numericColumns):
            let shown = numericColumns.prefix(12).joined(separator: ",")
            return "\(path): none of the known benchmark columns (\(Panel.standardBenchmarks.joined(separator: ", "))) is present; "
                + (numericColumns.isEmpty
                    ? "the file has no numeric columns"
                    : "its numeric columns are \(numericColumns.prefix(12).joined(separator: ", "))\(numericColumns.count > 12 ? ", …" : ""); pass "
                        + "the capability columns with \(name(.panelBenchmarks)) \(shown)")
        case let .notANumber(what, value, allowed):
            return "\(what) '\(value)' is not allowed (allowed: \(allowed))"
        case let .implausibleUnit(what, value, unit, likely):
            return "\(what): \(String(format: "%g", value)) is implausible in \(unit); did you mean \(likely)?"
        case let .duplicateColumn(path, column):
            return "\(path): column '\(column)' appears more than once in the header"
        case let .duplicateModel(path, line, model, firstLine, repeatedNames, rows):
            let count =
                repeatedNames > 1
                ? "\(repeatedNames) model names repeat, over \(rows) rows" : "it appears on \(rows) rows"
            return "\(path):\(line): duplicate model '\(model)' (first seen on line \(firstLine)); \(count): "
                + "keep one row of each with \(name(.formatDuplicates)) first|last, or average them with \(name(.formatDuplicates)) mean"
        case let .emptyModelName(path, line):
            return "\(path):\(line): column 'Model': empty model name"
        case let .nonNumeric(path, line, column, value):
            return "\(path):\(line): column '\(column)': '\(value)' is not a number (leave the cell empty for a missing value)"
        case let .nonFinite(path, line, column, value):
            return "\(path):\(line): column '\(column)': '\(value)' is not finite (allowed: a finite number or an empty cell)"
        case let .textColumn(path, line, column, value, textRows):
            return "\(path):\(line): column '\(column)': '\(value)' is not a number; the column holds text on \(textRows) "
                + "row\(textRows == 1 ? "" : "s"), so it cannot be read as a benchmark, target or cost "
                + "(leave a cell empty, or write NaN, for a missing value)"
        case let .notABoolean(path, line, column, value):
            return "\(path):\(line): column '\(column)': '\(value)' is neither true nor false "
                + "(allowed: true/false, yes/no, 1/0 in any letter case, or an empty cell for false)"
        case let .flaggedMostlyTrue(path, column, trueRows, rows, falseExamples):
            let shown = falseExamples.prefix(2).map { "'\($0)'" }.joined(separator: ", ")
            return "\(path): column '\(column)' is true on \(trueRows) of \(rows) rows; a leaderboard flags few models, so it "
                + "most likely marks the models that are *not* flagged (the Open LLM Leaderboard v1 export's does; its false rows "
                + "include \(shown)): exclude the \(rows - trueRows) false rows with \(name(.formatExcludeWhereFalse)) '\(column)', "
                + "the \(trueRows) true rows with \(name(.formatExcludeWhereTrue)) '\(column)', or keep every row with "
                + "\(name(.formatKeepsFlaggedRows))"
        case let .conflictingValue(column, model, first, firstValue, second, secondValue):
            return "column '\(column)': model '\(model)' has \(firstValue) at \(first) and \(secondValue) at \(second); "
                + "a model may have one value per metric: remove or correct one of them"
        case let .unscoredModel(model, source, columns):
            return "model '\(model)' (\(source)) has no score in any capability column (\(columns.joined(separator: ", "))): it has "
                + "no place in capability space; drop it (Panel.droppingUnscoredModels) or add its scores"
        case let .ambiguousColumn(column, candidates):
            return "column name '\(column)' matches \(candidates.map { "'\($0)'" }.joined(separator: " and ")) when letter case "
                + "is ignored: write it exactly"
        case let .outOfRange(path, line, column, value, allowed):
            return "\(path):\(line): column '\(column)': \(value) is out of range (allowed: \(allowed))"
        case let .columnConflict(column, first, second):
            return "column '\(column)' appears in both \(first) and \(second); rename one of them"
        case let .unknownColumn(column, suggestions):
            return "unknown column '\(column)'" + Self.hint(suggestions)
        case let .unknownFamily(family, suggestions):
            return "unknown model family '\(family)'" + Self.hint(suggestions)
        case let .unknownModel(model, suggestions):
            return "unknown model '\(model)'" + Self.hint(suggestions)
        case let .invalidCost(model, column, value):
            return "model '\(model)': cost '\(column)' is \(value) (allowed: a finite number > 0)"
        case let .missingCost(model, column):
            return "model '\(model)': cost '\(column)' is missing (every model in the pool needs a cost > 0)"
        case let .emptyResult(what):
            return "no models left: \(what)"
        case let .invalidSetting(setting, value, allowed):
            return "\(name(setting)): '\(value)' is not allowed (allowed: \(allowed.message(naming: name)))"
        case let .unknownPreset(preset, available, suggestions):
            return "unknown preset '\(preset)' (shipped presets: \(available.joined(separator: ", ")))" + Self.hint(suggestions)
        case let .presetNeedsPublicPanel(preset, panelPath, missing):
            return
                "preset '\(preset)' selects families of the public panel "
                + "(\(missing.prefix(3).joined(separator: ", "))\(missing.count > 3 ? ", …" : "")), "
                + "which the default synthetic panel \(panelPath) does not have: run `obsscale data fetch` to get the public panel, "
                + "or pass it with \(name(.panelPath)) (or $OBSSCALE_PANEL)"
        case let .presetNotFound(preset, searched):
            return "preset '\(preset)' not found (looked in: \(searched.joined(separator: ", ")))"
        case let .invalidPreset(path, reason):
            return "\(path): invalid preset: \(reason)"
        case let .checksumMismatch(path, url, expected, actual, expectedBytes, actualBytes):
            return "\(path): checksum mismatch for the download from \(url): expected SHA-256 \(expected) (\(expectedBytes) bytes), "
                + "got \(actual) (\(actualBytes) bytes); nothing was written and any existing copy is unchanged "
                + "(the published file may have changed since the checksums were recorded)"
        case let .invalidChecksums(path, reason):
            return "\(path): invalid checksum file: \(reason)"
        }
    }

    static func hint(_ suggestions: [String]) -> String {
        suggestions.isEmpty ? "" : "; did you mean " + suggestions.map { "'\($0)'" }.joined(separator: " or ") + "?"
    }
}

/// "Did you mean" hints for unknown names (columns, families, models, units).
public enum Suggestions {
    /// Up to `limit` names from `candidates` closest to `name`, for "did you mean" hints
    /// (case-insensitive): an exact match alone if there is one; else the names that contain `name`
    /// (e.g. every metric variant of a prefix), closest first; else the names at the smallest edit
    /// distance, if within a third of the name's length or contained in it.
    /// O(|candidates| · |name| · |candidate|).
    public static func closeMatches(to name: String, in candidates: [String], limit: Int = 3) -> [String] {
        let needle = name.lowercased().trimmingCharacters(in: .whitespaces)
        guard !needle.isEmpty else { return [] }
        let lowered = candidates.map { $0.lowercased() }
        if let exact = lowered.firstIndex(of: needle) { return [candidates[exact]] }
        let distances = lowered.map { editDistance(Array(needle), Array($0)) }
        let containing = candidates.indices.filter { lowered[$0].contains(needle) }
        if !containing.isEmpty {
            return containing.sorted { (distances[$0], candidates[$0]) < (distances[$1], candidates[$1]) }
                .prefix(limit).map { candidates[$0] }
        }
        let close = candidates.indices.filter { distances[$0] <= max(2, needle.count / 3) || needle.contains(lowered[$0]) }
        guard let best = close.map({ distances[$0] }).min() else { return [] }
        return close.filter { distances[$0] == best }.map { candidates[$0] }.sorted().prefix(limit).map { $0 }
    }

    /// Levenshtein distance between two character arrays. O(|a|·|b|) time, O(|b|) memory.
    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(substitution, previous[j] + 1, current[j - 1] + 1)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
