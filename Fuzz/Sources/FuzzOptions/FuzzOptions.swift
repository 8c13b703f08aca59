import Foundation
import FuzzSupport
import ObsScale

/// libFuzzer target: the parsers and checkers of user options, on a small in-memory panel decoded
/// from the input — costs (`CostKind`), model filters (`ModelFilter.keptIndices`), presets
/// (`Preset.load` on a JSON file), splits (`Split(panel:rule:)`), `ValidationSelector(parsing:)`,
/// and selection setups (`SelectionSetup.build` with include/exclude/maxFamilies/minModels/
/// maxModelsPerFamily/budgets, then `Selection.solve` with a 0.05 s time limit and a method chosen
/// by the input). A typed error (`DataError`, `SelectionError`, `FitError`, `LinearProgramError`,
/// `EvaluationError`) is fine; a trap, a hang, an untyped error or a result that breaks the
/// documented contracts is a bug.
///
/// Input layout (`ByteReader`): the panel (families, models, scores), then up to 6 operations, each
/// an opcode byte followed by its arguments.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOptions(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    var reader = ByteReader(data, size)
    let panel = makePanel(&reader)
    if verbose { debug("panel: \(panel.models.map { ($0.name, $0.parametersB, $0.flops) })\ncolumns: \(panel.columns)") }
    let context = Context(panel: panel)
    for _ in 0..<6 where !reader.isAtEnd {
        switch reader.byte() % 7 {
        case 0: context.costs(&reader)
        case 1: context.filter(&reader)
        case 2: context.split(&reader)
        case 3: context.selector(&reader)
        case 4: context.preset(&reader)
        default: context.selection(&reader)
        }
    }
    return 0
}

/// `FUZZ_VERBOSE=1` prints what a selection operation decoded (to triage a crash input).
let verbose = ProcessInfo.processInfo.environment["FUZZ_VERBOSE"] != nil

