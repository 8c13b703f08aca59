import ObsScaleData

/// Which replicates (or simulated worlds) one process of a split run computes: a range given
/// as is, part I of N equal contiguous ranges, or the part of a job-array task read from the
/// environment (Slurm, Kubernetes). Every form resolves to a range, and a part depends only on
/// its range: the part of shard 2/4 of 1,000 replicates is, byte for byte, the part of
/// replicates 500..749 (docs/json.md, "Parts").
public enum ShardRequest: Equatable, Sendable {
    /// Replicates `first...last` (0-based, inclusive).
    case replicates(ClosedRange<Int>)
    /// Part `index` (0-based) of `count` equal contiguous ranges (`Shard.range(index:count:total:)`).
    case part(index: Int, count: Int)
    /// The part of the job-array task this process runs in (`Shard.environmentVariables`);
    /// `count` is the number of parts when given, else the size of the Slurm array.
    case auto(count: Int?)

    /// The replicates this request stands for in a run of `total` replicates.
    ///
    /// - Parameters:
    ///   - total: the run's replicate (or world) count, ≥ 1.
    ///   - totalSetting: the setting that holds it (named in the errors).
    ///   - environment: the process's environment (read only by `.auto`).
    /// - Throws: `ShardError` naming the setting (or variable), the value and what is allowed: a
    ///   range beyond the run, I ≥ N, N < 1, more parts than replicates (a part would be empty),
    ///   `auto` outside a job array or in an array that does not say how many parts there are.
    public func resolve(total: Int, totalSetting: Setting, environment: [String: String]) throws -> Shard {
        precondition(total >= 1, "a split run has at least one replicate")
        switch self {
        case let .replicates(range):
            guard range.lowerBound >= 0, range.upperBound < total else {
                throw ShardError.invalidSetting(
                    .shardIndices, value: "\(range.lowerBound)..\(range.upperBound)",
                    allowed: "within 0..\(total - 1) of \(totalSetting) \(total)")
            }
            return Shard(range: range, index: nil, count: nil, source: nil)
        case let .part(index, count):
            return try Self.part(index: index, count: count, total: total, totalSetting: totalSetting, source: nil)
        case let .auto(count):
            let (index, resolvedCount, source) = try Self.task(environment: environment, count: count)
            return try Self.part(index: index, count: resolvedCount, total: total, totalSetting: totalSetting, source: source)
        }
    }

    static func part(index: Int, count: Int, total: Int, totalSetting: Setting, source: String?) throws -> Shard {
        let value = "\(index)/\(count)" + (source.map { " (\($0))" } ?? "")
        guard count >= 1 else {
            throw ShardError.invalidSetting(.shard, value: value, allowed: "I/N with N ≥ 1 parts")
        }
        guard index >= 0, index < count else {
            throw ShardError.invalidSetting(.shard, value: value, allowed: "I/N with 0 ≤ I < N (parts are numbered from 0)")
        }
        guard count <= total else {
            throw ShardError.invalidSetting(
                .shard, value: value, allowed: "at most \(total) parts for \(totalSetting) \(total) (a part holds at least one replicate)")
        }
        return Shard(range: Shard.range(index: index, count: count, total: total), index: index, count: count, source: source)
    }

    /// The task's part index and the part count from a job array's environment: Slurm's
    /// `SLURM_ARRAY_TASK_ID` with the array's size (`SLURM_ARRAY_TASK_COUNT`, for an array
    /// 0-(N−1)) or `count`; Kubernetes' `JOB_COMPLETION_INDEX` with `count` (an Indexed Job does
    /// not tell its completions). Slurm first when both are set.
    static func task(environment: [String: String], count: Int?) throws -> (index: Int, count: Int, source: String) {
        func number(_ name: String) throws -> Int? {
            guard let text = environment[name] else { return nil }
            guard let value = Int(text), value >= 0 else {
                throw ShardError.invalidEnvironment(variable: name, value: text, allowed: "an integer ≥ 0")
            }
            return value
        }
        if let id = try number(Shard.slurmTaskID) {
            if let count { return (id, count, "\(Shard.slurmTaskID)=\(id), \(count) parts") }
            guard let arraySize = try number(Shard.slurmTaskCount) else {
                throw ShardError.invalidEnvironment(
                    variable: Shard.slurmTaskCount, value: "unset",
                    allowed: "set by Slurm in an array task; else give the number of parts with \(Setting.shardCount) N")
            }
            let first = try number(Shard.slurmTaskMin) ?? 0, last = try number(Shard.slurmTaskMax) ?? arraySize - 1
            guard first == 0, last == arraySize - 1 else {
                // A resubmitted task (sbatch --array=2) runs in an array of its own: its size says
                // nothing about the run's parts.
                throw ShardError.invalidEnvironment(
                    variable: "\(Shard.slurmTaskMin)..\(Shard.slurmTaskMax)", value: "\(first)..\(last)",
                    allowed:
                        "0..\(arraySize - 1), an array 0-(N−1) of \(Shard.slurmTaskCount)=\(arraySize) tasks, whose size is then the number of "
                        + "parts; in any other array, such as a task resubmitted alone (sbatch --array=\(id)), give the number of parts with "
                        + "\(Setting.shardCount) N"
                )
            }
            return (id, arraySize, "\(Shard.slurmTaskID)=\(id) of \(Shard.slurmTaskCount)=\(arraySize)")
        }
        if let index = try number(Shard.kubernetesIndex) {
            guard let count else {
                throw ShardError.invalidEnvironment(
                    variable: Shard.kubernetesIndex, value: "\(index)",
                    allowed: "with the number of parts (the Indexed Job's completions) given by \(Setting.shardCount) N")
            }
            return (index, count, "\(Shard.kubernetesIndex)=\(index), \(count) parts")
        }
        let hint =
            environment["SLURM_JOB_ID"] != nil ? " (SLURM_JOB_ID is set: a Slurm job, but not an array; submit with sbatch --array=0-(N−1))" : ""
        throw ShardError.notInJobArray(hint: hint)
    }
}

