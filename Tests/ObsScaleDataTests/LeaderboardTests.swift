import Foundation
import Testing
import _TestSupport

@testable import ObsScaleData

/// Leaderboard exports load with options, never with hand-editing, and nothing about them is
/// answered silently: the hand-written files in Fixtures/ have the shape of the Open LLM
/// Leaderboard v1 and v2 exports and of their merge (Fixtures/README.md), and each step a user
/// meets is checked — the error that names the option, then the loaded panel and its notes.
struct LeaderboardTests {
    static let v1 = TestPaths.fixture("leaderboard_v1_like.csv", near: #filePath).path
    static let v2 = TestPaths.fixture("leaderboard_v2_like.csv", near: #filePath).path
    static let merged = TestPaths.fixture("leaderboard_merged_like.csv", near: #filePath).path

    /// The documented options for the v1 export.
    static let v1Format = PanelFormat(duplicates: .mean, familyFrom: .org, scoreScale: .percent, excludeWhereFalse: ["Flagged"])

    @Test func v1NeedsFourOptionsEachNamedByItsError() throws {
        var format = PanelFormat()
        #expect(
            errorMessage { _ = try Panel.load(panelPath: Self.v1, format: format) }
                == "\(Self.v1): required column 'Model Family' is missing: name your family column with PanelFormat.familyColumn, or derive "
                + "families from the model names with PanelFormat.familyFrom org (the part before '/') or PanelFormat.familyFrom model "
                + "(each model alone)")
        format.familyFrom = .org
        // The export's Flagged column is true on all but the flagged rows: it cannot be used as it reads.
        #expect(
            errorMessage { _ = try Panel.load(panelPath: Self.v1, format: format) }.hasPrefix(
                "\(Self.v1): column 'Flagged' is true on 10 of 11 rows; a leaderboard flags few models, so it most likely marks the "
                    + "models that are *not* flagged"))
        #expect(
            errorMessage { _ = try Panel.load(panelPath: Self.v1, format: format) }.hasSuffix(
                "include 'example-org/Contaminated-7B'): exclude the 1 false rows with PanelFormat.excludeWhereFalse 'Flagged', the 10 "
                    + "true rows with PanelFormat.excludeWhereTrue 'Flagged', or keep every row with PanelFormat.keepsFlaggedRows"))
        format.excludeWhereFalse = ["Flagged"]
        #expect(
            errorMessage { _ = try Panel.load(panelPath: Self.v1, format: format) }
                == "\(Self.v1):5: duplicate model 'beta-corp/Beta-13B-chat' (first seen on line 4); 2 model names repeat, over 4 rows: "
                + "keep one row of each with PanelFormat.duplicates first|last, or average them with PanelFormat.duplicates mean")
        format.duplicates = .mean
        #expect(
            errorMessage { _ = try Panel.load(panelPath: Self.v1, format: format) }
                == "\(Self.v1):2: column 'ARC': value 70.1 looks like a percentage (values up to 100); scores must be fractions in [0, 1]: "
                + "read the scores as percentages with PanelFormat.scoreScale percent (or divide the column by 100)")
        format.scoreScale = .percent
        #expect(format == Self.v1Format)
        #expect(try Panel.load(panelPath: Self.v1, format: format).count == 8)
    }

    @Test func v1LoadsWithWhatItHolds() throws {
        let panel = try Panel.load(panelPath: Self.v1, format: Self.v1Format)
        // The flagged row is out; repeated names are one model each, in order of first appearance.
        #expect(
            panel.modelNames == [
                "alpha-lab/Alpha-70B", "beta-corp/Beta-13B-chat", "alpha-lab/Alpha-7B", "alpha-lab/Alpha-13B", "merger/Chimera-MoE",
                "gamma/Gamma-1B", "gamma/Gamma-3B", "beta-corp/Beta-7B-chat",
            ])
        // The leaderboard's names of the paper's benchmarks, in file order; percentages read ÷ 100.
        #expect(panel.benchmarkNames == ["ARC-C", "HellaSwag", "MMLU", "TruthfulQA", "Winograd", "GSM8K"])
        #expect(panel.metricNames == ["Average ⬆️", "Hub ❤️"])
        #expect(
            panel.textColumnNames == [
                "T", "Type", "Architecture", "Weight type", "Precision", "Merged", "Hub License", "Available on the hub", "Model sha", "MoE", "date",
            ])
        #expect(panel.familyNames == ["alpha-lab", "beta-corp", "merger", "gamma"])
        let beta13 = try panel.index(ofModel: "beta-corp/Beta-13B-chat")
        // Two submissions averaged: (59.0 + 58.6) / 2 / 100.
        #expect(abs(try panel.values(of: "ARC-C")[beta13] - 0.588) < 1e-12)
        #expect(try panel.values(of: "Hub ❤️")[beta13] == 45)  // metrics are not scores: not ÷ 100
        // Size 0 (unknown) is missing; of a repeated name, the rows that have one are averaged.
        #expect(panel.models[try panel.index(ofModel: "merger/Chimera-MoE")].parametersB == nil)
        #expect(panel.models[try panel.index(ofModel: "beta-corp/Beta-7B-chat")].parametersB == 6.74)
        #expect(!panel.modelNames.contains("example-org/Contaminated-7B"))
        let notes = panel.notes.map(\.description)
        #expect(notes.contains("\(Self.v1): using column '#Params (B)' as Model Size (B)"))
        #expect(
            notes.contains(
                "\(Self.v1): left out 1 row where 'Flagged' is false (PanelFormat.excludeWhereFalse 'Flagged'): 'example-org/Contaminated-7B'"))
        #expect(
            notes.contains(
                "\(Self.v1): 2 model names repeat, over 4 rows: averaged each number over a name's rows (PanelFormat.duplicates mean): "
                    + "'beta-corp/Beta-13B-chat', 'beta-corp/Beta-7B-chat'"))
        #expect(
            notes.contains("\(Self.v1): families of all 8 models from the model name (PanelFormat.familyFrom org: the part of the name before '/')"))
        #expect(
            notes.contains(
                "\(Self.v1): column '#Params (B)': 2 cells cannot be a model size (0, negative or text) and are read as missing: lines 8, 11"))
        #expect(notes.contains("\(Self.v1): reading column 'ARC' as the benchmark ARC-C"))
        #expect(notes.contains("\(Self.v1): reading column 'Winogrande' as the benchmark Winograd"))
        #expect(
            notes.contains(
                "\(Self.v1): reading 6 score columns as percentages (÷ 100, PanelFormat.scoreScale percent): 'ARC', 'HellaSwag', 'MMLU', …"))
    }

    @Test func duplicatesKeepTheFirstOrLastRowOrAverage() throws {
        func arc(_ policy: PanelFormat.DuplicatePolicy) throws -> Double {
            var format = Self.v1Format
            format.duplicates = policy
            let panel = try Panel.load(panelPath: Self.v1, format: format)
            return try panel.values(of: "ARC-C")[panel.index(ofModel: "beta-corp/Beta-13B-chat")]
        }
        #expect(try arc(.first) == 0.59 && arc(.last) == 0.586 && abs(arc(.mean) - 0.588) < 1e-12)
        var format = Self.v1Format
        format.duplicates = .first
        let first = try Panel.load(panelPath: Self.v1, format: format)
        // The first row of Beta-7B-chat has size 0: kept as the file says, missing.
        #expect(first.models[try first.index(ofModel: "beta-corp/Beta-7B-chat")].parametersB == nil)
        #expect(first.notes.map(\.description).contains { $0.contains("kept the first row of each (PanelFormat.duplicates first)") })
    }

    @Test func v2LoadsWithItsPlainNameColumnAndRawScores() throws {
        // The export's Model column is an HTML link; the error names the plain column.
        #expect(
            errorMessage { _ = try Panel.load(panelPath: Self.v2) }.hasSuffix(
                "holds HTML ('<a target=\"_blank\" href=\"https://huggingface.co/alpha-lab…'), not model names; name the "
                    + "column with plain model names with PanelFormat.modelColumn 'fullname' or 'Base Model'"))
        let format = PanelFormat(modelColumn: "fullname", familyColumn: "Base Model", duplicates: .first)
        let raw = ["IFEval Raw", "BBH Raw", "MATH Lvl 5 Raw", "GPQA Raw", "MUSR Raw", "MMLU-PRO Raw"]
        let panel = try Panel.load(panelPath: Self.v2, format: format, request: ColumnRequest(capabilities: raw))
        // The Flagged row (delta/Delta-8B) is left out; the pandas index is ignored.
        #expect(panel.modelNames == ["alpha-lab/Alpha-70B", "beta-corp/Beta-13B-chat", "gamma/Gamma-3B", "epsilon/Eps-2B"])
        #expect(panel.benchmarkNames.isEmpty && !panel.metricNames.contains(""))
        #expect(try panel.capabilityColumns(raw.map { $0.lowercased() }) == raw)
        #expect(panel.familyNames == ["alpha-lab/Alpha-70B", "alpha-lab/Alpha-13B", "gamma/Gamma-3B", "epsilon/Eps-2B"])
        #expect(
            panel.notes.map(\.description).contains("\(Self.v2): column '' is a row index (a spreadsheet's or pandas' own numbering) and is ignored"))
        #expect(
            panel.notes.map(\.description).contains(
                "\(Self.v2): left out 1 row where 'Flagged' is true (a leaderboard's flag; keep them with PanelFormat.keepsFlaggedRows): "
                    + "'delta/Delta-8B'"))
        // The normalized columns are percentages: as capabilities they need the percent scale.
        let normalized = ["IFEval", "BBH", "MATH Lvl 5", "GPQA", "MUSR", "MMLU-PRO"]
        #expect(
            errorMessage { _ = try Panel.load(panelPath: Self.v2, format: format, request: ColumnRequest(capabilities: normalized)) }
                .contains("column 'IFEval': value 16.0 looks like a percentage"))
        var percent = format
        percent.scoreScale = .percent
        var keepFlagged = percent
        keepFlagged.keepsFlaggedRows = true
        let scaled = try Panel.load(panelPath: Self.v2, format: keepFlagged, request: ColumnRequest(capabilities: normalized))
        #expect(try scaled.values(of: "IFEval")[0] == 0.16 && scaled.count == 5)
    }

    @Test func mergedFileFillsEmptyFamiliesAndDropsModelsWithoutScores() throws {
        let file = Self.merged
        #expect(
            errorMessage { _ = try Panel.load(panelPath: file, format: PanelFormat(duplicates: .first)) }
                == "\(file):5: model 'beta-13b-chat' has an empty family cell (every model needs a family; PanelFormat.familyFrom "
                + "org|model fills empty cells from the model name)")
        let panel = try Panel.load(panelPath: file, format: PanelFormat(duplicates: .first, familyFrom: .model))
        #expect(panel.models[try panel.index(ofModel: "beta-13b-chat")].family == "beta-13b-chat")
        #expect(
            panel.notes.map(\.description).contains(
                "\(file): families of 1 model with an empty 'family' cell from the model name (PanelFormat.familyFrom model: each model its own family)"
            ))
        // With the mean of the repeats, the second row's family fills the first's empty cell.
        let averaged = try Panel.load(panelPath: file, format: PanelFormat(duplicates: .mean))
        #expect(averaged.models[try averaged.index(ofModel: "beta-13b-chat")].family == "beta")
        #expect(averaged.benchmarkNames == ["ARC-C", "HellaSwag", "MMLU", "TruthfulQA", "Winograd", "GSM8K"])
        #expect(averaged.metricNames == ["ifeval", "bbh", "math", "mmlu-pro", "gpqa", "musr"])
        #expect(averaged.textColumnNames == ["base_model"])
        // Models of the v2 block have no v1 score: a command placing models in capability space
        // leaves them out, with a note; v2 capabilities keep them and leave the v1-only ones out.
        let loaded = try PanelQuery(panelPath: file, format: PanelFormat(duplicates: .mean)).load(companions: .skip)
        #expect(loaded.panel.count == 6 && loaded.capabilityColumns == averaged.benchmarkNames)
        #expect(
            loaded.panel.notes.last?.description
                == "left out 2 models without a score in any capability column (ARC-C, HellaSwag, MMLU, TruthfulQA, Winograd, GSM8K): "
                + "'delta-8b', 'eps-2b'")
        let v2 = try PanelQuery(panelPath: file, format: PanelFormat(duplicates: .mean))
            .load(companions: .skip, request: ColumnRequest(capabilities: ["IFEval", "BBH", "Math", "MMLU-Pro", "GPQA", "MuSR"]))
        #expect(v2.panel.modelNames == ["alpha-13b", "beta-13b-chat", "gamma-3b", "delta-8b", "eps-2b"])
        #expect(v2.capabilityColumns == ["ifeval", "bbh", "math", "mmlu-pro", "gpqa", "musr"])
        // The library refuses what the loader would leave out.
        #expect(
            errorMessage { _ = try averaged.capabilityMatrix(columns: averaged.benchmarkNames) }.hasPrefix(
                "model 'delta-8b' (\(file):8) has no score in any capability column"))
    }
}

