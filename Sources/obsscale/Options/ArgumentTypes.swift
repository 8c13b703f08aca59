import ArgumentParser
import Foundation
import ObsScale

// How option values are parsed: the library's choice enums as `ExpressibleByArgument` (so
// `--help` lists their values), and lists through `@Option(transform:)` with the reason a value is
// refused (argument-parser prints "The value 'X' is invalid for '--flag <flag>': …", exit 64).

extension BootstrapResampling: ExpressibleByArgument {}
extension Link: ExpressibleByArgument {}
extension PCAFitRows: ExpressibleByArgument {}
extension LawPredictor: ExpressibleByArgument {}
extension SelectionUnit: ExpressibleByArgument {}
extension SelectionMethod: ExpressibleByArgument {}
extension Criterion: ExpressibleByArgument {}
extension SelectionAnchor: ExpressibleByArgument {}
extension ScalingLaw.AverageWeights: ExpressibleByArgument {}
extension ModelSelection.FoldScheme: ExpressibleByArgument {}
extension ModelSelection.Rule: ExpressibleByArgument {}
extension PanelFormat.DuplicatePolicy: ExpressibleByArgument {}
extension PanelFormat.FamilySource: ExpressibleByArgument {}
extension PanelFormat.ScoreScale: ExpressibleByArgument {}

extension CostKind: ExpressibleByArgument {
    public init?(argument: String) { self.init(parsing: argument) }
}

/// The regression loss of `--loss`.
enum LossChoice: String, ExpressibleByArgument, CaseIterable {
    case ls, huber
}

/// A value refused while parsing an option: the item and what is allowed.
struct RefusedValue: Error, CustomStringConvertible {
    let item: String
    let allowed: String

    var description: String { "'\(item)' is not allowed (allowed: \(allowed))" }
}

/// A refused option value whose message is complete as it is.
struct Refused: Error, CustomStringConvertible {
    let description: String
}

/// Transforms for list-valued options.
enum Parse {
    /// "A, B,,C" → ["A", "B", "C"]: split on commas, blanks trimmed, empty items dropped.
    static func commaList(_ text: String) -> [String] {
        text.split(separator: ",").map { TextInput.trimmed($0) }.filter { !$0.isEmpty }
    }

    /// A comma-separated list of finite numbers > 0.
    /// `--delimiter`: ",", ";", a tab, or its spellings "\\t" and "tab".
    static func delimiter(_ text: String) throws -> String {
        switch text {
        case ",", ";", "\t": return text
        case "\\t", "tab", "TAB": return "\t"
        default: throw RefusedValue(item: text, allowed: "',', ';' or tab ('\\t' or 'tab')")
        }
    }

    /// `--cutoff-flops`: units of 1E21 FLOPs, or an explicit form (`FlopsUnit`).
    static func flops(_ text: String) throws -> Double {
        do {
            return try FlopsUnit.parse(text)
        } catch let error as DataError {
            throw Refused(description: error.message(naming: FlagNames.naming()))
        }
    }

    /// `--at-flops`: a comma-separated list of `flops`.
    static func flopsList(_ text: String) throws -> [Double] {
        let items = commaList(text)
        guard !items.isEmpty else { throw RefusedValue(item: text, allowed: "FLOPs (×1E21), comma-separated") }
        return try items.map(flops)
    }

    /// `--budget`: numbers in cost units or percentages of the pool's cost.
    static func budgets(_ text: String) throws -> BudgetSpec {
        do {
            return try BudgetSpec(parsing: text)
        } catch let SelectionError.invalidSetting(_, value, allowed) {
            throw RefusedValue(item: value, allowed: allowed.message(naming: FlagNames.naming()))
        }
    }

    /// `--gap`: a fraction in [0, 1) or a percentage (`1%`).
    static func gap(_ text: String) throws -> Double {
        let trimmed = TextInput.trimmed(text)
        let isPercent = trimmed.hasSuffix("%")
        guard let number = Double(isPercent ? String(trimmed.dropLast()) : trimmed), number.isFinite else {
            throw RefusedValue(item: text, allowed: "a fraction in [0, 1) or a percentage such as 1%")
        }
        let value = isPercent ? number / 100 : number
        guard value >= 0, value < 1 else {
            throw RefusedValue(item: text, allowed: "a fraction in [0, 1) or a percentage such as 1% (0 proves optimality)")
        }
        return value
    }

