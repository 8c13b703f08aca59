import Foundation
import ObsScaleData
import ObsScaleEvaluation
import ObsScaleFit
import ObsScaleSelect

/// One shard of a run split across processes or machines: replicates (or simulated worlds)
/// `first...last` of `total`, written by `--replicates FROM..TO --json FILE` and combined by
/// `ReportMerge` into exactly the report a single run writes (docs/json.md, "Parts").
///
/// Replicate r draws only from the stream (seed, r), so a shard's records are those of the whole
/// run. A part carries everything the merged report needs without the data: the run's options
/// and seed, what every shard computes alike (`shared`: e.g. the full-data fit, checked equal
/// across parts) and its records in index order.
public struct ReportPart<Options: Codable, Shared: Codable, Record: Codable>: Codable {
    /// The value of `kind` that marks a part (a report has no `kind`).
    public static var partKind: String { "part" }

    public let schemaVersion: Int
    public let kind: String
    /// The command whose report the parts make (`fit`, `select`, `validate`).
    public let command: String
    public let tool: String
    public let seed: UInt64?
    public let options: Options
    public let shared: Shared
    /// The shard's first and last replicate index (0-based, inclusive) and the run's replicate count.
    public let first: Int
    public let last: Int
    public let total: Int
    /// One per replicate `first...last`, in order.
    public let records: [Record]

    public init(
        command: String, seed: UInt64?, options: Options, shared: Shared, indices: ClosedRange<Int>, total: Int, records: [Record]
    ) {
        schemaVersion = JSONReport<Options, Shared>.currentSchemaVersion
        kind = Self.partKind
        self.command = command
        tool = "obsscale \(ObsScaleVersion.current)"
        self.seed = seed
        self.options = options
        self.shared = shared
        first = indices.lowerBound
        last = indices.upperBound
        self.total = total
        self.records = records
    }

    /// The part's bytes, in the reports' JSON conventions (`JSONCoding`).
    public func encoded() throws -> Data {
        try JSONCoding.encoder().encode(self)
    }
}

/// What every shard of a `select --bootstrap` computes alike: the selection itself (without its
/// bootstrap) and the method of the replicates.
public struct SelectPartShared: Codable, Sendable {
    public var output: SelectOutput
    public var replicateMethod: SelectionMethod

    public init(output: SelectOutput, replicateMethod: SelectionMethod) {
        self.output = output
        self.replicateMethod = replicateMethod
    }
}

/// The shared part of a `validate --simulate` shard: nothing beyond its options.
public struct NoSharedResult: Codable, Sendable {
    public init() {}
}

/// `fit --bootstrap`: the full-data fit and the bootstrap replicates.
public typealias FitPart = ReportPart<FitOptions, ScalingLawFit, FitBootstrap.Replicate>
/// `select --bootstrap`: the selection and the bootstrap replicates.
public typealias SelectPart = ReportPart<SelectOptions, SelectPartShared, SelectionBootstrap.Replicate>
/// `validate --simulate`: the simulated worlds.
public typealias ValidatePart = ReportPart<ValidateOptions, NoSharedResult, SimulationStudy.World>

/// Why parts cannot be merged.
public enum MergeError: InputError, Equatable {
    case noParts
    /// The file is a JSON report or something else, not a part.
    case notAPart(path: String)
    /// A part differs from the first in `what` (command, tool, seed, options, shared result, count).
    case mismatch(path: String, what: String, reference: String)
    /// Two parts hold the same replicates.
    case overlap(path: String, range: ClosedRange<Int>, otherPath: String, otherRange: ClosedRange<Int>)
    /// No part holds these replicates.
    case missing(range: ClosedRange<Int>, total: Int)
    /// A part's record count does not match its range.
    case inconsistent(path: String, reason: String)

