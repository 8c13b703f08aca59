import Foundation
import ObsScaleData
import ObsScaleEvaluation
import ObsScaleFit
import ObsScaleSelect

/// A merged fit's run: what a saved law needs (`ReportMerge.Merged.savedLaw`) — the run's
/// options, the fit with its bootstrap summary, and every replicate's record in index order.
public struct MergedFit: Sendable {
    public let options: FitOptions
    public let fit: ScalingLawFit
    public let records: [FitBootstrap.Replicate]
}

/// A command whose run can be split into parts (`ReportPart`): which replicated computation its
/// options hold (`ReplicatedRun`, which checks and summarizes the records), what its parts share,
/// and how the summary becomes the command's JSON report. `ReportMerge.commands` lists them;
/// `merge` needs nothing else of a command, and a command writes its parts with `part(…)`.
public protocol PartedCommand {
    associatedtype Run: ReplicatedRun
    associatedtype Options: Codable & Sendable
    associatedtype PartShared: Codable & Sendable
    typealias Part = ReportPart<Options, PartShared, Run.Record>

    /// The command's name, as the parts and the report record it.
    static var command: String { get }
    /// The replicated computation a part's options hold and its shared state; throws
    /// `ReplicatedRunProblem` when the options hold none.
    static func run(_ part: Part) throws -> (run: Run, shared: Run.Shared)
    /// The JSON report of the whole run, as the single run writes it.
    static func report(_ part: Part, summary: Run.Summary) throws -> Data
    /// What a saved law needs of a fit's run (nil for other commands).
    static func fitRun(
        _ part: Part, summary: Run.Summary, records: [Run.Record]
    ) -> MergedFit?
}

extension PartedCommand {
    public static func fitRun(
        _ part: Part, summary: Run.Summary, records: [Run.Record]
    ) -> MergedFit? { nil }

    /// A part of this command's run: replicates `indices` of `total`.
    public static func part(
        seed: UInt64?, options: Options, shared: PartShared, indices: ClosedRange<Int>, total: Int, records: [Run.Record], arguments: [String]?
    ) -> Part {
        Part(command: command, seed: seed, options: options, shared: shared, indices: indices, total: total, records: records, arguments: arguments)
    }
}

/// `fit --bootstrap`: the parts share the full-data fit.
public enum FitParts: PartedCommand {
    public static var command: String { "fit" }

    public static func run(_ part: FitPart) throws -> (run: FitBootstrap, shared: FitBootstrap.Shared) {
        guard let bootstrap = part.options.bootstrap else { throw ReplicatedRunProblem("a fit part without a bootstrap") }
        return (bootstrap, FitBootstrap.Shared(fit: part.shared, log10Flops: part.options.atFlops.map { log10($0) }))
    }

    public static func report(_ part: FitPart, summary: FitBootstrapSummary) throws -> Data {
        var fit = part.shared
        fit.bootstrap = summary
        return try JSONReport(command: command, seed: part.seed, options: part.options, result: fit).encoded()
    }

    public static func fitRun(
        _ part: FitPart, summary: FitBootstrapSummary, records: [FitBootstrap.Replicate]
    ) -> MergedFit? {
        var fit = part.shared
        fit.bootstrap = summary
        return MergedFit(options: part.options, fit: fit, records: records)
    }
}

/// `select --bootstrap`: the parts share the selection (without its bootstrap) and the
/// replicates' method.
public enum SelectParts: PartedCommand {
    public static var command: String { "select" }

    public static func run(_ part: SelectPart) throws -> (run: SelectionBootstrap, shared: SelectionBootstrap.Shared) {
        guard let bootstrap = part.options.bootstrap else { throw ReplicatedRunProblem("a select part without a bootstrap") }
        guard part.shared.output.bootstrap == nil else {
            throw ReplicatedRunProblem("its shared selection is not a part's (allowed: no bootstrap summary)")
        }
        let output = part.shared.output
        return (
            bootstrap,
            SelectionBootstrap.Shared(
                budgets: part.options.budgets, results: output.results, units: output.units, replicateMethod: part.shared.replicateMethod)
        )
    }

    public static func report(_ part: SelectPart, summary: SelectionBootstrapSummary) throws -> Data {
        var output = part.shared.output
        output.bootstrap = summary
        return try JSONReport(command: command, seed: part.seed, options: part.options, result: output).encoded()
    }
}

/// `validate --simulate`: the parts share nothing but their options.
public enum ValidateParts: PartedCommand {
    public static var command: String { "validate" }

    public static func run(_ part: ValidatePart) throws -> (run: SimulationStudy, shared: NoSharedResult) {
        guard let study = part.options.study else { throw ReplicatedRunProblem("a validate part without a simulation study") }
        return (study, NoSharedResult())
    }

    public static func report(_ part: ValidatePart, summary: SimulationStudyReport) throws -> Data {
        try JSONReport(command: command, seed: part.seed, options: part.options, result: summary).encoded()
    }
}
