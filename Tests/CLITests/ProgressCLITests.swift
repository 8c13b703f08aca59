import Foundation
import Testing
import _TestSupport

/// Progress bars: drawn on a terminal (a pseudo-terminal made by util-linux `script`), never
/// when stderr is a pipe or with --quiet, and never changing the report.
struct ProgressCLITests {
    static var binary: String { obsscaleBinary }
    static let arguments = [
        "fit", "--panel", TestPaths.panel, "--preset", "paper-2024", "--target", CLITests.target,
        "--cutoff-flops", "84", "--bootstrap", "1500", "--seed", "5",
    ]

    /// Runs the CLI under a pseudo-terminal; stdout and stderr arrive merged.
    static func runInTerminal(_ arguments: [String]) throws -> (status: Int32, stdout: String) {
        let quoted = ([binary] + arguments).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        process.arguments = ["-qec", quoted, "/dev/null"]
        process.currentDirectoryURL = TestPaths.root
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script")))
    func barOnATerminalOnly() throws {
        let terminal = try Self.runInTerminal(Self.arguments)
        #expect(terminal.status == 0)
        #expect(terminal.stdout.contains("bootstrap  ["), "no bar under a pty")
        #expect(terminal.stdout.contains("/1500") && terminal.stdout.contains("ETA") && terminal.stdout.contains("/s"))
        #expect(terminal.stdout.contains("\r\u{1B}[K"))

        let piped = try runCLI(Self.arguments)
        #expect(piped.status == 0)
        #expect(!piped.stderr.contains("ETA") && !piped.stdout.contains("ETA"))
        // The same report either way (the terminal turns \n into \r\n).
        let report = terminal.stdout.replacingOccurrences(of: "\r\n", with: "\n")
        for line in piped.stdout.split(separator: "\n").prefix(12) { #expect(report.contains(line)) }

        let quiet = try Self.runInTerminal(Self.arguments + ["--quiet"])
        #expect(quiet.status == 0)
        #expect(!quiet.stdout.contains("ETA") && !quiet.stdout.contains("bootstrap  ["))
    }

    /// Branch-and-bound over several budgets: one bar per budget, named by it, with its own ETA.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script")))
    func branchAndBoundNamesItsBudget() throws {
        let terminal = try Self.runInTerminal([
            "select", "--panel", TestPaths.panel, "--preset", "paper-2024", "--cost", "params", "--budget", "5%,10%", "--method", "bnb",
            "--time-limit", "1",
        ])
        #expect(terminal.status == 0, "\(terminal.stdout)")
        #expect(terminal.stdout.contains("search, budget 73.6807 (1/2)"), "\(terminal.stdout.prefix(600))")
        #expect(terminal.stdout.contains("search, budget 147.361 (2/2)"))
    }
}
