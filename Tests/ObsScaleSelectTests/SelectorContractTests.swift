import Foundation
import ObsScale
import Testing

/// The selector contract: what every selection method keeps, run once per case of
/// `SelectionMethod` (`@Test(arguments: SelectionMethod.allCases)`), so a method added to the enum
/// is held to it with no edit to this file.
///
/// The problems are small and seeded (`ContractProblem.all`: 6–11 units, p = 2–3, family and model
/// units, whole-number "count" costs and real-valued costs, the V, A and D criteria, a ridge, exact
/// ties, and each side constraint of `SelectionProblem.Constraints` — must-include with exclude,
/// min models, max models, max families, max models per family, and a mix). Every budget is
/// solved through `Selection.solve`, the one entry point, and each answer is checked against the
/// optimum found by enumerating all 2ⁿ subsets with `SelectionProblem.isFeasible` and
/// `SelectionProblem.value(of:)` — code independent of `ExhaustiveSelector`, so exhaustive search
/// is checked too rather than used as its own reference.
///
/// The contract, for every method, problem and budget:
/// 1. Validity: the result is for that budget; its units exist, and its models and total cost are
///    theirs; the subset spends at most the budget and meets every constraint (`isFeasible`); its
///    `value` is the criterion recomputed from scratch (`value(of:)`, 1e-9 relative); a lower bound
///    is not NaN, at most the value, and its gap is finite and ≥ 0.
/// 2. Identities: lower bound ≤ optimum ≤ value (1e-9 relative); a result that claims
///    `provenOptimal` has the optimum's value. Where a feasible subset exists every method finds
///    one, except the heuristics in `mayMissFeasible`, which may instead throw `noFeasibleSubset`
///    (greedy can stop short of `minModels`, a random fill can miss every valid subset); where
///    none exists a method throws `noFeasibleSubset` or returns an infeasible result (value +∞,
///    a note saying why, not proven).
/// 3. Determinism: each budget is answered alone and again among all budgets in one call, and
///    the answers are the same but for the work counter `iterations` (a method that shares work
///    across budgets answers each as it would alone; for the others the two are the same
///    computation run twice — where they differ, a third run says whether the method is
///    nondeterministic). A method whose selector depends on the thread count gives the same
///    answer with 2 threads as with 1, byte for byte in the JSON encoding (which leaves out only
///    the wall-clock time).
/// 4. Infeasible budgets: a budget below the cheapest fittable subset is refused by
///    `Selection.solve` with `budgetTooSmall` naming a larger need; a budget that affords a
///    nonsingular design but cannot meet `minModels` ends in `noFeasibleSubset` or an infeasible
///    result; and a selector called directly, without `Selection.solve`'s budget check, answers
///    those budgets with a `SelectionError`, an infeasible result or — where a ridge makes the
///    empty design nonsingular — the empty subset: never a crash.
struct SelectorContractTests {
    /// The heuristics that may end in `noFeasibleSubset` although a feasible subset exists (they
    /// do not search the whole space). Any other method, and any method added later, must find
    /// a feasible subset wherever one exists.
    static let mayMissFeasible: Set<SelectionMethod> = [.greedy, .exchange, .relaxation, .random, .cheapest]

    /// 1e-9 relative, with an absolute floor of 1e-9 (D values can be near 0).
    static func tolerance(_ value: Double) -> Double { 1e-9 * max(1, abs(value)) }

    static func options(_ method: SelectionMethod, _ instance: ContractProblem, threads: Int) -> SelectionOptions {
        var options = SelectionOptions(method: method, timeLimitSeconds: 10, seed: instance.seed, threadCount: threads)
        options.autoExhaustiveLimit = instance.autoExhaustiveLimit
        return options
    }

    /// One `Selection.solve` call's answer.
    static func solve(_ problem: SelectionProblem, budgets: [Double], options: SelectionOptions) -> Result<[SelectionResult], Error> {
        Result { try Selection.solve(problem, budgets: budgets, options: options) }
    }

    /// An answer as text: the results' JSON (sorted keys, +∞ as a string; the encoding leaves out
    /// the wall-clock time), without the work counter `iterations` when `countingWork` is false;
    /// or the error's description.
    static func text(_ answer: Result<[SelectionResult], Error>, countingWork: Bool = true) throws -> String {
        switch answer {
        case var .success(results):
            if !countingWork { for index in results.indices { results[index].iterations = 0 } }
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
            return String(decoding: try encoder.encode(results), as: UTF8.self)
        case let .failure(error):
            return "error: \(error)"
        }
    }

