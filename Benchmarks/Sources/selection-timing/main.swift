import FitWorkload
import Foundation
import ObsScale

/// Selection speed (BENCHMARKS.md, "Selection"): prints JSON.
///
///   selection-timing exhaustive [--repeat N]      the paper's guide setup, exhaustive, every budget
///   selection-timing pool5000                      5,000-model synthetic pool, cost params, budget 2%, auto
///   selection-timing families60 [--seconds S]      60-family synthetic pool, families as units, B&B per budget
///
/// Data: the real panel as in FitWorkload (guide setup); synthetic pools generated in memory.
func arguments() -> (mode: String, repeatCount: Int, seconds: Double) {
    let args = Array(CommandLine.arguments.dropFirst())
    func value(_ flag: String, _ fallback: Double) -> Double {
        guard let index = args.firstIndex(of: flag), index + 1 < args.count, let number = Double(args[index + 1]) else { return fallback }
        return number
    }
    return (args.first ?? "exhaustive", Int(value("--repeat", 15)), value("--seconds", 60))
}

func json(_ object: [String: Any]) {
    if let data = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys]),
        let text = String(data: data, encoding: .utf8)
    {
        print(text)
    }
}

let (mode, repeatCount, seconds) = arguments()
do {
    switch mode {
    case "exhaustive":
        let directory = FitWorkload.dataDirectory()
        let panel = try PanelQuery(
            panelPath: directory + "/base_llm_benchmark_eval.csv",
            preset: FitWorkload.repoRoot + "/data/presets/paper-2024.json"
        ).load().panel
        var setup = SelectionSetup()
        setup.include = ["Llama-2"]
        setup.maxFamilies = 10
        let problem = try setup.build(panel: panel)
        let budgets: [Double] = [4, 8, 12, 16, 20, 24, 28, 32, 36]
        var report: [String: Any] = ["combinations": problem.combinationCount]
        for threads in [1, 2] {
            var samples: [Double] = []
            var values: [Double] = []
            for _ in 0..<repeatCount {
                let start = DispatchTime.now().uptimeNanoseconds
                let results = try ExhaustiveSelector(threadCount: threads).select(problem, budgets: budgets)
                samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
                values = results.map(\.value)
            }
            samples.sort()
            report["threads\(threads)"] = ["medianSeconds": samples[samples.count / 2], "minimumSeconds": samples[0]]
            report["values"] = values
        }
        json(report)
    case "pool5000":
        var settings = SimulationSettings()
        settings.modelCount = 5000
        settings.familyCount = 500
        settings.seed = 5
        let panel = try SyntheticWorld.generate(settings).panel
        var setup = SelectionSetup()
        setup.unit = .model
        setup.cost = .params
        let problem = try setup.build(panel: panel)
        let budget = 0.02 * problem.units.reduce(0) { $0 + $1.cost }
        let start = DispatchTime.now().uptimeNanoseconds
        let result = try Selection.solve(problem, budgets: [budget], options: SelectionOptions(method: .auto, timeLimitSeconds: 1.5))[0]
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        json([
            "seconds": elapsed, "value": result.value, "lowerBound": result.lowerBound ?? -1, "gap": result.gap ?? -1,
            "models": result.models.count, "solver": result.solver,
        ])
    case "families60":
        var settings = SimulationSettings()
        settings.familyCount = 60
        settings.modelsPerFamily = 5
        settings.seed = 60
        let panel = try SyntheticWorld.generate(settings).panel
        var setup = SelectionSetup()
        setup.maxFamilies = 10
        let problem = try setup.build(panel: panel)
        var rows: [[String: Any]] = []
        for budget in [8.0, 16, 24, 32] {
            let start = DispatchTime.now().uptimeNanoseconds
            let result = try BranchAndBoundSelector(timeLimitSeconds: seconds).select(problem, budget: budget)
            rows.append([
                "budget": budget, "value": result.value, "lowerBound": result.lowerBound ?? -1, "gap": result.gap ?? -1,
                "proven": result.provenOptimal, "nodes": result.iterations,
                "seconds": Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9,
            ])
        }
        json(["combinations": problem.combinationCount, "budgets": rows])
    default:
        FileHandle.standardError.write(Data("usage: selection-timing exhaustive|pool5000|families60\n".utf8))
        exit(64)
    }
} catch {
    FileHandle.standardError.write(Data("selection-timing: \(error)\n".utf8))
    exit(1)
}
