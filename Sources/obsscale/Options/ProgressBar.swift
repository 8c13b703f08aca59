import Foundation
import ObsScale

/// A progress bar with rate and ETA on stderr, for long work: drawn only when stderr
/// is a terminal and `--quiet` is off, redrawn at most 10 times a second, erased when done so
/// the report that follows starts on a clean line. Thread-safe: the library reports from worker
/// threads.
///
///     bootstrap  [██████████░░░░░░░░░░]  52%  520/1000  11,204/s  ETA 0.1 s
final class ProgressBar: @unchecked Sendable {
    let label: String
    /// The unit shown after the counts ("" for plain counts).
    let unit: String
    private let enabled: Bool
    private let lock = NSLock()
    private let started = Date()
    private var lastDraw = Date.distantPast
    private var drawn = false

    init(_ label: String, unit: String = "", quiet: Bool) {
        self.label = label
        self.unit = unit
        enabled = !quiet && isatty(FileHandle.standardError.fileDescriptor) != 0
    }

    /// The handler to pass to the library, nil when nothing is drawn (no cost at all).
    var handler: ProgressHandler? {
        guard enabled else { return nil }
        return { [self] completed, total in update(completed, total) }
    }

    func update(_ completed: Int, _ total: Int) {
        lock.lock()
        defer { lock.unlock() }
        let now = Date()
        guard completed >= total || now.timeIntervalSince(lastDraw) >= 0.1 else { return }
        lastDraw = now
        drawn = true
        FileHandle.standardError.write(
            Data(
                ("\r\u{1B}[K"
                    + Self.line(
                        label: label, unit: unit, completed: completed, total: total,
                        elapsed: now.timeIntervalSince(started))).utf8))
    }

    /// Erases the bar.
    func finish() {
        lock.lock()
        defer { lock.unlock() }
        if drawn { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        drawn = false
    }

    /// One line: label, bar, percentage, counts, rate and ETA.
    static func line(label: String, unit: String, completed: Int, total: Int, elapsed: Double, width: Int = 20) -> String {
        let fraction = total > 0 ? min(1, max(0, Double(completed) / Double(total))) : 0
        let filled = Int((fraction * Double(width)).rounded(.down))
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let rate = elapsed > 0 ? Double(completed) / elapsed : 0
        let remaining = rate > 0 ? Double(total - completed) / rate : .nan
        var text = "\(label)  [\(bar)] \(String(format: "%3.0f%%", 100 * fraction))  \(completed)/\(total)\(unit)"
        text += "  " + (rate >= 100 ? String(format: "%.0f/s", rate) : String(format: "%.1f/s", rate))
        text += "  ETA " + (remaining.isFinite ? duration(remaining) : "—")
        return text
    }

    static func duration(_ seconds: Double) -> String {
        if seconds < 10 { return String(format: "%.1f s", seconds) }
        if seconds < 3600 { return "\(Int(seconds) / 60) min \(Int(seconds) % 60) s" }
        return "\(Int(seconds) / 3600) h \(Int(seconds) % 3600 / 60) min"
    }
}

/// Runs `body` with a progress bar, erasing it afterwards (also when `body` throws).
func withProgress<T>(_ label: String, unit: String = "", quiet: Bool, _ body: (ProgressHandler?) throws -> T) rethrows -> T {
    let bar = ProgressBar(label, unit: unit, quiet: quiet)
    defer { bar.finish() }
    return try body(bar.handler)
}
