// CSV reading speed (BENCHMARKS.md, "Reading files"): the byte scanner behind every panel and
// downstream file (`CSVTable.parse`, with its checks) on a wide file made in memory, the median
// of 7 timed runs after a warm-up, in MB/s; and, on the real panel files when they are found
// (`FitWorkload.dataDirectory()`: $OBSSCALE_DATA_DIR or data/obsscaling), the whole `Panel.load`
// of the panel with both companion files.
//
//     swift build -c release --package-path Benchmarks --product csv-timing
//     Benchmarks/.build/release/csv-timing [ROWS COLUMNS]
import FitWorkload
import Foundation
import ObsScale

let arguments = CommandLine.arguments.dropFirst().compactMap { Int($0) }
let rowCount = arguments.first ?? 2000
let columnCount = arguments.count > 1 ? arguments[1] : 300

/// A wide panel-like file: a model and a family, then numeric columns with a few quoted
/// headers (commas inside) and empty cells, as the public downstream files have.
func wideFile(rows: Int, columns: Int) -> String {
    var random = Xoshiro256StarStar(seed: 7)
    var text =
        "Model,Model Family," + (0..<columns).map { $0 % 10 == 0 ? "\"metric_\($0),strict-match\"" : "metric_\($0)" }.joined(separator: ",") + "\n"
    for row in 0..<rows {
        text += "org/model-\(row),Family-\(row % 40)"
        for column in 0..<columns {
            text += (row + column) % 17 == 0 ? "," : "," + String(random.nextUniform())
        }
        text += "\n"
    }
    return text
}

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

func time(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

let text = wideFile(rows: rowCount, columns: columnCount)
let megabytes = Double(text.utf8.count) / 1e6
_ = try CSVTable.parse(text: text, path: "wide.csv")
let parse = try (0..<7).map { _ in try time { _ = try CSVTable.parse(text: text, path: "wide.csv") } }
print(
    String(
        format: "CSVTable.parse: %d rows x %d columns, %.2f MB: median %.1f ms = %.0f MB/s", rowCount, columnCount + 2, megabytes,
        1e3 * median(parse), megabytes / median(parse)))
// Parse plus conversion of every cell to a number (what a panel load does with each column).
let table = try CSVTable.parse(text: text, path: "wide.csv")
let numbers = try (0..<7).map { _ in
    try time {
        for column in 2..<table.header.count { for row in table.rows.indices { _ = try table.number(row: row, column: column) } }
    }
}
print(
    String(
        format: "every cell as a number: median %.1f ms (%.0f MB/s with the parse)", 1e3 * median(numbers),
        megabytes / (median(parse) + median(numbers))))

let panelPath = FitWorkload.dataDirectory() + "/base_llm_benchmark_eval.csv"
if FileManager.default.fileExists(atPath: panelPath) {
    let folder = URL(fileURLWithPath: panelPath).deletingLastPathComponent()
    let downstream = ["base_llm_post_training_eval.csv", "base_llm_emergent_capability_eval.csv"].map { folder.appendingPathComponent($0).path }
    _ = try Panel.load(panelPath: panelPath, downstreamPaths: downstream)
    let loads = try (0..<7).map { _ in try time { _ = try Panel.load(panelPath: panelPath, downstreamPaths: downstream) } }
    print(String(format: "Panel.load of the public panel with both downstream files: median %.1f ms", 1e3 * median(loads)))
}