/// A user's own files: missing-value markers, decimal commas, other encodings, raw counts, text
/// columns, numbers that are not decimal.
struct OwnFileFormatTests {
    @Test func missingValueMarkersAreMissingWithOneNotePerColumn() throws {
        let file = TestPaths.write(
            "Model,Model Family,MMLU,GSM8K,my_eval\na,F,0.3,NaN,0.1\nb,F,nan,0.2,NA\nc,F,N/A,-,None\nd,F,0.5,,0.4\ne,F, none ,0.1,n/a\n")
        let panel = try Panel.load(panelPath: file)
        #expect(try panel.values(of: "MMLU").map(\.isNaN) == [false, true, true, false, true])
        #expect(try panel.values(of: "GSM8K").map(\.isNaN) == [true, false, true, true, false])
        #expect(try panel.values(of: "my_eval").map(\.isNaN) == [false, true, true, false, true])
        #expect(panel.notes.map(\.description).contains("\(file): column 'MMLU': 3 cells read as missing ('nan', 'N/A', 'none')"))
        #expect(panel.notes.map(\.description).contains("\(file): column 'GSM8K': 2 cells read as missing ('NaN', '-')"))
        #expect(panel.notes.map(\.description).contains("\(file): column 'my_eval': 3 cells read as missing ('NA', 'None', 'n/a')"))
        // An empty cell is the ordinary missing value: no note.
        #expect(panel.notes.count == 3)
    }

