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
    /// The command line that wrote the part — the subcommand and its arguments, less those that
    /// only say which replicates, where and how fast (the range or part, the part's path, the
    /// thread count, quietness) — so it is the same for every part of a run and a part depends
    /// only on its range. `merge` completes it into the commands that recompute missing parts.
    /// nil when not recorded.
    public let arguments: [String]?

    public init(
        command: String, seed: UInt64?, options: Options, shared: Shared, indices: ClosedRange<Int>, total: Int, records: [Record],
        arguments: [String]? = nil
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
        self.arguments = arguments
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

/// `fit --bootstrap`: the full-data fit and the bootstrap replicates.
public typealias FitPart = ReportPart<FitOptions, ScalingLawFit, FitBootstrap.Replicate>
/// `select --bootstrap`: the selection and the bootstrap replicates.
public typealias SelectPart = ReportPart<SelectOptions, SelectPartShared, SelectionBootstrap.Replicate>
/// `validate --simulate`: the simulated worlds.
public typealias ValidatePart = ReportPart<ValidateOptions, NoSharedResult, SimulationStudy.World>

/// Why parts cannot be merged.
public enum MergeError: InputError {
    case noParts
    /// The file is a JSON report or something else, not a part.
    case notAPart(path: String)
    /// A part of another part schema or written by another version of obsscale.
    case otherVersion(path: String, found: String, allowed: String)
    /// A part differs from the first in `what` (command, seed, options, shared result, count).
    case mismatch(path: String, what: String, reference: String)
    /// Two parts hold the same replicates.
    case overlap(path: String, range: ClosedRange<Int>, otherPath: String, otherRange: ClosedRange<Int>)
    /// No part holds these replicates; how to recompute them.
    case incomplete(MissingReplicates)
    /// A part's header does not fit its run (replicate count, seed, settings) or its records.
    case inconsistent(path: String, reason: String)
    /// A part whose options its run refuses (the run's check threw `error`).
    case refusedOptions(path: String, error: any InputError)
    /// A record that the run cannot have written (a damaged or edited part).
    case badRecord(path: String, replicate: Int, reason: String)

    public func message(naming name: (Setting) -> String) -> String {
        func show(_ range: ClosedRange<Int>) -> String { "\(range.lowerBound)..\(range.upperBound)" }
        switch self {
        case .noParts: return "merge: no part files given"
        case let .notAPart(path):
            return
                "\(path): not a part of a split run (write parts with \(name(.shardIndices)) FROM..TO or \(name(.shard)) I/N, and "
                + "\(name(.jsonReportPath)) FILE)"
        case let .otherVersion(path, found, allowed): return "\(path): \(found) (allowed: \(allowed))"
        case let .mismatch(path, what, reference):
            return "\(path): not the same \(what) as \(reference) (allowed: parts of one run, with the same options, seed and data)"
        case let .overlap(path, range, otherPath, otherRange):
            return "\(path) (replicates \(show(range))) overlaps \(otherPath) (replicates \(show(otherRange))) (allowed: disjoint ranges)"
        case let .incomplete(missing): return missing.message(naming: name)
        case let .inconsistent(path, reason): return "\(path): \(reason)"
        case let .refusedOptions(path, error): return "\(path): its options are not a run's: \(error.message(naming: name))"
        case let .badRecord(path, replicate, reason): return "\(path): replicate \(replicate): \(reason) (a damaged or edited part?)"
        }
    }
}

/// The replicates of a run that no part holds, and the commands that recompute them: the run's
/// command line (`ReportPart.arguments`) with each missing part (`I/N`, when every part given is
/// one of N equal ranges) or range, and a path for its part beside the others.
public struct MissingReplicates: Equatable, Sendable {
    /// One missing part or range and where its part should go.
    public struct Rerun: Equatable, Sendable {
        public let range: ClosedRange<Int>
        /// Its index among `partCount` parts (nil: a range).
        public let part: Int?
        public let path: String
    }
    /// The command whose report the parts make (`fit`, `select`, `validate`).
    public let command: String
    /// The run's replicate (or world) count.
    public let total: Int
    public let ranges: [ClosedRange<Int>]
    /// N when every part given is one of N equal ranges (`Shard.partCount`): then the missing
    /// ranges are whole parts of N.
    public let partCount: Int?
    public let reruns: [Rerun]
    /// The run's command line, without its split options (nil: unknown, or not printable).
    public let arguments: [String]?

    /// At most this many commands are printed.
    public static let shownCommandLimit = 20

    /// The words of the command that recomputes `rerun`, with settings spelled by `name` (the
    /// command line passes its flags).
    public func command(_ rerun: Rerun, naming name: (Setting) -> String) -> [String] {
        let split =
            rerun.part.map { [name(.shard), "\($0)/\(partCount ?? 0)"] }
            ?? [name(.shardIndices), "\(rerun.range.lowerBound)..\(rerun.range.upperBound)"]
        return ["obsscale"] + (arguments ?? [command, "<the run's options>"]) + split + [name(.jsonReportPath), rerun.path]
    }

    /// What is missing and the commands that recompute it, with settings spelled by `name`.
    public func message(naming name: (Setting) -> String) -> String {
        func show(_ range: ClosedRange<Int>) -> String { "\(range.lowerBound)..\(range.upperBound)" }
        var lines = [
            "replicates \(ranges.map(show).joined(separator: ", ")) of 0..\(total - 1) are in no part "
                + "(allowed: parts that together hold every replicate)"
        ]
        let what = reruns.count == 1 ? "it" : "them"
        if let partCount {
            let parts = reruns.compactMap(\.part)
            lines.append(
                "Missing: part\(parts.count == 1 ? "" : "s") \(parts.map(String.init).joined(separator: ", ")) of \(partCount). Recompute \(what) "
                    + "in the directory the parts were written from, then merge again with the new part\(parts.count == 1 ? "" : "s"):"
            )
        } else {
            lines.append(
                "Recompute \(what) in the directory the parts were written from, then merge again with the new part\(reruns.count == 1 ? "" : "s"):")
        }
        for rerun in reruns.prefix(Self.shownCommandLimit) { lines.append("  " + Self.shellQuoted(command(rerun, naming: name))) }
        if reruns.count > Self.shownCommandLimit { lines.append("  … and \(reruns.count - Self.shownCommandLimit) more, one per missing part") }
        if let partCount {
            lines.append(
                "In a Slurm job array whose tasks run \(name(.shard)) auto \(name(.shardCount)) \(partCount), resubmit only these tasks: sbatch "
                    + "--array=\(Self.arrayIndices(reruns.compactMap(\.part))) JOB_SCRIPT"
            )
        }
        return lines.joined(separator: "\n")
    }

    /// Slurm's `--array` syntax for sorted indices: runs of three or more as `a-b` (2,5,6,7 → 2,5-7).
    public static func arrayIndices(_ indices: [Int]) -> String {
        var pieces: [String] = []
        var start = 0
        while start < indices.count {
            var end = start
            while end + 1 < indices.count && indices[end + 1] == indices[end] + 1 { end += 1 }
            if end - start >= 2 {
                pieces.append("\(indices[start])-\(indices[end])")
            } else {
                pieces += indices[start...end].map(String.init)
            }
            start = end + 1
        }
        return pieces.joined(separator: ",")
    }

    /// The words as one POSIX shell command: a word of only letters, digits and `_-./,:=@%+^` as
    /// is, any other in single quotes (a quote inside as `'\''`).
    public static func shellQuoted(_ words: [String]) -> String {
        words.map { word in
            let plain =
                !word.isEmpty
                && word.unicodeScalars.allSatisfy {
                    $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "_-./,:=@%+^".unicodeScalars.contains($0))
                }
            return plain ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
        }.joined(separator: " ")
    }
}

