import ArgumentParser
import Foundation
import ObsScale

@main
struct Obsscale: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "obsscale",
        abstract: "Observational scaling laws: fit capability-based laws on public models and predict the rest.",
        discussion: """
            Data: --panel FILE (default: $OBSSCALE_PANEL, then data/obsscaling/ if fetched, then the shipped \
            synthetic panel). Exit codes: 0 success, 64 bad input or options, 1 runtime failure.
            """,
        version: ObsScaleVersion.current,
        subcommands: [
            ColumnsCommand.self, PCACommand.self, EfficiencyCommand.self, FitCommand.self, PredictCommand.self, CompareCommand.self,
            SelectCommand.self,
            ValidateCommand.self,
            MergeCommand.self,
            SimulateCommand.self,
            DataCommand.self,
        ]
    )

    /// Runs the command; argument-parser's own errors (unknown options, bad values, failed
    /// `validate()`) are printed in obsscale's one error style, `obsscale: error: …`, with the
    /// same exit codes (64 for bad usage).
    static func main() {
        do {
            var command = try directlyParsed(Array(CommandLine.arguments.dropFirst())) ?? parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            if code == .success || error is ExitCode { exit(withError: error) }
            let text = message(for: error)
            FileHandle.standardError.write(Data("obsscale: error: \(TerminalText.escaped(text))\n".utf8))
            if !text.contains("Usage:") {
                FileHandle.standardError.write(Data("See 'obsscale help' (or 'obsscale help <command>') for the options.\n".utf8))
            }
            Foundation.exit(code.rawValue)
        }
    }
}

extension Obsscale {
    /// The subcommand named by the first argument, parsed on its own (nil: parse from the root).
    ///
    /// Parsing from the root makes argument-parser build the subcommand's argument set three
    /// extra times (to look for pass-through arguments), about a fifth of a short run. Only plain
    /// invocations take this path — a leaf subcommand and no help or version flag; anything it
    /// cannot parse is parsed again from the root, so every message and help text is the root's.
    static func directlyParsed(_ arguments: [String]) -> ParsableCommand? {
        guard let name = arguments.first,
            let subcommand = configuration.subcommands.first(where: { $0._commandName == name }),
            subcommand.configuration.subcommands.isEmpty,
            !arguments.contains(where: {
                ["-h", "--help", "-help", "--version"].contains($0) || $0.hasPrefix("--experimental") || $0.hasPrefix("--generate-completion")
            })
        else { return nil }
        return try? subcommand.parseAsRoot(Array(arguments.dropFirst()))
    }
}

/// The running executable's path (resolved from /proc/self/exe where there is one, so a binary
/// found through $PATH or a symlink still finds the data installed beside it; elsewhere from the
/// main bundle, whose set-up costs more at start than reading the link).
let executablePath =
    (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? Bundle.main.executablePath ?? CommandLine.arguments.first

/// Runs a subcommand body: the library's input errors (`InputError`: bad data, settings out of
/// range) become one line on stderr, with settings spelled as flags, and exit code 64; a failed
/// download or numerical failure exit code 1.
///
/// - Parameter flagOverrides: the command's own flags for settings other commands spell
///   differently (`FlagNames`).
func runReportingErrors(flagOverrides: [Setting: String] = [:], _ body: () throws -> Void) throws {
    installInterruptHandler()
    do {
        try body()
    } catch let error as any InputError {
        printError(FlagNames.translate(error.description, overrides: flagOverrides))
        throw ExitCode(64)
    } catch let error as FetchError {
        printError(FlagNames.translate(error.description, overrides: flagOverrides))
        throw ExitCode(1)
    } catch let error as LinearAlgebraError {
        printError("numerical failure: \(error.description)")
        throw ExitCode(1)
    }
}

/// Ctrl-C (SIGINT) or SIGTERM stops at once with a message and exit code 130 (128 + SIGINT) or 143.
/// Stopping anywhere is safe: outputs are written to a temporary file and renamed into place, so
/// an interrupted run leaves the previous file (or none), never half of one. The handler only
/// calls async-signal-safe functions (write, _exit).
func installInterruptHandler() {
    let handler: @convention(c) (Int32) -> Void = { signal in
        let message = "\nobsscale: interrupted; nothing more was written (output files are replaced only when complete)\n"
        message.withCString { pointer in _ = write(2, pointer, strlen(pointer)) }
        _exit(128 + signal)
    }
    signal(SIGINT, handler)
    signal(SIGTERM, handler)
    // A parent may have spawned us with these signals blocked (threads of a test runner often
    // block everything, and the mask is inherited): unblock them, or Ctrl-C would be ignored.
    var unblock = sigset_t()
    sigemptyset(&unblock)
    sigaddset(&unblock, SIGINT)
    sigaddset(&unblock, SIGTERM)
    pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
}

/// Every line the command line prints passes through `TerminalText.escaped`: names and values
/// from a user's files may hold escape sequences, which are shown, not obeyed.
func printError(_ message: String) {
    FileHandle.standardError.write(Data("obsscale: error: \(TerminalText.escaped(message))\n".utf8))
}

/// Says where a sharded run's part went and how to combine the parts.
func printPartWritten(_ shard: ClosedRange<Int>, total: Int, path: String, quiet: Bool) {
    guard !quiet else { return }
    print(
        "Replicates \(shard.lowerBound)..\(shard.upperBound) of \(total) written to \(path); obsscale merge PART.json… --json OUT combines the parts."
    )
}

func printNotice(_ message: String, quiet: Bool) {
    guard !quiet else { return }
    FileHandle.standardError.write(Data("\(TerminalText.escaped(message))\n".utf8))
}

/// Prints a rendered report on stdout (unless quiet), with any setting names in it (e.g. in a
/// recorded failure) spelled as flags.
func printReport(_ text: @autoclosure () -> String, quiet: Bool, flagOverrides: [Setting: String] = [:]) {
    guard !quiet else { return }  // not even rendered
    print(TerminalText.escaped(FlagNames.translate(text(), overrides: flagOverrides)), terminator: "")
}