    @Test(arguments: [
        ("0.5", Cell.number(0.5)), ("-1e-3", .number(-0.001)), (".5", .number(0.5)), ("5.", .number(5)), ("+2E2", .number(200)),
        ("0x54", .text("0x54")), ("84\u{0}e30", .text("84\u{0}e30")), ("1,5", .text("1,5")), ("1 000", .text("1 000")),
        ("1e", .text("1e")), ("--1", .text("--1")), ("1e400", .nonFinite("1e400")), ("-Infinity", .nonFinite("-Infinity")),
        ("", .missing), ("  ", .missing), ("NaN", .marker("NaN")), ("-", .marker("-")), ("nil", .text("nil")),
    ])
    func cellsAreDecimalNumbersOnly(text: String, expected: Cell) {
        #expect(Cell.parse(text) == expected, "\(text.debugDescription)")
    }

    @Test func decimalCommasInSemicolonFiles() throws {
        let file = TestPaths.write("Model;Model Family;Model Size (B);MMLU;ARC-C\na;F;6,7;0,45;0.5\nb;F;13;0,61;0,55\n", name: "semi.csv")
        let panel = try Panel.load(panelPath: file)
        #expect(try panel.values(of: "MMLU") == [0.45, 0.61] && panel.values(of: "ARC-C") == [0.5, 0.55])
        #expect(panel.models[0].parametersB == 6.7)
        // In a comma-separated file a comma cannot be a decimal separator.
        let comma = TestPaths.write("Model,Model Family,MMLU\na,F,\"0,45\"\n", name: "comma.csv")
        #expect(errorMessage { _ = try Panel.load(panelPath: comma) }.hasPrefix("\(comma):2: column 'MMLU': '0,45' is not a number"))
    }

