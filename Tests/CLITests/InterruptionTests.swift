import Foundation
import Testing
import _TestSupport

/// Interruption: SIGKILL at any moment leaves the previous output file whole (or none),
/// never a partial one; SIGINT stops at once with a message and exit code 130; a search stopped
/// by --time-limit returns its best subset with the proven gap.
struct InterruptionTests {
    static var binary: String { obsscaleBinary }

    static func start(_ arguments: [String]) throws -> (Process, Pipe) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "OBSSCALE_PANEL")
        process.environment = environment
        let errors = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        try process.run()
        return (process, errors)
    }

    static func longFit(json: String, html: String, replicates: Int) -> [String] {
        [
            "fit", "--panel", TestPaths.panel, "--preset", "paper-2024", "--target", CLITests.target, "--cutoff-flops", "84",
            "--bootstrap", "\(replicates)", "--json", json, "--html", html,
        ]
    }

    @Test func killedRunsLeaveTheOldFileOrACompleteNewOne() throws {
        let folder = TestPaths.temporaryDirectory()
        let json = folder.appendingPathComponent("fit.json").path, html = folder.appendingPathComponent("fit.html").path
        let old = "OLD REPORT\n"
        var sawNew = false
        // Kill at several moments of the run — during the bootstrap, around the writes — and
        // finally let one run finish (delay nil).
        for delay in [0.2, 0.5, 0.8, 1.0, 1.2, 1.5, nil] as [Double?] {
            try old.write(toFile: json, atomically: false, encoding: .utf8)
            try old.write(toFile: html, atomically: false, encoding: .utf8)
            let (process, _) = try Self.start(Self.longFit(json: json, html: html, replicates: 600))
            if let delay {
                Thread.sleep(forTimeInterval: delay)
                if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            }
            process.waitUntilExit()
            for (path, closing) in [(json, "}"), (html, "</html>")] {
                let text = try String(contentsOfFile: path, encoding: .utf8)
                let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
                #expect(text == old || trimmed.hasSuffix(closing), "partial \(path) after \(delay ?? -1) s: …\(trimmed.suffix(40))")
                if text != old {
                    sawNew = true
                    if path == json { #expect((try? JSONSerialization.jsonObject(with: Data(text.utf8))) != nil) }
                }
            }
        }
        #expect(sawNew, "the last run was not killed and must have replaced the files")
    }

    @Test func sigintStopsWithAMessageAndWritesNothing() throws {
        let folder = TestPaths.temporaryDirectory()
        let json = folder.appendingPathComponent("never.json").path, html = folder.appendingPathComponent("never.html").path
        let (process, errors) = try Self.start(Self.longFit(json: json, html: html, replicates: 200_000))
        Thread.sleep(forTimeInterval: 1.5)
        #expect(process.isRunning)
        process.interrupt()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 130)
        #expect(message.contains("obsscale: interrupted"))
        #expect(!FileManager.default.fileExists(atPath: json) && !FileManager.default.fileExists(atPath: html))
    }

    @Test func timeLimitReturnsTheBestSubsetWithItsGap() throws {
        let json = TestPaths.temporaryDirectory().appendingPathComponent("select.json").path
        let result = try runCLI([
            "select", "--panel", TestPaths.panel, "--preset", "paper-2024-all", "--unit", "model", "--cost", "params",
            "--budget", "3%", "--method", "bnb", "--time-limit", "0.3", "--json", json,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try loadJSON(URL(fileURLWithPath: json))
        let first = ((object["result"] as? [String: Any])?["results"] as? [[String: Any]])?.first ?? [:]
        let value = (first["value"] as? NSNumber)?.doubleValue ?? .nan, bound = (first["lowerBound"] as? NSNumber)?.doubleValue ?? .nan
        #expect(value.isFinite && bound.isFinite && bound <= value * (1 + 1e-9))
        #expect((first["models"] as? [Any])?.isEmpty == false)
        let notes = first["notes"] as? [String] ?? []
        // Either proven within the limit, or stopped by it with the gap reported.
        #expect(first["provenOptimal"] as? Bool == true || notes.contains { $0.contains("stopped at the time limit") })
        #expect(first["gap"] != nil)
    }
}
