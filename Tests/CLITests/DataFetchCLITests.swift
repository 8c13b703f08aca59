import Foundation
import ObsScale
import ObsScaleFetch
import Testing
import _TestSupport

/// `obsscale data fetch` end to end against a local server (python3 http.server on 127.0.0.1,
/// serving small synthetic CSVs): never the internet.
struct DataFetchCLITests {
    /// A fresh project folder with the fixture's checksums in `data/checksums.json`, so the
    /// command's defaults (checksums and destination) resolve inside it.
    static func project(baseURL: String, override: [String: String] = [:]) throws -> URL {
        let project = TestPaths.temporaryDirectory()
        try FetchFixture.write(
            FetchFixture.manifest(baseURL: baseURL, override: override),
            to: project.appendingPathComponent("data/checksums.json").path)
        return project
    }

    @Test func fetchIntoTheProjectThenCommandsUseIt() throws {
        let served = FetchFixture.makeServedFolder()
        let server = try LocalHTTPServer(.serve, folder: served)
        defer {
            server.stop()
            try? FileManager.default.removeItem(at: served)
        }
        let project = try Self.project(baseURL: "https://example.invalid/eval_results/")
        defer { try? FileManager.default.removeItem(at: project) }
        let destination = project.appendingPathComponent("data/obsscaling").path

        let result = try runCLI(["data", "fetch", "--base-url", server.baseURL + "eval_results"], directory: project)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty)
        #expect(result.stdout.contains("Fetching 4 files into \(destination)/ (checksums: \(project.path)/data/checksums.json)"))
        for file in FetchFixture.files {
            #expect(result.stdout.contains("  \(file.name)"))
            let data = try Data(contentsOf: URL(fileURLWithPath: destination).appendingPathComponent(file.name))
            #expect(data == Data(file.content.utf8), "\(file.name)")
        }
        #expect(result.stdout.components(separatedBy: "downloaded, SHA-256 verified").count == 5)
        #expect(
            result.stdout.contains("Done: 4 downloaded, 0 up to date. Commands now read \(destination)/\(FetchFixture.panelName) when no --panel"))

        // The default panel is now the fetched one: no synthetic-panel notice.
        let pca = try runCLI(["pca", "--components", "3"], directory: project)
        #expect(pca.status == 0, "\(pca.stderr)")
        #expect(pca.stderr.isEmpty)
        #expect(pca.stdout.contains("10 models in 2 families from \(destination)/\(FetchFixture.panelName)"))

        // Again, with the server gone: everything is up to date, nothing is requested.
        server.stop()
        let again = try runCLI(["data", "fetch", "--base-url", server.baseURL + "eval_results/"], directory: project)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.components(separatedBy: " up to date\n").count == 5)
        #expect(again.stdout.contains("Done: 0 downloaded, 4 up to date."))
        let quiet = try runCLI(["data", "fetch", "--quiet"], directory: project)
        #expect(quiet.status == 0 && quiet.stdout.isEmpty && quiet.stderr.isEmpty)
    }

    @Test func checksumMismatchExits64AndLeavesTheOldFile() throws {
        let served = FetchFixture.makeServedFolder()
        let server = try LocalHTTPServer(.serve, folder: served)
        defer {
            server.stop()
            try? FileManager.default.removeItem(at: served)
        }
        let project = try Self.project(
            baseURL: server.baseURL + "eval_results/",
            override: [FetchFixture.panelName: FetchFixture.panel + "extra/model,Alpha,1,1,,,,,,,,,\n"])
        defer { try? FileManager.default.removeItem(at: project) }
        let destination = project.appendingPathComponent("data/obsscaling")
        try FileManager.default.createDirectory(at: destination, withIntermediateDirectories: true)
        let old = Data("Model,Model Family\n".utf8)
        try old.write(to: destination.appendingPathComponent(FetchFixture.panelName))

        let result = try runCLI(["data", "fetch"], directory: project)
        #expect(result.status == 64)
        #expect(
            result.stderr.hasPrefix(
                "obsscale: error: \(destination.path)/\(FetchFixture.panelName): checksum mismatch for the download from \(server.baseURL)eval_results/\(FetchFixture.panelName): expected SHA-256 "
            ))
        #expect(result.stderr.contains("got \(DataFetch.SHA256.hexDigest(FetchFixture.panel)) (\(FetchFixture.panel.utf8.count) bytes)"))
        #expect(try Data(contentsOf: destination.appendingPathComponent(FetchFixture.panelName)) == old)
        #expect(try FileManager.default.contentsOfDirectory(atPath: destination.path) == [FetchFixture.panelName])
    }

    /// No network: a closed port on 127.0.0.1 with the default timeout, and an unroutable
    /// documentation address (192.0.2.1, RFC 5737) with --timeout 2. Both fail quickly with exit
    /// code 1 and say how to place the files by hand; the real checksums list the real files.
    @Test(arguments: [false, true])
    func noNetworkFailsQuicklyWithTheByHandMessage(unroutable: Bool) throws {
        let base = unroutable ? "http://192.0.2.1/eval_results/" : "http://127.0.0.1:\(try LocalHTTPServer.closedPort())/eval_results/"
        let destination = TestPaths.temporaryDirectory().appendingPathComponent("obsscaling").path
        let start = Date()
        let result = try runCLI(
            ["data", "fetch", "--dest", destination, "--base-url", base]
                + (unroutable ? ["--timeout", "2"] : []))
        let elapsed = Date().timeIntervalSince(start)
        #expect(elapsed < 10, "took \(elapsed) s")
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("obsscale: error: cannot download \(base)base_llm_benchmark_eval.csv: "))
        #expect(result.stderr.contains("put these files by hand in \(destination)/"))
        for name in ["base_llm_benchmark_eval.csv", "base_llm_post_training_eval.csv", "base_llm_emergent_capability_eval.csv"] {
            #expect(result.stderr.contains("  \(name)"))
            #expect(result.stderr.contains("https://raw.githubusercontent.com/ryoungj/ObsScaling/main/eval_results/\(name)"))
        }
        #expect(result.stderr.contains("https://raw.githubusercontent.com/ryoungj/ObsScaling/main/LICENSE"))
        #expect(result.stderr.contains("point --panel FILE or $OBSSCALE_PANEL at a copy of base_llm_benchmark_eval.csv"))
        #expect(!FileManager.default.fileExists(atPath: destination))
    }

    @Test func httpNotFoundExits1() throws {
        let served = FetchFixture.makeServedFolder()
        let server = try LocalHTTPServer(.serve, folder: served)
        defer {
            server.stop()
            try? FileManager.default.removeItem(at: served)
        }
        let destination = TestPaths.temporaryDirectory().appendingPathComponent("obsscaling").path
        let result = try runCLI(["data", "fetch", "--dest", destination, "--base-url", server.baseURL + "missing/"])
        #expect(result.status == 1)
        #expect(
            result.stderr.hasPrefix(
                "obsscale: error: cannot download \(server.baseURL)missing/base_llm_benchmark_eval.csv: the server answered HTTP 404"))
        #expect(!FileManager.default.fileExists(atPath: destination))
    }

    @Test(arguments: [
        (["--timeout", "0"], "--timeout: '0.0' is not allowed"),
        (["--timeout", "abc"], "The value 'abc' is invalid for '--timeout <timeout>'"),
        (["--base-url", "ftp://example.org/"], "--base-url: 'ftp://example.org/' is not allowed (allowed: an http:// or https:// URL)"),
        (["--checksums", "/nonexistent/checksums.json"], "/nonexistent/checksums.json: file not found"),
    ])
    func badOptionsExit64(arguments: [String], message: String) throws {
        let destination = TestPaths.temporaryDirectory().appendingPathComponent("obsscaling").path
        let result = try runCLI(["data", "fetch", "--dest", destination] + arguments)
        #expect(result.status == 64)
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: destination))
    }
}
