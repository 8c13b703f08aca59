import Foundation
import Testing
import _TestSupport

/// Each command's `--help` at 80 columns, against the snapshot in `Fixtures/help/` (as
/// swift-argument-parser's example tests do): a change to an option — its name, default or help
/// text, or an option group shared by several commands — shows here as a diff of the help a user
/// reads. After an intended change, regenerate the snapshots with
/// `OBSSCALE_UPDATE_HELP=1 swift test --filter HelpSnapshotTests` and review the diff.
struct HelpSnapshotTests {
    static let commands: [[String]] = [
        [], ["columns"], ["pca"], ["efficiency"], ["fit"], ["predict"], ["compare"], ["select"], ["validate"], ["merge"], ["report"],
        ["simulate"], ["data"], ["data", "fetch"],
    ]

    @Test(arguments: commands) func helpMatchesItsSnapshot(command: [String]) throws {
        let result = try runCLI(command + ["--help"], environment: ["COLUMNS": "80"])
        #expect(result.status == 0, "\(result.stderr)")
        let name = command.isEmpty ? "obsscale" : command.joined(separator: "-")
        let snapshot = TestPaths.fixture("help/\(name).txt", near: #filePath)
        if ProcessInfo.processInfo.environment["OBSSCALE_UPDATE_HELP"] == "1" {
            try Data(result.stdout.utf8).write(to: snapshot, options: .atomic)
            return
        }
        let expected = try String(contentsOf: snapshot, encoding: .utf8)
        #expect(result.stdout == expected, "obsscale \(command.joined(separator: " ")) --help differs from \(snapshot.path)")
    }
}
