import Foundation
import Testing
import _TestSupport

@testable import ObsScaleData

/// Release dates: read from a column the user names (`--date-column`), checked with the file and
/// line, and a date split (`--cutoff-date`) that tests exactly the later models.
struct ReleaseDateTests {
    @Test(
        arguments: [
            ("2024-04-30", "2024-04-30"), ("2024-05-05T12:22:44Z", "2024-05-05"), (" 2024-02-29 10:00 ", "2024-02-29"),
            ("2000-02-29", "2000-02-29"), ("2023-02-29", nil), ("1900-02-29", nil), ("2024-13-01", nil), ("2024-04-31", nil),
            ("2024-4-30", nil), ("30/04/2024", nil), ("2024-04-30x", nil), ("", nil), ("2024-00-10", nil), ("2024-01-00", nil),
        ] as [(String, String?)])
    func datesParse(text: String, day: String?) {
        #expect(ReleaseDate.parse(text) == day, "\(text)")
    }

    static let header = "Model,Model Family,Model Size (B),Released,MMLU,ARC-C"

    @Test func aNamedDateColumnIsReadAndSplitsTheModels() throws {
        let path = TestPaths.write(
            [
                Self.header, "org/a,A,1,2023-09-01,0.3,0.4", "org/b,A,7,2024-01-15T08:00:00Z,0.5,0.6", "org/c,B,3,,0.4,0.5",
                "org/d,B,13,2024-05-02,0.6,0.7",
            ].joined(separator: "\n") + "\n", name: "dated.csv")
        let panel = try Panel.load(panelPath: path, format: PanelFormat(dateColumn: "released"))
        #expect(panel.models.map(\.releaseDate) == ["2023-09-01", "2024-01-15", nil, "2024-05-02"])
        #expect(!panel.numericColumnNames.contains("Released") && panel.benchmarkNames == ["MMLU", "ARC-C"])
        // Train on or before the day; test the later ones and the undated.
        let split = try Split(panel: panel, rule: .dateCutoff("2024-01-15"))
        #expect(split.train == [0, 1] && split.test == [2, 3])
        #expect(SplitRule.dateCutoff("2024-01-15").isValidationCut && SplitRule.dateCutoff("2024-01-15").cutDescription == "release date 2024-01-15")
        #expect(throws: DataError.self) { try Split(panel: panel, rule: .dateCutoff("2024-1-15")) }
        // Without the option the column is a text column (ignored), and a date split names it.
        let plain = try Panel.load(panelPath: path)
        #expect(plain.textColumnNames == ["Released"] && plain.models.allSatisfy { $0.releaseDate == nil })
        let unread = errorMessage { _ = try Split(panel: plain, rule: .dateCutoff("2024-01-15")) }
        #expect(unread.contains("text columns of the panel: Released"), "\(unread)")
        // A panel without dates cannot be split by date.
        let undated = try Panel.load(
            panelPath: TestPaths.write(Self.header.replacingOccurrences(of: ",Released", with: "") + "\norg/a,A,1,0.3,0.4\norg/b,A,2,0.4,0.5\n"))
        let message = errorMessage { _ = try Split(panel: undated, rule: .dateCutoff("2024-01-15")) }
        #expect(message.contains("SplitRule.dateCutoff needs the column of release dates (PanelFormat.dateColumn NAME)"), "\(message)")
    }

    @Test func aBadDateNamesTheFileLineAndColumn() throws {
        let path = TestPaths.write([Self.header, "org/a,A,1,2023-09-01,0.3,0.4", "org/b,A,7,2024-02-30,0.5,0.6"].joined(separator: "\n") + "\n")
        let message = errorMessage { _ = try Panel.load(panelPath: path, format: PanelFormat(dateColumn: "Released")) }
        #expect(message.contains("\(path):3: column 'Released': '2024-02-30' is not allowed (allowed: a date YYYY-MM-DD"), "\(message)")
        let missing = errorMessage { _ = try Panel.load(panelPath: path, format: PanelFormat(dateColumn: "date")) }
        #expect(missing.contains("required column 'date' is missing"), "\(missing)")
    }
}
