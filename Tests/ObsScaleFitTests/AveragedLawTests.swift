import Foundation
import ObsScale
import Testing
import _TestSupport

/// `--components average`: the law is the weighted average of the laws with K = 1…K, each fitted as
/// a law of its own K, weighted by the inverse of its cross-validated error (or equally); its
/// parameters are the members' weighted means (later components' coefficients shrunk by the members
/// without them), and its bootstrap refits every member with the full fit's weights.
struct AveragedLawTests {
    static func setting() throws -> (panel: Panel, split: Split, pool: [Int]) {
        let world = try PriorTests.world(seed: 3)
        let split = try PriorTests.split(world.panel, share: 0.5)
        let train = Array(split.train.enumerated().filter { $0.offset % 2 == 0 }.map(\.element))
        return (world.panel, Split(train: train, test: split.test), split.train)
    }

    /// wₖ = (1/CVₖ) / Σⱼ 1/CVⱼ, by hand; equal weights (nil) when asked or when an error is unusable.
    @Test func weightsAreInverseErrors() throws {
        let weights = try #require(ScalingLaw.memberWeights(errors: [0.01, 0.02, 0.04], rule: .crossValidated))
        for (weight, expected) in zip(weights, [4.0 / 7, 2.0 / 7, 1.0 / 7]) { #expect(abs(weight - expected) < 1e-15) }
        #expect(ScalingLaw.memberWeights(errors: [0.01, 0.02, 0.04], rule: .equal) == nil)
        #expect(ScalingLaw.memberWeights(errors: [0.01, .nan, 0.04], rule: .crossValidated) == nil)
        #expect(ScalingLaw.memberWeights(errors: [0.01, 0, 0.04], rule: .crossValidated) == nil)
        #expect(ScalingLaw.memberWeights(errors: [0.01, .infinity], rule: .crossValidated) == nil)
    }

    /// Stacking by hand: with two members the optimum on the segment is closed-form,
    /// w* = Σ (y − p₂)(p₁ − p₂) / Σ (p₁ − p₂)² clamped to [0, 1] (one fold, so the fold weights
    /// do not matter); a member that predicts every held-out value exactly takes all the weight;
    /// a fold some member could not fit is left out; three members match a fine grid's minimum.
    @Test func stackingWeightsByHand() throws {
        let targets = [0.2, 0.5, 0.9, 0.4]
        let fold = ModelSelection.Fold(heldOut: [0, 1, 2, 3], isFamily: true)
        let p1 = [0.3, 0.4, 0.7, 0.5], p2 = [0.1, 0.7, 1.0, 0.2]
        let numerator = (0..<4).reduce(0.0) { $0 + (targets[$1] - p2[$1]) * (p1[$1] - p2[$1]) }
        let denominator = (0..<4).reduce(0.0) { $0 + (p1[$1] - p2[$1]) * (p1[$1] - p2[$1]) }
        let expected = min(1, max(0, numerator / denominator))
        let weights = try #require(ScalingLaw.stackingWeights([[p1], [p2]], folds: [fold], targets: targets))
        #expect(abs(weights[0] - expected) < 1e-12 && abs(weights[1] - (1 - expected)) < 1e-12, "\(weights) vs \(expected)")
        #expect(expected > 0.05 && expected < 0.95)  // an interior optimum: the test exercises the KKT solve
        let exact = try #require(ScalingLaw.stackingWeights([[p1], [targets], [p2]], folds: [fold], targets: targets))
        #expect(abs(exact[1] - 1) < 1e-12 && exact[0] < 1e-12 && exact[2] < 1e-12)
        // A second fold where member 2 failed is left out: the same weights as the first fold alone.
        let failed = ModelSelection.Fold(heldOut: [1, 2], isFamily: true)
        let withFailure = try #require(
            ScalingLaw.stackingWeights([[p1, [0.9, 0.1]], [p2, [.nan, 0.3]]], folds: [fold, failed], targets: targets))
        #expect(zip(withFailure, weights).allSatisfy { abs($0 - $1) < 1e-12 })
        #expect(ScalingLaw.stackingWeights([[[.nan, 0, 0, 0]]], folds: [fold], targets: targets) == nil)
        // Three members, two folds with different sizes: the exact optimum is the grid's to its step.
        let p3 = [0.25, 0.55, 0.8, 0.45]
        let second = ModelSelection.Fold(heldOut: [0, 3], isFamily: false)
        let members: [[[Double]]] = [[p1, [0.35, 0.3]], [p2, [0.05, 0.5]], [p3, [0.2, 0.35]]]
        let stacked = try #require(ScalingLaw.stackingWeights(members, folds: [fold, second], targets: targets))
        func loss(_ w: [Double]) -> Double {
            [fold, second].enumerated().reduce(0.0) { sum, pair in
                let (f, heldOut) = pair
                return sum
                    + zip(heldOut.heldOut.indices, heldOut.heldOut).reduce(0.0) { inner, position in
                        let combined = (0..<3).reduce(0.0) { $0 + w[$1] * members[$1][f][position.0] }
                        return inner + pow(targets[position.1] - combined, 2)
                    } / Double(heldOut.heldOut.count)
            }
        }
        var gridBest = Double.infinity
        for i in 0...200 {
            for j in 0...(200 - i) { gridBest = min(gridBest, loss([Double(i) / 200, Double(j) / 200, Double(200 - i - j) / 200])) }
        }
        #expect(loss(stacked) <= gridBest + 1e-12 && abs(stacked.reduce(0, +) - 1) < 1e-12 && stacked.allSatisfy { $0 >= 0 })
        #expect(loss(stacked) > gridBest - 1e-3)
    }

