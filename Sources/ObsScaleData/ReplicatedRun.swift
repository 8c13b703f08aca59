/// A computation replicated over the indices 0..<`replicateCount`: replicate r draws only from
/// the random stream of (seed, r), so any range of indices can run anywhere, and the records of
/// all ranges, in index order, make exactly the result of one run (docs/architecture.md, "Split
/// runs").
///
/// Computing records reads the data and is each type's own (`FitBootstrap.replicates`,
/// `SelectionBootstrap.replicates`, `SimulationStudy.worlds`). What combining ranges needs without
/// the data is this protocol: the run's count and seed, the checks of its settings, of what every
/// range computes alike (`Shared`) and of a record, and the summary. A front end merges every
/// replicated computation the same way (the command line's `ReportMerge`); a new one conforms and
/// is merged with no change there but a registry entry.
public protocol ReplicatedRun: Sendable {
    /// What every range computes alike and the summary reads (e.g. the full-data fit).
    associatedtype Shared: Sendable
    /// One replicate's outcome, as a range writes it.
    associatedtype Record: Codable & Sendable
    /// The result of the whole run.
    associatedtype Summary: Sendable

    var replicateCount: Int { get }
    /// The seed of the replicates' streams.
    var runSeed: UInt64 { get }
    /// Throws when the settings, or `shared`, cannot be a run's: an `InputError` naming the
    /// setting, or a `ReplicatedRunProblem`.
    func checkRun(_ shared: Shared) throws
    /// What is wrong with `record` as one of this run's (nil: nothing) — a damaged or edited
    /// record is refused before `summarize` reads it.
    func problem(with record: Record, shared: Shared) -> String?
    /// The result of one run from the records of 0..<`replicateCount`, in index order.
    func summarize(_ shared: Shared, records: [Record], threadCount: Int) -> Summary
}

/// Why the shared state of a replicated run is not one (`ReplicatedRun.checkRun`).
public struct ReplicatedRunProblem: Error, Sendable {
    public let reason: String

    public init(_ reason: String) { self.reason = reason }
}

/// The shared state of a run whose ranges share nothing (a simulation study).
public struct NoSharedResult: Codable, Sendable {
    public init() {}
}

extension JSONCoding {
    /// A number as obsscale's JSON writes it (`NaN`, `Infinity`, `-Infinity` for the non-finite),
    /// for messages about records.
    public static func text(of value: Double) -> String {
        value.isNaN ? "NaN" : value.isInfinite ? (value > 0 ? "Infinity" : "-Infinity") : "\(value)"
    }
}