    public var description: String {
        func show(_ range: ClosedRange<Int>) -> String { "\(range.lowerBound)..\(range.upperBound)" }
        switch self {
        case .noParts: return "merge: no part files given"
        case let .notAPart(path):
            return "\(path): not a part of a split run (write parts with \(Setting.shardIndices) FROM..TO and \(Setting.jsonReportPath) FILE)"
        case let .mismatch(path, what, reference):
            return "\(path): not the same \(what) as \(reference) (allowed: parts of one run, with the same options, seed and data)"
        case let .overlap(path, range, otherPath, otherRange):
            return "\(path) (replicates \(show(range))) overlaps \(otherPath) (replicates \(show(otherRange))) (allowed: disjoint ranges)"
        case let .missing(range, total):
            return "replicates \(show(range)) of 0..\(total - 1) are in no part (allowed: parts that together hold every replicate)"
        case let .inconsistent(path, reason): return "\(path): \(reason)"
        }
    }
}

extension Setting {
    // The settings named by this layer (ObsScaleReport).
    /// Where a JSON report goes; lists cut short in a text report are given in full there.
    public static let jsonReportPath = Setting(owner: "JSONReport.write", name: "path")
    /// The replicates of one shard, as every layer's sharded function takes them (`indices`).
    public static let shardIndices = Setting(owner: "ReportPart", name: "indices")
}

/// Combines the parts of a split run into the report a single run writes, byte for byte.
public enum ReportMerge {
    /// The merged report and what it was made of.
    public struct Merged: Sendable {
        public let command: String
        public let partCount: Int
        /// The run's replicate (or world) count.
        public let total: Int
        /// The JSON report, as `JSONReport.encoded()`.
        public let report: Data
    }

    /// Reads the parts at `paths` (any order) and merges them.
    ///
    /// Refuses files that are not parts, parts of different commands, tool versions, seeds,
    /// options or shared results (different data), overlapping ranges and missing replicates.
    /// Cost: reading the parts, then the command's summary (O(R log R) per interval).
    public static func merge(paths: [String], threadCount: Int = ProcessInfo.processInfo.activeProcessorCount) throws -> Merged {
        guard !paths.isEmpty else { throw MergeError.noParts }
        let files = try paths.map { path in (path, try TextInput.contents(ofFile: path)) }
        struct Header: Decodable { let kind: String?, command: String? }
        var command: String?
        for (path, data) in files {
            guard let header = try? JSONDecoder().decode(Header.self, from: data), header.kind == FitPart.partKind, let partCommand = header.command
            else { throw MergeError.notAPart(path: path) }
            if let command, command != partCommand { throw MergeError.mismatch(path: path, what: "command ('\(partCommand)')", reference: paths[0]) }
            command = partCommand
        }
        switch command {
        case "fit":
            // Every successful replicate predicts each model, each parameter and each compute.
            let (first, records) = try combine(files, as: FitPart.self) { part, record in
                let models = part.shared.predictions.count
                let computes = part.options.atFlops.count + FitBootstrap.curveGrid(part.shared).count
                return record.failure != nil
                    || (record.predictions.count == models && record.newObservations.count == models
                        && record.parameters.count == part.shared.law.regression.parameters.count
                        && record.atFlops.count == computes && record.atFlopsObservations.count == computes)
            }
            guard let bootstrap = first.options.bootstrap else {
                throw MergeError.inconsistent(path: paths[0], reason: "a fit part without a bootstrap")
            }
            var fit = first.shared
            fit.bootstrap = bootstrap.summarize(
                fit, log10Flops: first.options.atFlops.map { log10($0) }, replicates: records, threadCount: threadCount)
            let report = try JSONReport(command: "fit", seed: first.seed, options: first.options, result: fit).encoded()
            return Merged(command: "fit", partCount: files.count, total: first.total, report: report)
        case "select":
            let (first, records) = try combine(files, as: SelectPart.self) { part, record in
                record.failure != nil || record.outcomes.count == part.shared.output.results.count
            }
            guard let bootstrap = first.options.bootstrap else {
                throw MergeError.inconsistent(path: paths[0], reason: "a select part without a bootstrap")
            }
            var output = first.shared.output
            output.bootstrap = bootstrap.summarize(
                replicateMethod: first.shared.replicateMethod, budgets: first.options.budgets, results: output.results, replicates: records)
            let report = try JSONReport(command: "select", seed: first.seed, options: first.options, result: output).encoded()
            return Merged(command: "select", partCount: files.count, total: first.total, report: report)
        case "validate":
            let (first, records) = try combine(files, as: ValidatePart.self) { part, record in
                guard let report = record.report else { return record.failure != nil }
                let selectors = part.options.study?.validation.selectors.count ?? 0
                return report.targets.allSatisfy { target in
                    target.budgets.count == report.budgetLabels.count && target.budgets.allSatisfy { $0.selectors.count == selectors }
                }
            }
            guard let study = first.options.study else {
                throw MergeError.inconsistent(path: paths[0], reason: "a validate part without a simulation study")
            }
            guard Set(records.compactMap { $0.report?.budgetLabels.count }).count <= 1 else {
                throw MergeError.inconsistent(path: paths[0], reason: "worlds with different numbers of budgets (a damaged part?)")
            }
            let report = try JSONReport(command: "validate", seed: first.seed, options: first.options, result: study.summarize(records)).encoded()
            return Merged(command: "validate", partCount: files.count, total: first.total, report: report)
        default:
            throw MergeError.notAPart(path: paths[0])
        }
    }

