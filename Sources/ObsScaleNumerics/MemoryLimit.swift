import Foundation

/// How much memory a run may plan to hold: the smallest of the machine's physical memory, the
/// process's limits (`ulimit -v`, `ulimit -d`) and the cgroup's `memory.max` (a container's or a
/// Slurm job's limit). Work that holds one value per replicate and model (a bootstrap's
/// predictions) checks its estimate against it before starting, so an impossible run is refused
/// with the figure instead of aborting hours later.
public enum MemoryLimit {
    /// Bytes available to this process (the smallest of the limits above).
    public static func available() -> UInt64 {
        var limit = ProcessInfo.processInfo.physicalMemory
        for resource in [RLIMIT_AS, RLIMIT_DATA] {
            var value = rlimit()
            if getrlimit(__rlimit_resource_t(resource.rawValue), &value) == 0, value.rlim_cur != rlim_t.max {
                limit = min(limit, UInt64(value.rlim_cur))
            }
        }
        for path in ["/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"] {
            if let text = try? String(contentsOfFile: path, encoding: .utf8),
                let value = UInt64(text.trimmingCharacters(in: .whitespacesAndNewlines))
            {
                limit = min(limit, value)
            }
        }
        return limit
    }

    /// The share of `available()` a run plans for (the rest: the process itself, its inputs, the
    /// report being written).
    public static let plannedShare = 0.8

    /// `plannedShare` of `available()`.
    public static func budget() -> UInt64 { UInt64(Double(available()) * plannedShare) }

    /// "157 KB", "4.7 GB": a byte count for messages.
    public static func describe(_ bytes: Double) -> String {
        let units = ["bytes", "KB", "MB", "GB", "TB"]
        var value = bytes
        var unit = 0
        while value >= 1000 && unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        return unit == 0 ? "\(Int(value)) bytes" : String(format: value < 10 ? "%.1f" : "%.0f", value) + " " + units[unit]
    }
}
