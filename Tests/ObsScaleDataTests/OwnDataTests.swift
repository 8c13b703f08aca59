import Foundation
import Testing
import _TestSupport

@testable import ObsScaleData

/// A user's own files: other delimiters and header spellings load, with every guess reported;
/// wrong data (percentages, raw FLOPs, empty families, header-only files) is refused with the
/// file, line and what to do. The hand-written panel in Fixtures/own_panel.tsv is tab-separated
/// with lower-case headers and no FLOPs column; Fixtures/own_results.csv holds a percent-scale
/// target, two models the panel does not have, and none for the panel's `lab/new-model`.
struct OwnDataTests {
    static let panel = TestPaths.fixture("own_panel.tsv", near: #filePath).path
    static let results = TestPaths.fixture("own_results.csv", near: #filePath).path

    func message(_ body: () throws -> Void) -> String { errorMessage(body) }

    /// Header names are compared normalized: the byte-level path for ASCII names gives what the
    /// general one (Unicode lower-casing, split on spaces and underscores) gives.
    @Test(arguments: [
        "Model", "Model Family", "  model__FAMILY ", "Model Size (B)", "n_params (B)", "FLOPs (1E21)", "_", "", "A  B_ _C", "x",
        "Ünïcode Näme", "tokens (T)\t",
    ])
    func normalizedNamesMatchTheGeneralRule(name: String) {
        let general = name.lowercased().split(whereSeparator: { $0 == " " || $0 == "_" }).joined(separator: " ")
        #expect(PanelFormat.normalized(name) == general)
    }

    @Test func tabSeparatedLowerCaseHeadersLoadWithNotes() throws {
        let panel = try Panel.load(panelPath: Self.panel, downstreamPaths: [Self.results])
        #expect(panel.count == 15 && panel.familyNames == ["Tiny", "Mid", "Big", "Code"])
        #expect(panel.benchmarkNames == ["MMLU", "ARC-C", "HellaSwag", "Winograd"])
        #expect(panel.metricNames == ["my_eval (%)"])
        // No FLOPs column: C = 6·N·D from params and tokens (units: 1E21 FLOPs).
        let mid7 = try #require(panel.models.first { $0.name == "lab/mid-7b" })
        #expect(mid7.flops == 6 * 7 * 2 && mid7.flopsDerived && mid7.parametersB == 7 && mid7.tokensT == 2)
        let notes = panel.notes.map(\.description).joined(separator: "\n")
        #expect(notes.contains("using column 'model' as Model"))
        #expect(notes.contains("using column 'family' as Model Family"))
        #expect(notes.contains("using column 'params' as Model Size (B)"))
        #expect(notes.contains("using column 'tokens (T)' as Pretraining Data Size (T)"))
        #expect(notes.contains("reading column 'mmlu' as the benchmark MMLU"))
        #expect(notes.contains("using column 'model_name' as Model"))
        #expect(notes.contains("2 rows name no model of the panel, left out: 'lab/unreleased-1', 'other/unknown-7b'"))
        // The user's new model is in the panel, without a target value.
        let values = try panel.values(of: "my_eval (%)")
        #expect(values[try panel.index(ofModel: "lab/new-model")].isNaN)
    }

    @Test func delimitersAreDetectedOrForced() throws {
        let semicolon = TestPaths.write("Model;Model Family;MMLU;ARC-C\na;F;0.3;0.4\nb;F;0.5;0.6\n", name: "semi.csv")
        let panel = try Panel.load(panelPath: semicolon)
        #expect(panel.count == 2 && panel.benchmarkNames == ["MMLU", "ARC-C"])
        // Forcing the wrong delimiter: one column, so Model Family is missing.
        #expect(
            message { _ = try Panel.load(panelPath: semicolon, format: PanelFormat(delimiter: ",")) }.contains("required column 'Model' is missing"))
        #expect(message { _ = try Panel.load(panelPath: semicolon, format: PanelFormat(delimiter: "|")) }.contains("PanelFormat.delimiter"))
        // Quoted fields with the delimiter inside do not fool the detection.
        let quoted = TestPaths.write("\"Model\",\"Model Family\",\"a;b;c;d\"\nm,F,0.5\n", name: "quoted.csv")
        #expect(try Panel.load(panelPath: quoted).metricNames == ["a;b;c;d"])
    }

    @Test func columnsCanBeNamedExplicitly() throws {
        let file = TestPaths.write("id,org,MMLU,compute\nx,A,0.4,10\ny,A,0.5,20\n", name: "named.csv")
        #expect(
            message { _ = try Panel.load(panelPath: file) }.contains(
                "required column 'Model' is missing (name your column with PanelFormat.modelColumn)"))
        let panel = try Panel.load(panelPath: file, format: PanelFormat(modelColumn: "id", familyColumn: "org", flopsColumn: "compute"))
        #expect(panel.modelNames == ["x", "y"] && panel.models.map(\.flops) == [10, 20] && panel.metricNames.isEmpty)
        #expect(message { _ = try Panel.load(panelPath: file, format: PanelFormat(modelColumn: "ident")) }.contains("'ident' is missing"))
    }

