import Foundation
import Testing
import _TestSupport

/// What a run may and may not do to files (`OutputFiles`): links are written through, FIFOs and
/// devices written directly, standard output taken by `-`; inputs, folders and a second output on
/// the same file are refused before any work; a replaced file keeps its mode and owner; an
/// interrupted run leaves no temporary file and no half-replaced group; a failed write to standard
/// output or a full device is exit code 1. On the shipped synthetic panel, so they run anywhere.
struct OutputSafetyTests {
    static let panel = TestPaths.syntheticPanel
    static let targets = TestPaths.root.appendingPathComponent("data/synthetic/targets.csv").path
    static let target = "task_emergent,accuracy"

    static func fit(_ extra: [String]) -> [String] {
        ["fit", "--panel", panel, "--target", target, "--cutoff-flops", "10", "--reference-family", "Family-01"] + extra
    }

    static func pca(_ extra: [String]) -> [String] { ["pca", "--panel", panel] + extra }

    @Test func aSymlinkIsWrittenThroughToItsTarget() throws {
        let folder = TestPaths.temporaryDirectory()
        let target = folder.appendingPathComponent("real.json").path, link = folder.appendingPathComponent("link.json").path
        try "old".write(toFile: target, atomically: false, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "real.json")
        let result = try runCLI(Self.pca(["--quiet", "--json", link]))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == "real.json")
        #expect(try String(contentsOfFile: target, encoding: .utf8).contains("\"command\" : \"pca\""))
        // A dangling link creates its target.
        let dangling = folder.appendingPathComponent("dangling.json").path
        try FileManager.default.createSymbolicLink(atPath: dangling, withDestinationPath: "new.json")
        #expect(try runCLI(Self.pca(["--quiet", "--json", dangling])).status == 0)
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("new.json").path))
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: dangling) == "new.json")
    }

    @Test func aFIFOIsWrittenDirectlyAndStaysAFIFO() throws {
        let fifo = TestPaths.temporaryDirectory().appendingPathComponent("pipe").path
        #expect(mkfifo(fifo, 0o644) == 0)
        let received = Reader(path: fifo)
        let result = try runCLI(Self.pca(["--quiet", "--json", fifo]))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(received.wait().contains("\"command\" : \"pca\""))
        var status = stat()
        #expect(lstat(fifo, &status) == 0 && status.st_mode & S_IFMT == S_IFIFO)
    }

    @Test func standardOutputTakesTheJSONInsteadOfTheTextReport() throws {
        for path in ["-", "/dev/stdout"] {
            let result = try runCLI(Self.pca(["--json", path]))
            #expect(result.status == 0, "\(result.stderr)")
            #expect(try loadJSON(data: Data(result.stdout.utf8))["command"] as? String == "pca", "\(path)")
            #expect(!result.stdout.contains("Capability space"), "\(path): the text report is left out")
        }
        let devNull = try runCLI(Self.pca(["--json", "/dev/null"]))
        #expect(devNull.status == 0 && devNull.stdout.contains("Capability space"))
        var status = stat()
        #expect(stat("/dev/null", &status) == 0 && status.st_mode & S_IFMT == S_IFCHR)
    }

    @Test func outputsOverInputsOrEachOtherAreRefusedBeforeAnyWork() throws {
        let folder = TestPaths.temporaryDirectory()
        let panelCopy = folder.appendingPathComponent("panel.csv").path
        let targetsCopy = folder.appendingPathComponent("targets.csv").path
        try FileManager.default.copyItem(atPath: Self.panel, toPath: panelCopy)
        try FileManager.default.copyItem(atPath: Self.targets, toPath: targetsCopy)
        let original = try Data(contentsOf: URL(fileURLWithPath: panelCopy))
        let link = folder.appendingPathComponent("alias.json").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: panelCopy)
        let same = folder.appendingPathComponent("out.json").path
        let cases: [(arguments: [String], message: String)] = [
            (["pca", "--panel", panelCopy, "--json", panelCopy], "is the input file"),
            (["pca", "--panel", panelCopy, "--json", link], "is the input file"),
            (["pca", "--panel", panelCopy, "--json", same, "--html", same], "--json and --html are the same file"),
            (["fit", "--panel", panelCopy, "--target", Self.target, "--json", targetsCopy], "is the input file"),
            (["merge", panelCopy, "--json", panelCopy], "is the input file"),
            (["predict", "--law", panelCopy, "--panel", Self.panel, "--json", panelCopy], "is the input file"),
            (["pca", "--panel", panelCopy, "--json", folder.path], "it is a folder"),
        ]
        for (arguments, message) in cases {
            let result = try runCLI(arguments)
            #expect(result.status == 64, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: panelCopy)) == original)
        #expect(try Data(contentsOf: URL(fileURLWithPath: targetsCopy)) == (try Data(contentsOf: URL(fileURLWithPath: Self.targets))))
        #expect(!FileManager.default.fileExists(atPath: same))
    }

    @Test func aReplacedFileKeepsItsModeAndOwner() throws {
        let path = TestPaths.temporaryDirectory().appendingPathComponent("report.json").path
        try "old".write(toFile: path, atomically: false, encoding: .utf8)
        #expect(chmod(path, 0o600) == 0)
        let runsAsRoot = geteuid() == 0
        if runsAsRoot { #expect(chown(path, 12345, 23456) == 0) }
        #expect(try runCLI(Self.pca(["--quiet", "--json", path])).status == 0)
        var status = stat()
        #expect(stat(path, &status) == 0)
        #expect(status.st_mode & 0o7777 == 0o600)
        if runsAsRoot { #expect(status.st_uid == 12345 && status.st_gid == 23456) }
        // A file the user may not write is refused, not replaced.
        if !runsAsRoot {
            #expect(chmod(path, 0o400) == 0)
            let refused = try runCLI(Self.pca(["--quiet", "--json", path]))
            #expect(refused.status == 64 && refused.stderr.contains("may not write it"))
        }
    }

    /// A run blocked on its FIFO output has already staged its HTML report; SIGTERM then removes
    /// the temporary file and leaves the old report.
    @Test func anInterruptedRunLeavesNoTemporaryFileAndTheOldReport() throws {
        let folder = TestPaths.temporaryDirectory()
        let fifo = folder.appendingPathComponent("pipe").path, html = folder.appendingPathComponent("report.html").path
        #expect(mkfifo(fifo, 0o644) == 0)
        try "OLD".write(toFile: html, atomically: false, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: obsscaleBinary)
        process.arguments = Self.pca(["--json", fifo, "--html", html])
        let errors = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        try process.run()
        var staged: [String] = []
        for _ in 0..<200 where staged.isEmpty {
            Thread.sleep(forTimeInterval: 0.05)
            staged = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix(".report.html.tmp-") }
        }
        #expect(staged.count == 1, "the HTML report is staged while the FIFO waits for a reader")
        process.terminate()
        process.waitUntilExit()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 143)
        #expect(message.contains("no output file was replaced"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["pipe", "report.html"])
        #expect(try String(contentsOfFile: html, encoding: .utf8) == "OLD")
    }

    @Test func aFailedWriteIsARuntimeFailure() throws {
        let full = try runProcess("/bin/sh", ["-c", "'\(obsscaleBinary)' pca --panel '\(Self.panel)' > /dev/full"])
        #expect(full.status == 1)
        #expect(full.stderr.contains("cannot write to standard output"))
        let device = try runCLI(Self.pca(["--quiet", "--json", "/dev/full"]))
        #expect(device.status == 1, "a full device is not bad input: \(device.stderr)")
        #expect(device.stderr.contains("/dev/full: cannot write file"))
    }

    @Test func negativeNumbersAndDevicesAreExplained() throws {
        let cases: [(arguments: [String], message: String)] = [
            (Self.fit(["--seed", "-1"]), "must be ≥ 0"),
            (Self.fit(["--threads", "-2"]), "--threads: '-2' is not allowed"),
            (["fit", "--panel", Self.panel, "--target", Self.target, "--cutoff-flops", "-3"], "FLOPs '-3' is not allowed"),
            (["select", "--panel", Self.panel, "--budget", "-5"], "'-5' is not allowed"),
            (["fit", "--panel", Self.panel, "--target", Self.target, "--holdout", "@/dev/zero"], "not a regular file"),
            (["fit", "--panel", Self.panel, "--target", Self.target, "--cutoff-flops", "0x54"], "FLOPs '0x54' is not allowed"),
        ]
        for (arguments, message) in cases {
            let result = try runCLI(arguments)
            #expect(result.status == 64, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
            #expect(!result.stderr.contains("Missing value"), "\(arguments)")
        }
    }

    /// `--prior FILE` reads the format its help shows (extra fields ignored).
    @Test func aPriorFileInTheDocumentedFormatIsRead() throws {
        let help = try runCLI(["help", "fit"]).stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(help.contains(#"{"mean": [α, β₁, …, β_K, b], "scale": [...]}"#))
        let prior = TestPaths.write(
            #"{"mean": [-2.0, 1.0, 1.0, 1.0, 0.0], "scale": [2.0, 2.0, 3.0, 4.0, 0.05], "note": "from our own evaluations"}"#,
            name: "prior.json")
        let result = try runCLI(Self.fit(["--prior", prior]))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Prior"))
    }
}

/// Collects what a FIFO receives, on a thread of its own (opening a FIFO for reading blocks
/// until a writer opens it).
final class Reader: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var text = ""

    init(path: String) {
        Thread {
            let data = FileHandle(forReadingAtPath: path)?.readDataToEndOfFile() ?? Data()
            self.text = String(decoding: data, as: UTF8.self)
            self.done.signal()
        }.start()
    }

    func wait() -> String {
        _ = done.wait(timeout: .now() + 30)
        return text
    }
}
