import Foundation
import ObsScale
import Testing
import _TestSupport

/// The prior from public metrics, the penalized regression and the cross-validated choice:
/// hand-derived answers, the fall-back on a target unlike the public metrics, and no test value
/// reaching any choice.
struct PriorTests {
    @Test func publicPriorIsTheMedianAndScaledMADOfOtherTasks() throws {
        let fits = PublicMetricFits(entries: [
            .init(metric: "arc_easy_acc", parameters: [1, 0.1]),
            .init(metric: "boolq_acc", parameters: [2, 0.1]),
            .init(metric: "copa_acc", parameters: [3, 0.1]),
            .init(metric: "drop_f1_exact_match", parameters: [10, 0.1]),
            // The target's own task, and the target itself: never sources.
            .init(metric: "gsm8k_5_exact_match,strict", parameters: [100, 5]),
            .init(metric: "gsm8k_cot_8_exact_match,flexible-extract", parameters: [-100, 5]),
        ])
        let prior = try #require(fits.prior(for: "gsm8k_cot_8_exact_match,flexible-extract"))
        #expect(prior.sources == ["arc_easy_acc", "boolq_acc", "copa_acc", "drop_f1_exact_match"])
        // α: median of 1, 2, 3, 10 is 2.5; |deviations| 1.5, 0.5, 0.5, 7.5 have median 1.0.
        #expect(abs(prior.mean[0] - 2.5) < 1e-15)
        #expect(abs(prior.scale[0] - 1.4826) < 1e-15)
        // β: every source agrees, so the scale is the floor 0.05, not 0.
        #expect(prior.mean[1] == 0.1)
        #expect(prior.scale[1] == PublicMetricFits.minimumScale)
        // Excluding a pattern (case-insensitive) leaves 3 sources: median 2, MAD 1.
        let excluded = try #require(fits.prior(for: "gsm8k_cot_8_exact_match,flexible-extract", exclude: ["DROP"]))
        #expect(excluded.sources == ["arc_easy_acc", "boolq_acc", "copa_acc"])
        #expect(excluded.mean[0] == 2 && abs(excluded.scale[0] - 1.4826) < 1e-15)
        // Fewer than 3 sources: no prior.
        #expect(fits.prior(for: "gsm8k_cot_8_exact_match,flexible-extract", exclude: ["drop", "copa"]) == nil)
        #expect(MetricGroups.task(of: "bbh_fewshot_navigate_exact_match") == "bbh")
        #expect(MetricGroups.task(of: "mmlu,acc") == "mmlu")
    }

    /// With the linear link the penalized least-squares fit has a closed form:
    /// (XᵀX + λW) θ = Xᵀy + λWc.
    @Test func penalizedLinearFitSolvesTheRidgeNormalEquations() throws {
        let x = RegressionTests.design(count: 12, k: 2)
        let y = (0..<12).map { 0.5 + 1.5 * x[$0, 0] - 0.7 * x[$0, 1] + 0.2 * sin(Double(3 * $0)) }
        let center = [1.0, 0.5, 0.0], scale = [0.5, 2.0, 1.0]
        let regression = SigmoidRegression(link: .linear)
        for strength in [0.0, 0.3, 4.0, 1e6] {
            let penalty = ParameterPenalty(prior: ParameterPrior(mean: center, scale: scale), strength: strength)
            let fit = try regression.fit(scores: x, targets: y, penalty: penalty)
            var normal = Matrix(rowCount: 3, columnCount: 3)
            var rhs = [Double](repeating: 0, count: 3)
            for i in 0..<12 {
                let row = [1, x[i, 0], x[i, 1]]
                for a in 0..<3 {
                    rhs[a] += row[a] * y[i]
                    for b in 0..<3 { normal[a, b] += row[a] * row[b] }
                }
            }
            for j in 0..<3 {
                let weight = strength / (scale[j] * scale[j])
                normal[j, j] += weight
                rhs[j] += weight * center[j]
            }
            let expected = try Cholesky(normal).solve(rhs)
            #expect(fit.termination.converged)
            #expect(maxRelativeDifference([fit.alpha] + fit.beta, expected, floor: 1) < 1e-8, "λ = \(strength)")
        }
        // A penalty makes a fit with fewer models than parameters well posed.
        let two = try regression.fit(
            scores: x.selectingRows([0, 1]), targets: [y[0], y[1]],
            penalty: ParameterPenalty(center: center, weights: [1, 1, 1], strength: 0.1))
        #expect(two.termination.converged)
        #expect(throws: FitError.self) { try regression.fit(scores: x.selectingRows([0, 1]), targets: [y[0], y[1]]) }
    }

