import ArgumentParser
import ObsScale
import Testing
import _TestSupport

@testable import obsscale

/// In-process parse tests: each command's flags become the settings the library receives, and
/// option values that need no data are refused at parse time (argument-parser's `parse`, no
/// process, no files).
struct ParseTests {
    @Test func pcaDefaultsAndFlags() throws {
        let defaults = try PCACommand.parse([])
        #expect(defaults.components == nil && defaults.imputeRank == 1 && !defaults.standardize && !defaults.scores)
        let command = try PCACommand.parse([
            "--panel", "p.csv", "--preset", "paper-2024", "--families", "A, B,,C",
            "--exclude-models", "m1", "--benchmarks", "MMLU,ARC-C", "--components", "3",
            "--standardize", "--downstream", "d1.csv", "--downstream", "d2.csv",
        ])
        #expect(
            command.panelOptions.query
                == PanelQuery(
                    panelPath: "p.csv", downstreamPaths: ["d1.csv", "d2.csv"], preset: "paper-2024",
                    filter: ModelFilter(families: ["A", "B", "C"], excludeModels: ["m1"])))
        #expect(command.panelOptions.benchmarks == ["MMLU", "ARC-C"])
        #expect(command.components == 3 && command.standardize)
    }

    @Test func delimitersParse() throws {
        for (typed, delimiter) in [(",", ","), (";", ";"), ("tab", "\t"), ("\\t", "\t"), ("\t", "\t")] {
            #expect(try PCACommand.parse(["--delimiter", typed]).panelOptions.delimiter == delimiter, "\(typed)")
        }
        #expect(throws: (any Error).self) { try PCACommand.parse(["--delimiter", "|"]) }
    }

    @Test func analysesParse() throws {
        let efficiency = try EfficiencyCommand.parse(["--components", "2", "--at-flops", "10,1000", "--html", "e.html"])
        #expect(efficiency.components == 2 && efficiency.atFlops == [10, 1000] && efficiency.html == "e.html")
        #expect(throws: (any Error).self) { try EfficiencyCommand.parse(["--components", "0"]) }
        #expect(throws: (any Error).self) { try EfficiencyCommand.parse(["--at-flops", "10,-1"]) }
        let fit = try FitCommand.parse(["--target", "t", "--predictor", "params"])
        #expect(fit.predictor == .params && !fit.comparePredictors)
        #expect(throws: (any Error).self) { try FitCommand.parse(["--target", "t", "--predictor", "size"]) }
        #expect(throws: (any Error).self) { try FitCommand.parse(["--target", "t", "--compare-predictors", "--at-flops", "840"]) }
        let compare = try CompareCommand.parse([
            "--target", "a", "--target", "b", "--gap-threshold", "0.1", "--at-flops", "100", "--by-family", "--bootstrap", "50",
            "--cutoff-flops", "84", "--reference-family", "Qwen",
        ])
        #expect(compare.target == ["a", "b"] && compare.gapThreshold == 0.1 && compare.atFlops == [100] && compare.byFamily)
        #expect(compare.bootstrapOptions.bootstrap == 50 && compare.cutoffFlops == 84 && compare.referenceFamily == "Qwen")
        #expect(try compare.lawOptions.law(benchmarks: nil).pcaOn == .pool)
        #expect(throws: (any Error).self) { try CompareCommand.parse(["--target", "a"]) }
        #expect(throws: (any Error).self) { try CompareCommand.parse(["--target", "a", "--target", "b", "--resample", "families"]) }
    }

    @Test func fitBuildsTheLawSplitAndBootstrap() throws {
        let command = try FitCommand.parse([
            "--target", "t", "--target-range", "0.25, 1", "--link", "sigmoid", "--loss", "huber",
            "--huber-delta", "0.5", "--components", "2", "--pca-on", "panel",
            "--benchmarks", "MMLU,GSM8K", "--reference-family", "Qwen", "--cutoff-flops", "84",
            "--bootstrap", "200", "--level", "0.9", "--resample", "families", "--seed", "7",
            "--threads", "1", "--at-flops", "840,8400",
        ])
        let law = try command.law()
        #expect(law.benchmarks == ["MMLU", "GSM8K"])
        #expect(law.targetRange == 0.25...1)
        #expect(law.regression.link == .sigmoid && law.regression.loss == .huber(delta: 0.5))
        #expect(law.pca.componentCount == 2 && law.pcaOn == .panel && law.referenceFamily == "Qwen")
        #expect(try command.splitRule() == .flopsCutoff(84))
        #expect(command.atFlops == [840, 8400])
        #expect(command.runOptions.threadCount == 1)
        #expect(command.bootstrap == FitBootstrap(replicateCount: 200, level: 0.9, resampling: .families, refitPCA: false, seed: 7))
        // Defaults: the recommended law (least squares, K = 1…3 averaged on a subset, PCA on the
        // pool, a public prior), no bootstrap; the paper's procedure with explicit flags.
        let plain = try FitCommand.parse(["--target", "t"])
        #expect(try plain.law() == ScalingLaw.recommended)
        #expect(try plain.law().averagesComponents == true && plain.law().pca.componentCount == 3)
        #expect(try FitCommand.parse(["--target", "t", "--pca-on", "train", "--prior", "none", "--components", "3"]).law() == ScalingLaw())
        let auto = try FitCommand.parse(["--target", "t", "--components", "auto", "--max-components", "2", "--prior-exclude", "bbh"]).law()
        #expect(auto.maxAutoComponents == 2 && auto.prior == .publicMetrics(exclude: ["bbh"]))
        #expect(try plain.splitRule() == SplitRule.none && plain.bootstrap == nil)
        #expect(try FitCommand.parse(["--target", "t", "--holdout", "a, b"]).splitRule() == .holdout(["a", "b"]))
        #expect(try FitCommand.parse(["--target", "t", "--test-top", "0.2"]).splitRule() == .top(column: "t", limit: 0.2))
    }

    @Test func fitRefusesValuesThatNeedNoData() {
        for arguments in [
            ["--target-range", "0.5,0.2"], ["--at-flops", "0"], ["--at-flops", "1,x"], ["--threads", "0"],
            ["--bootstrap=-3"], ["--cutoff-flops", "84", "--test-top", "0.2"], ["--link", "probit"],
        ] {
            #expect(throws: (any Error).self, "\(arguments)") { try FitCommand.parse(["--target", "t"] + arguments) }
        }
    }

    @Test func selectBuildsTheSetupAndOptions() throws {
        let command = try SelectCommand.parse([
            "--budget", "4, 8,10%", "--cost", "params", "--unit", "model", "--method", "bnb",
            "--criterion", "d", "--include", "a,b", "--exclude", "c", "--max-families", "6",
            "--min-models", "5", "--max-per-family", "2", "--max-size", "70",
            "--cutoff-flops", "84", "--drop-incomplete", "--components", "4", "--intercept",
            "--ridge", "0.1", "--time-limit", "3", "--seed", "9", "--threads", "2",
            "--benchmarks", "MMLU,ARC-C,GSM8K",
        ])
        #expect(command.budget.items == [.amount(4), .amount(8), .percent(10)])
        #expect(command.budget.resolved(totalCost: 200) == [4, 8, 20])
        let setup = try command.setup()
        var expected = SelectionSetup()
        expected.benchmarks = ["MMLU", "ARC-C", "GSM8K"]
        expected.componentCount = 4
        expected.intercept = true
        expected.ridge = 0.1
        expected.criterion = .d
        expected.unit = .model
        expected.cost = .params
        expected.cutoffFlops = 84
        expected.maxSizeB = 70
        expected.dropIncomplete = true
        expected.include = ["a", "b"]
        expected.exclude = ["c"]
        expected.maxFamilies = 6
        expected.minModels = 5
        expected.maxModelsPerFamily = 2
        #expect(setup == expected)
        #expect(command.options == SelectionOptions(method: .bnb, timeLimitSeconds: 3, seed: 9, threadCount: 2))
        #expect(try SelectCommand.parse(["--budget", "8", "--targets", "above-cutoff"]).setup().targets == .aboveCutoff)
        // The default design follows whether the models to predict are known (past a FLOPs or a
        // size cut): V for them, no intercept, anchored; else D with an intercept. A criterion
        // given explicitly keeps the intercept and the pool rows, and no anchor.
        func design(_ arguments: [String]) throws -> (Criterion, Bool, TargetSet, SelectionAnchor) {
            let setup = try SelectCommand.parse(["--budget", "8"] + arguments).setup()
            return (setup.criterion, setup.intercept, setup.targets, setup.anchor)
        }
        #expect(try design([]) == (.d, true, .pool, .none))
        #expect(try design(["--cutoff-flops", "84"]) == (.v, false, .aboveCutoff, .auto))
        #expect(try design(["--max-size", "13"]) == (.v, false, .aboveCutoff, .auto))
        #expect(try design(["--cutoff-flops", "84", "--criterion", "v"]) == (.v, true, .pool, .none))
        #expect(try design(["--cutoff-flops", "84", "--criterion", "d"]) == (.d, true, .pool, .none))
        #expect(try design(["--cutoff-flops", "84", "--targets", "pool", "--intercept", "--anchor", "none"]) == (.v, true, .pool, .none))
        // With the panel: a cut that keeps every model is a pool filter, not models to predict.
        let panel = try Panel.load(panelPath: TestPaths.panel)
        func design(_ arguments: [String], on panel: Panel) throws -> (Criterion, Bool, TargetSet, SelectionAnchor) {
            let setup = try SelectCommand.parse(["--budget", "8"] + arguments).setup(panel: panel)
            return (setup.criterion, setup.intercept, setup.targets, setup.anchor)
        }
        #expect(try design(["--max-size", "100000"], on: panel) == (.d, true, .pool, .none))
        #expect(try design(["--cutoff-flops", "100000"], on: panel) == (.d, true, .pool, .none))
        #expect(try design(["--max-size", "13"], on: panel) == (.v, false, .aboveCutoff, .auto))
        #expect(try design(["--cutoff-flops", "84"], on: panel) == (.v, false, .aboveCutoff, .auto))
        // One vocabulary in select and validate: pool (alias all), test (alias above-cutoff), or a file.
        for (spelling, rows) in [
            ("pool", CriterionRows.pool), ("all", .pool), ("test", .test), ("above-cutoff", .test), ("names.txt", .file("names.txt")),
        ] {
            #expect(try SelectCommand.parse(["--budget", "8", "--targets", spelling]).designOptions.targets == rows)
            #expect(try ValidateCommand.parse(["--budget", "8", "--cutoff-flops", "84", "--targets", spelling]).designOptions.targets == rows)
        }
        let names = TestPaths.write("m1\nm2\n", name: "names.txt")
        #expect(
            try ValidateCommand.parse(["--budget", "8", "--cutoff-flops", "84", "--targets", names]).validation().selection.targets
                == .models(["m1", "m2"]))
        #expect(try SelectCommand.parse(["--budget", "8", "--cost", "gpu_hours"]).poolOptions.cost == .column("gpu_hours"))
    }

    @Test func selectRefusesBadBudgetsAndChoices() {
        for arguments in [
            ["--budget", "0"], ["--budget", "8,-1"], ["--budget", "ten"], ["--budget", "8", "--method", "simplex"],
            ["--budget", "8", "--unit", "team"], ["--budget", "8", "--threads", "0"], [],
            ["--budget", "8", "--gap", "1"], ["--budget", "8", "--gap", "150%"], ["--budget", "8", "--gap=-1%"],
            ["--budget", "8", "--gap", "tight"], ["--budget", "8", "--anchor", "middle"],
        ] {
            #expect(throws: (any Error).self, "\(arguments)") { try SelectCommand.parse(arguments) }
        }
    }

    @Test func validateBuildsTheEvaluation() throws {
        let command = try ValidateCommand.parse([
            "--target", "a,b", "--target", "c", "--budget", "12,24", "--cutoff-flops", "84",
            "--method", "exhaustive, exchange:model", "--random", "3", "--cost", "params",
            "--max-families", "8", "--include", "Llama-2", "--drop-incomplete",
            "--benchmarks", "MMLU,ARC-C,HellaSwag", "--select-benchmarks", "MMLU,ARC-C",
            "--time-limit", "2", "--seed", "5",
        ])
        let validation = try command.validation()
        #expect(validation.targets == ["a,b", "c"])
        #expect(validation.budgets.items == [.amount(12), .amount(24)] && validation.cutoffFlops == 84)
        #expect(validation.selectors == [ValidationSelector(method: .exhaustive), ValidationSelector(method: .exchange, unit: .model)])
        #expect(validation.randomCount == 3 && validation.seed == 5 && validation.timeLimitSeconds == 2)
        #expect(validation.selection.benchmarks == ["MMLU", "ARC-C"] && validation.selection.cost == .params)
        #expect(validation.selection.maxFamilies == 8 && validation.selection.include == ["Llama-2"] && validation.selection.dropIncomplete)
        #expect(validation.selection.cutoffFlops == nil && validation.selection.componentCount == 3)
        // The paper's evaluation loss (Huber, δ = 1) with the recommended law is validate's default,
        // and the recommended selection for known models to predict (models, V-optimality for the
        // test models without an intercept, the compute extremes anchored).
        var expectedLaw = ScalingLaw.recommended
        expectedLaw.benchmarks = ["MMLU", "ARC-C", "HellaSwag"]
        expectedLaw.regression = SigmoidRegression(loss: .huber(delta: 1))
        #expect(validation.law == expectedLaw)
        let predicting = SelectionSetup.recommended(predicting: true)
        #expect(validation.selection.criterion == .v && !validation.selection.intercept)
        #expect(validation.selection.targets == .aboveCutoff && validation.selection.anchor == .auto)
        #expect(predicting.criterion == .v && !predicting.intercept && predicting.targets == .aboveCutoff && predicting.anchor == .auto)
        let defaults = try ValidateCommand.parse(["--budget", "10%", "--cutoff-flops", "84"]).validation()
        #expect(defaults.selectors == [ValidationSelector(method: .auto, unit: .model)] && defaults.budgets.items == [.percent(10)])
        let simulated = try ValidateCommand.parse([
            "--simulate", "4", "--sim-families", "10", "--budget", "10", "--cutoff-flops", "10",
            "--bootstrap", "50", "--refit-pca",
        ]).study(worldCount: 4)
        #expect(simulated.worldCount == 4 && simulated.world.familyCount == 10)
        #expect(simulated.bootstrap == FitBootstrap(replicateCount: 50, refitPCA: true))
    }

    @Test func validateRefusesContradictions() {
        let base = ["--budget", "12", "--cutoff-flops", "84"]
        for arguments in [
            ["--budget", "12"], base + ["--method", "exchange:team"], base + ["--bootstrap=-10"],
            base + ["--simulate", "3", "--target", "t"], base + ["--simulate", "3", "--html", "r.html"],
            ["--budget", "150%", "--cutoff-flops", "84"], base + ["--min-test-sd=-1"], base + ["--cutoff-size", "13"],
            ["--budget", "12", "--cutoff-size", "13", "--components", "many"],
        ] {
            #expect(throws: (any Error).self, "\(arguments)") { try ValidateCommand.parse(arguments) }
        }
    }

    /// `--gap`, `--anchor`, `--cutoff-size`, `--select-components` and `--components average`.
    @Test func gapAnchorCutAndAveraging() throws {
        let select = try SelectCommand.parse(["--budget", "8", "--gap", "0.5%", "--anchor", "compute-extremes"])
        #expect(select.options.gapTolerance == 0.005)
        #expect(try select.setup().anchor == .computeExtremes)
        #expect(try SelectCommand.parse(["--budget", "8"]).options.gapTolerance == 0.01)
        #expect(try SelectCommand.parse(["--budget", "8", "--gap", "0"]).options.gapTolerance == 0)
        #expect(try SelectCommand.parse(["--budget", "8", "--gap", "0.02"]).options.gapTolerance == 0.02)
        let validation = try ValidateCommand.parse([
            "--budget", "10%", "--cutoff-size", "13", "--gap", "2%", "--select-components", "2", "--components", "average",
            "--anchor", "compute-extremes",
        ]).validation()
        #expect(validation.split == .sizeCutoff(13) && validation.gapTolerance == 0.02)
        #expect(validation.selection.componentCount == 2 && validation.selection.anchor == .computeExtremes)
        #expect(validation.law.averagesComponents == true && validation.law.pca.componentCount == 3 && validation.law.maxAutoComponents == nil)
        let fit = try FitCommand.parse(["--target", "t", "--cutoff-size", "13"])
        #expect(try fit.splitRule() == .sizeCutoff(13))
        #expect(throws: (any Error).self) { try FitCommand.parse(["--target", "t", "--cutoff-size", "13", "--cutoff-flops", "84"]) }
        #expect(throws: (any Error).self) { try FitCommand.parse(["--target", "t", "--cutoff-size", "13", "--test-top", "0.2"]) }
    }

    @Test func simulateAndFetch() throws {
        let simulate = try SimulateCommand.parse(["--families", "4", "--models-per-family", "3", "--seed", "11", "--out", "dir"])
        #expect(simulate.families == 4 && simulate.modelsPerFamily == 3 && simulate.seed == 11 && simulate.out == "dir")
        let fetch = try FetchCommand.parse(["--dest", "d", "--base-url", "http://localhost:1/", "--timeout", "5", "--quiet"])
        #expect(fetch.dest == "d" && fetch.baseURL == "http://localhost:1/" && fetch.timeout == 5 && fetch.quiet)
    }

    @Test func settingsAreRenderedAsFlags() {
        let flag = { (setting: Setting) in FlagNames.flag(for: setting) }
        #expect(
            FitError.invalidSetting(.pcaComponentCount, value: "9", allowed: "1 to 7").message(naming: flag)
                == "--components: 9 is not allowed (allowed: 1 to 7)")
        let suggestion: SettingText = "use \(Setting.selectionMethod) auto, or lower \(Setting.maxFamilies)"
        #expect(suggestion.message(naming: flag) == "use --method auto, or lower --max-families")
        #expect(FlagNames.flag(for: .simulationFamilyCount) == "--families")
        #expect(FlagNames.flag(for: .simulationFamilyCount, overrides: FlagNames.validateOverrides) == "--sim-families")
        #expect(FlagNames.flag(for: Setting(owner: "Undeclared", name: "setting")) == "Undeclared.setting")
        // A setting's name inside a value from a file (a model name) is text, not a setting.
        let unknown = DataError.unknownModel(name: "PCA.componentCount", suggestions: [])
        #expect(unknown.message(naming: flag) == "unknown model 'PCA.componentCount'")
    }

    /// Reports spell their settings, and those of the failure reasons they recorded (as text in
    /// Swift terms), as the command's flags, in the text and on the page.
    @Test func reportsSpellSettingsAsFlags() {
        var document = ReportDocument(title: "t")
        document.line("all in \(Setting.jsonReportPath)")
        document.items(["3× \(SettingText(recorded: "PCA.componentCount: 9 is not allowed; meta-llama/Llama-2.7b-hf, SVG.x"))"])
        let flags = FlagNames.naming()
        #expect(document.text(naming: flags) == "t\nall in --json\n  3× --components: 9 is not allowed; meta-llama/Llama-2.7b-hf, SVG.x\n")
        #expect(document.text == "t\nall in JSONReport.write.path\n  3× PCA.componentCount: 9 is not allowed; meta-llama/Llama-2.7b-hf, SVG.x\n")
        #expect(HTMLPage(document, naming: flags).render().contains("<p>all in --json</p>"))
        let recorded = SettingText(recorded: "\(Setting.simulationFamilyCount): '0'")
        #expect(recorded.message(naming: FlagNames.naming(overrides: FlagNames.validateOverrides)) == "--sim-families: '0'")
        #expect(recorded.pieces.first == .setting(.simulationFamilyCount))
        // Owners of several words: a nested type, a function.
        let nested = SettingText(recorded: "reached 4 models but \(Setting.minModels) asks for 5; all in \(Setting.jsonReportPath)")
        #expect(nested.pieces.filter { if case .setting = $0 { true } else { false } } == [.setting(.minModels), .setting(.jsonReportPath)])
        // A word pair inside a longer token is text: "x.PCA.componentCount", "PCA.componentCount_2".
        for text in ["x.PCA.componentCount", "PCA.componentCount_2", "v1.2", "e.g. Llama"] {
            #expect(SettingText(recorded: text).pieces == [.text(text)], "\(text)")
        }
    }
}

