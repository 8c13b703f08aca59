import Foundation
import ObsScaleData
import ObsScaleFetch
import Testing
import _TestSupport

/// SHA-256 against the FIPS 180-4 / NIST vectors and Python's hashlib.
struct SHA256Tests {
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (
            "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        ),
        (
            "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"
        ),
    ])
    func knownVectors(message: String, digest: String) {
        #expect(DataFetch.SHA256.hexDigest(message) == digest)
    }

    @Test func oneMillionA() {
        let expected = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
        #expect(DataFetch.SHA256.hexDigest(Data(repeating: UInt8(ascii: "a"), count: 1_000_000)) == expected)
        // The same message in 1,000 uneven pieces through both update paths.
        var hasher = DataFetch.SHA256()
        var fed = 0
        var piece = 1
        while fed < 1_000_000 {
            let count = min(piece, 1_000_000 - fed)
            if piece % 2 == 0 {
                hasher.update(Data(repeating: UInt8(ascii: "a"), count: count))
            } else {
                hasher.update([UInt8](repeating: UInt8(ascii: "a"), count: count))
            }
            fed += count
            piece = piece % 1999 + 7
        }
        #expect(DataFetch.SHA256.hex(hasher.finalize()) == expected)
    }

    /// Every length from 0 to 200 bytes (all the padding cases: 55, 56, 63, 64, 119, 120 …),
    /// one-shot and split in two at every third offset, against hashlib.
    @Test func paddingBoundariesMatchHashlib() throws {
        let messages = (0...200).map { length in Data((0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ length) }) }
        let python = """
            import hashlib, sys
            for length in range(201):
                data = bytes(((i * 31 + length) & 0xff) for i in range(length))
                print(hashlib.sha256(data).hexdigest())
            """
        let expected = try runPython(python).split(separator: "\n").map(String.init)
        #expect(expected.count == 201)
        for (length, message) in messages.enumerated() {
            #expect(DataFetch.SHA256.hexDigest(message) == expected[length], "length \(length)")
            for split in stride(from: 0, through: length, by: 3) {
                var hasher = DataFetch.SHA256()
                hasher.update(message.prefix(split))
                hasher.update(message.dropFirst(split))
                #expect(DataFetch.SHA256.hex(hasher.finalize()) == expected[length], "length \(length) split at \(split)")
            }
        }
    }

    /// A fixture file (the synthetic panel) and a 3 MB file read in 1 MiB chunks, against hashlib.
    @Test func filesMatchHashlib() throws {
        let folder = TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let small = folder.appendingPathComponent("panel.csv")
        try Data(FetchFixture.panel.utf8).write(to: small)
        var generator: UInt64 = 0x9E37_79B9_7F4A_7C15
        let large = folder.appendingPathComponent("large.bin")
        try Data(
            (0..<3_000_003).map { _ -> UInt8 in
                generator = generator &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return UInt8(truncatingIfNeeded: generator >> 56)
            }
        ).write(to: large)
        for url in [small, large] {
            let expected = try runPython(
                "import hashlib, sys; print(hashlib.sha256(open(sys.argv[1], 'rb').read()).hexdigest())",
                arguments: [url.path])
            let computed = try DataFetch.SHA256.hexDigest(ofFile: url.path)
            #expect(computed.digest == expected.trimmingCharacters(in: .whitespacesAndNewlines), "\(url.lastPathComponent)")
            #expect(computed.bytes == (try Data(contentsOf: url)).count)
        }
    }

    @Test func missingFileIsATypedError() {
        #expect(throws: DataError.self) { try DataFetch.SHA256.hexDigest(ofFile: "/nonexistent/obsscale/file") }
    }
}

/// The checksum file: the committed one matches the published files, bad ones are rejected.
struct FetchManifestTests {
    static var committed: String { TestPaths.root.appendingPathComponent("data/checksums.json").path }

