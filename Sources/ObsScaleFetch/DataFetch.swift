internal import CHTTPFetch
import Foundation
import ObsScaleData

// `obsscale data fetch`: a module of its own, used only by the command line, so that no other user
// of the library links the HTTP client or the checksums.

extension Setting {
    // The settings checked by this module (ObsScaleFetch).
    public static let fetchTimeout = Setting(DataFetch.self, "timeout")
    public static let fetchBaseURL = Setting(DataFetch.self, "baseURL")
    public static let fetchDestination = Setting(DataFetch.self, "destination")
}

/// The files `obsscale data fetch` downloads and their committed SHA-256 digests and sizes
/// (`data/checksums.json`). Only the digests are in the repository, never the data.
public struct FetchManifest: Codable, Equatable, Sendable {
    /// One file: where it goes (`name`, a plain file name in the destination folder), where it
    /// comes from (`url`, relative to `baseURL`, e.g. `../LICENSE`), and what it must be.
    public struct File: Codable, Equatable, Sendable {
        public var name: String
        public var url: String
        public var bytes: Int
        public var sha256: String

        public init(name: String, url: String, bytes: Int, sha256: String) {
            self.name = name
            self.url = url
            self.bytes = bytes
            self.sha256 = sha256
        }
    }

    public var schemaVersion: Int
    public var source: String
    public var license: String
    /// Folder URL the file URLs are relative to (the paper's `eval_results/` on GitHub).
    public var baseURL: String
    public var files: [File]
    public var about: String?

    public init(schemaVersion: Int = 1, source: String, license: String, baseURL: String, files: [File], about: String? = nil) {
        self.schemaVersion = schemaVersion
        self.source = source
        self.license = license
        self.baseURL = baseURL
        self.files = files
        self.about = about
    }

    /// Where the committed checksums live, relative to the project root.
    public static let defaultRelativePath = "data/checksums.json"

    /// Reads and checks a checksum file: schema version 1, at least one file, plain unique names,
    /// sizes ≥ 0, digests of 64 hex digits (compared in lowercase), an http(s) base URL.
    public static func load(path: String) throws -> FetchManifest {
        guard FileManager.default.fileExists(atPath: path) else { throw DataError.fileNotFound(path: path) }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw DataError.unreadableFile(path: path, reason: error.localizedDescription)
        }
        var manifest: FetchManifest
        do {
            manifest = try JSONDecoder().decode(FetchManifest.self, from: data)
        } catch let DecodingError.keyNotFound(key, _) {
            throw DataError.invalidChecksums(path: path, reason: "missing key '\(key.stringValue)'")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            let location = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
            throw DataError.invalidChecksums(path: path, reason: "wrong type at '\(location)'")
        } catch {
            throw DataError.invalidChecksums(path: path, reason: "not valid JSON")
        }
        try manifest.validate(path: path)
        for index in manifest.files.indices { manifest.files[index].sha256 = manifest.files[index].sha256.lowercased() }
        return manifest
    }

    func validate(path: String) throws {
        guard schemaVersion == 1 else {
            throw DataError.invalidChecksums(path: path, reason: "schemaVersion \(schemaVersion) is not supported (allowed: 1)")
        }
        guard DataFetch.isHTTPURL(baseURL) else {
            throw DataError.invalidChecksums(path: path, reason: "baseURL '\(baseURL)' is not an http:// or https:// URL")
        }
        guard !files.isEmpty else { throw DataError.invalidChecksums(path: path, reason: "no files listed") }
        var seen = Set<String>()
        let hexDigits = Set("0123456789abcdefABCDEF")
        for file in files {
            guard !file.name.isEmpty, !file.name.contains("/"), !file.name.hasPrefix("."), file.name != ".." else {
                throw DataError.invalidChecksums(path: path, reason: "file name '\(file.name)' is not a plain file name")
            }
            guard seen.insert(file.name).inserted else {
                throw DataError.invalidChecksums(path: path, reason: "file '\(file.name)' is listed twice")
            }
            guard !file.url.isEmpty else {
                throw DataError.invalidChecksums(path: path, reason: "file '\(file.name)': empty url")
            }
            guard file.bytes >= 0 else {
                throw DataError.invalidChecksums(path: path, reason: "file '\(file.name)': bytes \(file.bytes) is negative")
            }
            guard file.sha256.count == 64, file.sha256.allSatisfy({ hexDigits.contains($0) }) else {
                throw DataError.invalidChecksums(path: path, reason: "file '\(file.name)': sha256 '\(file.sha256)' is not 64 hex digits")
            }
        }
    }
}