    @Test func everyVariantYieldsProblemsWithFeasibleBudgets() {
        let problems = ContractProblem.all
        #expect(problems.count == ContractVariant.allCases.count, "\(problems.count) problems")
        for variant in ContractVariant.allCases {
            #expect(problems.contains { $0.description.contains(" \(variant) ") }, "no problem of variant \(variant)")
        }
        for instance in problems {
            #expect(instance.budgets.count >= 2, "\(instance): budgets \(instance.budgets)")
        }
        // Most budgets have a feasible subset, so the identities are exercised.
        let optima = problems.flatMap(\.optima)
        #expect(optima.filter(\.isFinite).count >= optima.count * 3 / 4, "\(optima.filter(\.isFinite).count) of \(optima.count) feasible")
    }

    /// Points 1–3 of the contract on every problem. Each budget is solved alone (validity and
    /// identities), then all budgets in one call, which must give the same answers but for the
    /// work counter `iterations` — for a method that solves budgets one by one that is the same
    /// computation run twice, so a difference is nondeterminism; a second run of the call tells
    /// the two causes apart. A method whose selector is configured by the thread count
    /// (`SelectionMethod.selector(_:)` differs for 1 and 2 threads) is run again with 2 threads
    /// and must give the same answer byte for byte.
    @Test(arguments: SelectionMethod.allCases)
    func keepsTheContract(method: SelectionMethod) throws {
        let takesThreads =
            String(describing: method.selector(SelectionOptions(threadCount: 1)))
            != String(describing: method.selector(SelectionOptions(threadCount: 2)))
        for instance in ContractProblem.all {
            let problem = instance.problem, budgets = instance.budgets
            let options = Self.options(method, instance, threads: 1)
            var alone: [String] = []
            for (budget, optimum) in zip(budgets, instance.optima) {
                let context = "\(method) on \(instance) at budget \(budget) (optimum \(optimum))"
                let answer = Self.solve(problem, budgets: [budget], options: options)
                alone.append(try Self.text(answer, countingWork: false))
                switch answer {
                case let .success(results):
                    #expect(results.count == 1, "\(context): \(results.count) results")
                    for result in results { Self.check(result, problem, budget: budget, optimum: optimum, method: method, context) }
                case let .failure(error):
                    guard case .noFeasibleSubset? = error as? SelectionError else {
                        Issue.record("\(context): \(type(of: error)): \(error)")
                        continue
                    }
                    #expect(
                        !optimum.isFinite || Self.mayMissFeasible.contains(method),
                        "\(context): no feasible subset found where one exists: \(error)")
                }
            }
            let context = "\(method) on \(instance), budgets \(budgets)"
            let together = Self.solve(problem, budgets: budgets, options: options)
            let togetherText = try Self.text(together, countingWork: false)
            if let failed = alone.first(where: { $0.hasPrefix("error: ") }) {
                #expect(togetherText.hasPrefix("error: "), "\(context): one budget alone fails (\(failed)), all together do not")
            } else {
                // Each alone is a one-element JSON array: joined, they are the array of all.
                let joined = "[" + alone.map { String($0.dropFirst().dropLast()) }.joined(separator: ",") + "]"
                if togetherText != joined {
                    let again = try Self.text(Self.solve(problem, budgets: budgets, options: options), countingWork: false)
                    #expect(again == togetherText, "\(context): not deterministic, a second run differs:\n\(togetherText)\n\(again)")
                    #expect(togetherText == joined, "\(context): all budgets together differ from each alone:\n\(togetherText)\n\(joined)")
                }
            }
            guard takesThreads else { continue }
            let one = try Self.text(together)
            let two = try Self.text(Self.solve(problem, budgets: budgets, options: Self.options(method, instance, threads: 2)))
            if one != two {
                let again = try Self.text(Self.solve(problem, budgets: budgets, options: options))
                #expect(again == one, "\(context): not deterministic, a second run differs:\n\(one)\n\(again)")
                #expect(one == two, "\(context): 2 threads differ from 1:\n\(one)\n\(two)")
            }
        }
    }

    /// Points 1 and 2 of the contract for one result.
    static func check(
        _ result: SelectionResult, _ problem: SelectionProblem, budget: Double, optimum: Double, method: SelectionMethod, _ context: String
    ) {
        #expect(result.budget == budget, "\(context): result for budget \(result.budget)")
        let indices = result.units.compactMap { name in problem.units.firstIndex { $0.name == name } }.sorted()
        #expect(indices.count == result.units.count && Set(indices).count == indices.count, "\(context): units \(result.units)")
        let models = indices.flatMap { problem.units[$0].models }.sorted().map { problem.poolModels[$0] }
        #expect(result.models == models, "\(context): models \(result.models) for units \(result.units)")
        let cost = indices.reduce(0) { $0 + problem.units[$1].cost }
        #expect(abs(result.totalCost - cost) <= 1e-12 * max(1, cost), "\(context): total cost \(result.totalCost), units cost \(cost)")
        #expect(result.totalCost <= budget * (1 + 1e-12), "\(context): spends \(result.totalCost)")
        guard result.value.isFinite else {
            #expect(result.value == .infinity, "\(context): value \(result.value)")
            #expect(!result.notes.isEmpty, "\(context): an infeasible result without a note")
            #expect(!result.provenOptimal, "\(context): an infeasible result claims optimality")
            #expect(
                !optimum.isFinite || mayMissFeasible.contains(method),
                "\(context): reports no feasible subset where one exists (optimum \(optimum))")
            return
        }
        let feasible = problem.isFeasible(indices, budget: budget)
        #expect(feasible, "\(context): \(result.units) breaks the budget or a constraint")
        let recomputed = problem.value(of: indices)
        #expect(abs(recomputed - result.value) <= tolerance(result.value), "\(context): reports \(result.value), recomputed \(recomputed)")
        #expect(result.value >= optimum - tolerance(optimum), "\(context): value \(result.value) beats the optimum \(optimum)")
        if let lower = result.lowerBound {
            #expect(!lower.isNaN, "\(context): NaN lower bound")
            #expect(lower <= result.value + tolerance(result.value), "\(context): lower bound \(lower) above the value \(result.value)")
            #expect(lower <= optimum + tolerance(optimum), "\(context): lower bound \(lower) above the optimum \(optimum)")
            let gap = result.gap ?? .nan
            #expect(gap.isFinite && gap >= 0, "\(context): gap \(gap)")
        }
        if result.provenOptimal {
            #expect(abs(result.value - optimum) <= tolerance(optimum), "\(context): claims optimality at \(result.value), optimum \(optimum)")
            #expect(result.lowerBound == result.value, "\(context): proven optimal with lower bound \(String(describing: result.lowerBound))")
        }
    }

    /// p = 3 design rows for 6 single-model units; `costs` per unit.
    static func smallProblem(costs: [Double], ridge: Double = 0, constraints: SelectionProblem.Constraints = .init()) throws -> SelectionProblem {
        var random = Xoshiro256StarStar(seed: 99)
        let rows = costs.indices.map { _ in (0..<3).map { _ in random.nextNormal() } }
        let design = Matrix(rows: rows)
        return try SelectionProblem(
            poolModels: costs.indices.map { "model\($0)" }, poolFamilies: costs.indices.map { "F\($0 % 3)" }, design: design,
            targets: design, units: costs.indices.map { .init(name: "m\($0)", family: "F\($0 % 3)", models: [$0], cost: costs[$0]) },
            ridge: ridge, constraints: constraints)
    }

    /// An answer to a budget that buys no valid subset: a `SelectionError`, or results that spend
    /// at most the budget and choose nothing — an infeasible result (value +∞, a note, not proven)
    /// or, where a ridge makes the empty design nonsingular, the empty subset.
    static func expectRefusalOrInfeasible(_ body: () throws -> [SelectionResult], budget: Double, _ context: String) {
        do {
            for result in try body() {
                #expect(result.totalCost <= budget * (1 + 1e-12), "\(context): spends \(result.totalCost)")
                if result.value == .infinity {
                    #expect(!result.notes.isEmpty && !result.provenOptimal, "\(context): \(result.notes)")
                } else {
                    #expect(result.units.isEmpty, "\(context): found \(result.units) with value \(result.value)")
                }
            }
        } catch {
            #expect(error is SelectionError, "\(context): untyped error \(type(of: error)): \(error)")
        }
    }

    /// Infeasible budgets (point 4).
    @Test(arguments: SelectionMethod.allCases)
    func infeasibleBudgetsAreRefused(method: SelectionMethod) throws {
        let options = SelectionOptions(method: method, timeLimitSeconds: 10, seed: 5, threadCount: 1)
        // Below the cheapest fittable subset: 3 design columns need 3 models (real costs: the 3
        // cheapest cost 4.5; count costs: 3); with a ridge any one unit fits, so below the
        // cheapest unit.
        let tooSmall: [(SelectionProblem, Double, String)] = [
            (try Self.smallProblem(costs: [1, 1.5, 2, 2.5, 3, 3.5]), 4.4, "real costs"),
            (try Self.smallProblem(costs: [1, 1, 1, 1, 1, 1]), 2.5, "count costs"),
            (try Self.smallProblem(costs: [1, 1.5, 2, 2.5, 3, 3.5], ridge: 1e-3), 0.9, "ridge"),
        ]
        for (problem, budget, label) in tooSmall {
            let context = "\(method), \(label), budget \(budget)"
            do {
                let results = try Selection.solve(problem, budgets: [budget], options: options)
                Issue.record("\(context): accepted, chose \(results.map(\.units))")
            } catch let SelectionError.budgetTooSmall(refused, needed, _) {
                #expect(refused == budget && needed > budget, "\(context): refused \(refused), needs \(needed)")
            } catch {
                Issue.record("\(context): \(error)")
            }
            Self.expectRefusalOrInfeasible({ try method.selector(options).select(problem, budgets: [budget]) }, budget: budget, "\(context), direct")
        }
        // Within the cheapest fittable subset (4.5) but unable to meet 4 models (the 4 cheapest cost 7).
        let problem = try Self.smallProblem(costs: [1, 1.5, 2, 2.5, 3, 3.5], constraints: .init(minModels: 4))
        #expect(ContractProblem.optima(problem, budgets: [6]) == [.infinity])
        let context = "\(method), min models 4, budget 6"
        do {
            let results = try Selection.solve(problem, budgets: [6], options: options)
            Self.expectRefusalOrInfeasible({ results }, budget: 6, context)
        } catch let error as SelectionError {
            if case .noFeasibleSubset = error {} else { Issue.record("\(context): \(error)") }
        } catch {
            Issue.record("\(context): untyped error \(type(of: error)): \(error)")
        }
        Self.expectRefusalOrInfeasible({ try method.selector(options).select(problem, budgets: [6]) }, budget: 6, "\(context), direct")
    }
}

