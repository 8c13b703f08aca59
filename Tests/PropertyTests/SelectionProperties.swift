import Foundation
import ObsScale
import PropertyBased
import Testing

/// The settings of a random selection (`obsscale select`), drawn next to its panel.
struct SelectionSpec: Sendable, CustomStringConvertible {
    var unit: SelectionUnit
    /// 0–3 count, 4–5 params, 6–8 the `gpu_hours` column, 9 flops (params and flops may be missing: typed errors).
    var cost: Int
    var maxFamilies: Int?
    var minModels: Int?
    var maxModelsPerFamily: Int?
    var includeCount: Int
    var excludeCount: Int
    var components: Int
    var intercept: Bool
    var criterion: Criterion
    var ridge: Bool
    var dropIncomplete: Bool
    var cutoff: Bool
    var budgetFractions: [Double]
    var seed: UInt64

    var description: String {
        "SelectionSpec(unit: .\(unit), cost: \(cost), maxFamilies: \(maxFamilies.map(String.init) ?? "nil"), "
            + "minModels: \(minModels.map(String.init) ?? "nil"), maxPerFamily: \(maxModelsPerFamily.map(String.init) ?? "nil"), "
            + "include: \(includeCount), exclude: \(excludeCount), components: \(components), intercept: \(intercept), "
            + "criterion: .\(criterion), ridge: \(ridge), dropIncomplete: \(dropIncomplete), cutoff: \(cutoff), "
            + "budgets: \(budgetFractions), seed: \(seed))"
    }

    static var generator: Generator<SelectionSpec, some SendableSequenceType> {
        let constraints = zip(
            Gen.int(in: 1...4).optional(valueRate: 0.4), Gen.int(in: 1...6).optional(valueRate: 0.25),
            Gen.int(in: 1...3).optional(valueRate: 0.3), Gen.int(in: 0...1), Gen.int(in: 0...2))
        let space = zip(Gen.int(in: 1...3), Gen.bool(0.2), Gen<Criterion>.case, Gen.bool(0.2), Gen.bool(0.2), Gen.bool(0.3))
        return zip(
            Gen<SelectionUnit>.case, Gen.int(in: 0...9), constraints, space,
            Gen.double(in: 0.2...1).array(of: 1...3), Gen.uint64(in: 0...UInt64.max)
        )
        .map { unit, cost, constraints, space, budgets, seed in
            SelectionSpec(
                unit: unit, cost: cost, maxFamilies: constraints.0, minModels: constraints.1,
                maxModelsPerFamily: constraints.2, includeCount: constraints.3, excludeCount: constraints.4,
                components: space.0, intercept: space.1, criterion: space.2, ridge: space.3,
                dropIncomplete: space.4, cutoff: space.5, budgetFractions: budgets, seed: seed)
        }
    }

    /// The setup for `panel`: include/exclude names drawn from its families or models (rarely an
    /// unknown name, or the same name in both lists: typed errors).
    func setup(for panel: Panel) -> SelectionSetup {
        var random = Xoshiro256StarStar(seed: seed)
        var setup = SelectionSetup()
        setup.unit = unit
        setup.cost =
            [CostKind.count, .count, .count, .count, .params, .params, .column("gpu_hours"), .column("gpu_hours"), .column("gpu_hours"), .flops][cost]
        setup.maxFamilies = maxFamilies
        setup.minModels = minModels
        setup.maxModelsPerFamily = maxModelsPerFamily
        setup.componentCount = components
        setup.intercept = intercept
        setup.criterion = criterion
        setup.ridge = ridge ? 1e-3 : 0
        setup.dropIncomplete = dropIncomplete
        if cutoff {
            let known = panel.models.compactMap(\.flops).sorted()
            if !known.isEmpty {
                setup.cutoffFlops = known[known.count * 2 / 3]
                if random.nextUniform() < 0.5 { setup.targets = .aboveCutoff }
            }
        }
        let names = unit == .family ? panel.familyNames : panel.modelNames
        func pick() -> String { random.nextUniform() < 0.015 ? "no-such-unit" : names[random.nextInt(below: names.count)] }
        setup.include = (0..<includeCount).map { _ in pick() }
        setup.exclude = (0..<excludeCount).map { _ in pick() }
        return setup
    }
}