/// The download could not be made: no network, a host that does not answer in time, or an HTTP
/// error. The message ends with how to place the files by hand. (The CLI exits with 1: a runtime
/// failure, not bad input.) Its message names settings as an `InputError`'s does.
public enum FetchError: Error, Equatable, CustomStringConvertible, Sendable {
    case unreachable(url: String, reason: SettingText, help: SettingText)
    case httpStatus(url: String, status: Int, help: SettingText)

    /// The message, with every setting it names spelled by `name`.
    public func message(naming name: (Setting) -> String) -> String {
        switch self {
        case let .unreachable(url, reason, help):
            return "cannot download \(url): \(reason.message(naming: name))\n\(help.message(naming: name))"
        case let .httpStatus(url, status, help):
            return "cannot download \(url): the server answered HTTP \(status) (\(Self.phrase(status)))\n\(help.message(naming: name))"
        }
    }

    /// The message with settings in Swift terms.
    public var description: String { message(naming: \.description) }

    /// The reason phrase of an HTTP status (RFC 9110), or its class.
    static func phrase(_ status: Int) -> String {
        let phrases = [
            301: "moved permanently", 302: "found", 304: "not modified", 400: "bad request", 401: "unauthorized", 403: "forbidden",
            404: "not found", 408: "request timeout", 410: "gone", 429: "too many requests", 500: "internal server error",
            502: "bad gateway", 503: "service unavailable", 504: "gateway timeout",
        ]
        if let phrase = phrases[status] { return phrase }
        switch status {
        case 300..<400: return "redirection"
        case 400..<500: return "client error"
        case 500..<600: return "server error"
        default: return "unexpected status"
        }
    }
}

/// `obsscale data fetch`: downloads the public panel files into a folder (by default
/// `data/obsscaling/` in the project, where `PanelLocation.resolve` finds them), verifying each
/// against the committed SHA-256 digest and size.
///
/// Per file: a present file with the right digest is kept ("up to date", no request is made, so
/// a complete folder verifies offline); otherwise the file is downloaded into a temporary file in
/// the destination folder, hashed as written, and renamed over the destination only if it
/// matches — on a mismatch the temporary file is deleted and any existing file is left alone.
/// The first network failure stops the run (so no network costs at most one timeout).
public struct DataFetch: Sendable {
    public var manifest: FetchManifest
    /// Destination folder (created if needed).
    public var destination: String
    /// Overrides the manifest's base URL (tests point it at a local server).
    public var baseURL: String?
    /// Seconds allowed per file for connecting and receiving it.
    public var timeout: Double

    public static let defaultTimeout = 10.0

    public init(manifest: FetchManifest, destination: String, baseURL: String? = nil, timeout: Double = DataFetch.defaultTimeout) {
        self.manifest = manifest
        self.destination = destination
        self.baseURL = baseURL
        self.timeout = timeout
    }

    /// What happened to one file.
    public enum Outcome: String, Codable, Sendable {
        /// Present with the right checksum; not downloaded.
        case upToDate = "up to date"
        /// Downloaded and verified; there was no file before.
        case downloaded
        /// Downloaded and verified; replaced a file whose checksum was wrong.
        case replaced
    }

