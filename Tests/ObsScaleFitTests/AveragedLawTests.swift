import Foundation
import ObsScale
import Testing
import _TestSupport

/// `--components average`: the law is the average of the laws with K = 1…K, each fitted as a law of
/// its own K; its parameters are the members' means (later components' coefficients shrunk by the
/// members without them), and its bootstrap refits every member.
struct AveragedLawTests {
    static func setting() throws -> (panel: Panel, split: Split, pool: [Int]) {
        let world = try PriorTests.world(seed: 3)
        let split = try PriorTests.split(world.panel, share: 0.5)
        let train = Array(split.train.enumerated().filter { $0.offset % 2 == 0 }.map(\.element))
        return (world.panel, Split(train: train, test: split.test), split.train)
    }

    @Test func theAverageOfTheMembers() throws {
        let (panel, split, pool) = try Self.setting()
        for prior in [PriorSource.none, .publicMetrics(exclude: [])] {
            var law = ScalingLaw.recommended
            law.prior = prior
            law.averagesComponents = true
            let fit = try law.fit(panel: panel, target: "task_smooth,accuracy", split: split, poolRows: pool)
            let members = try #require(fit.law.members)
            #expect(members.map(\.componentCount) == [1, 2, 3])
            let regression = fit.law.regression
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
        var law = ScalingLaw.recommended
        law.averagesComponents = true
        let fit = try law.fit(panel: panel, target: "task_smooth,accuracy", split: split, poolRows: pool)
        let summary = try FitBootstrap(replicateCount: 40, seed: 2).run(fit, panel: panel, threadCount: 2)
        #expect(summary.failures.count < 10 && summary.replicatesSucceeded > 30)
        for row in split.test.prefix(5) {
            let interval = summary.predictions[row].interval
            #expect(interval.lower <= interval.upper && interval.lower.isFinite)
        }
        #expect(try FitBootstrap(replicateCount: 40, seed: 2).run(fit, panel: panel, threadCount: 1) == summary)
        #expect(throws: FitError.self) { try FitBootstrap(replicateCount: 10, refitChoices: true).run(fit, panel: panel) }
    }
}
