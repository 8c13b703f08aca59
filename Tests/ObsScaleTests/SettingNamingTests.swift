import Foundation
import ObsScale
import ObsScaleFetch
import Testing
import _TestSupport

/// Every layer's errors, notes and notices keep the settings they name as `Setting`s, down to the
/// text they carry (what is allowed, a suggestion, another error's message): rendered with a
/// naming function, each setting reads as that function spells it (the command line passes its
/// flags), and `description` reads in Swift terms (`Owner.name`).
struct SettingNamingTests {
    /// How these tests spell a setting: a marker no message holds otherwise.
    static func marker(_ setting: Setting) -> String { "<\(setting.name)>" }

    /// `render` spells each of `settings` by the naming function and leaves none of them in Swift
    /// terms; `description` spells each as `Owner.name`.
    func expect(
        _ settings: [Setting], renderedBy render: ((Setting) -> String) -> String, description: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let rendered = render(Self.marker)
        for setting in settings {
            #expect(rendered.contains(Self.marker(setting)), "\(rendered)", sourceLocation: sourceLocation)
            #expect(!rendered.contains(setting.description), "\(rendered)", sourceLocation: sourceLocation)
            #expect(description.contains(setting.description), "\(description)", sourceLocation: sourceLocation)
        }
    }

    func expect(_ settings: [Setting], in error: some InputError, sourceLocation: SourceLocation = #_sourceLocation) {
        expect(settings, renderedBy: error.message(naming:), description: error.description, sourceLocation: sourceLocation)
    }

    func expect(_ settings: [Setting], in text: SettingText, sourceLocation: SourceLocation = #_sourceLocation) {
        expect(settings, renderedBy: text.message(naming:), description: text.description, sourceLocation: sourceLocation)
    }

    /// The error `body` throws.
    func thrown<Failure: Error>(_ type: Failure.Type, _ body: () throws -> Void) throws -> Failure {
        do {
            try body()
        } catch let error as Failure {
            return error
        }
        throw TestFailure("no \(Failure.self) was thrown")
    }

    struct TestFailure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    @Test func dataErrorsNotesAndNotices() throws {
        var world = SimulationSettings()
        world.familyCount = 0
        try expect([.simulationFamilyCount], in: thrown(DataError.self) { try world.validate() })
        let path = TestPaths.write("Model,Model Family,MMLU\norg/a,A,0.4\norg/a,A,0.5\norg/b,B,0.6\n", name: "repeats.csv")
        try expect([.formatDuplicates], in: thrown(DataError.self) { _ = try Panel.load(panelPath: path) })
        let panel = try Panel.load(panelPath: path, format: PanelFormat(duplicates: .first))
        let note = try #require(panel.notes.first { $0.pieces.contains(.setting(.formatDuplicates)) })
        expect([.formatDuplicates], in: note)
        // The setting that names the missing column is in the error's description of the column.
        try expect(
            [.splitDateCutoff, .formatDateColumn], in: thrown(DataError.self) { _ = try Split(panel: panel, rule: .dateCutoff("2024-01-01")) })
        let fallback = try PanelLocation.resolve(panel: nil, downstream: [], environment: [:], roots: [TestPaths.root])
        expect([.panelPath], in: try #require(fallback.notice))
        let fetch = FetchError.unreachable(
            url: "https://example.org/panel.csv", reason: "no answer (\(Setting.fetchTimeout))", help: "pass \(Setting.panelPath)")
        expect([.fetchTimeout, .panelPath], renderedBy: fetch.message(naming:), description: fetch.description)
    }

    @Test func fitErrors() throws {
        let matrix = Matrix(rows: [[0.1, 0.2], [0.3, 0.5], [0.6, 0.4]])
        try expect([.pcaComponentCount], in: thrown(FitError.self) { _ = try PCA(componentCount: 99).fit(matrix, columnNames: ["a", "b"]) })
        try expect(
            [.scalingLawTargetRange],
            in: thrown(FitError.self) { try FitError.checkUnitRange([42], rows: [0], target: "score", modelNames: ["org/a"]) })
        // A value and an allowed text that name settings (`FitBootstrap.validate`'s refusal of refitPCA).
        let refused = FitError.invalidSetting(
            .fitBootstrapRefitPCA, value: "with \(Setting.scalingLawPCAOn) panel", allowed: "\(Setting.scalingLawPCAOn) train")
        expect([.fitBootstrapRefitPCA, .scalingLawPCAOn], in: refused)
    }

    @Test func selectionErrors() throws {
        try expect([.selectionBudgets], in: thrown(SelectionError.self) { _ = try BudgetSpec(parsing: "many") })
        expect([.minModels, .maxModels], in: SelectionError.contradictoryConstraints("\(Setting.minModels) 5 exceeds \(Setting.maxModels) 3"))
        expect(
            [.selectionMethod, .maxFamilies],
            in: SelectionError.tooManyCombinations(
                count: 1e12, limit: 1e9, suggestion: "use \(Setting.selectionMethod) auto, or lower \(Setting.maxFamilies)"))
    }

    @Test func evaluationErrors() throws {
        try expect([.validationSelectors], in: thrown(EvaluationError.self) { _ = try ValidationSelector(parsing: "bogus") })
    }

    @Test func reportErrorsPassTheNamingOn() throws {
        let notInArray = try thrown(ShardError.self) {
            _ = try ShardRequest.auto(count: nil).resolve(total: 10, totalSetting: .fitBootstrapReplicateCount, environment: [:])
        }
        expect([.shard, .shardIndices], in: notInArray)
        let tooMany = try thrown(ShardError.self) {
            _ = try ShardRequest.part(index: 0, count: 20).resolve(total: 10, totalSetting: .fitBootstrapReplicateCount, environment: [:])
        }
        expect([.shard, .fitBootstrapReplicateCount], in: tooMany)
        let slurm = try thrown(ShardError.self) {
            _ = try ShardRequest.auto(count: nil).resolve(
                total: 10, totalSetting: .fitBootstrapReplicateCount, environment: ["SLURM_ARRAY_TASK_ID": "1"])
        }
        expect([.shard, .shardCount], in: slurm)
        expect([.shard, .shardIndices, .jsonReportPath], in: MergeError.notAPart(path: "report.json"))
        // An error that carries another renders it with the same naming.
        let options = MergeError.refusedOptions(path: "part.json", error: FitError.invalidSetting(.fitBootstrapLevel, value: "2", allowed: "0 to 1"))
        expect([.fitBootstrapLevel], in: options)
    }
}