    public struct FileResult: Equatable, Sendable {
        public var name: String
        public var path: String
        public var url: String
        public var bytes: Int
        public var sha256: String
        public var outcome: Outcome
    }

    /// The default destination, `<project root>/data/obsscaling`, where the project root is the
    /// first of `ProjectPaths.roots()` holding `data/checksums.json`; nil when none does.
    public static func defaultDestination(roots: [URL] = ProjectPaths.roots()) -> String? {
        guard let manifest = ProjectPaths.find(FetchManifest.defaultRelativePath, roots: roots) else { return nil }
        return URL(fileURLWithPath: manifest).deletingLastPathComponent().appendingPathComponent("obsscaling").path
    }

    /// Fetches every file of the manifest in order, calling `progress` after each one.
    public func run(progress: (FileResult) -> Void = { _ in }) throws -> [FileResult] {
        try checkSettings()
        try Self.checkFolder(destination)
        let base = try resolvedBaseURL()
        var results: [FileResult] = []
        for file in manifest.files {
            let result = try fetch(file, base: base)
            progress(result)
            results.append(result)
        }
        return results
    }

    func checkSettings() throws {
        guard timeout.isFinite, timeout > 0, timeout <= 86_400 else {
            throw DataError.invalidSetting(.fetchTimeout, value: "\(timeout)", allowed: "seconds, > 0 and ≤ 86400")
        }
    }

    /// The base URL with a trailing slash, so relative file URLs resolve inside it.
    func resolvedBaseURL() throws -> URL {
        var text = baseURL ?? manifest.baseURL
        guard Self.isHTTPURL(text) else {
            throw DataError.invalidSetting(.fetchBaseURL, value: text, allowed: "an http:// or https:// URL")
        }
        if !text.hasSuffix("/") { text += "/" }
        guard let url = URL(string: text) else {
            throw DataError.invalidSetting(.fetchBaseURL, value: text, allowed: "an http:// or https:// URL")
        }
        return url
    }

    static func isHTTPURL(_ text: String) -> Bool {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty else { return false }
        return scheme == "http" || scheme == "https"
    }