/// Random panels — degenerate ones included — through `SelectionSetup.build` and every selection
/// method: a typed `SelectionError` (or data/fit error from building the problem) or results within
/// budget that satisfy the constraints, with consistent values and bounds. What each method owes
/// on any problem — never beating the exhaustive optimum, bounds below it, determinism across runs
/// and thread counts — is the selector contract's (ObsScaleSelectTests/SelectorContractTests),
/// checked there for every case of `SelectionMethod`.
@Suite(.shrinking(false)) struct SelectionProperties {
    /// Every method but exhaustive search, which runs only where `exhaustiveLimit` allows.
    static let methods = SelectionMethod.allCases.filter { $0 != .exhaustive }
    /// Exhaustive search is run up to this many combinations (debug builds).
    static let exhaustiveLimit = 5_000.0

    @Test func selectionRespectsBudgetsAndConstraints() async {
        var outcomes = Outcomes()
        await propertyCheck(count: cases(60), input: PanelSpec.generator(models: 2...40), SelectionSpec.generator) { spec, selectionSpec in
            trace("selection", "\(spec), \(selectionSpec)")
            recordingErrors("\(spec), \(selectionSpec)") { try Self.checkSelection(spec, selectionSpec, &outcomes) }
        }
        outcomes.report("selection")
        #expect(outcomes.succeeded >= outcomes.total / 8, "\(outcomes)")
    }

    static func tolerance(_ value: Double) -> Double { 1e-9 * max(1, abs(value)) }

    static func checkSelection(_ spec: PanelSpec, _ selectionSpec: SelectionSpec, _ outcomes: inout Outcomes) throws {
        let context = "\(spec), \(selectionSpec)"
        let panel = spec.makePanel()
        let problem: SelectionProblem
        do {
            problem = try selectionSpec.setup(for: panel).build(panel: panel)
        } catch {
            outcomes.failed(expectTypedError(error, context))
            return
        }
        let totalCost = problem.units.reduce(0) { $0 + $1.cost }
        let budgets = selectionSpec.budgetFractions.map { $0 * totalCost }
        var options = SelectionOptions(method: .exhaustive, timeLimitSeconds: 0.2, seed: selectionSpec.seed, threadCount: 1)
        options.autoExhaustiveLimit = exhaustiveLimit
        var anySucceeded = false
        var firstError: String?
        if problem.combinationCount <= exhaustiveLimit {
            trace("selection", "  method exhaustive, budgets \(budgets)")
            do {
                let results = try outcomes.timed("exhaustive") { try Selection.solve(problem, budgets: budgets, options: options) }
                check(results, problem: problem, budgets: budgets, context: "\(context), exhaustive")
                for result in results where result.value.isFinite { #expect(result.provenOptimal, "\(context)") }
                // The count that gates exhaustive search (and `auto`) bounds the nodes it visits.
                for result in results {
                    #expect(
                        Double(result.iterations) <= problem.combinationCount,
                        "\(context): exhaustive visited \(result.iterations) nodes, combination count \(problem.combinationCount)")
                }
                anySucceeded = true
            } catch {
                let label = expectTypedError(error, "\(context), exhaustive")
                outcomes.stepErrors["exhaustive: \(label)", default: 0] += 1
                firstError = firstError ?? label
            }
        }
        for method in methods {
            options.method = method
            trace("selection", "  method \(method), budgets \(budgets)")
            let results: [SelectionResult]
            do {
                results = try outcomes.timed("\(method)") { try Selection.solve(problem, budgets: budgets, options: options) }
            } catch {
                let label = expectTypedError(error, "\(context), \(method)")
                outcomes.stepErrors["\(method): \(label)", default: 0] += 1
                firstError = firstError ?? label
                continue
            }
            anySucceeded = true
            check(results, problem: problem, budgets: budgets, context: "\(context), \(method)")
        }
        if anySucceeded { outcomes.succeeded += 1 } else { outcomes.failed(firstError ?? "no method ran") }
    }

    /// Budget, constraints, value and bound of each result.
    static func check(_ results: [SelectionResult], problem: SelectionProblem, budgets: [Double], context: String) {
        #expect(results.count == budgets.count, "\(context)")
        for (result, budget) in zip(results, budgets) {
            let label = "\(context) at budget \(budget)"
            #expect(result.budget == budget, "\(label)")
            #expect(result.totalCost <= budget * (1 + 1e-9), "\(label): cost \(result.totalCost)")
            let indices = result.units.compactMap { name in problem.units.firstIndex { $0.name == name } }
            #expect(indices.count == result.units.count, "\(label): unknown unit in \(result.units)")
            #expect(abs(indices.reduce(0) { $0 + problem.units[$1].cost } - result.totalCost) <= 1e-9 * max(1, result.totalCost), "\(label)")
            let models = Set(indices.flatMap { problem.units[$0].models }.map { problem.poolModels[$0] })
            #expect(Set(result.models) == models && result.models.count == models.count, "\(label): models do not match the units")
            if result.value.isFinite {
                #expect(problem.isFeasible(indices, budget: budget), "\(label): \(result.units) breaks a constraint")
                let recomputed = problem.value(of: indices)
                #expect(
                    abs(recomputed - result.value) <= 1e-9 * max(1, abs(result.value)),
                    "\(label): reported \(result.value), recomputed \(recomputed)")
                if let lower = result.lowerBound {
                    #expect(!lower.isNaN, "\(label): NaN lower bound")
                    #expect(lower <= result.value + tolerance(result.value), "\(label): lower bound \(lower) > value \(result.value)")
                }
                if let gap = result.gap { #expect(gap.isFinite && gap >= 0, "\(label): gap \(gap)") }
            } else {
                #expect(result.value == .infinity, "\(label): value \(result.value)")
                #expect(!result.notes.isEmpty, "\(label): an infeasible result without a note")
                #expect(!result.provenOptimal, "\(label)")
            }
        }
    }
}