func debug(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// Runs `body`; a typed error is an accepted outcome (its message must not be empty), anything
/// else that is thrown is a bug. Returns nil when `body` threw.
func attempt<T>(_ what: String, _ body: () throws -> T) -> T? {
    do {
        return try body()
    } catch let error as DataError {
        require(!error.description.isEmpty, "\(what): empty DataError message")
    } catch let error as SelectionError {
        require(!error.description.isEmpty, "\(what): empty SelectionError message")
    } catch let error as FitError {
        require(!"\(error)".isEmpty, "\(what): empty FitError message")
    } catch let error as LinearProgramError {
        require(!error.description.isEmpty, "\(what): empty LinearProgramError message")
    } catch let error as EvaluationError {
        require(!error.description.isEmpty, "\(what): empty EvaluationError message")
    } catch {
        require(false, "\(what) threw an untyped error: \(type(of: error)) \(error)")
    }
    return nil
}

/// A panel like one `Panel.load` returns: unique names, 1–5 families of 1–3 models, some standard
/// benchmarks with scores in [0, 1] (some missing), sizes/tokens/FLOPs > 0 or unknown, and two
/// metrics (`task_acc` in [0, 1], `gpu_hours` any finite number, for costs).
func makePanel(_ reader: inout ByteReader) -> Panel {
    let familyCount = reader.int(in: 1...5)
    let benchmarks = Array(Panel.standardBenchmarks.prefix(reader.int(in: 1...6)))
    var models: [ModelInfo] = []
    for family in 0..<familyCount {
        for member in 0..<reader.int(in: 1...3) {
            func positive(_ reader: inout ByteReader) -> Double? {
                let b = reader.byte()
                return b % 8 == 0 ? nil : Double(b) / 4
            }
            let size = positive(&reader), tokens = positive(&reader)
            var flops = positive(&reader)
            var derived = false
            if flops == nil, let size, let tokens {
                flops = 6 * size * tokens
                derived = true
            }
            models.append(
                ModelInfo(
                    name: "org/f\(family)-m\(member)", family: "F\(family)", parametersB: size,
                    tokensT: tokens, flops: flops, flopsDerived: derived, source: "fuzz:\(models.count + 2)"))
        }
    }
    var columns: [String: [Double]] = [:]
    for name in benchmarks + ["task_acc"] {
        columns[name] = models.map { _ in
            let b = reader.byte()
            return b >= 240 ? .nan : Double(b) / 239
        }
    }
    columns["gpu_hours"] = models.map { _ in
        let b = reader.byte()
        return b >= 250 ? .nan : Double(Int(b) - 10) / 4  // includes 0 and negatives (invalid costs)
    }
    return Panel(
        models: models, columns: columns, benchmarkNames: benchmarks, metricNames: ["task_acc", "gpu_hours"],
        sources: ["fuzz"])
}

struct Context {
    let panel: Panel
    let familyNames: [String]
    let modelNames: [String]
    let columnNames: [String]

    init(panel: Panel) {
        self.panel = panel
        familyNames = panel.familyNames
        modelNames = panel.modelNames
        columnNames = panel.numericColumnNames + ["FLOPs (1E21)", "Model Size (B)"]
    }

    func costKind(_ reader: inout ByteReader) -> CostKind {
        CostKind(parsing: reader.name(from: ["count", "params", "flops", "gpu_hours", "task_acc", "MMLU"]))
    }

    func costs(_ reader: inout ByteReader) {
        let kind = costKind(&reader)
        require(CostKind(parsing: kind.description) == kind, "CostKind description does not parse back: \(kind)")
        guard let costs = attempt("costs", { try kind.costs(for: panel) }) else { return }
        require(costs.count == panel.count && costs.allSatisfy { $0.isFinite && $0 > 0 }, "\(kind) costs \(costs)")
    }

    func modelFilter(_ reader: inout ByteReader) -> ModelFilter {
        ModelFilter(
            families: reader.optional { r in r.array(maxCount: 3) { r in r.name(from: familyNames) } },
            excludeFamilies: reader.array(maxCount: 2) { r in r.name(from: familyNames) },
            excludeModels: reader.array(maxCount: 3) { r in r.name(from: modelNames) },
            maxSizeB: reader.optional { r in r.double() },
            dropIncompleteOn: reader.optional { r in r.array(maxCount: 2) { r in r.name(from: columnNames) } })
    }

    func checkKept(_ kept: [Int], _ what: String) {
        require(!kept.isEmpty, "\(what): empty result not thrown")
        require(zip(kept, kept.dropFirst()).allSatisfy { $0 < $1 }, "\(what): indices not increasing: \(kept)")
        require(kept.allSatisfy { panel.models.indices.contains($0) }, "\(what): index out of range: \(kept)")
    }

    func filter(_ reader: inout ByteReader) {
        let first = modelFilter(&reader)
        let strict = reader.bool(), modelsStrict = reader.bool()
        require(!first.summary.isEmpty, "empty filter summary")
        if let kept = attempt("keptIndices", { try first.keptIndices(in: panel, strict: strict, excludedModelsStrict: modelsStrict) }) {
            checkKept(kept, "keptIndices")
            let subset = panel.subset(kept)
            require(subset.count == kept.count, "subset size")
        }
        let merged = first.merged(with: modelFilter(&reader))
        if let kept = attempt("merged keptIndices", { try merged.keptIndices(in: panel, strict: false) }) {
            checkKept(kept, "merged keptIndices")
        }
    }

    func splitRule(_ reader: inout ByteReader) -> SplitRule {
        switch reader.byte() % 5 {
        case 0: return .none
        case 1: return .flopsCutoff(reader.double())
        case 2: return .metricCutoff(column: reader.name(from: columnNames), threshold: reader.double())
        case 3: return .top(column: reader.name(from: columnNames), limit: reader.double())
        default: return .holdout(reader.array(maxCount: 3) { r in r.name(from: modelNames) })
        }
    }

    func split(_ reader: inout ByteReader) {
        let rule = splitRule(&reader)
        guard let split = attempt("Split", { try Split(panel: panel, rule: rule) }) else { return }
        require(!split.train.isEmpty, "empty training set not thrown (\(rule))")
        require((split.train + split.test).sorted() == Array(panel.models.indices), "split is not a partition (\(rule)): \(split)")
    }

    func selector(_ reader: inout ByteReader) {
        let text = reader.name(from: [
            "exhaustive", "greedy:model", "exchange:family", "bnb", "relaxation:model", "auto",
            "random", "greedy:", ":model", "bnb:family:model",
        ])
        guard let selector = attempt("ValidationSelector", { try ValidationSelector(parsing: text) }) else { return }
        require(selector.method != .random, "random accepted as a validation selector")
        require((try? ValidationSelector(parsing: selector.description)) == selector, "description does not parse back")
    }

    func preset(_ reader: inout ByteReader) {
        let json: String
        if reader.bool() {
            json = reader.rawString(maxLength: 64)
        } else {
            func list(_ items: [String]) -> String {
                "["
                    + items.map { "\"" + $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
                    .joined(separator: ",") + "]"
            }
            let families = reader.array(maxCount: 3) { r in r.name(from: familyNames) }
            let excluded = reader.array(maxCount: 3) { r in r.name(from: modelNames) }
            json = "{\"name\":\"p\",\"description\":\"d\",\"families\":\(list(families)),\"excludeModels\":\(list(excluded))}"
        }
        let path = ScratchFiles.write(Array(json.utf8), name: "preset.json")
        guard let preset = attempt("Preset.load", { try Preset.load(path, roots: []) }) else { return }
        if let kept = attempt("preset keptIndices", { try preset.filter.keptIndices(in: panel, strict: true, excludedModelsStrict: false) }) {
            checkKept(kept, "preset keptIndices")
        }
    }

    func selection(_ reader: inout ByteReader) {
        var setup = SelectionSetup()
        if reader.bool() { setup.benchmarks = reader.array(maxCount: 4) { r in r.name(from: panel.benchmarkNames + ["task_acc"]) } }
        setup.componentCount = reader.int(in: -1...5)
        setup.intercept = reader.bool()
        let ridges: [Double] = [0, 0, 0, 1e-6, 0.1, 1, -1, .nan, .infinity, 1e300]
        setup.ridge = ridges[Int(reader.byte()) % ridges.count]
        setup.criterion = Criterion.allCases[Int(reader.byte()) % Criterion.allCases.count]
        setup.unit = SelectionUnit.allCases[Int(reader.byte()) % SelectionUnit.allCases.count]
        setup.cost = costKind(&reader)
        setup.cutoffFlops = reader.optional { r in r.byte() % 2 == 0 ? r.double() : Double(r.byte()) }
        setup.maxSizeB = reader.optional { r in r.byte() % 2 == 0 ? r.double() : Double(r.byte()) / 4 }
        setup.dropIncomplete = reader.bool()
        switch reader.byte() % 4 {
        case 0: setup.targets = .aboveCutoff
        case 1: setup.targets = .models(reader.array(maxCount: 2) { r in r.name(from: modelNames) })
        default: setup.targets = .pool
        }
        let unitNames = setup.unit == .family ? familyNames : modelNames
        setup.include = reader.array(maxCount: 2) { r in r.name(from: unitNames) }
        setup.exclude = reader.array(maxCount: 2) { r in r.name(from: unitNames) }
        func smallInt(_ reader: inout ByteReader) -> Int {
            let b = reader.byte()
            return b >= 250 ? [Int.min, Int.max, -1, 0, 1000, -1000][Int(b) - 250] : Int(b % 8)
        }
        setup.maxFamilies = reader.optional(smallInt)
        setup.minModels = reader.optional(smallInt)
        setup.maxModelsPerFamily = reader.optional(smallInt)
        let budgets = reader.array(maxCount: 3) { r in r.byte() % 4 == 0 ? r.double() : Double(r.byte() % 24) }
        var options = SelectionOptions(
            method: SelectionMethod.allCases[Int(reader.byte()) % SelectionMethod.allCases.count],
            timeLimitSeconds: 0.05, seed: UInt64(reader.byte()), threadCount: 1)
        if reader.byte() % 16 == 0 { options.timeLimitSeconds = reader.double() }
        if options.timeLimitSeconds.isFinite, options.timeLimitSeconds > 0.05 { options.timeLimitSeconds = 0.05 }  // keep it fast
        let paperBaseline = reader.byte() % 8 == 0

        if verbose { debug("setup: \(setup)\nbudgets: \(budgets)\noptions: \(options)\npaper baseline: \(paperBaseline)") }
        guard let problem = attempt("SelectionSetup.build", { try setup.build(panel: panel) }) else { return }
        if verbose { debug("units: \(problem.units)\nconstraints: \(problem.constraints)") }
        require(!problem.units.isEmpty && problem.units.allSatisfy { $0.cost > 0 && $0.cost.isFinite }, "bad units")
        if paperBaseline {
            let count = reader.int(in: 0...3)
            for budget in budgets {
                guard
                    let results = attempt(
                        "PaperRandomBaseline",
                        {
                            try PaperRandomBaseline(count: count, seed: options.seed).select(problem, budget: budget)
                        })
                else { continue }
                for result in results { check(result, problem: problem, budget: budget) }
            }
            return
        }
        guard let results = attempt("Selection.solve", { try Selection.solve(problem, budgets: budgets, options: options) }) else {
            if verbose { debug("Selection.solve threw") }
            return
        }
        require(results.count == budgets.count, "\(results.count) results for \(budgets.count) budgets")
        for (result, budget) in zip(results, budgets) {
            if verbose { debug("result: \(result)") }
            check(result, problem: problem, budget: budget)
        }
    }

    /// A result's documented contract: a finite value comes with a feasible subset within the
    /// budget, and the lower bound does not exceed the value.
    func check(_ result: SelectionResult, problem: SelectionProblem, budget: Double) {
        require(result.budget == budget, "result budget \(result.budget) for \(budget)")
        require(!result.value.isNaN, "NaN criterion value (\(result.solver))")
        guard result.value.isFinite else { return }
        let subset = result.units.map { name in problem.units.firstIndex { $0.name == name } ?? -1 }
        require(!subset.contains(-1), "unknown unit in \(result.units)")
        require(problem.isFeasible(subset, budget: budget), "\(result.solver): infeasible subset \(result.units) at budget \(budget)")
        require(result.totalCost <= budget * (1 + 1e-9), "\(result.solver): cost \(result.totalCost) > budget \(budget)")
        // The solvers update V incrementally (Sherman–Morrison, Woodbury); a direct recomputation
        // agrees to ~κ(G)·ε relative, and G may be nearly singular (pivots down to 1e-12 are
        // accepted): allow 1e-6 or 100·κ(G)·ε, whichever is larger.
        let value = problem.value(of: subset)
        let eigenvalues = (try? SymmetricEigen(problem.gram(of: subset)).values) ?? []
        let condition = (eigenvalues.max() ?? 1) / max(eigenvalues.min() ?? 1, .leastNormalMagnitude)
        let tolerance = max(1e-6, 100 * condition * Double.ulpOfOne)
        require(
            abs(value - result.value) <= tolerance * max(1, abs(value)),
            "\(result.solver): value \(result.value), recomputed \(value) (κ(G) = \(condition))")
        if let bound = result.lowerBound {
            require(!bound.isNaN, "\(result.solver): NaN lower bound")
            require(
                bound <= result.value + 1e-6 * max(1, abs(result.value)),
                "\(result.solver): lower bound \(bound) > value \(result.value)")
        }
    }
}