    /// The destination must be a folder or not exist yet (it is created before the first write,
    /// so a failed run leaves nothing behind).
    static func checkFolder(_ path: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw DataError.invalidSetting(.fetchDestination, value: path, allowed: "a folder (this is a file)")
        }
    }

    static func makeFolder(_ path: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue { return }
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw DataError.unreadableFile(path: path, reason: "cannot create the folder: \(error.localizedDescription)")
        }
    }

    func fetch(_ file: FetchManifest.File, base: URL) throws -> FileResult {
        let target = URL(fileURLWithPath: destination).appendingPathComponent(file.name)
        guard let source = URL(string: file.url, relativeTo: base)?.absoluteURL else {
            throw DataError.invalidChecksums(path: file.name, reason: "url '\(file.url)' is not a valid relative URL")
        }
        var result = FileResult(
            name: file.name, path: target.path, url: source.absoluteString, bytes: file.bytes,
            sha256: file.sha256, outcome: .downloaded)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: target.path, isDirectory: &isDirectory) {
            guard !isDirectory.boolValue else {
                throw DataError.unreadableFile(path: target.path, reason: "a folder is in the way of the download")
            }
            let present = try SHA256.hexDigest(ofFile: target.path)
            if present.digest == file.sha256 && present.bytes == file.bytes {
                result.outcome = .upToDate
                return result
            }
            result.outcome = .replaced
        }

        // Download into a temporary file beside the target, hash what is on disk, then rename. The
        // folder is created for the first download and removed again if that download fails.
        let createdFolder = !FileManager.default.fileExists(atPath: destination)
        try Self.makeFolder(destination)
        let temporary = URL(fileURLWithPath: destination)
            .appendingPathComponent(".\(file.name).download-\(ProcessInfo.processInfo.processIdentifier)")
        defer { try? FileManager.default.removeItem(at: temporary) }
        do {
            try Self.download(source, to: temporary.path, timeout: timeout, help: handPlacementHelp())
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            if createdFolder { try? FileManager.default.removeItem(atPath: destination) }
            throw error
        }
        let written = try SHA256.hexDigest(ofFile: temporary.path)
        guard written.digest == file.sha256 && written.bytes == file.bytes else {
            throw DataError.checksumMismatch(
                path: target.path, url: source.absoluteString, expected: file.sha256,
                actual: written.digest, expectedBytes: file.bytes, actualBytes: written.bytes)
        }
        guard rename(temporary.path, target.path) == 0 else {
            let reason = String(cString: strerror(errno))
            throw DataError.unreadableFile(path: target.path, reason: "cannot replace file: \(reason)")
        }
        return result
    }

    /// How to do without the download: which files go where, and the alternative of naming a copy
    /// of the panel (`Setting.panelPath`).
    public func handPlacementHelp() -> SettingText {
        let nameWidth = manifest.files.map(\.name.count).max() ?? 0
        let sizeWidth = manifest.files.map { String($0.bytes).count }.max() ?? 0
        let base = URL(string: manifest.baseURL.hasSuffix("/") ? manifest.baseURL : manifest.baseURL + "/")
        let list = manifest.files.map { file in
            let source = URL(string: file.url, relativeTo: base)?.absoluteString ?? file.url
            let size = String(repeating: " ", count: sizeWidth - String(file.bytes).count) + String(file.bytes)
            return "  " + file.name.padding(toLength: nameWidth, withPad: " ", startingAt: 0) + "  \(size) bytes  \(source)"
        }
        return """
            To do without the download, put these files by hand in \(destination)/ \
            (from \(manifest.source), \(manifest.license)):
            \(list.joined(separator: "\n"))
            Running this command again then verifies them offline against their SHA-256 digests. \
            Or skip the fetch: point \(Setting.panelPath) FILE or $OBSSCALE_PANEL at a copy of \(manifest.files.first?.name ?? "the panel CSV").
            """
    }

    /// Downloads one URL into the file `path` with a hard deadline: `timeout` seconds for the whole
    /// transfer, redirects followed. Only status 200 is accepted. Through libcurl, loaded on the
    /// first download (`CHTTPFetch`), so other commands never load it.
    static func download(_ url: URL, to path: String, timeout: Double, help: SettingText) throws {
        var result = chttp_result()
        let code = chttp_fetch_to_file(url.absoluteString, path, timeout, "obsscale-data-fetch", &result)
        let message = withUnsafeBytes(of: result.message) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        guard code == 0 else {
            throw FetchError.unreachable(
                url: url.absoluteString, reason: describe(code: code, message: message, url: url, timeout: timeout), help: help)
        }
        guard result.status == 200 else {
            throw FetchError.httpStatus(url: url.absoluteString, status: result.status, help: help)
        }
    }

    static func seconds(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value)) s" : "\(value) s"
    }

    /// A readable reason for a failed transfer from libcurl's result code (curl/curl.h's CURLcode;
    /// -1: libcurl missing or the file not writable) and its message.
    static func describe(code: Int32, message: String, url: URL, timeout: Double) -> SettingText {
        let host = url.host ?? "the server"
        switch code {
        case -1: return SettingText(message)
        case 5, 6: return "cannot resolve the host \(host) (no network or no DNS?)"
        case 7: return "cannot connect to \(host)\(url.port.map { ":\($0)" } ?? "") (connection refused or no route; no network?)"
        case 28: return "no answer from \(host) within \(seconds(timeout)) (\(Setting.fetchTimeout); no network?)"
        case 52, 55, 56: return "the connection to \(host) was lost (\(message))"
        case 35, 51, 53, 54, 58, 59, 60, 64, 66, 77, 80, 82, 83, 90, 91: return "the TLS connection to \(host) failed (\(message))"
        default: return "\(message) (curl error \(code))"
        }
    }
}
