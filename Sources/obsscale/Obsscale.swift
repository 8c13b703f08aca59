import ArgumentParser
import Foundation
import ObsScale
import ObsScaleFetch
import Synchronization

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
            ReportCommand.self,
            SimulateCommand.self,
            DataCommand.self,
        ]
    )

    /// Runs the command; argument-parser's own errors (unknown options, bad values, failed
    /// `validate()`) are printed in obsscale's one error style, `obsscale: error: …`, with the
    /// same exit codes (64 for bad usage).
    static func main() {
        do {
            let arguments = negativeValuesAttached(Array(CommandLine.arguments.dropFirst()))
            var command = try directlyParsed(arguments) ?? parseAsRoot(arguments)
            try command.run()
            try checkStandardOutput()
        } catch {
            let code = exitCode(for: error)
            if code == .success || error is ExitCode { exit(withError: error) }
            let text = explainNegative(message(for: error))
            FileHandle.standardError.write(Data("obsscale: error: \(TerminalText.escaped(text))\n".utf8))
            if !text.contains("Usage:") {
                FileHandle.standardError.write(Data("See 'obsscale help' (or 'obsscale help <command>') for the options.\n".utf8))
            }
            Foundation.exit(code.rawValue)
        }
    }
}

extension Obsscale {
    /// A report that could not be printed (a full disk, `> /dev/full`) is a failure, not a success.
    static func checkStandardOutput() throws {
        let failure = StandardOutput.failure.load(ordering: .relaxed)
        guard failure != 0 else { return }
        printError("cannot write to standard output: \(String(cString: strerror(failure)))")
        throw ExitCode(1)
    }

    /// `--option -1` as `--option=-1`: argument-parser reads a value that starts with a dash as
    /// the next option and says "Missing value"; attached, the value reaches the option's own
    /// check, which says what is allowed. Only numbers are attached (no option name looks like one).
    static func negativeValuesAttached(_ arguments: [String]) -> [String] {
        var result: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if argument.hasPrefix("--"), !argument.contains("="), index + 1 < arguments.count, isNegativeNumber(arguments[index + 1]) {
                result.append(argument + "=" + arguments[index + 1])
                index += 2
            } else {
                result.append(argument)
                index += 1
            }
        }
        return result
    }

    /// `-1`, `-0.5`, `-2e3`, `-5%`, `-1,2`: a dash, then a digit or a point and a digit.
    static func isNegativeNumber(_ text: String) -> Bool {
        let characters = Array(text.utf8)
        guard characters.count >= 2, characters[0] == UInt8(ascii: "-") else { return false }
        let isDigit = { (byte: UInt8) in byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
        return isDigit(characters[1]) || (characters[1] == UInt8(ascii: ".") && characters.count > 2 && isDigit(characters[2]))
    }

    /// argument-parser's "The value '-1' is invalid for '--seed <seed>'" for an option that takes a
    /// count or seed says what is allowed.
    static func explainNegative(_ message: String) -> String {
        guard message.hasPrefix("The value '-"), message.contains("' is invalid for '--"), !message.contains("allowed") else { return message }
        let value = message.dropFirst("The value '".count).prefix { $0 != "'" }
        guard isNegativeNumber(String(value)) else { return message }
        return message + ": must be ≥ 0 (allowed: a whole number ≥ 0)"
    }

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

/// Standard output, written with `write(2)` rather than C's buffered stream, so a failed write —
/// a full disk, `> /dev/full` — is seen: the run then ends with exit code 1, not 0.
enum StandardOutput {
    /// errno of the first failed write (0: none).
    static let failure = Atomic<Int32>(0)

    static func write(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = Foundation.write(1, bytes.baseAddress.map { $0 + offset }, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    _ = failure.compareExchange(expected: 0, desired: errno, ordering: .relaxed)
                    return
                }
                offset += written
            }
        }
    }

    /// `text` and a newline.
    static func line(_ text: String) { write(text + "\n") }
}

/// The running executable's path (resolved from /proc/self/exe where there is one, so a binary
/// found through $PATH or a symlink still finds the data installed beside it; elsewhere from the
/// main bundle, whose set-up costs more at start than reading the link).
let executablePath =
    (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? Bundle.main.executablePath ?? CommandLine.arguments.first

/// Runs a subcommand body: the library's input errors (`InputError`: bad data, settings out of
/// range) become one line on stderr, rendered with settings spelled as flags (`FlagNames`), and
/// exit code 64; a failed download or numerical failure exit code 1.
///
/// - Parameter flagOverrides: the command's own flags for settings other commands spell
///   differently (`FlagNames`).
func runReportingErrors(flagOverrides: [Setting: String] = [:], _ body: () throws -> Void) throws {
    installInterruptHandler()
    do {
        try body()
    } catch let error as any InputError {
        printError(error.message(naming: FlagNames.naming(overrides: flagOverrides)))
        throw ExitCode(64)
    } catch let error as FetchError {
        printError(error.message(naming: FlagNames.naming(overrides: flagOverrides)))
        throw ExitCode(1)
    } catch let error as OutputWriteError {
        printError(error.description)
        throw ExitCode(1)
    } catch let error as LinearAlgebraError {
        printError("numerical failure: \(error.description)")
        throw ExitCode(1)
    }
}

/// Ctrl-C (SIGINT) or SIGTERM stops at once with a message and exit code 130 (128 + SIGINT) or 143.
/// Stopping anywhere is safe: a run's output files are written as one group (`OutputFiles`), so an
/// interrupted run leaves them all as they were (its temporary files removed) or, when the signal
/// comes during the final renames, all new — and the message says which. The handler only uses
/// async-signal-safe operations (atomics, unlink, write, _exit).
func installInterruptHandler() {
    let handler: @convention(c) (Int32) -> Void = { signal in OutputFiles.Interruption.handleSignal(signal) }
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

func printNotice(_ message: String, quiet: Bool) {
    guard !quiet else { return }
    FileHandle.standardError.write(Data("\(TerminalText.escaped(message))\n".utf8))
}

/// Prints a report's text on stdout (unless quiet), its settings spelled as the command's flags.
func printReport(_ document: @autoclosure () -> ReportDocument, quiet: Bool, flagOverrides: [Setting: String] = [:]) {
    guard !quiet else { return }  // not even rendered
    StandardOutput.write(TerminalText.escaped(document().text(naming: FlagNames.naming(overrides: flagOverrides))))
}

/// A report's HTML page, its settings spelled as the command's flags.
func htmlPage(_ document: ReportDocument, flagOverrides: [Setting: String] = [:]) -> Data {
    HTMLPage(document, naming: FlagNames.naming(overrides: flagOverrides)).data
}
