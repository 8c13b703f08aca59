import Foundation
import ObsScaleData
import Testing
import _TestSupport

/// Reading, joining, filtering and splitting panels; every bad input gives a typed error whose
/// message names the file, line, column and value.
struct PanelTests {
    static let header = "Model,Model Family,Model Size (B),Pretraining Data Size (T),FLOPs (1E21),MMLU,ARC-C,GSM8K"

    static func panelFile(_ rows: [String]) -> String {
        TestPaths.write(([header] + rows).joined(separator: "\n") + "\n", name: "panel.csv")
    }

    static let good = [
        "org/a-1b,A,1,1,6,0.3,0.4,0.1",
        "org/a-7b,A,7,2,,0.5,0.5,",
        "org/b-3b,B,3,,,0.4,,0.2",
        "org/c-13b,C,13,2,156,0.6,0.6,0.4",
    ]

    func message(_ body: () throws -> Void) -> String {
        do {
            try body()
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    @Test func readsPanelDerivesFlopsAndKeepsMissingCells() throws {
        let panel = try Panel.load(panelPath: Self.panelFile(Self.good))
        #expect(panel.count == 4)
        #expect(panel.benchmarkNames == ["MMLU", "ARC-C", "GSM8K"])
        #expect(panel.models[1].flops == 84)  // 6 · 7 · 2
        #expect(panel.models[1].flopsDerived)
        #expect(panel.models[2].flops == nil)  // tokens unknown
        #expect(panel.models[0].flops == 6 && !panel.models[0].flopsDerived)
        #expect(try panel.values(of: "GSM8K")[1].isNaN)
        #expect(panel.familyNames == ["A", "B", "C"])
    }

    @Test func realPanelAndQuotedDownstreamHeadersJoin() throws {
        let panel = try Panel.load(panelPath: TestPaths.panel, downstreamPaths: [TestPaths.postTraining, TestPaths.emergent])
        #expect(panel.count == 148)
        #expect(panel.benchmarkNames == Panel.standardBenchmarks)
        let values = try panel.values(of: "gsm8k_cot_8_exact_match,flexible-extract")
        let llama = try panel.index(ofModel: "meta-llama/Llama-2-7b-hf")
        #expect(!values[llama].isNaN)
        #expect(panel.metricNames.contains("word_unscrambling_2_exact_match"))
        // Panel models absent from a downstream file get NaN.
        #expect(values.contains { $0.isNaN })
    }

    @Test func malformedRowNamesFileAndLine() {
        let path = Self.panelFile(["org/a,A,1,1,6,0.3,0.4", "org/b,B,1,1,6,0.3,0.4,0.1"])
        #expect(message { _ = try Panel.load(panelPath: path) } == "\(path):2: malformed row: 7 fields, the header has 8")
    }

    @Test func quotedFieldWithNewlineKeepsLineNumbers() {
        let text = Self.header + "\n\"org/a\",\"A\nfamily\",1,1,6,0.3,0.4,0.1\norg/b,B,1,1,6,0.3,zero,0.1\n"
        let path = TestPaths.write(text)
        #expect(
            message { _ = try Panel.load(panelPath: path) }
                == "\(path):4: column 'ARC-C': 'zero' is not a number; the column holds text on 1 row, so it cannot be read as a "
                + "benchmark, target or cost (leave a cell empty, or write NaN, for a missing value)")
    }

    @Test func unterminatedQuoteIsReported() {
        let path = TestPaths.write(Self.header + "\n\"org/a,A,1,1,6,0.3,0.4,0.1\n")
        #expect(message { _ = try Panel.load(panelPath: path) } == "\(path): cannot read file: line 2: unterminated quoted field")
    }

    @Test func unknownColumnSuggestsCloseNames() throws {
        let path = TestPaths.write("Model,Model Famly,FLOPs (1E21),MMLU\norg/a,A,1,0.5\n")
        #expect(
            message { _ = try Panel.load(panelPath: path) }
                == "\(path): required column 'Model Family' is missing: name your family column with PanelFormat.familyColumn, or derive "
                + "families from the model names with PanelFormat.familyFrom org (the part before '/') or PanelFormat.familyFrom model "
                + "(each model alone); did you mean 'Model Famly'?")
        let panel = try Panel.load(panelPath: Self.panelFile(Self.good))
        // The paper's benchmarks answer to their aliases in any case; other names must be exact.
        #expect(try panel.values(of: "gsm8k ") == panel.values(of: "GSM8K") && panel.values(of: "arc") == panel.values(of: "ARC-C"))
        #expect(message { _ = try panel.values(of: "gsm8") } == "unknown column 'gsm8'; did you mean 'GSM8K'?")
    }

