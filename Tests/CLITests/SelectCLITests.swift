import Foundation
import Testing
import _TestSupport

/// `obsscale select` end to end on the public panel, and its bad-input errors.
struct SelectCLITests {
    static let base = ["select", "--panel", TestPaths.panel, "--preset", "paper-2024"]
    /// The paper's §5 setup: whole families, V-optimality, no intercept.
    static let paper = ["--unit", "family", "--criterion", "v", "--no-intercept"]

    @Test func guideSetupPrintsARowPerBudgetAndWritesJSON() throws {
        let json = TestPaths.temporaryDirectory().appendingPathComponent("select.json").path
        let result = try runCLI(Self.base + Self.paper + ["--include", "Llama-2", "--max-families", "10", "--budget", "4,8,12", "--json", json])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("4          4       4      2  1365.3029    1365.3029  0.0%  exhaustive (optimal)"))
        #expect(result.stdout.contains("Budget 8: Llama-2, Mixtral, Phi, MPT"))
        let object = try loadJSON(URL(fileURLWithPath: json))
        #expect(object["command"] as? String == "select")
        let results = (object["result"] as? [String: Any])?["results"] as? [[String: Any]] ?? []
        #expect(results.count == 3)
        #expect(results.first?["units"] as? [String] == ["Llama-2", "Mistral"])
    }

    @Test func percentBudgetsAndModelUnits() throws {
        let result = try runCLI(Self.base + ["--unit", "model", "--cost", "params", "--budget", "10%", "--method", "exchange"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("cost 'params'"))
        #expect(result.stdout.contains("greedy+exchange"))
    }

    static let badInputs: [([String], String)] = [
        (["--unit", "family", "--include", "Llama-2", "--budget", "2"], "budget 2 is too small: the must-include units cost at least 3"),
        (["--budget", "2"], "budget 2 is too small: a nonsingular design (4 design columns need at least 4 models) cost at least 4"),
        (["--components", "5", "--no-intercept", "--budget", "4"], "(5 design columns need at least 5 models)"),
        (["--unit", "family", "--include", "Llama2", "--budget", "8"], "unknown family or model 'Llama2'; did you mean 'Llama' or 'Llama-2'?"),
        (
            ["--unit", "family", "--include", "Llama-2", "--exclude", "Llama-2", "--budget", "8"],
            "contradictory constraints: Llama-2 is both included and excluded"
        ),
        (
            ["--unit", "family", "--include", "Llama-2,Llama,Qwen", "--max-families", "2", "--budget", "20"],
            "3 must-include families exceed --max-families 2"
        ),
        (["--method", "exhaustive", "--budget", "10"], "combinations (limit 1e+09); use --method auto, bnb or greedy"),
        (["--budget", "0"], "The value '0' is invalid for '--budget <budget>': '0' is not allowed"),
        (["--budget", "8", "--cost", "gpu"], "unknown column 'gpu'"),
        (["--budget", "8", "--time-limit=-1"], "--time-limit: '-1.0' is not allowed"),
    ]

    @Test(arguments: 0..<10)
    func badSelectInputIsAClearErrorAndWritesNothing(index: Int) throws {
        let (arguments, fragment) = Self.badInputs[index]
        let folder = TestPaths.temporaryDirectory()
        let result = try runCLI(Self.base + arguments + ["--json", folder.appendingPathComponent("out.json").path])
        #expect(result.status == 64)
        #expect(result.stderr.contains(fragment), "\(result.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }
}