    /// A member's error, recomputed from scratch: the mean over `ModelSelection.foldRows`' folds of
    /// the held-out MSE of the member's plain law refitted without the fold.
    static func plainFoldError(_ fit: ScalingLawFit, panel: Panel, componentCount k: Int) throws -> Double {
        let train = fit.predictions.indices.filter { fit.predictions[$0].role == .train }
        let scores = train.map { Array(fit.predictions[$0].capabilities.prefix(k)) }
        let targets = train.map { fit.predictions[$0].observed ?? .nan }
        let folds = ModelSelection().foldRows(
            families: train.map { panel.models[$0].family }, capability: train.map { fit.predictions[$0].capabilities[0] })
        var errors: [Double] = []
        for fold in folds {
            let kept = train.indices.filter { !fold.heldOut.contains($0) }
            let law = try fit.law.settings.regression.fit(scores: Matrix(rows: kept.map { scores[$0] }), targets: kept.map { targets[$0] })
            errors.append(fold.heldOut.reduce(0.0) { $0 + pow(law.predict(scores[$1]) - targets[$1], 2) } / Double(fold.heldOut.count))
        }
        return errors.reduce(0, +) / Double(errors.count)
    }

    @Test func theWeightedAverageOfTheMembers() throws {
        let (panel, split, pool) = try Self.setting()
        for prior in [PriorSource.none, .publicMetrics(exclude: [])] {
            var law = ScalingLaw.recommended
            law.prior = prior
            let fit = try law.fit(panel: panel, target: "task_smooth,accuracy", split: split, poolRows: pool)
            let members = try #require(fit.law.members)
            #expect(members.map(\.componentCount) == [1, 2, 3])
            let regression = fit.law.regression
            let fits = try #require(regression.members)
            let weights = try #require(regression.memberWeights)
            // Each member's error is its cross-validation's (the curve's point at its λ with a
            // prior; recomputed by hand without one), and the weights are their inverses.
            for member in members {
                let error = try #require(member.crossValidatedError)
                if let choice = member.choice {
                    let point = try #require(choice.curve.first { $0.componentCount == member.componentCount && $0.strength == choice.strength })
                    #expect(error == point.meanError)
                } else {
                    let byHand = try Self.plainFoldError(fit, panel: panel, componentCount: member.componentCount)
                    #expect(abs(error - byHand) <= 1e-9 * byHand, "K = \(member.componentCount): \(error) vs \(byHand)")
                }
            }
            #expect(weights == ScalingLaw.memberWeights(errors: members.compactMap(\.crossValidatedError), rule: .crossValidated))
            #expect(abs(weights.reduce(0, +) - 1) < 1e-12 && weights.allSatisfy { $0 > 0 })
            #expect(abs(regression.alpha - zip(fits, weights).reduce(0) { $0 + $1.1 * $1.0.alpha }) < 1e-12)
            #expect(abs(regression.floor - zip(fits, weights).reduce(0) { $0 + $1.1 * $1.0.floor }) < 1e-12)
            for j in 0..<3 {
                let sum = zip(fits, weights).reduce(0.0) { $0 + $1.1 * (j < $1.0.beta.count ? $1.0.beta[j] : 0) }
                #expect(abs(regression.beta[j] - sum) < 1e-12, "β\(j + 1)")
            }
            for row in split.test.prefix(8) + split.train.prefix(3) {
                let mean = zip(fits, weights).reduce(0.0) { $0 + $1.1 * $1.0.predict(fit.predictions[row].capabilities) }
                #expect(abs(fit.predictions[row].predicted - mean) < 1e-9, "row \(row)")
            }
            #expect(FitReport.membersSummary(fit.law).first?.contains("weighted mean") == true)
            #expect(FitReport.membersSummary(fit.law).dropFirst().allSatisfy { $0.contains("weight 0.") && $0.contains("CV MSE") })
            #expect(fit.law.formula.contains("weighted mean of 3 laws"))
            // Stacking weighs the same members by their combination's held-out error.
            var stacked = law
            stacked.averageWeights = .stacking
            let stackedFit = try stacked.fit(panel: panel, target: "task_smooth,accuracy", split: split, poolRows: pool)
            let stackedWeights = try #require(stackedFit.law.regression.memberWeights)
            #expect(abs(stackedWeights.reduce(0, +) - 1) < 1e-12 && stackedWeights.allSatisfy { $0 >= 0 })
            #expect(stackedFit.law.regression.members == fits)
            for row in split.test.prefix(4) {
                let mean = zip(fits, stackedWeights).reduce(0.0) { $0 + $1.1 * $1.0.predict(fit.predictions[row].capabilities) }
                #expect(abs(stackedFit.predictions[row].predicted - mean) < 1e-9)
            }
        }
    }