/// Trimming without Foundation (lists on the command line, CSV cells) trims what Foundation's
/// `.whitespaces` trims.
struct TrimmingTests {
    @Test(arguments: ["  a b ", "\ta\t", "\u{00A0}x\u{2003}", "", "   ", "\u{3000}model\u{202F}", "no-blank", " \n a \n ", "é ", "\u{00A0}"])
    func trimmedMatchesFoundation(text: String) {
        #expect(TextInput.trimmed(Substring(text)) == text.trimmingCharacters(in: .whitespaces))
        #expect(TextInput.trimmed(text) == text.trimmingCharacters(in: .whitespaces))
    }
}

/// The direct path of `main` (a leaf subcommand parsed on its own) gives the command the root's
/// parse gives, and leaves help, version, nested commands and bad input to the root.
struct DirectParseTests {
    static func dumped(_ command: ParsableCommand) -> String {
        var text = ""
        dump(command, to: &text)
        return text
    }

    @Test(arguments: [
        ["fit", "--target", "t", "--cutoff-flops", "84", "--bootstrap", "10", "--threads", "1"],
        ["select", "--budget", "4,8", "--unit", "family", "--criterion", "v", "--no-intercept"],
        ["pca", "--preset", "paper-2024", "--quiet"],
        ["validate", "--cutoff-flops", "10", "--budget", "10", "--simulate", "4", "--replicates", "0..1", "--json", "p.json"],
        ["merge", "a.json", "b.json", "--json", "out.json"],
        ["compare", "--target", "a", "--target", "b"],
    ])
    func directParseEqualsTheRootParse(arguments: [String]) throws {
        let direct = try #require(Obsscale.directlyParsed(arguments))
        #expect(Self.dumped(direct) == Self.dumped(try Obsscale.parseAsRoot(arguments)))
    }