    @Test func duplicateModelNamesBothLines() {
        let path = Self.panelFile(Self.good + ["org/a-7b,A,7,2,,0.5,0.5,0.1"])
        #expect(
            message { _ = try Panel.load(panelPath: path) }
                == "\(path):6: duplicate model 'org/a-7b' (first seen on line 3); it appears on 2 rows: keep one row of each with "
                + "PanelFormat.duplicates first|last, or average them with PanelFormat.duplicates mean")
    }

    @Test func nonNumericAndNonFiniteValues() throws {
        let nonNumeric = Self.panelFile(["org/a,A,1,1,6,0.3,n.a.,0.1"])
        #expect(
            message { _ = try Panel.load(panelPath: nonNumeric) }.hasPrefix("\(nonNumeric):2: column 'ARC-C': 'n.a.' is not a number"))
        let infinite = Self.panelFile(["org/a,A,1,1,6,inf,0.4,0.1"])
        #expect(
            message { _ = try Panel.load(panelPath: infinite) }
                == "\(infinite):2: column 'MMLU': 'inf' is not finite (allowed: a finite number or an empty cell)")
        // A FLOPs cell that cannot be compute is missing, with a note.
        let panel = try Panel.load(panelPath: Self.panelFile(["org/a,A,1,1,inf,0.3,0.4,0.1"]))
        #expect(panel.models[0].flops == 6 && panel.models[0].flopsDerived)
        #expect(
            panel.notes.map(\.description).contains {
                $0.contains("column 'FLOPs (1E21)': 1 cell cannot be a compute figure (0, negative or text) and is read as missing: line 2")
            })
    }

    @Test func scoresOutsideTheUnitIntervalAndNonPositiveSizes() throws {
        let path = Self.panelFile(["org/a,A,1,1,6,1.3,0.4,0.1"])
        #expect(
            message { _ = try Panel.load(panelPath: path) }
                == "\(path):2: column 'MMLU': 1.3 is out of range (allowed: a score in [0, 1] or an empty cell)")
        // A size that cannot be one is missing (a leaderboard writes 0 for unknown), with a note.
        let negative = try Panel.load(panelPath: Self.panelFile(["org/a,A,-1,1,6,0.3,0.4,0.1", "org/b,A,0,1,6,0.3,0.4,0.1"]))
        #expect(negative.models.allSatisfy { $0.parametersB == nil })
        #expect(
            negative.notes.map(\.description).contains {
                $0.hasSuffix("column 'Model Size (B)': 2 cells cannot be a model size (0, negative or text) and are read as missing: lines 2, 3")
            })
    }

    @Test func emptyAndMissingFiles() {
        let empty = TestPaths.write("")
        #expect(message { _ = try Panel.load(panelPath: empty) } == "\(empty): file is empty (a header row is required)")
        #expect(message { _ = try Panel.load(panelPath: "/nonexistent/panel.csv") } == "/nonexistent/panel.csv: file not found")
        let emptyName = Self.panelFile([",A,1,1,6,0.3,0.4,0.1"])
        #expect(message { _ = try Panel.load(panelPath: emptyName) } == "\(emptyName):2: column 'Model': empty model name")
    }

    @Test func downstreamErrors() throws {
        let panelPath = Self.panelFile(Self.good)
        let duplicate = TestPaths.write("Model,\"task,acc\"\norg/a-1b,0.1\norg/a-1b,0.2\n")
        #expect(
            message { _ = try Panel.load(panelPath: panelPath, downstreamPaths: [duplicate]) }
                == "\(duplicate):3: duplicate model 'org/a-1b' (first seen on line 2); it appears on 2 rows: keep one row of each with "
                + "PanelFormat.duplicates first|last, or average them with PanelFormat.duplicates mean")
        let conflict = TestPaths.write("Model,MMLU\norg/a-1b,0.1\n")
        #expect(
            message { _ = try Panel.load(panelPath: panelPath, downstreamPaths: [conflict]) }
                == "column 'MMLU': model 'org/a-1b' has 0.3 at \(panelPath):2 and 0.1 at \(conflict):2; a model may have one value per "
                + "metric: remove or correct one of them")
        // A column no command asked for may hold text; asking for it names the cell.
        let bad = TestPaths.write("Model,\"task,acc\"\nother/model,high\n")
        let withText = try Panel.load(panelPath: panelPath, downstreamPaths: [bad])
        #expect(withText.textColumnNames == ["task,acc"] && withText.metricNames.isEmpty)
        #expect(
            message { _ = try withText.values(of: "task,acc") }
                == "\(bad):2: column 'task,acc': 'high' is not a number; the column holds text on 1 row, so it cannot be read as a "
                + "benchmark, target or cost (leave a cell empty, or write NaN, for a missing value)")
        #expect(
            message { _ = try Panel.load(panelPath: panelPath, downstreamPaths: [bad], request: ColumnRequest(targets: ["task,acc"])) }
                .hasPrefix("\(bad):2: column 'task,acc': 'high' is not a number"))
        let good = TestPaths.write("Model,\"task,acc\"\norg/c-13b,0.9\nother/model,0.5\n")
        let panel = try Panel.load(panelPath: panelPath, downstreamPaths: [good])
        #expect(try panel.values(of: "task,acc")[3] == 0.9)
        #expect(try panel.values(of: "task,acc")[0].isNaN)
    }

    @Test func costsMustBePositiveAndPresent() throws {
        let panel = try Panel.load(panelPath: Self.panelFile(Self.good))
        #expect(try CostKind.count.costs(for: panel) == [1, 1, 1, 1])
        #expect(try CostKind.params.costs(for: panel) == [1, 7, 3, 13])
        #expect(
            message { _ = try CostKind.flops.costs(for: panel) }
                == "model 'org/b-3b': cost 'FLOPs (1E21)' is missing (every model in the pool needs a cost > 0)")
        let zeroCost = TestPaths.write("Model,gpu_hours\norg/a-1b,0\norg/a-7b,2\norg/b-3b,1\norg/c-13b,-4\n")
        let joined = try Panel.load(panelPath: Self.panelFile(Self.good), downstreamPaths: [zeroCost])
        #expect(
            message { _ = try CostKind(parsing: "gpu_hours").costs(for: joined) }
                == "model 'org/a-1b': cost 'gpu_hours' is 0.0 (allowed: a finite number > 0)")
        #expect(message { _ = try CostKind(parsing: "gpu_hour").costs(for: joined) } == "unknown column 'gpu_hour'; did you mean 'gpu_hours'?")
    }

    @Test func filtersAndTheirErrors() throws {
        let panel = try Panel.load(panelPath: Self.panelFile(Self.good))
        #expect(try ModelFilter(families: ["A", "C"]).keptIndices(in: panel) == [0, 1, 3])
        #expect(try ModelFilter(excludeFamilies: ["A"]).keptIndices(in: panel) == [2, 3])
        #expect(try ModelFilter(maxSizeB: 7).keptIndices(in: panel) == [0, 1, 2])
        #expect(try ModelFilter(dropIncompleteOn: ["ARC-C", "GSM8K"]).keptIndices(in: panel) == [0, 3])
        #expect(try ModelFilter(excludeModels: ["org/a-1b"]).keptIndices(in: panel) == [1, 2, 3])
        #expect(message { _ = try ModelFilter(families: ["a"]).keptIndices(in: panel) } == "unknown model family 'a'; did you mean 'A'?")
        #expect(
            message { _ = try ModelFilter(excludeModels: ["org/a-1B"]).keptIndices(in: panel) }
                == "unknown model 'org/a-1B'; did you mean 'org/a-1b'?")
        #expect(
            message { _ = try ModelFilter(maxSizeB: 0.5).keptIndices(in: panel) }
                == "no models left: the model filters (size ≤ 0.5B) leave an empty panel")
        #expect(
            message { _ = try ModelFilter(maxSizeB: -1).keptIndices(in: panel) }
                == "ModelFilter.maxSizeB: '-1.0' is not allowed (allowed: a finite number of billions > 0)")
    }

    @Test func splits() throws {
        let panel = try Panel.load(panelPath: Self.panelFile(Self.good))
        let cutoff = try Split(panel: panel, rule: .flopsCutoff(84))
        #expect(cutoff.train == [0, 1])
        #expect(cutoff.test == [2, 3])  // unknown FLOPs are held out
        let metric = try Split(panel: panel, rule: .metricCutoff(column: "MMLU", threshold: 0.45))
        #expect(metric.train == [0, 2] && metric.test == [1, 3])
        let top = try Split(panel: panel, rule: .top(column: "GSM8K", limit: 0.5))
        // Only the 3 models with a value are ranked: floor(0.5 · 3) = 1 model, 0.4; the model
        // without a value stays on the training side (predicted, never scored).
        #expect(top.test == [3] && top.train == [0, 1, 2])
        #expect(try Split(panel: panel, rule: .top(column: "GSM8K", limit: 2)).test == [2, 3])
        let holdout = try Split(panel: panel, rule: .holdout(["org/c-13b"]))
        #expect(holdout.test == [3] && holdout.train == [0, 1, 2])
        #expect(message { _ = try Split(panel: panel, rule: .flopsCutoff(1)) } == "no models left: the split leaves no training models")
        #expect(
            message { _ = try Split(panel: panel, rule: .flopsCutoff(-3)) }
                == "SplitRule.flopsCutoff: '-3.0' is not allowed (allowed: a finite number > 0 (units of 1E21 FLOPs))")
        #expect(
            message { _ = try Split(panel: panel, rule: .top(column: "GSM8K", limit: 1.5)) }
                == "SplitRule.top: '1.5' is not allowed (allowed: a fraction strictly between 0 and 1, or a whole number of models from 1 to 2 (the models with a value for 'GSM8K'))"
        )
        #expect(throws: DataError.self) { try Split(panel: panel, rule: .top(column: "GSM8K", limit: 3)) }
        #expect(message { _ = try Split(panel: panel, rule: .holdout(["org/c-13"])) } == "unknown model 'org/c-13'; did you mean 'org/c-13b'?")
    }

    @Test func presetsAndPanelResolution() throws {
        let preset = try Preset.load(TestPaths.preset2024)
        #expect(preset.families.count == 28)
        #expect(preset.excludeModels.count == 20)
        #expect(
            message { _ = try Preset.load("no-such-preset", roots: [TestPaths.root]) }
                == "unknown preset 'no-such-preset' (shipped presets: paper-2024, paper-2024-all)")
        #expect(
            message { _ = try Preset.load("no-such-preset", roots: [TestPaths.temporaryDirectory()]) }.hasPrefix(
                "preset 'no-such-preset' not found (looked in: "))
        // Default panel: $OBSSCALE_PANEL first, then the synthetic default with a notice.
        let fromEnvironment = try PanelLocation.resolve(
            panel: nil, downstream: [], environment: ["OBSSCALE_PANEL": TestPaths.panel], roots: [TestPaths.root])
        #expect(fromEnvironment.panelPath == TestPaths.panel)
        #expect(fromEnvironment.downstreamPaths.count == 2)  // companion files beside the real panel
        #expect(fromEnvironment.notice == nil)
        let fallback = try PanelLocation.resolve(panel: nil, downstream: [], environment: [:], roots: [TestPaths.root])
        #expect(fallback.panelPath.hasSuffix("data/synthetic/panel.csv"))
        #expect(fallback.notice?.description.contains("synthetic") == true)
        #expect(fallback.downstreamPaths.map { URL(fileURLWithPath: $0).lastPathComponent } == ["targets.csv"])
    }

    @Test func atomicWriteReplacesOrFails() throws {
        let folder = TestPaths.temporaryDirectory()
        let path = folder.appendingPathComponent("out.json").path
        try OutputFiles.write(Data("old".utf8), to: path)
        try OutputFiles.write(Data("new".utf8), to: path)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "new")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["out.json"])
        #expect(throws: DataError.self) { try OutputFiles.write(Data("x".utf8), to: "/nonexistent-folder/out.json") }
    }
}

/// CI sets `$OBSSCALE_REQUIRE_REAL_PANEL`: then the public panel must be found, or this fails
/// with the folders searched (elsewhere the real-panel tests are skipped with their reason).
struct RealPanelTests {
    @Test func realPanelIsFoundWhenRequired() {
        guard RealPanel.isRequired else { return }
        #expect(
            RealPanel.directory != nil,
            "OBSSCALE_REQUIRE_REAL_PANEL is set but none of these folders holds \(RealPanel.fileNames): \(RealPanel.candidates.map(\.path))")
    }
}