/// The replicates one process computes, resolved from a `ShardRequest`.
public struct Shard: Equatable, Sendable {
    /// The replicates, 0-based and inclusive.
    public let range: ClosedRange<Int>
    /// The part index and count when the request named a part (nil for a plain range).
    public let index: Int?
    public let count: Int?
    /// Where `auto` found the part, e.g. `SLURM_ARRAY_TASK_ID=2 of SLURM_ARRAY_TASK_COUNT=4`.
    public let source: String?

    public static let slurmTaskID = "SLURM_ARRAY_TASK_ID"
    public static let slurmTaskCount = "SLURM_ARRAY_TASK_COUNT"
    public static let slurmTaskMin = "SLURM_ARRAY_TASK_MIN"
    public static let slurmTaskMax = "SLURM_ARRAY_TASK_MAX"
    public static let kubernetesIndex = "JOB_COMPLETION_INDEX"
    /// What `ShardRequest.auto` reads, in order.
    public static let environmentVariables = [slurmTaskID, slurmTaskCount, slurmTaskMin, slurmTaskMax, kubernetesIndex]

    /// Part `index` of `count` equal contiguous ranges of 0..<`total`: replicates
    /// ⌊index·total/count⌋ ..< ⌊(index+1)·total/count⌋, so sizes differ by at most one and the
    /// parts tile the run in order. Needs 0 ≤ index < count ≤ total. O(1), exact for any `Int`.
    public static func range(index: Int, count: Int, total: Int) -> ClosedRange<Int> {
        precondition(index >= 0 && index < count && count <= total, "part \(index) of \(count) of \(total) replicates")
        return start(index, count, total)...(start(index + 1, count, total) - 1)
    }

    /// ⌊index·total/count⌋ without overflow (the product in full width).
    static func start(_ index: Int, _ count: Int, _ total: Int) -> Int {
        let product = index.multipliedFullWidth(by: total)
        return count.dividingFullWidth((product.high, product.low)).quotient
    }

    /// The part count N for which every range is a part of N equal ranges of 0..<`total`, when
    /// exactly one N fits (nil when none does, e.g. ranges chosen by hand, or several do). How
    /// `merge` tells which parts are missing as `I/N` (a part records only its range).
    /// A part of N has ⌊total/N⌋ or ⌈total/N⌉ replicates, which bounds N by each range's size;
    /// at most `candidateLimit` counts are tried.
    public static func partCount(of ranges: [ClosedRange<Int>], total: Int, candidateLimit: Int = 100_000) -> Int? {
        guard total >= 1, !ranges.isEmpty, ranges.allSatisfy({ $0.lowerBound >= 0 && $0.upperBound < total }) else { return nil }
        // size ∈ {⌊T/N⌋, ⌊T/N⌋ + 1} ⇔ ⌊T/N⌋ ∈ {size − 1, size} ⇔ T/(size + 1) < N ≤ T/(size − 1).
        var low = 1, high = total
        for range in ranges {
            let size = range.count
            low = max(low, total / (size + 1) + 1)
            if size > 1 { high = min(high, total / (size - 1)) }
        }
        guard low <= high, high - low < candidateLimit else { return nil }
        let fits = (low...high).filter { count in ranges.allSatisfy { index(of: $0, count: count, total: total) != nil } }
        return fits.count == 1 ? fits[0] : nil
    }

    /// The index of `range` among `count` equal parts of 0..<`total` (nil: not one of them).
    /// The only part that can start at the range's first replicate f is the least i with
    /// ⌊i·total/count⌋ ≥ f. O(1).
    public static func index(of range: ClosedRange<Int>, count: Int, total: Int) -> Int? {
        guard count >= 1, count <= total, range.lowerBound >= 0, range.upperBound < total else { return nil }
        var index = start(range.lowerBound, total, count)
        if index < count && start(index, count, total) < range.lowerBound { index += 1 }
        return index < count && Self.range(index: index, count: count, total: total) == range ? index : nil
    }
}

/// Why a shard request cannot be resolved.
public enum ShardError: InputError, Equatable {
    /// A setting out of its allowed range.
    case invalidSetting(Setting, value: String, allowed: SettingText)
    /// A job array's variable with a value `auto` cannot use.
    case invalidEnvironment(variable: String, value: String, allowed: SettingText)
    /// `auto` outside any job array.
    case notInJobArray(hint: String)

    public func message(naming name: (Setting) -> String) -> String {
        switch self {
        case let .invalidSetting(setting, value, allowed):
            return "\(name(setting)): '\(value)' is not allowed (allowed: \(allowed.message(naming: name)))"
        case let .invalidEnvironment(variable, value, allowed):
            return "\(name(.shard)) auto: \(variable) is '\(value)' (allowed: \(allowed.message(naming: name)))"
        case let .notInJobArray(hint):
            return
                "\(name(.shard)) auto: not in a job array: looked for \(Shard.slurmTaskID) (Slurm, sbatch --array) and \(Shard.kubernetesIndex) (a "
                + "Kubernetes Indexed Job), and neither is set\(hint) (allowed: inside a job array; elsewhere \(name(.shard)) I/N or "
                + "\(name(.shardIndices)) FROM..TO)"
        }
    }
}