    @Test(arguments: [
        ["fit", "--help"], ["--version"], ["data", "fetch"], ["help", "fit"], ["fit", "--bogus"], ["fit"], ["nosuch"], [],
        ["select", "--budget", "4", "--generate-completion-script", "bash"],
    ])
    func otherInvocationsGoThroughTheRoot(arguments: [String]) {
        #expect(Obsscale.directlyParsed(arguments) == nil)
    }
}

/// `--replicates FROM..TO`, `--shard I/N` and `--shard auto [--shards N]` become one
/// `ShardRequest`, and a part records its command line without the options that only say which
/// replicates, where and how fast.
struct ShardParseTests {
    static func request(_ arguments: [String]) throws -> ShardRequest? {
        try FitCommand.parse(["--target", "t", "--bootstrap", "10", "--json", "p.json"] + arguments).bootstrapOptions.shardRequest
    }

    @Test func shardOptionsBecomeOneRequest() throws {
        #expect(try Self.request(["--shard", "2/4"]) == .part(index: 2, count: 4))
        #expect(try Self.request(["--shard", " 2 / 4 "]) == .part(index: 2, count: 4))
        #expect(try Self.request(["--shard", "auto"]) == .auto(count: nil))
        #expect(try Self.request(["--shard", "auto", "--shards", "8"]) == .auto(count: 8))
        #expect(try Self.request(["--replicates", "3..5"]) == .replicates(3...5))
        #expect(try Self.request([]) == nil)
    }

    @Test func partsRecordTheCommandLineWithoutTheSplitOptions() {
        let line = [
            "fit", "--target", "t", "--bootstrap", "10", "--shard", "auto", "--shards", "4", "--threads", "8", "--json", "p/part-1.json", "--quiet",
            "--seed", "3", "--json=x", "--replicates=0..1",
        ]
        #expect(BootstrapOptions.partArguments(line) == ["fit", "--target", "t", "--bootstrap", "10", "--seed", "3"])
    }
}