    @Test func hexadecimalAndTextAfterANulAreRefused() throws {
        let hex = TestPaths.write("Model,Model Family,MMLU\na,F,0x54\n", name: "hex.csv")
        #expect(errorMessage { _ = try Panel.load(panelPath: hex) }.hasPrefix("\(hex):2: column 'MMLU': '0x54' is not a number"))
        let nul = TestPaths.write("Model,Model Family,MMLU,my_eval\na,F,0.5,84\u{0}e30\nb,F,0.4,0.2\n", name: "nul.csv")
        #expect(
            errorMessage { _ = try Panel.load(panelPath: nul, request: ColumnRequest(targets: ["my_eval"])) }.hasPrefix(
                "\(nul):2: column 'my_eval': '84\u{0}e30' is not a number"))
        // In a FLOPs column the cell cannot be compute: missing, with the line in a note (never 84).
        let flops = TestPaths.write("Model,Model Family,FLOPs (1E21),MMLU\na,F,84\u{0}e30,0.5\nb,F,0x54,0.4\n", name: "flops.csv")
        let panel = try Panel.load(panelPath: flops)
        #expect(panel.models.allSatisfy { $0.flops == nil })
        #expect(
            panel.notes.map(\.description).contains {
                $0.hasSuffix("2 cells cannot be a compute figure (0, negative or text) and are read as missing: lines 2, 3")
            })
    }

    @Test func latin1FilesNameTheLineAndByte() throws {
        var bytes = Array("Model,Model Family,MMLU\nlab/caf".utf8)
        bytes += [0xE9]  // é in Latin-1
        bytes += Array(",F,0.5\n".utf8)
        let url = TestPaths.temporaryDirectory().appendingPathComponent("latin1.csv")
        try Data(bytes).write(to: url)
        #expect(
            errorMessage { _ = try Panel.load(panelPath: url.path) }
                == "\(url.path):2: byte 8 of the line (0xE9) is not UTF-8 text; the file seems to be saved in another encoding (Latin-1 "
                + "or Windows-1252): convert it, e.g. `iconv -f WINDOWS-1252 -t UTF-8 \(url.path) > latin1-utf8.csv`, and read the "
                + "converted file")
    }

    @Test(arguments: [
        ("\u{FE}", 1), ("a\u{80}", 2),
    ])
    func utf8PositionsMatchTheValidator(text: String, byteInLine: Int) throws {
        // Overlong, surrogate and out-of-range sequences are invalid; valid multibyte ones are not.
        for (bytes, valid) in [
            ([0xC0, 0x80], false), ([0xED, 0xA0, 0x80], false), ([0xF4, 0x90, 0x80, 0x80], false), ([0xE2, 0x82, 0xAC], true),
            ([0xF0, 0x9F, 0x98, 0x80], true), ([0xE2, 0x82], false),
        ] as [([UInt8], Bool)] {
            let found = bytes.withUnsafeBufferPointer { TextInput.firstInvalidUTF8($0) }
            #expect((found == nil) == valid, "\(bytes)")
            #expect((found == nil) == (String(validating: bytes, as: UTF8.self) != nil), "\(bytes)")
        }
        let bytes: [UInt8] = Array("x\r\ny\n".utf8) + Array(text.unicodeScalars.map { UInt8($0.value) })
        let found = bytes.withUnsafeBufferPointer { TextInput.firstInvalidUTF8($0) }
        #expect(found?.line == 3 && found?.byteInLine == byteInLine)
    }

    @Test func rawCountsAreRefusedWithTheLikelyValue() throws {
        let params = TestPaths.write("Model,Model Family,params,MMLU\na,F,7e9,0.5\nb,F,13000000000,0.6\n", name: "params.csv")
        #expect(
            errorMessage { _ = try Panel.load(panelPath: params) }
                == "\(params):2: column 'params': 7e+09 is implausible in billions of parameters; did you mean 7 (the column seems to hold "
                + "raw parameter counts: divide it by 1E9)?")
        let millions = TestPaths.write("Model,Model Family,params_b,MMLU\na,F,175000,0.5\n", name: "millions.csv")
        #expect(
            errorMessage { _ = try Panel.load(panelPath: millions) }.contains("did you mean 175 (the column seems to hold millions of parameters"))
        let tokens = TestPaths.write("Model,Model Family,size_b,tokens_t,MMLU\na,F,7,2e12,0.5\n", name: "tokens.csv")
        #expect(
            errorMessage { _ = try Panel.load(panelPath: tokens) }
                == "\(tokens):2: column 'tokens_t': 2e+12 is implausible in trillions of tokens; did you mean 2 (the column seems to hold "
                + "raw token counts: divide it by 1E12)?")
        let billions = TestPaths.write("Model,Model Family,size_b,tokens_t,MMLU\na,F,7,2000,0.5\n", name: "billions.csv")
        #expect(errorMessage { _ = try Panel.load(panelPath: billions) }.contains("did you mean 2 (the column seems to hold billions of tokens"))
        // The aliases in plausible units load, FLOPs derived.
        let fine = try Panel.load(panelPath: TestPaths.write("Model,Model Family,size_b,tokens_t,arc_c,winogrande\na,F,7,2,0.5,0.6\n"))
        #expect(fine.models[0].flops == 84 && fine.benchmarkNames == ["ARC-C", "Winograd"])
    }

    @Test func benchmarksMatchIgnoringCaseAndAliases() throws {
        let panel = try Panel.load(panelPath: TestPaths.write("Model,Model Family,MMLU,ARC-C,my_Eval\na,F,0.5,0.6,0.1\nb,F,0.4,0.3,0.2\n"))
        #expect(try panel.capabilityColumns(["mmlu", "arc", "MY_EVAL", " arc_c "]) == ["MMLU", "ARC-C", "my_Eval", "ARC-C"])
        #expect(errorMessage { _ = try panel.capabilityColumns(["mmlu-pro"]) } == "unknown column 'mmlu-pro'; did you mean 'MMLU'?")
        let ambiguous = try Panel.load(panelPath: TestPaths.write("Model,Model Family,score a,Score_A\na,F,0.5,0.6\n"))
        #expect(
            errorMessage { _ = try ambiguous.capabilityColumns(["SCORE A"]) }
                == "column name 'SCORE A' matches 'score a' and 'Score_A' when letter case is ignored: write it exactly")
        // The hint for a panel without the paper's benchmarks leaves out the target.
        #expect(
            errorMessage { _ = try ambiguous.capabilityColumns(nil, excluding: ["score a"]) }.hasSuffix(
                "pass the capability columns with Panel.capabilityColumns Score_A"))
    }
}

