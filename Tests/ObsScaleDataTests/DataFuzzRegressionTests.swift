import Foundation
import ObsScaleData
import Testing
import _TestSupport

/// Inputs found by `make fuzz` (Fuzz/, target FuzzPanelCSV) that broke a documented guarantee of
/// `Panel.load`; each is now a typed error with a message naming the file, line and values.
struct DataFuzzRegressionTests {
    func message(_ body: () throws -> Void) -> String {
        do {
            try body()
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    /// A downstream column named like a benchmark alias but holding text
    /// (Fuzz/Regressions/FuzzPanelCSV/text-column-named-like-a-benchmark.csv): asked for by its
    /// name, it is the text column (an error naming the cell), not ARC-C's scores.
    @Test func aTextColumnIsNotShadowedByABenchmarkAlias() throws {
        let panelPath = TestPaths.write("Model,Model Family,ARC-C,MMLU\na,F,0.5,0.4\nb,F,0.6,0.5\n", name: "panel.csv")
        let results = TestPaths.write("Model,arc\na,high\nb,0.3\n", name: "results.csv")
        let panel = try Panel.load(panelPath: panelPath, downstreamPaths: [results])
        #expect(panel.textColumnNames == ["arc"])
        #expect(errorMessage { _ = try panel.values(of: "arc") }.hasPrefix("\(results):2: column 'arc': 'high' is not a number"))
        #expect(errorMessage { _ = try panel.capabilityColumns(["arc"]) }.hasPrefix("\(results):2: column 'arc': 'high' is not a number"))
        #expect(try panel.values(of: "ARC-C") == [0.5, 0.6] && panel.values(of: "Arc-C") == [0.5, 0.6])
    }

    /// A file starting with two byte-order marks (Fuzz/Regressions/FuzzPanelCSV/double-byte-order-mark.csv):
    /// the reader skips one, so the header's first name keeps the second (`\u{FEFF}Model`); the
    /// in-memory parser, given the same text, must read it the same way (the fuzz harness made the
    /// text with Foundation, which drops a leading mark, and reported a disagreement of its own).
    @Test func twoByteOrderMarksReadAlikeFromTextAndFile() throws {
        let text = "\u{FEFF}\u{FEFF}Model,Model,MMLU\na,F,0.5\n"
        let path = TestPaths.write(text, name: "bom.csv")
        let fromFile = try CSVTable.read(path: path)
        let fromText = try CSVTable.parse(text: text, path: path)
        #expect(fromFile.header == ["\u{FEFF}Model", "Model", "MMLU"] && fromText.header == fromFile.header)
        #expect(fromText.rows == fromFile.rows)
    }

    /// FLOPs missing, size and tokens finite and > 0, but 6·N·D overflowed to +∞ (later stages
    /// take log FLOPs), or underflowed to 0 ("FLOPs > 0" broken). Fuzz/Regressions/FuzzPanelCSV/.
    /// Sizes and token counts now have the FLOPs column's plausibility check, so the overflow is
    /// refused as an implausible size first; the underflow still reaches the derived-FLOPs check.
    @Test func derivedFlopsMustBeFiniteAndPositive() throws {
        let overflow = TestPaths.write("Model,Model Family,Model Size (B),Pretraining Data Size (T),MMLU\nx,A,1e300,1e300,0.5\n")
        #expect(
            message { _ = try Panel.load(panelPath: overflow) } == "\(overflow):2: column 'Model Size (B)': 1e+300 is implausible in "
                + "billions of parameters; did you mean 1e+291 (the column seems to hold raw parameter counts: divide it by 1E9)?")
        let underflow = TestPaths.write("Model,Model Family,Model Size (B),Pretraining Data Size (T),MMLU\ny,B,2,3,1\nx,A,1e-300,1e-300,0.5\n")
        #expect(message { _ = try Panel.load(panelPath: underflow) }.hasPrefix("\(underflow):3: column 'FLOPs (1E21)': 0.0 is out of range"))

        // Still derived when representable; a FLOPs value in the file is used as given.
        let fine = TestPaths.write(
            "Model,Model Family,Model Size (B),Pretraining Data Size (T),FLOPs (1E21),MMLU\n"
                + "x,A,1e-150,1e-150,,0.5\ny,B,3,2,7,0.5\n")
        let panel = try Panel.load(panelPath: fine)
        #expect(panel.models.map(\.flops) == [6 * 1e-150 * 1e-150, 7])
        #expect(panel.models.map(\.flopsDerived) == [true, false])
    }
}