    /// Decodes the parts, checks that they belong to one run, that each record has the shape of
    /// the run (`wellFormed`: a damaged file must not reach the summary), and that together they
    /// hold each replicate exactly once; returns the first part (by path order) with all records
    /// in index order.
    static func combine<Options, Shared, Record>(
        _ files: [(path: String, data: Data)], as type: ReportPart<Options, Shared, Record>.Type,
        wellFormed: (ReportPart<Options, Shared, Record>, Record) -> Bool
    ) throws -> (ReportPart<Options, Shared, Record>, [Record]) {
        let decoder = JSONCoding.decoder()
        let parts = try files.map { file -> (path: String, part: ReportPart<Options, Shared, Record>) in
            do {
                return (file.path, try decoder.decode(type, from: file.data))
            } catch {
                throw DataError.unreadableFile(path: file.path, reason: "not a readable part: \(error)")
            }
        }
        let reference = parts[0]
        let encoder = JSONCoding.encoder()
        let referenceOptions = try encoder.encode(reference.part.options), referenceShared = try encoder.encode(reference.part.shared)
        for (path, part) in parts {
            func check(_ same: Bool, _ what: String) throws {
                if !same { throw MergeError.mismatch(path: path, what: what, reference: reference.path) }
            }
            try check(part.schemaVersion == reference.part.schemaVersion, "schema version (\(part.schemaVersion))")
            try check(part.tool == reference.part.tool, "tool ('\(part.tool)')")
            try check(part.seed == reference.part.seed, "seed (\(part.seed.map(String.init) ?? "none"))")
            try check(part.total == reference.part.total, "replicate count (\(part.total))")
            try check(try encoder.encode(part.options) == referenceOptions, "options")
            try check(
                try encoder.encode(part.shared) == referenceShared,
                "shared result (the full-data fit or selection: different data, or a search stopped by its time limit?)")
            guard part.first >= 0, part.first <= part.last, part.last < part.total, part.records.count == part.last - part.first + 1 else {
                throw MergeError.inconsistent(
                    path: path, reason: "range \(part.first)..\(part.last) of \(part.total) with \(part.records.count) records")
            }
            if let bad = part.records.indices.first(where: { !wellFormed(part, part.records[$0]) }) {
                throw MergeError.inconsistent(path: path, reason: "replicate \(part.first + bad) does not have the run's shape (a damaged part?)")
            }
        }
        let ordered = parts.sorted { $0.part.first < $1.part.first }
        var next = 0
        var previous: (path: String, part: ReportPart<Options, Shared, Record>)?
        for entry in ordered {
            if entry.part.first < next, let previous {
                throw MergeError.overlap(
                    path: entry.path, range: entry.part.first...entry.part.last, otherPath: previous.path,
                    otherRange: previous.part.first...previous.part.last)
            }
            if entry.part.first > next { throw MergeError.missing(range: next...(entry.part.first - 1), total: reference.part.total) }
            next = entry.part.last + 1
            previous = entry
        }
        if next < reference.part.total { throw MergeError.missing(range: next...(reference.part.total - 1), total: reference.part.total) }
        return (reference.part, ordered.flatMap(\.part.records))
    }
}
