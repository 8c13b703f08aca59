import Foundation
import ObsScale
import Testing
import _TestSupport

@testable import ObsScaleSelect

/// `--anchor compute-extremes` (the pool's smallest and largest models are in every subset, by
/// FLOPs or else by size) and `--gap` (auto stops at a certified gap within the tolerance; D's gap
/// is its efficiency gap).
struct AnchorAndGapTests {
    /// A simulated panel of 60 models in 12 families with sizes and FLOPs.
    static func panel() throws -> Panel {
        var settings = SimulationSettings()
        settings.familyCount = 12
        settings.modelsPerFamily = 5
        settings.seed = 21
        return try SyntheticWorld.generate(settings).panel
    }

    /// The same panel without FLOPs or tokens (a leaderboard export: sizes only).
    static func withoutCompute(_ panel: Panel) throws -> Panel {
        var columns: [String: [Double]] = [:]
        for name in panel.numericColumnNames { columns[name] = try panel.values(of: name) }
        let models = panel.models.map {
            ModelInfo(name: $0.name, family: $0.family, parametersB: $0.parametersB, tokensT: nil, flops: nil, source: $0.source)
        }
        return Panel(models: models, columns: columns, benchmarkNames: panel.benchmarkNames, metricNames: panel.metricNames)
    }

    /// The models an anchor must force in: lowest and highest `scale` (ties: by the order of the pool).
    static func extremes(_ panel: Panel, scale: (ModelInfo) -> Double?) -> (String, String) {
        let known = panel.models.filter { scale($0) != nil }
        let low = known.min { (scale($0) ?? 0) < (scale($1) ?? 0) }
        let high = known.max { (scale($0) ?? 0) < (scale($1) ?? 0) }
        return (low?.name ?? "", high?.name ?? "")
    }

    @Test func computeExtremesAreInEverySubset() throws {
        let full = try Self.panel()
        for (panel, scale) in [(full, { (model: ModelInfo) in model.flops }), (try Self.withoutCompute(full), { $0.parametersB })] {
            var setup = SelectionSetup.recommended
            setup.cost = .params
            setup.anchor = .computeExtremes
            let problem = try setup.build(panel: panel)
            let (low, high) = Self.extremes(panel, scale: scale)
            #expect(low != high && !low.isEmpty)
            let mustInclude = problem.constraints.mustInclude.map { problem.units[$0].name }
            #expect(Set(mustInclude) == [low, high])
            let total = problem.units.reduce(0) { $0 + $1.cost }
            // The anchors' own cost (the largest model can be much of the pool's) plus a little.
            let anchors = problem.constraints.mustInclude.reduce(0) { $0 + problem.units[$1].cost }
            let budgets = [0.05, 0.1, 0.2].map { anchors + $0 * (total - anchors) }
            for method in [SelectionMethod.greedy, .exchange, .relaxation, .auto, .random, .cheapest] {
                let results = try Selection.solve(problem, budgets: budgets, options: SelectionOptions(method: method))
                for result in results {
                    #expect(result.models.contains(low) && result.models.contains(high), "\(method) at \(result.budget)")
                    #expect(result.totalCost <= result.budget * (1 + 1e-12))
                }
            }
            // Without the anchor, the cheapest-first subset has no reason to hold the largest model.
            setup.anchor = .none
            let plain = try Selection.solve(
                try setup.build(panel: panel), budgets: [0.1 * total], options: SelectionOptions(method: .cheapest))[0]
            #expect(!plain.models.contains(high))
        }
    }

    @Test func anchorsNeedAScale() throws {
        let full = try Self.panel()
        var columns: [String: [Double]] = [:]
        for name in full.numericColumnNames { columns[name] = try full.values(of: name) }
        let models = full.models.map { ModelInfo(name: $0.name, family: $0.family, parametersB: nil, tokensT: nil, flops: nil, source: "") }
        let bare = Panel(models: models, columns: columns, benchmarkNames: full.benchmarkNames, metricNames: full.metricNames)
        var setup = SelectionSetup.recommended
        setup.anchor = .computeExtremes
        do {
            _ = try setup.build(panel: bare)
            Issue.record("an anchor without FLOPs or sizes was accepted")
        } catch {
            #expect("\(error)".contains("SelectionSetup.anchor") && "\(error)".contains("FLOPs or model sizes"), "\(error)")
        }
        // auto anchors nothing on such a pool, and selects.
        setup.anchor = .auto
        let bareProblem = try setup.build(panel: bare)
        #expect(bareProblem.constraints.mustInclude.isEmpty && bareProblem.anchoredModels.isEmpty)
        // With an include that is also an anchor, the unit is forced once.
        setup.anchor = .computeExtremes
        setup.cost = .params
        let (low, _) = Self.extremes(full, scale: \.flops)
        setup.include = [low]
        let problem = try setup.build(panel: full)
        #expect(problem.constraints.mustInclude.count == 2)
    }