    /// Needs the published files themselves (`.realPanel`): the committed slices are not them.
    @Test(.realPanel) func committedChecksumsMatchThePublishedFiles() throws {
        let folder = try #require(RealPanel.directory, "no folder holds the published files: \(RealPanel.candidates.map(\.path))")
        let manifest = try FetchManifest.load(path: Self.committed)
        #expect(manifest.baseURL == "https://raw.githubusercontent.com/ryoungj/ObsScaling/main/eval_results/")
        #expect(
            manifest.files.map(\.name) == [
                FetchFixture.panelName, FetchFixture.postTrainingName,
                FetchFixture.emergentName, "LICENSE",
            ])
        #expect(manifest.files.last?.url == "../LICENSE")
        for file in manifest.files {
            let path = folder.appendingPathComponent(file.name).path
            let (digest, bytes) = try DataFetch.SHA256.hexDigest(ofFile: path)
            #expect(digest == file.sha256, "\(file.name)")
            #expect(bytes == file.bytes, "\(file.name)")
        }
    }

    static let bad: [(String, String)] = [
        ("{", "not valid JSON"),
        (#"{"schemaVersion": 1, "source": "s", "license": "l", "files": []}"#, "missing key 'baseURL'"),
        (#"{"schemaVersion": 2, "source": "s", "license": "l", "baseURL": "https://x/", "files": []}"#, "schemaVersion 2 is not supported"),
        (#"{"schemaVersion": 1, "source": "s", "license": "l", "baseURL": "ftp://x/", "files": []}"#, "baseURL 'ftp://x/' is not an http"),
        (#"{"schemaVersion": 1, "source": "s", "license": "l", "baseURL": "https://x/", "files": []}"#, "no files listed"),
        (
            #"{"schemaVersion": 1, "source": "s", "license": "l", "baseURL": "https://x/", "files": [{"name": "a/b", "url": "a", "bytes": 1, "sha256": "\#(String(repeating: "0", count: 64))"}]}"#,
            "file name 'a/b' is not a plain file name"
        ),
        (
            #"{"schemaVersion": 1, "source": "s", "license": "l", "baseURL": "https://x/", "files": [{"name": "a", "url": "a", "bytes": 1, "sha256": "abc"}]}"#,
            "file 'a': sha256 'abc' is not 64 hex digits"
        ),
        (
            #"{"schemaVersion": 1, "source": "s", "license": "l", "baseURL": "https://x/", "files": [{"name": "a", "url": "a", "bytes": -1, "sha256": "\#(String(repeating: "0", count: 64))"}]}"#,
            "file 'a': bytes -1 is negative"
        ),
        (
            #"{"schemaVersion": 1, "source": "s", "license": "l", "baseURL": "https://x/", "files": [{"name": "a", "url": "a", "bytes": "1", "sha256": "\#(String(repeating: "0", count: 64))"}]}"#,
            "wrong type at 'files.0.bytes'"
        ),
        (
            #"{"schemaVersion": 1, "source": "s", "license": "l", "baseURL": "https://x/", "files": [{"name": "a", "url": "a", "bytes": 1, "sha256": "\#(String(repeating: "0", count: 64))"}, {"name": "a", "url": "b", "bytes": 1, "sha256": "\#(String(repeating: "0", count: 64))"}]}"#,
            "file 'a' is listed twice"
        ),
    ]

    @Test(arguments: bad)
    func badChecksumFilesAreRejected(text: String, message: String) {
        let path = TestPaths.write(text, name: "checksums.json")
        do {
            _ = try FetchManifest.load(path: path)
            Issue.record("accepted: \(text)")
        } catch let error as DataError {
            #expect(error.description.hasPrefix("\(path): invalid checksum file: "), "\(error)")
            #expect(error.description.contains(message), "\(error)")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }
}

/// `DataFetch` against a local server (python3 http.server on 127.0.0.1).
struct DataFetchTests {
    /// A served fixture tree and a fresh project folder whose `data/obsscaling` is the destination.
    struct Setup {
        let served: URL
        let server: LocalHTTPServer
        let project: URL
        var destination: String { project.appendingPathComponent("data/obsscaling").path }
        var base: String { server.baseURL + "eval_results/" }

        init() throws {
            served = FetchFixture.makeServedFolder()
            server = try LocalHTTPServer(.serve, folder: served)
            project = TestPaths.temporaryDirectory()
        }

        func fetch(_ manifest: FetchManifest? = nil, timeout: Double = DataFetch.defaultTimeout) throws -> [DataFetch.FileResult] {
            try DataFetch(manifest: manifest ?? FetchFixture.manifest(baseURL: base), destination: destination, timeout: timeout).run()
        }

        func contents() -> [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: destination)) ?? []).sorted()
        }

        func cleanUp() {
            server.stop()
            try? FileManager.default.removeItem(at: served)
            try? FileManager.default.removeItem(at: project)
        }
    }

    @Test func fetchesVerifiesAndIsTheDefaultPanelAfterwards() throws {
        let setup = try Setup()
        defer { setup.cleanUp() }
        var reported: [String] = []
        let results = try DataFetch(manifest: FetchFixture.manifest(baseURL: setup.base), destination: setup.destination)
            .run { reported.append($0.name) }
        #expect(results.map(\.outcome) == [.downloaded, .downloaded, .downloaded, .downloaded])
        #expect(reported == FetchFixture.files.map(\.name))
        #expect(results.last?.url == setup.server.baseURL + "LICENSE")
        #expect(setup.contents() == FetchFixture.files.map(\.name).sorted(), "no temporary files are left")
        for file in FetchFixture.files {
            let data = try Data(contentsOf: URL(fileURLWithPath: setup.destination).appendingPathComponent(file.name))
            #expect(data == Data(file.content.utf8))
        }

        // The default panel resolution now picks the fetched files up, and they load.
        let location = try PanelLocation.resolve(panel: nil, downstream: [], environment: [:], roots: [setup.project])
        #expect(location.panelPath == setup.destination + "/" + FetchFixture.panelName)
        #expect(
            location.downstreamPaths == [
                setup.destination + "/" + FetchFixture.postTrainingName,
                setup.destination + "/" + FetchFixture.emergentName,
            ])
        #expect(location.notice == nil)
        let panel = try Panel.load(panelPath: location.panelPath, downstreamPaths: location.downstreamPaths)
        #expect(panel.count == 10)
        #expect(panel.familyNames.count == 2)
        #expect(panel.numericColumnNames.contains("gsm8k_cot,flexible"))
        #expect(panel.numericColumnNames.contains("task_synthetic_acc"))

        // Present and correct: up to date without any request (the server is gone).
        setup.server.stop()
        let again = try setup.fetch()
        #expect(again.map(\.outcome) == [.upToDate, .upToDate, .upToDate, .upToDate])
    }

    @Test func replacesACopyWithAWrongChecksum() throws {
        let setup = try Setup()
        defer { setup.cleanUp() }
        try FileManager.default.createDirectory(atPath: setup.destination, withIntermediateDirectories: true)
        let stale = URL(fileURLWithPath: setup.destination).appendingPathComponent(FetchFixture.emergentName)
        try Data("Model,old\n".utf8).write(to: stale)
        let results = try setup.fetch()
        #expect(results.map(\.outcome) == [.downloaded, .downloaded, .replaced, .downloaded])
        #expect(try Data(contentsOf: stale) == Data(FetchFixture.emergent.utf8))
        #expect(setup.contents() == FetchFixture.files.map(\.name).sorted())
    }

    @Test func checksumMismatchWritesNothingAndKeepsTheExistingFile() throws {
        let setup = try Setup()
        defer { setup.cleanUp() }
        // The checksums expect other content for the post-training file than the server sends.
        let expected = FetchFixture.postTraining.replacingOccurrences(of: "0.1", with: "0.9")
        let manifest = FetchFixture.manifest(baseURL: setup.base, override: [FetchFixture.postTrainingName: expected])
        let entry = manifest.files[1]

        // 1. A fresh folder: the panel is fetched, then the mismatch stops the run, leaving nothing of it.
        do {
            _ = try setup.fetch(manifest)
            Issue.record("a mismatching download was accepted")
        } catch let error as DataError {
            let actual = DataFetch.SHA256.hexDigest(FetchFixture.postTraining)
            #expect(
                error
                    == .checksumMismatch(
                        path: setup.destination + "/" + FetchFixture.postTrainingName,
                        url: setup.base + FetchFixture.postTrainingName, expected: entry.sha256,
                        actual: actual, expectedBytes: entry.bytes,
                        actualBytes: FetchFixture.postTraining.utf8.count))
            #expect(error.description.contains(FetchFixture.postTrainingName))
            #expect(error.description.contains("expected SHA-256 \(entry.sha256)"))
            #expect(error.description.contains("got \(actual)"))
        }
        #expect(setup.contents() == [FetchFixture.panelName])

        // 2. An existing copy (here: an older one) stays byte for byte as it was.
        let existing = URL(fileURLWithPath: setup.destination).appendingPathComponent(FetchFixture.postTrainingName)
        let old = Data("Model,\"gsm8k_cot,flexible\"\nsynthetic/alpha-1b,0.5\n".utf8)
        try old.write(to: existing)
        #expect(throws: DataError.self) { try setup.fetch(manifest) }
        #expect(try Data(contentsOf: existing) == old)
        #expect(setup.contents() == [FetchFixture.panelName, FetchFixture.postTrainingName])
    }

    @Test func httpNotFoundIsAClearError() throws {
        let setup = try Setup()
        defer { setup.cleanUp() }
        let manifest = FetchFixture.manifest(baseURL: setup.server.baseURL + "no-such-folder/")
        do {
            _ = try setup.fetch(manifest)
            Issue.record("a 404 was accepted")
        } catch let error as FetchError {
            guard case let .httpStatus(url, status, _) = error else {
                Issue.record("\(error)")
                return
            }
            #expect(status == 404)
            #expect(url == setup.server.baseURL + "no-such-folder/" + FetchFixture.panelName)
            #expect(error.description.contains("the server answered HTTP 404"))
            #expect(error.description.contains("put these files by hand"))
        }
        #expect(!FileManager.default.fileExists(atPath: setup.destination), "nothing is created")
    }

    @Test func connectionRefusedFailsAtOnceWithTheByHandMessage() throws {
        let port = try LocalHTTPServer.closedPort()
        let project = TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: project) }
        let destination = project.appendingPathComponent("data/obsscaling").path
        let manifest = FetchFixture.manifest(baseURL: "http://127.0.0.1:\(port)/eval_results/")
        let start = Date()
        do {
            _ = try DataFetch(manifest: manifest, destination: destination).run()
            Issue.record("fetched from a closed port")
        } catch let error as FetchError {
            guard case let .unreachable(url, reason, _) = error else {
                Issue.record("\(error)")
                return
            }
            #expect(url == "http://127.0.0.1:\(port)/eval_results/\(FetchFixture.panelName)")
            #expect(reason.description.contains("cannot connect to 127.0.0.1:\(port)"))
            let text = error.description
            #expect(text.contains("put these files by hand in \(destination)/"))
            for file in FetchFixture.files { #expect(text.contains(file.name)) }
            #expect(text.contains("PanelQuery.panelPath FILE or $OBSSCALE_PANEL"))
        }
        #expect(Date().timeIntervalSince(start) < 5)
        #expect(!FileManager.default.fileExists(atPath: destination))
    }

    @Test func aServerThatNeverAnswersTimesOut() throws {
        let server = try LocalHTTPServer(.silent)
        defer { server.stop() }
        let project = TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: project) }
        let destination = project.appendingPathComponent("obsscaling").path
        let start = Date()
        #expect(throws: FetchError.self) {
            try DataFetch(manifest: FetchFixture.manifest(baseURL: server.baseURL), destination: destination, timeout: 1.5).run()
        }
        let elapsed = Date().timeIntervalSince(start)
        #expect(elapsed >= 1 && elapsed < 10, "elapsed \(elapsed) s")
        #expect(!FileManager.default.fileExists(atPath: destination))
    }

    @Test func badSettingsAreTypedErrors() throws {
        let manifest = FetchFixture.manifest(baseURL: "http://127.0.0.1:9/")
        let folder = TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = TestPaths.write("x", name: "not-a-folder")
        let cases: [(DataFetch, String)] = [
            (DataFetch(manifest: manifest, destination: folder.path, timeout: 0), "DataFetch.timeout: '0.0' is not allowed"),
            (DataFetch(manifest: manifest, destination: folder.path, timeout: .nan), "DataFetch.timeout: 'nan' is not allowed"),
            (
                DataFetch(manifest: manifest, destination: folder.path, baseURL: "ftp://example.org/"),
                "DataFetch.baseURL: 'ftp://example.org/' is not allowed"
            ),
            (DataFetch(manifest: manifest, destination: folder.path, baseURL: "eval_results"), "DataFetch.baseURL: 'eval_results' is not allowed"),
            (
                DataFetch(manifest: manifest, destination: file),
                "DataFetch.destination: '\(file)' is not allowed (allowed: a folder (this is a file))"
            ),
        ]
        for (fetch, message) in cases {
            do {
                _ = try fetch.run()
                Issue.record("accepted: \(message)")
            } catch let error as DataError {
                #expect(error.description.contains(message), "\(error)")
            } catch {
                Issue.record("unexpected \(error)")
            }
        }
    }
}

/// Runs a Python 3 snippet and returns its stdout.
func runPython(_ code: String, arguments: [String] = []) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", code] + arguments
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
}
