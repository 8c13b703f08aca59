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
        version: obsscaleVersion,
        subcommands: [PCACommand.self, FitCommand.self, SelectCommand.self, ValidateCommand.self, SimulateCommand.self, DataCommand.self]
    )
}

/// Runs a subcommand body, turning the library's typed input errors into a one-line message on
/// stderr and exit code 64 (usage/validation), and anything else into exit code 1.
func runReportingErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as DataError {
        printError(error.description)
        throw ExitCode(64)
    } catch let error as FitError {
        printError(error.description)
        throw ExitCode(64)
    } catch let error as SelectionError {
        printError(error.description)
        throw ExitCode(64)
    } catch let error as LinearAlgebraError {
        printError("numerical failure: \(error.description)")
        throw ExitCode(1)
    }
}

func printError(_ message: String) {
    FileHandle.standardError.write(Data("obsscale: error: \(message)\n".utf8))
}

func printNotice(_ message: String, quiet: Bool) {
    guard !quiet else { return }
    FileHandle.standardError.write(Data("\(message)\n".utf8))
}

/// Splits a comma-separated option value, trimming blanks and dropping empty items.
func commaList(_ text: String?) -> [String]? {
    guard let text else { return nil }
    return text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
}
