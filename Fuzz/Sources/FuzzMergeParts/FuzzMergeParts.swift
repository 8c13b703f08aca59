import Foundation
import FuzzSupport
import ObsScale

/// libFuzzer target: `obsscale merge` (`ReportMerge.merge(paths:)`) on part files. The input is
/// the text of up to four part files separated by NUL bytes (plain JSON, so corpus files are
/// readable: the seeds are real parts of small fit, select and validate runs and damaged copies
/// of them). The files are written to scratch files and merged. A typed input error
/// (`MergeError`, `DataError`, `FitError`, …: any `InputError`) with a message is fine; a trap,
/// a hang, an untyped error, or a merged report that breaks the contracts (`checkReport`) is a
/// bug. The checks of `merge` — headers against their run, every record's shape and finiteness —
/// are what stands between an edited file and the summaries, so this is where a gap in them traps.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMergeParts(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let files = bytes.split(separator: 0, omittingEmptySubsequences: false).prefix(4).enumerated().map { index, text in
        ScratchFiles.write(Array(text), name: "part-\(index).json")
    }
    let merged: ReportMerge.Merged
    do {
        merged = try ReportMerge.merge(paths: files, threadCount: 1)
    } catch let error as any InputError {
        require(!error.description.isEmpty, "empty \(type(of: error)) message")
        if case let MergeError.incomplete(missing) = error {
            // The commands it prints must name real parts of the run.
            for rerun in missing.reruns {
                require(rerun.range.lowerBound >= 0 && rerun.range.upperBound < missing.total, "rerun range \(rerun.range) of \(missing.total)")
                _ = missing.command(rerun, naming: \.description)
            }
        }
        return 0
    } catch {
        require(false, "merge threw an untyped error: \(type(of: error)) \(error)")
        return 0
    }
    checkReport(merged)
    return 0
}

/// A merged report is a JSON report of the parts' command, with as many replicates (or worlds)
/// accounted for as the run has: succeeded + failed = total.
func checkReport(_ merged: ReportMerge.Merged) {
    guard let object = try? JSONSerialization.jsonObject(with: merged.report) as? [String: Any] else {
        require(false, "the merged report is not a JSON object")
        return
    }
    require(object["command"] as? String == merged.command, "report of command \(String(describing: object["command"])) from \(merged.command) parts")
    let result = object["result"] as? [String: Any]
    switch merged.command {
    case "fit", "select":
        let bootstrap = result?["bootstrap"] as? [String: Any]
        let succeeded = bootstrap?["replicatesSucceeded"] as? Int ?? -1
        let failed: Int
        if merged.command == "fit" {
            failed = (bootstrap?["failures"] as? [String: Any])?["count"] as? Int ?? -1
        } else {
            failed = (bootstrap?["failures"] as? [String: Int])?.values.reduce(0, +) ?? -1
        }
        require(succeeded >= 0 && failed >= 0 && succeeded + failed == merged.total, "\(succeeded) + \(failed) replicates of \(merged.total)")
    default:
        let run = result?["worldsRun"] as? Int ?? -1
        let failed = (result?["failures"] as? [String: Int])?.values.reduce(0, +) ?? -1
        require(run >= 0 && failed >= 0 && run + failed == merged.total, "\(run) + \(failed) worlds of \(merged.total)")
    }
}
