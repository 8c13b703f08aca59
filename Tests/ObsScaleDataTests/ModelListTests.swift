import Testing

@testable import ObsScaleData

/// `ModelList`: names one a line, or the `model` column of a CSV (a `select --plan` file), one
/// budget's rows of it.
struct ModelListTests {
    static let plan = "budget,Model,family,cost\n5%,a/x,a,1\n10%,\"b/y, the big one\",b,2\n10%,c/z,c,3\n"

    @Test func namesOneALine() throws {
        #expect(try ModelList.parse(text: " a/x \n\nb/y\r\n", path: "names.txt") == ["a/x", "b/y"])
    }

    @Test func aPlanGivesTheModelsOfOneBudget() throws {
        #expect(try ModelList.parse(text: Self.plan, path: "plan.csv", budget: "10%") == ["b/y, the big one", "c/z"])
        #expect(try ModelList.parse(text: Self.plan, path: "plan.csv", budget: "5%") == ["a/x"])
        let single = "budget,model,family,cost\n10%,a/x,a,1\n10%,b/y,b,2\n"
        #expect(try ModelList.parse(text: single, path: "plan.csv") == ["a/x", "b/y"])
        #expect(try ModelList.parse(text: "model\na/x\n", path: "one-column.csv") == ["model", "a/x"])
        #expect(try ModelList.parse(text: "model,score\na/x,0.5\n", path: "results.csv") == ["a/x"])
    }

    @Test func aBudgetMustBeChosenAndExist() {
        #expect(throws: DataError.self) { try ModelList.parse(text: Self.plan, path: "plan.csv") }
        do {
            _ = try ModelList.parse(text: Self.plan, path: "plan.csv")
        } catch {
            #expect("\(error)".contains("5%, 10%"), "\(error)")
        }
        #expect(throws: DataError.self) { try ModelList.parse(text: Self.plan, path: "plan.csv", budget: "20%") }
        #expect(throws: DataError.self) { try ModelList.parse(text: "a/x\n", path: "names.txt", budget: "10%") }
        #expect(throws: DataError.self) { try ModelList.parse(text: "model,score\na/x,0.5\n", path: "results.csv", budget: "10%") }
    }

    @Test func aTrainSplitTrainsOnTheNamedModels() throws {
        let panel = try Panel.load(panelPath: PanelTests.panelFile(PanelTests.good))
        let split = try Split(panel: panel, rule: .train(["org/c-13b", "org/a-1b"]))
        #expect(split.train == [0, 3] && split.test == [1, 2])
        #expect(throws: DataError.self) { try Split(panel: panel, rule: .train([])) }
        #expect(throws: DataError.self) { try Split(panel: panel, rule: .train(["org/d-1b"])) }
    }
}
