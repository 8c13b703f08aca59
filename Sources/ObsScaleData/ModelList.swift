/// A list of model names read from a file (`--holdout @FILE`, `--train @FILE`, `select --targets
/// FILE`): one name a line (blank lines skipped, surrounding space trimmed), or a CSV whose header
/// has a `model` column (any letter case) — what `select --plan` writes: `budget,model,family,cost`.
/// With a `budget` column, `budget` picks its rows (as written, e.g. `10%`); it may be left out
/// when the file holds one budget only. O(characters).
public enum ModelList {
    public static func parse(text: String, path: String, budget: String? = nil) throws -> [String] {
        let firstLine = text.prefix { $0 != "\n" && $0 != "\r" }
        let headerFields = firstLine.split(separator: ",", omittingEmptySubsequences: false).map { TextInput.trimmed($0).lowercased() }
        guard headerFields.count > 1, headerFields.contains("model") else {
            if let budget {
                throw DataError.invalidSetting(
                    .modelListBudget, value: budget, allowed: "only with a CSV file that has a 'budget' column (\(path) is a list of names)")
            }
            return text.split(whereSeparator: \.isNewline).map { TextInput.trimmed($0) }.filter { !$0.isEmpty }
        }
        let table = try CSVTable.parse(text: text, path: path, delimiter: ",")
        let lowered = table.header.map { TextInput.trimmed($0).lowercased() }
        guard let modelColumn = lowered.firstIndex(of: "model") else {
            throw DataError.unreadableFile(path: path, reason: "its header names a 'model' column that the CSV reader does not find")
        }
        var rows = table.rows.filter { $0.count > modelColumn && !TextInput.trimmed($0[modelColumn]).isEmpty }
        if let budgetColumn = lowered.firstIndex(of: "budget") {
            let budgets = rows.map { $0.count > budgetColumn ? TextInput.trimmed($0[budgetColumn]) : "" }
            var distinct: [String] = []
            for value in budgets where !distinct.contains(value) { distinct.append(value) }
            if let budget {
                guard distinct.contains(budget) else {
                    throw DataError.invalidSetting(
                        .modelListBudget, value: budget, allowed: "one of the budgets in \(path): \(distinct.joined(separator: ", "))")
                }
                rows = zip(rows, budgets).filter { $0.1 == budget }.map(\.0)
            } else if distinct.count > 1 {
                throw DataError.invalidSetting(
                    .modelListBudget, value: "none given",
                    allowed: "one of the \(distinct.count) budgets in \(path) (\(distinct.joined(separator: ", "))): choose the subset you evaluated")
            }
        } else if let budget {
            throw DataError.invalidSetting(.modelListBudget, value: budget, allowed: "only with a file that has a 'budget' column (\(path) has none)")
        }
        return rows.map { TextInput.trimmed($0[modelColumn]) }
    }
}