    /// `--cutoff-date`: a calendar day, `YYYY-MM-DD`.
    static func date(_ text: String) throws -> String {
        guard let day = ReleaseDate.parse(text), day == TextInput.trimmed(text) else {
            throw RefusedValue(item: text, allowed: "a date YYYY-MM-DD that exists, e.g. 2024-04-30")
        }
        return day
    }

    /// `LOW,HIGH` with finite LOW < HIGH.
    static func range(_ text: String) throws -> ClosedRange<Double> {
        let parts = text.split(separator: ",").map { Double(TextInput.trimmed($0)) }
        guard parts.count == 2, let low = parts[0], let high = parts[1], low.isFinite, high.isFinite, low < high else {
            throw RefusedValue(item: text, allowed: "LOW,HIGH with finite LOW < HIGH")
        }
        return low...high
    }

    /// `I/N` (part I of N, 0-based) or `auto` (the job array's task); whether I and N fit the
    /// run is the library's check (`ShardRequest.resolve`).
    static func shard(_ text: String) throws -> ShardRequest {
        let trimmed = TextInput.trimmed(text)
        if trimmed == "auto" { return .auto(count: nil) }
        let numbers = trimmed.split(separator: "/", omittingEmptySubsequences: false).map { Int(TextInput.trimmed($0)) }
        guard numbers.count == 2, let index = numbers[0], let count = numbers[1] else {
            throw RefusedValue(
                item: text,
                allowed: "I/N (part I of N, 0-based, e.g. 0/4 … 3/4) or auto (the task's part in a Slurm array or Kubernetes Indexed Job)"
            )
        }
        return .part(index: index, count: count)
    }

    /// `FROM..TO`: replicate indices, 0-based and inclusive (`0..99` is the first 100).
    static func replicateRange(_ text: String) throws -> ClosedRange<Int> {
        let bounds = text.split(separator: "..", omittingEmptySubsequences: false).map { Int(TextInput.trimmed($0)) }
        guard bounds.count == 2, let first = bounds[0], let last = bounds[1], first >= 0, first <= last else {
            throw RefusedValue(item: text, allowed: "FROM..TO with 0 ≤ FROM ≤ TO, 0-based and inclusive, e.g. 0..99")
        }
        return first...last
    }

    /// `METHOD[:UNIT],…` selectors of `validate --method`.
    static func selectors(_ text: String) throws -> [ValidationSelector] {
        try commaList(text).map { item in
            do {
                return try ValidationSelector(parsing: item)
            } catch let EvaluationError.invalidSetting(_, value, allowed) {
                throw RefusedValue(item: value, allowed: allowed.message(naming: FlagNames.naming()))
            }
        }
    }

    /// Model names: comma-separated, or `@FILE` with one name a line.
    static func modelNames(_ text: String) throws -> ModelNames {
        guard text.hasPrefix("@") else { return ModelNames(names: commaList(text), file: nil) }
        return ModelNames(names: [], file: String(text.dropFirst()))
    }
}

/// A list of model names given inline or as `@FILE` (read when the command runs, so a missing
/// file is reported like every other data error).
struct ModelNames: Equatable {
    var names: [String]
    var file: String?

    /// The names, reading the file when one was given (`ModelList`: one name a line, or a CSV
    /// with a `model` column such as a `select --plan` file, whose rows of `budget` are taken).
    func load(budget: String? = nil) throws -> [String] {
        guard let file else { return names }  // `--train-budget` without a file is refused by FitCommand.validate
        guard let text = String(data: try TextInput.contents(ofFile: file), encoding: .utf8) else {
            throw DataError.unreadableFile(path: file, reason: "not UTF-8 text (one model name a line, or a CSV with a 'model' column)")
        }
        return try ModelList.parse(text: text, path: file, budget: budget)
    }
}