extension Setting {
    // The settings named by this layer (ObsScaleReport).
    /// Where a JSON report goes; lists cut short in a text report are given in full there.
    public static let jsonReportPath = Setting(owner: "JSONReport.write", name: "path")
    /// The replicates of one shard, as every layer's sharded function takes them (`indices`).
    public static let shardIndices = Setting(owner: "ReportPart", name: "indices")
    /// Part I of N (`ShardRequest.part`, or `auto` from a job array).
    public static let shard = Setting(owner: "ShardRequest", name: "part")
    /// The number of parts N given with `auto` (a Kubernetes Indexed Job, a resubmitted Slurm task).
    public static let shardCount = Setting(owner: "ShardRequest", name: "count")
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
        /// A fit's run: what `savedLaw(panel:threadCount:)` reads (nil for other commands).
        let fitRun: MergedFit?

        /// The options of a merged fit (nil for other commands): its data and target, to load
        /// the panel `savedLaw` needs.
        public var fitOptions: FitOptions? { fitRun?.options }

        /// The law the single run's `fit --save-law` writes, from the merged replicates: the
        /// replicate laws are the parts' records; the residual pool is recomputed on `panel`,
        /// which must be the run's (its models those of the fit, in order).
        /// - Throws: `MergeError.inconsistent` for another command or other data; `FitError` as
        ///   `FitBootstrap.replicateLaws` (e.g. a bootstrap with `refitPCA`).
        public func savedLaw(panel: Panel, threadCount: Int = ProcessInfo.processInfo.activeProcessorCount) throws -> SavedLaw {
            guard let run = fitRun else {
                throw MergeError.inconsistent(path: "merge", reason: "a saved law comes from a fit's parts, not \(command)'s")
            }
            guard panel.models.map(\.name) == run.fit.predictions.map(\.model) else {
                throw MergeError.inconsistent(
                    path: run.options.query.panelPath ?? "the panel",
                    reason:
                        "its models are not those of the run (\(panel.count) now, \(run.fit.predictions.count) then): "
                        + "the data changed since the parts were written"
                )
            }
            return try SavedLaw(fit: run.fit, panel: panel, bootstrap: run.options.bootstrap, replicates: run.records, threadCount: threadCount)
        }
    }

    /// Reads the parts at `paths` (any order) and merges them.
    ///
    /// A part is trusted no further than a single run would trust its own replicates, so every
    /// part is checked before anything is summarized:
    /// - its header: a part (`kind`), of this part schema and written by this version of
    ///   obsscale (another version's replicates are another computation, and the report names
    ///   the version that made it); its replicate count and seed those of its options, whose
    ///   settings must be ones the run accepts; its range inside the run and holding one record
    ///   per replicate;
    /// - against the others: the same command, seed, count, options and shared result (the same
    ///   data), no two holding the same replicate, all together holding every one (else
    ///   `MergeError.incomplete` with the commands that recompute the rest);
    /// - every record: the shape of the run (one prediction per model, one outcome per budget, …)
    ///   and numbers the run can write (no NaN where a replicate that succeeded has a number).
    /// Cost: reading and decoding the parts, the checks O(size of the parts), then the command's
    /// summary (O(R log R) per interval).
    public static func merge(paths: [String], threadCount: Int = ProcessInfo.processInfo.activeProcessorCount) throws -> Merged {
        guard !paths.isEmpty else { throw MergeError.noParts }
        let files = try paths.map { path in (path, try TextInput.contents(ofFile: path)) }
        struct Header: Decodable { let kind: String?, command: String?, schemaVersion: Int?, tool: String? }
        var command: String?
        for (path, data) in files {
            guard let header = try? JSONDecoder().decode(Header.self, from: data), header.kind == FitPart.partKind, let partCommand = header.command
            else { throw MergeError.notAPart(path: path) }
            let schema = JSONReport<FitOptions, ScalingLawFit>.currentSchemaVersion, tool = "obsscale \(ObsScaleVersion.current)"
            guard header.schemaVersion == schema else {
                throw MergeError.otherVersion(
                    path: path, found: "part schema version \(header.schemaVersion.map(String.init) ?? "missing")",
                    allowed: "\(schema), the part schema of \(tool), which merges only its own parts")
            }
            guard header.tool == tool else {
                throw MergeError.otherVersion(
                    path: path, found: "written by '\(header.tool ?? "an unnamed tool")'",
                    allowed:
                        "parts written by \(tool): the replicates are the computation of the version that wrote them, and the merged report names "
                        + "it; merge with that version, or rerun the parts with this one"
                )
            }
            if let command, command != partCommand { throw MergeError.mismatch(path: path, what: "command ('\(partCommand)')", reference: paths[0]) }
            command = partCommand
        }
        guard let kind = commands.first(where: { $0.command == command }) else { throw MergeError.notAPart(path: paths[0]) }
        return try merge(kind, files: files, threadCount: threadCount)
    }

    /// The commands whose runs are split into parts: `merge` finds a part's command here.
    static var commands: [any PartedCommand.Type] { [FitParts.self, SelectParts.self, ValidateParts.self] }

    /// The parts of one command's run, checked (`combine`) and summarized into its report.
    static func merge<Command: PartedCommand>(_ kind: Command.Type, files: [(path: String, data: Data)], threadCount: Int) throws -> Merged {
        let (first, records) = try combine(files, as: Command.Part.self) { part in
            let (run, shared) = try Command.run(part)
            try run.checkRun(shared)
            return (Run(total: run.replicateCount, seed: run.runSeed), { run.problem(with: $0, shared: shared) })
        }
        let (run, shared) = try Command.run(first)
        let summary = run.summarize(shared, records: records, threadCount: threadCount)
        return Merged(
            command: Command.command, partCount: files.count, total: first.total, report: try Command.report(first, summary: summary),
            fitRun: Command.fitRun(first, summary: summary, records: records))
    }

    /// What a run's options say its parts must hold: the replicate count and the seed.
    struct Run {
        let total: Int
        let seed: UInt64?
    }

    /// Decodes the parts and checks them (see `merge`): `check` checks a part's options and shared
    /// result, and returns what the run is and what is wrong with one of its records (nil:
    /// nothing). Returns the first part (by path order) with all records in index order.
    static func combine<Options, Shared, Record>(
        _ files: [(path: String, data: Data)], as type: ReportPart<Options, Shared, Record>.Type,
        check: (ReportPart<Options, Shared, Record>) throws -> (Run, (Record) -> String?)
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
        func checked(_ path: String, _ part: ReportPart<Options, Shared, Record>) throws -> (Run, (Record) -> String?) {
            do {
                return try check(part)
            } catch let problem as ReplicatedRunProblem {
                throw MergeError.inconsistent(path: path, reason: problem.reason)
            } catch let error as any InputError {
                throw MergeError.refusedOptions(path: path, error: error)
            }
        }
        let expected = try checked(reference.path, reference.part).0
        let encoder = JSONCoding.encoder()
        let referenceOptions = try encoder.encode(reference.part.options), referenceShared = try encoder.encode(reference.part.shared)
        for (path, part) in parts {
            func check(_ same: Bool, _ what: String) throws {
                if !same { throw MergeError.mismatch(path: path, what: what, reference: reference.path) }
            }
            try check(part.command == reference.part.command, "command ('\(part.command)')")
            try check(part.seed == reference.part.seed, "seed (\(part.seed.map(String.init) ?? "none"))")
            try check(part.total == reference.part.total, "replicate count (\(part.total))")
            try check(try encoder.encode(part.options) == referenceOptions, "options")
            try check(
                try encoder.encode(part.shared) == referenceShared,
                "shared result (the full-data fit or selection: different data, or a search stopped by its time limit?)")
            guard part.total == expected.total else {
                throw MergeError.inconsistent(
                    path: path, reason: "a part of \(part.total) replicates, but its options ask for \(expected.total) (allowed: the same count)")
            }
            guard part.seed == expected.seed else {
                throw MergeError.inconsistent(
                    path: path,
                    reason:
                        "seed \(part.seed.map(String.init) ?? "none"), but its options say \(expected.seed.map(String.init) ?? "none") "
                        + "(allowed: the same seed)"
                )
            }
            guard part.first >= 0, part.first <= part.last, part.last < part.total, part.records.count == part.last - part.first + 1 else {
                throw MergeError.inconsistent(
                    path: path,
                    reason:
                        "range \(part.first)..\(part.last) of \(part.total) with \(part.records.count) records "
                        + "(allowed: 0 ≤ first ≤ last < total, one record per replicate)"
                )
            }
            let problem = try checked(path, part).1
            for (offset, entry) in part.records.enumerated() {
                if let reason = problem(entry) { throw MergeError.badRecord(path: path, replicate: part.first + offset, reason: reason) }
            }
        }
        let ordered = parts.sorted { $0.part.first < $1.part.first }
        var next = 0
        var gaps: [ClosedRange<Int>] = []
        for (position, entry) in ordered.enumerated() {
            if entry.part.first < next {
                let previous = ordered[position - 1]
                throw MergeError.overlap(
                    path: entry.path, range: entry.part.first...entry.part.last, otherPath: previous.path,
                    otherRange: previous.part.first...previous.part.last)
            }
            if entry.part.first > next { gaps.append(next...(entry.part.first - 1)) }
            next = entry.part.last + 1
        }
        if next < reference.part.total { gaps.append(next...(reference.part.total - 1)) }
        guard gaps.isEmpty else {
            throw MergeError.incomplete(
                missing(
                    gaps, of: ordered.map { (path: $0.path, range: $0.part.first...$0.part.last) }, total: reference.part.total,
                    command: reference.part.command, arguments: reference.part.arguments))
        }
        return (reference.part, ordered.flatMap(\.part.records))
    }

    /// The missing ranges as parts of the layout the given parts follow (if they follow one) and
    /// the paths of their parts: a given part's path with its own part index (or its first and
    /// last replicate) replaced by the missing one's, when its file name shows it once as a
    /// number (`parts/part-1.json` → `parts/part-2.json`), else `part-I.json` (`part-FROM-TO.json`)
    /// beside the first part.
    static func missing(
        _ gaps: [ClosedRange<Int>], of given: [(path: String, range: ClosedRange<Int>)], total: Int, command: String, arguments: [String]?
    ) -> MissingReplicates {
        let partCount = Shard.partCount(of: given.map(\.range), total: total)
        let taken = Set(given.map(\.path))
        let directory = (given[0].path as NSString).deletingLastPathComponent
        func beside(_ name: String) -> String { directory.isEmpty ? name : (directory as NSString).appendingPathComponent(name) }
        var reruns: [MissingReplicates.Rerun] = []
        for gap in gaps {
            if let partCount {
                // Whole parts: the given ones are parts of N, so each gap between them is too.
                var index = Shard.start(gap.lowerBound, total, partCount)
                while index < partCount, Shard.range(index: index, count: partCount, total: total).lowerBound <= gap.upperBound {
                    let range = Shard.range(index: index, count: partCount, total: total)
                    if range.lowerBound >= gap.lowerBound {
                        let derived = given.lazy.compactMap { part in
                            Shard.index(of: part.range, count: partCount, total: total).flatMap { renumbered(part.path, [($0, index)]) }
                        }.first { !taken.contains($0) }
                        reruns.append(.init(range: range, part: index, path: derived ?? beside("part-\(index).json")))
                    }
                    index += 1
                }
            } else {
                let derived = given.lazy.compactMap { part in
                    part.range.count > 1
                        ? renumbered(part.path, [(part.range.lowerBound, gap.lowerBound), (part.range.upperBound, gap.upperBound)]) : nil
                }.first { !taken.contains($0) }
                reruns.append(.init(range: gap, part: nil, path: derived ?? beside("part-\(gap.lowerBound)-\(gap.upperBound).json")))
            }
        }
        let printable =
            arguments.map { words in words.allSatisfy { !$0.unicodeScalars.contains { CharacterSet.controlCharacters.contains($0) } } } ?? false
        return MissingReplicates(
            command: command, total: total, ranges: gaps, partCount: partCount, reruns: reruns, arguments: printable ? arguments : nil)
    }

    /// `path` with, in its file name, each number `old` (a whole run of digits, there exactly
    /// once) replaced by `new`; nil when a number is not there exactly once.
    static func renumbered(_ path: String, _ replacements: [(old: Int, new: Int)]) -> String? {
        let directory = (path as NSString).deletingLastPathComponent
        func isDigit(_ character: Character?) -> Bool { character.map { $0.isASCII && $0.isNumber } ?? false }
        var pieces: [String] = []  // the file name as alternating non-digit and digit runs
        for character in (path as NSString).lastPathComponent {
            if let last = pieces.last, isDigit(last.first) == isDigit(character) {
                pieces[pieces.count - 1].append(character)
            } else {
                pieces.append(String(character))
            }
        }
        var replaced = Set<Int>()
        for (old, new) in replacements {
            let matches = pieces.indices.filter { isDigit(pieces[$0].first) && pieces[$0] == String(old) && !replaced.contains($0) }
            guard matches.count == 1 else { return nil }
            pieces[matches[0]] = String(new)
            replaced.insert(matches[0])
        }
        let name = pieces.joined()
        return directory.isEmpty ? name : (directory as NSString).appendingPathComponent(name)
    }
}