    @Test func wrongDataIsRefusedWithFileLineAndFix() throws {
        let emptyFamily = TestPaths.write("Model,Model Family,MMLU\na,F,0.3\nb,,0.4\n", name: "family.csv")
        #expect(
            message { _ = try Panel.load(panelPath: emptyFamily) }
                == "\(emptyFamily):3: model 'b' has an empty family cell (every model needs a family; "
                + "PanelFormat.familyFrom org|model fills empty cells from the model name)")
        let percent = TestPaths.write("Model,Model Family,MMLU\na,F,30\nb,F,45.5\n", name: "percent.csv")
        #expect(message { _ = try Panel.load(panelPath: percent) }.contains("\(percent):2: column 'MMLU': value 30.0 looks like a percentage"))
        let headerOnly = TestPaths.write("Model,Model Family,MMLU\n", name: "header.csv")
        #expect(message { _ = try Panel.load(panelPath: headerOnly) } == "\(headerOnly): no data rows (the file has a header only)")
        let rawFlops = TestPaths.write("Model,Model Family,FLOPs (1E21),MMLU\na,F,8.4e22,0.3\n", name: "raw.csv")
        #expect(message { _ = try Panel.load(panelPath: rawFlops) }.contains("did you mean 84 (the file seems to hold raw FLOPs"))
        let noBenchmarks = TestPaths.write("Model,Model Family,score_a,score_b\na,F,0.3,0.2\nb,F,0.4,0.1\n", name: "nobench.csv")
        let panel = try Panel.load(panelPath: noBenchmarks)
        #expect(
            message { _ = try panel.capabilityColumns(nil) }.contains(
                "its numeric columns are score_a, score_b; pass the capability columns with Panel.capabilityColumns score_a,score_b"))
        #expect(try panel.capabilityColumns(["score_a"]) == ["score_a"])
    }

    @Test func flopsCutoffNeedsFlops() throws {
        let file = TestPaths.write("Model,Model Family,MMLU\na,F,0.3\nb,F,0.4\n", name: "noflops.csv")
        let panel = try Panel.load(panelPath: file)
        #expect(panel.models.allSatisfy { $0.flops == nil })
        #expect(message { _ = try Split(panel: panel, rule: .flopsCutoff(84)) }.contains("SplitRule.flopsCutoff needs the column FLOPs (1E21)"))
        #expect(try Split(panel: panel, rule: .none).train == [0, 1])
    }

    /// The documented spellings are the same number exactly, not within rounding: Llama-2-7B
    /// (84 × 1E21) must stay on the training side of `--cutoff-flops 8.4e22FLOPs`.
    @Test func flopsAreReadInTheirUnitExactly() throws {
        for (text, value) in [
            ("84", 84.0), ("8.4e22", 84), ("84e21", 84), ("84zFLOP", 84), ("84 zFLOPs", 84), ("8.4e22FLOPs", 84), ("8.4E22 flop", 84),
            ("0.5", 0.5), ("1.3e24FLOPs", 1300), ("6.3e24", 6300), ("+2.0E23FLOPs", 200), (".5e1", 5),
        ] {
            #expect(try FlopsUnit.parse(text) == value, "\(text)")
        }
        #expect(message { _ = try FlopsUnit.parse("3e12") }.contains("implausible in units of 1E21 FLOPs; did you mean 3e-09"))
        #expect(message { _ = try FlopsUnit.parse("1e-9") }.contains("did you mean 1e+12"))
        let explicit = message { _ = try FlopsUnit.parse("1e45FLOP") }
        #expect(explicit.contains("at most 1e30FLOPs") && !explicit.contains("FLOPFLOPs"), "\(explicit)")
        for text in ["-3", "lots", "0x54", "0x1p3", "nan", "inf", "84\u{0}e30", "1e", "1..2", "e5"] {
            #expect(message { _ = try FlopsUnit.parse(text) }.contains("is not allowed (allowed: a positive decimal number"), "\(text)")
        }
    }

    @Test func columnSummariesNamePercentColumns() throws {
        let panel = try Panel.load(panelPath: Self.panel, downstreamPaths: [Self.results])
        let summary = PanelSummary(panel: panel)
        #expect(summary.models == 15 && summary.families == 4 && summary.withFlops == 15 && summary.withDerivedFlops == 15)
        let target = try #require(summary.columns.first { $0.name == "my_eval (%)" })
        #expect(target.kind == .metric && target.models == 14 && target.looksLikePercent)
        #expect(summary.columns.filter { $0.kind == .benchmark }.map(\.name) == ["MMLU", "ARC-C", "HellaSwag", "Winograd"])
    }
}

/// Companion downstream files are opened only when a command needs them, and then only the
/// needed columns are converted; files named with `downstreamPaths` are always read.
struct CompanionFilesTests {
    static let target = "gsm8k_cot_8_exact_match,flexible-extract"

    @Test func readOnlyWhatIsNeeded() throws {
        let query = PanelQuery(panelPath: TestPaths.panel, preset: TestPaths.preset2024)
        let all = try query.load(companions: .join).panel
        #expect(all.metricNames.count > 100 && all.sources.count == 3)
        let none = try query.load(companions: .skip).panel
        #expect(none.metricNames.isEmpty && none.sources.count == 1)
        let one = try query.load(companions: .joinIfMissing([Self.target])).panel
        #expect(one.metricNames == [Self.target] && one.sources.count == 3)
        #expect(try one.values(of: Self.target).elementsEqual(try all.values(of: Self.target)) { $0 == $1 || ($0.isNaN && $1.isNaN) })
        #expect(try query.load(companions: .joinIfMissing(["MMLU"])).panel.metricNames.isEmpty)
        // Named files are read whatever the command needs.
        var named = query
        named.downstreamPaths = [TestPaths.postTraining]
        #expect(try named.load(companions: .skip).panel.metricNames.contains(Self.target))
    }
}