    @Test func penaltyWithTheWrongShapeIsRefused() {
        let x = RegressionTests.design(count: 12, k: 2)
        let y = (0..<12).map { Statistics.logistic(x[$0, 0]) }
        #expect(throws: FitError.self) {
            try SigmoidRegression().fit(scores: x, targets: y, penalty: ParameterPenalty(center: [0, 0], weights: [1, 1], strength: 1))
        }
        #expect(throws: FitError.self) {
            try SigmoidRegression().fit(
                scores: x, targets: y, penalty: ParameterPenalty(center: [0, 0, 0, 0], weights: [1, -1, 1, 1], strength: 1))
        }
    }

    /// A world whose public metrics load on the general capability, with a target driven by a
    /// direction they do not load on (`task_unlike,accuracy`).
    static func world(seed: UInt64) throws -> SyntheticWorld {
        var settings = SimulationSettings()
        settings.familyCount = 16
        settings.publicMetricCount = 20
        settings.seed = seed
        return try SyntheticWorld.generate(settings)
    }

    /// The smallest FLOPs cutoff that leaves `share` of the models at or below it.
    static func split(_ panel: Panel, share: Double) throws -> Split {
        let flops = panel.models.compactMap(\.flops).sorted()
        return try Split(panel: panel, rule: .flopsCutoff(flops[Int(share * Double(flops.count))]))
    }

    /// On a target driven by a capability the public metrics do not load on, the prior is often
    /// not used, and where cross-validation takes it the error against the noise-free truth does
    /// not grow on average (the pull is weak and steadies a fit on a dozen models).
    @Test func priorDoesNotHurtATargetUnlikeThePublicMetrics() throws {
        var logRatios: [Double] = [], fallBacks = 0
        for seed: UInt64 in 1...4 {
            let world = try Self.world(seed: seed)
            let split = try Self.split(world.panel, share: 0.5)
            let truth = try #require(world.truth.targets.first { $0.name == "task_unlike,accuracy" }).trueValues
            for stride in 2...4 {
                let train = Array(split.train.enumerated().filter { $0.offset % stride == 0 }.map(\.element))
                let subset = Split(train: train, test: split.test)
                let fit = try ScalingLaw.recommendedOneK.fit(panel: world.panel, target: "task_unlike,accuracy", split: subset, poolRows: split.train)
                var plainLaw = ScalingLaw.recommendedOneK
                plainLaw.prior = .none
                let plain = try plainLaw.fit(panel: world.panel, target: "task_unlike,accuracy", split: subset, poolRows: split.train)
                let choice = try #require(fit.law.choice)
                #expect(choice.prior != nil && !choice.reason.isEmpty)
                #expect((fit.law.penalty != nil) == choice.priorUsed)
                if !choice.priorUsed { fallBacks += 1 }
                func truthMSE(_ fit: ScalingLawFit) -> Double {
                    Statistics.meanSquaredDifference(split.test.map { fit.predictions[$0].predicted }, split.test.map { truth[$0] })
                }
                logRatios.append(log(truthMSE(fit) / truthMSE(plain)))
            }
        }
        #expect(fallBacks >= 4, "the prior falls back on a third of the fits or more")
        #expect(exp(Statistics.mean(logRatios)) <= 1.0, "geometric mean of the truth-MSE ratio, prior choice against plain fit")
    }

    @Test func aTargetLikeThePublicMetricsBorrowsFromThem() throws {
        var used = 0
        for seed: UInt64 in 1...4 {
            let world = try Self.world(seed: seed)
            let split = try Self.split(world.panel, share: 0.5)
            let train = Array(split.train.enumerated().filter { $0.offset % 4 == 0 }.map(\.element))
            let fit = try ScalingLaw.recommendedOneK.fit(
                panel: world.panel, target: "task_smooth,accuracy", split: Split(train: train, test: split.test), poolRows: split.train)
            let choice = try #require(fit.law.choice)
            #expect(choice.curve.count == ModelSelection().strengths.count)
            #expect(choice.curve.first?.strength == 0)
            if choice.priorUsed {
                used += 1
                #expect(fit.law.penalty?.strength == choice.strength)
                #expect(choice.strength > 0)
            }
        }
        #expect(used >= 2, "the prior helps a smooth target fitted on a few models in most worlds")
    }

    /// Changing the test models' target values changes none of the choices or parameters.
    @Test func noTestValueReachesTheFit() throws {
        let world = try Self.world(seed: 7)
        let split = try Self.split(world.panel, share: 0.5)
        let train = Array(split.train.enumerated().filter { $0.offset % 3 == 0 }.map(\.element))
        var columns: [String: [Double]] = [:]
        for name in world.panel.numericColumnNames { columns[name] = try world.panel.values(of: name) }
        for name in ["task_smooth,accuracy", "task_unlike,accuracy", "task_emergent,accuracy"] {
            guard var values = columns[name] else { continue }
            for row in split.test { values[row] = 1 - values[row] }
            columns[name] = values
        }
        let changed = Panel(
            models: world.panel.models, columns: columns, benchmarkNames: world.panel.benchmarkNames, metricNames: world.panel.metricNames)
        var auto = ScalingLaw.recommended
        auto.maxAutoComponents = 3
        var averaged = ScalingLaw.recommended
        averaged.averagesComponents = true
        for law in [ScalingLaw.recommendedOneK, auto, averaged] {
            for target in ["task_smooth,accuracy", "task_unlike,accuracy", "task_emergent,accuracy"] {
                let splitUsed = Split(train: train, test: split.test)
                let original = try law.fit(panel: world.panel, target: target, split: splitUsed, poolRows: split.train)
                let modified = try law.fit(panel: changed, target: target, split: splitUsed, poolRows: split.train)
                #expect(original.law.choice == modified.law.choice, "\(target)")
                #expect(original.law.members == modified.law.members, "\(target)")
                #expect(original.law.regression.parameters == modified.law.regression.parameters, "\(target)")
                #expect(original.testMetrics.mse != modified.testMetrics.mse, "\(target): the change reached the test scores")
            }
        }
    }
}

extension ScalingLaw {
    /// The recommended law with one K (`--components 3`): the prior's choice of one law, which the
    /// prior tests and the numpy fixtures check (the average over K is `AveragedLawTests`').
    static var recommendedOneK: ScalingLaw {
        var law = ScalingLaw.recommended
        law.averagesComponents = nil
        return law
    }
}
