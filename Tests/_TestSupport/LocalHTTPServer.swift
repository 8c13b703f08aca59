import Foundation
import ObsScale
import ObsScaleFetch

/// A local HTTP server for the `data fetch` tests: Python's `http.server` on 127.0.0.1 and a free
/// port, in a subprocess. The tests never touch the internet.
///
/// The Python side exits when its stdin closes, so the server ends with the test process even if
/// `stop()` is never reached; `stop()` (also called from `deinit`) terminates and reaps it.
public final class LocalHTTPServer: @unchecked Sendable {
    /// What the subprocess does.
    public enum Mode: String {
        /// Serves the files of a folder.
        case serve
        /// Accepts connections (the kernel does) but never answers: requests can only time out.
        case silent
    }

    public let port: Int
    private let process: Process
    private let input: Pipe
    private var stopped = false

    /// `http://127.0.0.1:PORT/`.
    public var baseURL: String { "http://127.0.0.1:\(port)/" }

    static let script = """
        import http.server, os, socket, sys, threading
        mode = sys.argv[1]
        if mode == "closed":
            sock = socket.socket(); sock.bind(("127.0.0.1", 0)); port = sock.getsockname()[1]; sock.close()
            print(port, flush=True); sys.exit(0)
        if mode == "serve":
            folder = sys.argv[2]
            class Handler(http.server.SimpleHTTPRequestHandler):
                def __init__(self, *args, **kwargs):
                    super().__init__(*args, directory=folder, **kwargs)
                def log_message(self, *args):
                    pass
            server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
            port = server.server_address[1]
        else:
            sock = socket.socket(); sock.bind(("127.0.0.1", 0)); sock.listen(16); port = sock.getsockname()[1]
        def watch():
            sys.stdin.read()
            os._exit(0)
        threading.Thread(target=watch, daemon=True).start()
        print(port, flush=True)
        if mode == "serve":
            server.serve_forever()
        else:
            threading.Event().wait()
        """

    /// Starts a server; `folder` is required for `.serve`.
    public init(_ mode: Mode = .serve, folder: URL? = nil) throws {
        var arguments = ["python3", "-c", Self.script, mode.rawValue]
        if let folder { arguments.append(folder.path) }
        let (process, input, port) = try Self.launch(arguments)
        self.process = process
        self.input = input
        self.port = port
    }

    /// A port on 127.0.0.1 with nothing listening (bound by the OS, then released).
    public static func closedPort() throws -> Int {
        let (process, input, port) = try launch(["python3", "-c", script, "closed"])
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
        return port
    }

    private static func launch(_ arguments: [String]) throws -> (Process, Pipe, Int) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var text = Data()
        while !text.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            text.append(chunk)
        }
        guard let port = Int(String(decoding: text, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            process.terminate()
            throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "the python3 test server did not start"])
        }
        return (process, input, port)
    }

    public func stop() {
        guard !stopped else { return }
        stopped = true
        try? input.fileHandleForWriting.close()
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }

    deinit { stop() }
}

/// Small synthetic stand-ins for the public panel files (never the real data), laid out like the
/// upstream repository (`eval_results/*.csv` and `LICENSE` at the root), with a checksum file
/// for them in the format of `data/checksums.json`.
public enum FetchFixture {
    public static let panelName = "base_llm_benchmark_eval.csv"
    public static let postTrainingName = "base_llm_post_training_eval.csv"
    public static let emergentName = "base_llm_emergent_capability_eval.csv"

    /// Ten synthetic models in two families with the eight benchmarks.
    public static let panel: String = {
        var lines = [
            "Model,Model Family,Model Size (B),Pretraining Data Size (T),FLOPs (1E21),"
                + "MMLU,ARC-C,HellaSwag,Winograd,TruthfulQA,GSM8K,XWinograd,HumanEval"
        ]
        for index in 0..<10 {
            let family = index < 5 ? "Alpha" : "Beta"
            let size = [1, 2, 4, 8, 16][index % 5]
            let tokens = index < 5 ? 1 : 2
            let base = 0.25 + 0.05 * Double(index % 5) + (index < 5 ? 0 : 0.04)
            let scores = (0..<8).map { column -> String in
                let value = base + 0.01 * Double((index * 7 + column * 3) % 5) - 0.02 * Double(column % 3)
                return String(format: "%.3f", value)
            }
            lines.append(
                "synthetic/\(family.lowercased())-\(size)b,\(family),\(size),\(tokens),,"
                    + scores.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }()

    public static let postTraining: String = {
        var lines = ["Model,\"gsm8k_cot,flexible\""]
        for (index, name) in modelNames.enumerated() { lines.append("\(name),\(String(format: "%.3f", 0.1 + 0.05 * Double(index)))") }
        return lines.joined(separator: "\n") + "\n"
    }()

    public static let emergent: String = {
        var lines = ["Model,task_synthetic_acc"]
        for (index, name) in modelNames.enumerated() { lines.append("\(name),\(String(format: "%.3f", 0.02 * Double(index * index) / 2))") }
        return lines.joined(separator: "\n") + "\n"
    }()

    public static let license = "Synthetic test fixture, not a license.\n"

    static var modelNames: [String] {
        panel.split(separator: "\n").dropFirst().map { String($0.split(separator: ",")[0]) }
    }

    /// (file name, url relative to `eval_results/`, content) in fetch order.
    public static var files: [(name: String, url: String, content: String)] {
        [
            (panelName, panelName, panel), (postTrainingName, postTrainingName, postTraining),
            (emergentName, emergentName, emergent), ("LICENSE", "../LICENSE", license),
        ]
    }

    /// Writes the served tree into a fresh folder: `eval_results/…` and `LICENSE`.
    public static func makeServedFolder() -> URL {
        let root = TestPaths.temporaryDirectory()
        let results = root.appendingPathComponent("eval_results")
        try? FileManager.default.createDirectory(at: results, withIntermediateDirectories: true)
        for file in files {
            let url = URL(string: file.url, relativeTo: URL(fileURLWithPath: results.path + "/"))!
            try? Data(file.content.utf8).write(to: url)
        }
        return root
    }

    /// A checksum manifest for the fixture files (digests by obsscale's SHA256, itself checked
    /// against hashlib), pointing at `baseURL`; `override` replaces a file's expected content.
    public static func manifest(baseURL: String, override: [String: String] = [:]) -> FetchManifest {
        FetchManifest(
            source: "synthetic test fixture", license: "none", baseURL: baseURL,
            files: files.map { file in
                let content = Data((override[file.name] ?? file.content).utf8)
                return FetchManifest.File(
                    name: file.name, url: file.url, bytes: content.count,
                    sha256: DataFetch.SHA256.hexDigest(content))
            })
    }

    /// Writes `manifest` as JSON to `path` (creating folders).
    public static func write(_ manifest: FetchManifest, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(manifest).write(to: url)
    }
}
