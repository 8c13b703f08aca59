import Foundation
import Testing
import _TestSupport

/// The selection-to-fit workflow: `select --plan` writes the models to evaluate per budget, and
/// `fit --train @PLAN --train-budget B` fits on exactly those models (here on the synthetic panel,
/// whose targets stand in for the results that came back).
struct PlanCLITests {
    static let panel = ["--panel", TestPaths.syntheticPanel]
    static let target = "task_smooth,accuracy"

    /// The plan's rows of one budget, parsed back as CSV by hand.
    static func rows(_ text: String, budget: String) -> [[String]] {
        text.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
            .filter { $0.first == budget }
    }

    @Test func selectWritesAPlanThatFitTrainsOn() throws {
        let folder = TestPaths.temporaryDirectory()
        let plan = folder.appendingPathComponent("plan.csv").path
        let select = try runCLI(
            ["select"] + Self.panel + ["--cost", "params", "--budget", "5%,10%", "--cutoff-flops", "10", "--plan", plan, "--quiet"])
        #expect(select.status == 0, "\(select.stderr)")
        let text = try String(contentsOfFile: plan, encoding: .utf8)
        #expect(text.hasPrefix("budget,model,family,cost\n"))
        let tenPercent = Self.rows(text, budget: "10%")
        #expect(!tenPercent.isEmpty && !Self.rows(text, budget: "5%").isEmpty)
        // Each row's family is the part of its name before the slash, and its cost the model's size.
        for row in tenPercent {
            #expect(row.count == 4 && row[1].hasPrefix(row[2] + "/"), "\(row)")
            #expect(Double(row[3]).map { $0 > 0 } == true)
        }

        let json = folder.appendingPathComponent("fit.json").path
        let fit = try runCLI(
            ["fit"] + Self.panel + ["--target", Self.target, "--train", "@" + plan, "--train-budget", "10%", "--json", json])
        #expect(fit.status == 0, "\(fit.stderr)")
        #expect(fit.stdout.contains("train on \(tenPercent.count) named models"))
        let predictions = try #require(((try loadJSON(URL(fileURLWithPath: json)))["result"] as? [String: Any])?["predictions"] as? [[String: Any]])
        let trained = Set(predictions.filter { $0["role"] as? String == "train" }.compactMap { $0["model"] as? String })
        #expect(trained == Set(tenPercent.map { $0[1] }))
    }

    @Test func aPlanOfSeveralBudgetsNeedsTheBudget() throws {
        let plan = TestPaths.temporaryDirectory().appendingPathComponent("plan.csv")
        try "budget,model,family,cost\n5%,Family-01/m1-0.0689B,Family-01,0.0689\n10%,Family-01/m2-0.258B,Family-01,0.258\n"
            .write(to: plan, atomically: true, encoding: .utf8)
        let missing = try runCLI(["fit"] + Self.panel + ["--target", Self.target, "--train", "@" + plan.path])
        #expect(missing.status == 64)
        #expect(missing.stderr.contains("--train-budget") && missing.stderr.contains("5%, 10%"), "\(missing.stderr)")
        let unknown = try runCLI(["fit"] + Self.panel + ["--target", Self.target, "--train", "@" + plan.path, "--train-budget", "20%"])
        #expect(unknown.status == 64)
        #expect(unknown.stderr.contains("--train-budget: '20%' is not allowed"), "\(unknown.stderr)")
        let withoutFile = try runCLI(["fit"] + Self.panel + ["--target", Self.target, "--train", "Family-01/m1-0.0689B", "--train-budget", "5%"])
        #expect(withoutFile.status == 64)
        #expect(withoutFile.stderr.contains("--train-budget"))
    }
}