    /// `--anchor auto` (the default with models to predict) forces the extremes in where a budget
    /// affords them, and solves a budget that does not without them, saying so; an explicit
    /// `compute-extremes` refuses such a budget.
    @Test func autoAnchorsWhereTheBudgetAffordsThem() throws {
        let panel = try Self.panel()
        var setup = SelectionSetup.recommended(predicting: false)
        setup.cost = .params
        setup.anchor = .auto
        let problem = try setup.build(panel: panel)
        let (low, high) = Self.extremes(panel, scale: \.flops)
        #expect(Set(problem.anchoredModels) == [low, high] && problem.optionalAnchors.count == 2)
        let anchors = problem.constraints.mustInclude.reduce(0) { $0 + problem.units[$1].cost }
        let small = 0.9 * anchors, large = anchors + 0.1 * problem.units.reduce(0) { $0 + $1.cost }
        for method in [SelectionMethod.greedy, .exchange, .auto] {
            let results = try Selection.solve(problem, budgets: [small, large], options: SelectionOptions(method: method))
            #expect(results.map(\.budget) == [small, large])
            #expect(!results[0].models.contains(high) && results[0].notes.contains { $0.contains("--anchor auto") }, "\(method)")
            #expect(results[1].models.contains(low) && results[1].models.contains(high), "\(method)")
            #expect(!results[1].notes.contains { $0.contains("--anchor auto") })
            #expect(results.allSatisfy { $0.totalCost <= $0.budget * (1 + 1e-12) })
        }
        setup.anchor = .computeExtremes
        #expect(throws: SelectionError.self) {
            try Selection.solve(try setup.build(panel: panel), budgets: [small], options: SelectionOptions(method: .greedy))
        }
    }

    /// V for the models to predict: past a size cut as past a FLOPs cutoff; the report names them.
    @Test func theModelsToPredictPastASizeCut() throws {
        let panel = try Self.panel()
        var setup = SelectionSetup.recommended(predicting: true)
        setup.cost = .params
        let sizes = panel.models.compactMap(\.parametersB).sorted()
        setup.maxSizeB = sizes[sizes.count / 2]
        let problem = try setup.build(panel: panel)
        let larger = panel.models.filter { ($0.parametersB ?? 0) > sizes[sizes.count / 2] }.count
        #expect(problem.targetDescription == "the \(larger) models past the pool's cut" && larger > 0)
        setup.maxSizeB = nil
        #expect(throws: SelectionError.self) { try setup.build(panel: panel) }
    }

    /// The models to predict are those past the cut (above it or of unknown FLOPs), not the pool
    /// models that left it as outliers or for want of a cost.
    @Test func outliersAndUncostedModelsAreNotModelsToPredict() throws {
        let panel = try Self.panel()
        var setup = SelectionSetup.recommended(predicting: true)
        setup.cutoffFlops = 84
        let past = panel.models.filter { !($0.flops.map { $0 <= 84 } ?? false) }.count
        setup.excludesOutliers = true
        let screened = try setup.build(panel: panel)
        let outliers = try #require(screened.outliers?.outliers.count)
        #expect(outliers > 0 && screened.poolModels.count + outliers + past == panel.models.count)
        #expect(screened.targetDescription == "the \(past) models past the pool's cut")
        setup.excludesOutliers = false
        setup.cost = .params
        let uncosted = panel.models.filter { ($0.flops.map { $0 <= 84 } ?? false) && $0.parametersB == nil }.count
        #expect(try setup.build(panel: panel).targetDescription == "the \(past) models past the pool's cut", "\(uncosted) without a size")
    }

    /// auto's branch-and-bound stops once the certified gap is within the tolerance: the gap it
    /// reports is at most the tolerance (no time limit was hit), and a tighter tolerance never
    /// reports a larger gap.
    @Test func autoStopsWithinTheGapTolerance() throws {
        let panel = try Self.panel()
        for criterion in [Criterion.d, .v] {
            var setup = SelectionSetup.recommended
            setup.cost = .params
            setup.criterion = criterion
            let problem = try setup.build(panel: panel)
            #expect(problem.combinationCount > 5e6, "auto must take branch-and-bound here")
            let total = problem.units.reduce(0) { $0 + $1.cost }
            let budgets = [0.08, 0.15, 0.3].map { $0 * total }
            var previous: [Double] = []
            for tolerance in [0.05, 0.01, 1e-4] {
                var options = SelectionOptions(method: .auto, timeLimitSeconds: 30)
                options.gapTolerance = tolerance
                let results = try Selection.solve(problem, budgets: budgets, options: options)
                for (index, result) in results.enumerated() {
                    #expect(result.notes.allSatisfy { !$0.contains("time limit") }, "\(result.notes)")
                    let gap = try #require(result.gap)
                    #expect(gap <= tolerance * (1 + 1e-9), "\(criterion) budget \(result.budget): gap \(gap) > \(tolerance)")
                    if !previous.isEmpty { #expect(result.value <= previous[index] + 1e-9 * abs(previous[index]) + 1e-12) }
                }
                previous = results.map(\.value)
            }
        }
    }

    /// D's gap is the D-efficiency gap exp(ΔD/p) − 1 (independent of where log det crosses 0);
    /// V's and A's the relative excess.
    @Test func gapsByCriterion() {
        #expect(abs(SelectionResult.certifiedGap(value: -0.001, lowerBound: -0.041, efficiencyDimension: 4) - expm1(0.01)) < 1e-15)
        #expect(abs(SelectionResult.certifiedGap(value: 10.1, lowerBound: 10, efficiencyDimension: nil) - 0.01) < 1e-12)
        #expect(SelectionResult.certifiedGap(value: 1, lowerBound: 2, efficiencyDimension: 4) == 0)
        let result = SelectionResult(
            budget: 1, units: [], models: [], totalCost: 0, value: 0.02, lowerBound: -0.02, provenOptimal: false, solver: "", iterations: 0,
            seconds: 0, efficiencyDimension: 4)
        #expect(abs((result.gap ?? .nan) - expm1(0.01)) < 1e-15)
    }

    @Test func aGapOutsideItsRangeIsRefused() throws {
        let problem = try SelectionSetup.recommended.build(panel: try Self.panel())
        for gap in [-0.01, 1, .nan] {
            var options = SelectionOptions()
            options.gapTolerance = gap
            #expect(throws: SelectionError.self, "\(gap)") { try Selection.solve(problem, budgets: [10], options: options) }
        }
    }
}