/// Which side constraint (or other feature) a contract problem exercises.
enum ContractVariant: String, CaseIterable, Sendable {
    case plain, includeExclude, minModels, maxModels, maxFamilies, maxPerFamily, mixed, ridge, ties
}

/// One seeded problem of the contract, with its budgets and the enumerated optimum of each.
struct ContractProblem: Sendable, CustomStringConvertible {
    let description: String
    let problem: SelectionProblem
    let budgets: [Double]
    /// The best value over all feasible subsets at each budget (+∞ when none is feasible).
    let optima: [Double]
    /// The seed of the options (the random baseline's draws).
    let seed: UInt64
    /// `auto`'s exhaustive limit: 0 on every other problem, so `auto` runs its branch-and-bound too.
    let autoExhaustiveLimit: Double

    /// One problem per variant: model and family units by turns, whole-number "count" costs and
    /// real-valued costs two by two, so every kind of unit meets both kinds of cost. Built once
    /// (the enumeration of the optima is the slow part). Few and small: branch-and-bound and the
    /// relaxation run their Frank–Wolfe bounds for up to a second per budget in a debug build.
    static let all: [ContractProblem] = ContractVariant.allCases.enumerated().compactMap { index, variant in
        make(number: index, variant: variant, modelUnits: index.isMultiple(of: 2), countCosts: (index / 2).isMultiple(of: 2))
    }