    @Test func theEqualAverageOfTheMembers() throws {
        let (panel, split, pool) = try Self.setting()
        for prior in [PriorSource.none, .publicMetrics(exclude: [])] {
            var law = ScalingLaw.recommended
            law.prior = prior
            law.averageWeights = .equal
            let fit = try law.fit(panel: panel, target: "task_smooth,accuracy", split: split, poolRows: pool)
            let members = try #require(fit.law.members)
            #expect(members.map(\.componentCount) == [1, 2, 3])
            let regression = fit.law.regression
            #expect(regression.memberWeights == nil)
            let fits = try #require(regression.members)
            var alone: [ScalingLawFit] = []
            for (member, memberFit) in zip(members, fits) {
                var single = law
                single.averagesComponents = nil
                single.pca.componentCount = member.componentCount
                alone.append(try single.fit(panel: panel, target: "task_smooth,accuracy", split: split, poolRows: pool))
                #expect(alone.last?.law.regression.parameters == memberFit.parameters, "K = \(member.componentCount)")
                #expect(alone.last?.law.choice == member.choice)
            }
            #expect(abs(regression.alpha - fits.map(\.alpha).reduce(0, +) / 3) < 1e-12)
            #expect(abs(regression.floor - fits.map(\.floor).reduce(0, +) / 3) < 1e-12)
            for j in 0..<3 {
                let sum = fits.reduce(0.0) { $0 + (j < $1.beta.count ? $1.beta[j] : 0) }
                #expect(abs(regression.beta[j] - sum / 3) < 1e-12, "β\(j + 1)")
            }
            // Every prediction is the mean of the members' (each law fitted alone), and the linear
            // predictor maps back to it; K is the widest member's.
            #expect(fit.law.pca.settings.componentCount == 3 && fit.law.choice == nil)
            for row in split.test.prefix(8) + split.train.prefix(3) {
                let mean = alone.reduce(0.0) { $0 + $1.predictions[row].predicted } / 3
                #expect(abs(fit.predictions[row].predicted - mean) < 1e-9, "row \(row)")
                #expect(abs(regression.predict(linearPredictor: fit.predictions[row].linearPredictor) - mean) < 1e-9)
            }
            #expect(fit.trainMetrics.count == split.train.count && fit.testMetrics.count == split.test.count)
            #expect(FitReport.membersSummary(fit.law).count == 4)
        }
        // On (nearly) the whole pool there is nothing to hedge: the law is the K = 3 law.
        var averaged = ScalingLaw.recommended
        averaged.averagesComponents = true
        let whole = Split(train: pool, test: split.test)
        let full = try averaged.fit(panel: panel, target: "task_smooth,accuracy", split: whole, poolRows: pool)
        #expect(full.law.members == nil && full.law.regression.members == nil)
        #expect(
            full.law.regression.parameters
                == (try ScalingLaw.recommended.fit(panel: panel, target: "task_smooth,accuracy", split: whole, poolRows: pool)).law.regression
                .parameters)
        #expect(FitReport.membersSummary(full.law).first?.hasPrefix("K = 3, not averaged over K") == true)
        #expect(!averaged.averages(panel: panel, target: "task_smooth,accuracy", split: whole, poolRows: pool))
        #expect(averaged.averages(panel: panel, target: "task_smooth,accuracy", split: split, poolRows: pool))
        // One component has nothing to average.
        var one = ScalingLaw.recommended
        one.pca.componentCount = 1
        one.averagesComponents = true
        #expect(try one.fit(panel: panel, target: "task_smooth,accuracy", split: split, poolRows: pool).law.members == nil)
    }

    @Test func theBootstrapRefitsEveryMember() throws {
        let (panel, split, pool) = try Self.setting()
        let law = ScalingLaw.recommended
        let fit = try law.fit(panel: panel, target: "task_smooth,accuracy", split: split, poolRows: pool)
        #expect(fit.law.regression.memberWeights != nil)
        let summary = try FitBootstrap(replicateCount: 40, seed: 2).run(fit, panel: panel, threadCount: 2)
        #expect(summary.failures.count < 10 && summary.replicatesSucceeded > 30)
        for row in split.test.prefix(5) {
            let interval = summary.predictions[row].interval
            #expect(interval.lower <= interval.upper && interval.lower.isFinite)
        }
        #expect(try FitBootstrap(replicateCount: 40, seed: 2).run(fit, panel: panel, threadCount: 1) == summary)
        #expect(throws: FitError.self) { try FitBootstrap(replicateCount: 10, refitChoices: true).run(fit, panel: panel) }
    }

    /// A saved averaged law keeps its weights and predicts with them after loading; edited weights
    /// are refused by field, and a law saved before weights existed (none) predicts the equal mean.
    @Test func savedWeightsAreKeptAndChecked() throws {
        let (panel, split, pool) = try Self.setting()
        let fit = try ScalingLaw.recommended.fit(panel: panel, target: "task_smooth,accuracy", split: split, poolRows: pool)
        let saved = SavedLaw(fit: fit, tool: "test")
        #expect(saved.formatVersion == 4)
        let data = try saved.encoded()
        let loaded = try SavedLaw.load(path: TestPaths.write(String(decoding: data, as: UTF8.self), name: "averaged.json"))
        #expect(loaded.law.regression.memberWeights == fit.law.regression.memberWeights)
        let predicted = try loaded.predict(panel: panel)
        for row in split.test.prefix(5) {
            #expect(abs(predicted.predictions[row].predicted - fit.predictions[row].predicted) < 1e-12)
        }
        let tree = try loadJSON(data: data)
        let edits: [(name: String, change: @Sendable (Any?) -> Any?)] = [
            ("a negative weight", { _ in [1.5, -0.25, -0.25] }), ("weights summing to 0.9", { _ in [0.3, 0.3, 0.3] }),
            ("two weights for three members", { _ in [0.5, 0.5] }), ("a NaN weight", { _ in ["NaN", 0.5, 0.5] }),
        ]
        for edit in edits {
            let edited = try #require(SavedLawCheckTests.edited(tree, ["law", "regression", "memberWeights"], edit.change))
            let file = TestPaths.write(String(decoding: try JSONSerialization.data(withJSONObject: edited), as: UTF8.self), name: "edited.json")
            let message = errorMessage { _ = try SavedLaw.load(path: file) }
            #expect(message.contains("law.regression.memberWeights") && message.contains("edited.json"), "\(edit.name): \(message)")
        }
        let unweighted = try #require(SavedLawCheckTests.edited(tree, ["law", "regression", "memberWeights"], { _ in nil }))
        let file = TestPaths.write(String(decoding: try JSONSerialization.data(withJSONObject: unweighted), as: UTF8.self), name: "old.json")
        let old = try SavedLaw.load(path: file)
        let members = try #require(old.law.regression.members)
        let row = try #require(split.test.first)
        let equal = members.reduce(0.0) { $0 + $1.predict(fit.predictions[row].capabilities) } / Double(members.count)
        #expect(abs(try old.predict(panel: panel).predictions[row].predicted - equal) < 1e-9)
    }
}