/// Downstream files: names matched as users write them, one metric over several files.
struct DownstreamJoinTests {
    static let panel = """
        Model,Model Family,MMLU,ARC-C
        meta-llama/Llama-2-7b-hf,Llama-2,0.44,0.53
        meta-llama/Llama-2-13b-hf,Llama-2,0.54,0.58
        mistralai/Mistral-7B-v0.1,Mistral,0.62,0.61
        TheBloke/Mistral-7B-v0.1,Mistral,0.61,0.6
        tiiuae/falcon-7b,Falcon,0.27,0.47
        phi-2,Phi,0.57,0.6

        """

    @Test func namesMatchIgnoringCaseAndTheOrgPrefix() throws {
        let panelPath = TestPaths.write(Self.panel, name: "panel.csv")
        let results = TestPaths.write(
            """
            model,my_eval
            meta-llama/Llama-2-7b-hf,0.1
             META-LLAMA/llama-2-13B-HF ,0.2
            falcon-7b,0.3
            microsoft/phi-2,0.4
            Mistral-7B-v0.1,0.5
            other/unknown-1b,0.6
            other/unknown-3b,0.7

            """, name: "results.csv")
        let panel = try Panel.load(panelPath: panelPath, downstreamPaths: [results])
        let values = try panel.values(of: "my_eval")
        #expect(values[0] == 0.1 && values[1] == 0.2 && values[4] == 0.3 && values[5] == 0.4)
        // Two panel models are 'Mistral-7B-v0.1' after their organisation: ambiguous, left out.
        #expect(values[2].isNaN && values[3].isNaN)
        #expect(
            panel.notes.map(\.description).contains(
                "\(results): matched 1 row to panel models ignoring letter case (e.g. 'META-LLAMA/llama-2-13B-HF' → 'meta-llama/Llama-2-13b-hf')"))
        #expect(
            panel.notes.map(\.description).contains(
                "\(results): matched 2 rows to panel models by the name after 'org/' (e.g. 'falcon-7b' → 'tiiuae/falcon-7b')"))
        #expect(
            panel.notes.map(\.description).contains("\(results): 2 rows name no model of the panel, left out: 'other/unknown-1b', 'other/unknown-3b'")
        )
        #expect(
            panel.notes.map(\.description).contains(
                "\(results): 1 row matches several panel models, left out: 'Mistral-7B-v0.1' ('mistralai/Mistral-7B-v0.1' or 'TheBloke/Mistral-7B-v0.1')"
            ))
    }

    @Test func aMetricSplitOverFilesIsJoinedAndConflictsNameBothPlaces() throws {
        let panelPath = TestPaths.write(Self.panel, name: "panel.csv")
        let first = TestPaths.write("Model,my_eval\nmeta-llama/Llama-2-7b-hf,0.1\ntiiuae/falcon-7b,0.3\n", name: "first.csv")
        let second = TestPaths.write("Model,my_eval,other\nmeta-llama/Llama-2-13b-hf,0.2,1\ntiiuae/falcon-7b,0.3,2\n", name: "second.csv")
        let panel = try Panel.load(panelPath: panelPath, downstreamPaths: [first, second])
        #expect(try panel.values(of: "my_eval").prefix(5).map { $0.isNaN ? -1 : $0 } == [0.1, 0.2, -1, -1, 0.3])
        #expect(panel.metricNames == ["my_eval", "other"])
        let conflicting = TestPaths.write("Model,my_eval\nmeta-llama/Llama-2-13b-hf,0.2\nfalcon-7b,0.35\n", name: "third.csv")
        #expect(
            errorMessage { _ = try Panel.load(panelPath: panelPath, downstreamPaths: [first, conflicting]) }
                == "column 'my_eval': model 'tiiuae/falcon-7b' has 0.3 at \(first):3 and 0.35 at \(conflicting):3; a model may have one "
                + "value per metric: remove or correct one of them")
    }
}
