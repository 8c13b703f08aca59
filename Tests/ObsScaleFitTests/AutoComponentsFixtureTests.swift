import Foundation
import ObsScale
import Testing
import _TestSupport

@testable import ObsScaleFit

/// `--components auto` (`ScalingLaw.maxAutoComponents` = 3) against the numpy/scipy reference
/// (the `autoComponents*` setups of Fixtures/prior_fit.json, from
/// Benchmarks/baseline/prior_baseline.py): K ∈ 1…3 and λ chosen together — each K with a prior
/// of its own, built from public-metric laws fitted in its K-dimensional capability space.
///
/// - `autoComponents`: GSM8K CoT, cutoff 84 — K = 2 beats the law's own K = 3; the pool guard
///   keeps the prior out at every K;
/// - `autoComponentsPriorUsed`: parsinlu_qa_2_acc, cutoff 84 — K = 1 with the prior (λ = 3e-4).
///
/// As in `PriorFixtureTests`, the priors move with the few source laws that have no unique
/// optimum, so the choice is checked step by step with numpy's priors given, and end to end with
/// the library's own.
struct AutoComponentsFixtureTests {
    static let setupNames = ["autoComponents", "autoComponentsPriorUsed"]

    /// The decision words of the λ half of the reason (before the K part).
    static func strengthReason(_ reason: String) -> String {
        reason.components(separatedBy: "; K = ").first ?? reason
    }

    static func prior(_ candidate: PriorFixtureTests.Fixture.Candidate) -> ParameterPrior? {
        candidate.prior?.parameterPrior
    }

    /// With numpy's per-K priors given, `ModelSelection.choose` over the three candidates: every
    /// point of the curve, each K's decision and λ, and the K it picks.
    @Test(arguments: setupNames)
    func choiceWithTheFixturePriorsMatchesNumpy(setup name: String) throws {
        let context = try PriorFixtureTests.Context(name)
        let setup = context.setup
        let references = try #require(setup.candidates)
        try #require(references.map(\.componentCount) == [1, 2, 3], "candidates for K = \(references.map(\.componentCount))")
        let folds = context.folds
        #expect(folds.map(\.heldOut) == setup.folds.map(\.heldOut))
        let candidates = references.map { reference in
            let k = reference.componentCount
            let scores = context.scores.leadingColumns(k)
            return ModelSelection.Candidate(
                componentCount: k, scores: scores.selectingRows(context.train), prior: Self.prior(reference),
                predictionScores: scores.selectingRows(context.prediction), poolSize: context.split.train.count)
        }
        let choice = context.law.selection.choose(
            candidates: candidates, defaultComponents: 3, targets: context.targets, folds: folds, regression: context.law.regression)
        for reference in references {
            let k = reference.componentCount
            let curve = reference.curve
            let points = choice.curve.filter { $0.componentCount == k }
            #expect(points.map(\.strength) == curve.map(\.strength), "K = \(k)")
            guard points.count == curve.count else { continue }
            #expect(maxRelativeDifference(points.map(\.meanError), curve.map(\.meanError)) < 1e-6, "K = \(k)")
            #expect(maxRelativeDifference(points.map(\.standardError), curve.map(\.standardError)) < 1e-6, "K = \(k)")
        }
        let expectedK = try #require(setup.componentCount)
        #expect(choice.componentCount == expectedK)
        #expect(choice.strength == setup.strength)
        #expect(choice.priorUsed == setup.priorUsed)
        #expect(choice.prior == Self.prior(references[expectedK - 1]))
        let decision = setup.decision
        #expect(PriorFixtureTests.reasonMatches(Self.strengthReason(choice.reason), decision: decision), "\(decision): \(choice.reason)")
        // The K rule: numpy's advantage and standard error, in the reason's words.
        let rule = try #require(setup.componentRule)
        let plainMean = Statistics.mean(references[2].chosenErrors)
        let words = String(
            format: "%.0f%% lower error, one standard error %.0f%%", 100 * (rule.advantage ?? .nan) / plainMean,
            100 * (rule.standardError ?? .nan) / plainMean)
        #expect(choice.reason.hasSuffix("K = \(expectedK) beats K = 3 (\(words))"), "\(choice.reason)")
    }

    /// `fit --components auto` end to end with its own public priors: numpy's K, λ and decision,
    /// and its final law (exactly when the prior is not used, closely when it is).
    @Test(arguments: setupNames)
    func autoComponentsFitMakesNumpysChoice(setup name: String) throws {
        let setup = try PriorFixtureTests.setup(name)
        var law = PriorFixtureTests.law(setup: setup)
        law.maxAutoComponents = 3
        let panel = try PriorFixtureTests.panel()
        let target = setup.target
        let split = try Split(panel: panel, rule: .flopsCutoff(setup.cutoff))
        let fit = try law.fit(panel: panel, target: target, split: split)
        let choice = try #require(fit.law.choice)
        let expectedK = try #require(setup.componentCount)
        #expect(choice.componentCount == expectedK)
        #expect(fit.law.pca.settings.componentCount == expectedK)
        #expect(fit.predictions.allSatisfy { $0.capabilities.count == expectedK })
        #expect(choice.strength == setup.strength)
        let decision = setup.decision
        #expect(PriorFixtureTests.reasonMatches(Self.strengthReason(choice.reason), decision: decision), "\(decision): \(choice.reason)")
        #expect(Set(choice.curve.map(\.componentCount)) == [1, 2, 3])
        let final = setup.finalFit
        let tolerance = decision == "used" ? 1e-2 : 1e-6
        #expect(maxRelativeDifference(fit.law.regression.parameters, final.params, floor: decision == "used" ? 1 : 1e-3) < tolerance)
        #expect(abs(fit.testMetrics.mse - final.testMSE) <= tolerance * final.testMSE)
        #expect(maxRelativeDifference(fit.predictions.map(\.predicted), final.predictions.values, floor: decision == "used" ? 1 : 1e-3) < tolerance)
    }
}