    /// A problem built like `RandomInstance.make`: standard normal design rows, the pool as the
    /// targets, the criterion by turns; nil when the drawn constraints are contradictory.
    static func make(number: Int, variant: ContractVariant, modelUnits: Bool, countCosts: Bool) -> ContractProblem? {
        let seed = 7_000 + UInt64(number)
        var random = Xoshiro256StarStar(seed: seed)
        let p = 2 + random.nextInt(below: 2)
        let unitCount = 6 + random.nextInt(below: 4)
        let familyCount = max(2, unitCount / 2)
        var rows: [[Double]] = []
        var families: [String] = []
        var units: [SelectionProblem.Unit] = []
        func addUnit(name: String, family: String, rowsOfUnit: [[Double]], cost: Double) {
            let first = rows.count
            rows += rowsOfUnit
            families += Array(repeating: family, count: rowsOfUnit.count)
            units.append(.init(name: name, family: family, models: Array(first..<rows.count), cost: cost))
        }
        for u in 0..<unitCount {
            let size = modelUnits ? 1 : 1 + random.nextInt(below: 3)
            let unitRows = (0..<size).map { _ in (0..<p).map { _ in random.nextNormal() } }
            let cost = countCosts ? Double(size) : 0.5 + 2 * random.nextUniform()
            addUnit(
                name: modelUnits ? "m\(u)" : "F\(u)", family: modelUnits ? "F\(random.nextInt(below: familyCount))" : "F\(u)",
                rowsOfUnit: unitRows, cost: cost)
        }
        if variant == .ties {
            // Copies of the first two units (same rows, family and cost): subsets with exactly
            // equal values, which every method must still answer deterministically.
            for original in 0..<2 {
                let unit = units[original]
                addUnit(
                    name: "\(unit.name)-copy", family: modelUnits ? unit.family : "\(unit.family)-copy",
                    rowsOfUnit: unit.models.map { rows[$0] }, cost: unit.cost)
            }
        }
        var constraints = SelectionProblem.Constraints()
        var ridge = 0.0
        let n = units.count
        switch variant {
        case .plain, .ties: break
        case .includeExclude:
            let included = random.nextInt(below: n)
            constraints.mustInclude = [included]
            constraints.exclude = [(included + 1 + random.nextInt(below: n - 1)) % n]
        case .minModels: constraints.minModels = p + 1 + random.nextInt(below: 2)
        case .maxModels: constraints.maxModels = p + random.nextInt(below: 2)
        case .maxFamilies: constraints.maxFamilies = 2 + (modelUnits ? 0 : 1)
        case .maxPerFamily: constraints.maxModelsPerFamily = modelUnits ? 1 : 2
        case .mixed:
            constraints.mustInclude = [random.nextInt(below: n)]
            constraints.maxFamilies = modelUnits ? 2 : 3
            constraints.minModels = p + 1
        case .ridge: ridge = 1e-3
        }
        let criterion = [Criterion.v, .a, .d][number % 3]
        let design = Matrix(rows: rows)
        guard
            let problem = try? SelectionProblem(
                poolModels: rows.indices.map { "model\($0)" }, poolFamilies: families, design: design, targets: design,
                units: units, criterion: criterion, ridge: ridge, constraints: constraints)
        else { return nil }
        let total = units.reduce(0) { $0 + $1.cost }
        // Fractions of the pool's cost (fractional with count costs too: the relaxation rounds
        // them down); the ridge also gets a budget near its cheapest unit. Budgets that
        // `Selection.solve` refuses are the subject of the infeasible-budget test, not this one.
        let budgets = [0.5, 0.8].map { $0 * total }.filter { (try? problem.checkBudgets([$0])) != nil }
        return ContractProblem(
            description: "#\(number) \(variant) \(modelUnits ? "models" : "families") \(countCosts ? "count" : "real")-cost "
                + "\(criterion) p=\(p) n=\(n)",
            problem: problem, budgets: budgets, optima: optima(problem, budgets: budgets), seed: seed,
            autoExhaustiveLimit: number.isMultiple(of: 2) ? 5e6 : 0)
    }

    /// The optimum at each budget by enumerating every subset: the constraints other than the
    /// budget are checked once per subset, then its cost against each budget. O(2ⁿ·p³).
    static func optima(_ problem: SelectionProblem, budgets: [Double]) -> [Double] {
        let n = problem.units.count
        var best = Array(repeating: Double.infinity, count: budgets.count)
        let largest = budgets.max() ?? 0
        for mask in 0..<(1 << n) {
            let subset = (0..<n).filter { mask >> $0 & 1 == 1 }
            guard problem.isFeasible(subset, budget: largest) else { continue }
            let value = problem.value(of: subset)
            for (b, budget) in budgets.enumerated() where problem.isFeasible(subset, budget: budget) {
                best[b] = min(best[b], value)
            }
        }
        return best
    }
}
