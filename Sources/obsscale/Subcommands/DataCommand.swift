import ArgumentParser
import Foundation
import ObsScale
import ObsScaleFetch

/// `obsscale data …`: managing the public panel files.
struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Manage the public panel files (download and verify them).",
        subcommands: [FetchCommand.self])
}

/// `obsscale data fetch`: downloads the paper's public evaluation results into data/obsscaling/,
/// verifying each file's SHA-256 against data/checksums.json.
struct FetchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fetch",
        abstract: "Download the paper's public panel files into data/obsscaling/ and verify their SHA-256 checksums.",
        discussion: """
            Downloads base_llm_benchmark_eval.csv, base_llm_post_training_eval.csv and \
            base_llm_emergent_capability_eval.csv from github.com/ryoungj/ObsScaling (eval_results/, Apache-2.0) \
            and its LICENSE. Each download goes to a temporary file in the destination folder and is renamed \
            into place only if its SHA-256 and size match data/checksums.json; files already present with the \
            right checksum are kept without a download (so a complete folder is verified offline). Afterwards \
            every command uses data/obsscaling/base_llm_benchmark_eval.csv when no --panel or $OBSSCALE_PANEL \
            is given. Exit codes: 0 done, 64 checksum mismatch or bad options, 1 network failure (no network, \
            timeout, HTTP error); the error then says how to place the files by hand.
            """)

    @Option(help: "Destination folder (default: data/obsscaling/ in the project).")
    var dest: String?

    @Option(name: .customLong("base-url"), help: "Download from this URL instead (a folder holding the files; e.g. a mirror or a test server).")
    var baseURL: String?

    @Option(help: "Checksum file to verify against (default: data/checksums.json in the project).")
    var checksums: String?

    @Option(help: "Seconds allowed per file for connecting and receiving it.")
    var timeout: Double = DataFetch.defaultTimeout

    @OptionGroup var quietOption: QuietOption
    var quiet: Bool { quietOption.quiet }

    func run() throws {
        try runReportingErrors {
            let roots = ProjectPaths.roots(executablePath: executablePath)
            let checksumPath = try checksums ?? locateChecksums(roots: roots)
            let manifest = try FetchManifest.load(path: checksumPath)
            guard let destination = dest ?? DataFetch.defaultDestination(roots: roots) else {
                throw DataError.fileNotFound(
                    path: "\(FetchManifest.defaultRelativePath) (cannot find the project folder for the default destination; pass --dest DIR)")
            }
            let fetch = DataFetch(manifest: manifest, destination: destination, baseURL: baseURL, timeout: timeout)
            if !quiet { StandardOutput.line("Fetching \(manifest.files.count) files into \(destination)/ (checksums: \(checksumPath))") }
            let width = manifest.files.map(\.name.count).max() ?? 0
            let results = try fetch.run { result in
                guard !quiet else { return }
                let size = String(result.bytes).leftPadded(to: 8)
                let what: String
                switch result.outcome {
                case .upToDate: what = "up to date"
                case .downloaded: what = "downloaded, SHA-256 verified"
                case .replaced: what = "downloaded, SHA-256 verified (replaced a copy with a wrong checksum)"
                }
                StandardOutput.line("  \(result.name.padding(toLength: width, withPad: " ", startingAt: 0))  \(size) bytes  \(what)")
                fflush(nil)  // each line as its file is done (stdout may be a pipe)
            }
            if !quiet {
                let fetched = results.filter { $0.outcome != .upToDate }.count
                let panel = URL(fileURLWithPath: destination).appendingPathComponent(manifest.files[0].name).path
                StandardOutput.line(
                    "Done: \(fetched) downloaded, \(results.count - fetched) up to date. "
                        + (dest == nil
                            ? "Commands now read \(panel) when no --panel or $OBSSCALE_PANEL is given."
                            : "Use it with --panel \(panel)."))
            }
        }
    }

    private func locateChecksums(roots: [URL]) throws -> String {
        guard let path = ProjectPaths.find(FetchManifest.defaultRelativePath, roots: roots) else {
            throw DataError.fileNotFound(path: "\(FetchManifest.defaultRelativePath) (looked in the project folders; pass --checksums FILE)")
        }
        return path
    }
}

private extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
