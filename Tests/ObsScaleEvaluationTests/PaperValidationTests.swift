import Foundation
import ObsScale
import Testing
import _TestSupport

/// `Validation` against the numpy reference of the paper's Section 5 evaluation
/// (Fixtures/paper_validation.json, Benchmarks/baseline/validation_baseline.py): the same
/// V-optimal subsets, test models, and — for every well-posed fit — the same test and agreement
/// MSEs as the tightly converged Huber optimum, with imputation and PCA on the subset (the
/// paper) and on the panel.
struct PaperValidationTests {
    /// The keys of Fixtures/paper_validation.json these tests read.
    struct Fixture: Decodable, Sendable {
        struct Target: Decodable, Sendable {
            let testModels: [String]
            let allModelsTrainModels: [String]
            /// By `PCAFitRows.rawValue`.
            let allModels: [String: AllModels]
            let selected: [Selected]
        }
        struct AllModels: Decodable, Sendable {
            let testMSE: Double
            let testPredictions: [Double]
        }
        struct Selected: Decodable, Sendable {
            let families: [String]
            /// By `PCAFitRows.rawValue`.
            let pcaOn: [String: Fit]
        }
        struct Fit: Decodable, Sendable {
            let wellPosed: Bool
            let testMSE: Double?
            let agreementMSE: Double?
        }
        let targets: [String]
        let perTarget: [String: Target]
    }

    static let fixture = Result { try decodeFixture(Fixture.self, TestPaths.fixture("paper_validation.json", near: #filePath)) }
    static let seven = ["MMLU", "ARC-C", "HellaSwag", "Winograd", "TruthfulQA", "XWinograd", "HumanEval"]

    static func run(pcaOn: PCAFitRows) throws -> ValidationReport {
        let panel = try PanelQuery(panelPath: TestPaths.panel, downstreamPaths: [TestPaths.postTraining], preset: TestPaths.preset2024)
            .load().panel
        let targets = try fixture.get().targets
        var validation = Validation(targets: targets, budgets: [4, 8, 12, 16, 20, 24, 28, 32, 36], cutoffFlops: 84)
        validation.selection.dropIncomplete = true
        validation.selection.maxFamilies = 10
        validation.randomCount = 0
        validation.fittableSubsets = false  // the paper's brute force, which may choose fewer models than parameters
        validation.law = ScalingLaw(benchmarks: seven, regression: SigmoidRegression(loss: .huber(delta: 1)), pcaOn: pcaOn)
        return try validation.run(panel: panel, threadCount: 2)
    }

    @Test(arguments: [PCAFitRows.train, .panel])
    func reproducesTheReferenceEvaluation(pcaOn: PCAFitRows) throws {
        let report = try Self.run(pcaOn: pcaOn)
        let perTarget = try Self.fixture.get().perTarget
        #expect(report.targets.count == 3)
        var compared = 0
        for target in report.targets {
            let reference = try #require(perTarget[target.name], "no reference for \(target.name)")
            #expect(target.testModels == reference.testModels)
            let all = try #require(reference.allModels[pcaOn.rawValue], "no allModels.\(pcaOn.rawValue) for \(target.name)")
            #expect(target.allModels.trainCount == reference.allModelsTrainModels.count)
            #expect(maxRelativeDifference([target.allModels.testMSE], [all.testMSE]) < 1e-6)
            #expect(maxRelativeDifference(target.allModels.testPredictions, all.testPredictions) < 1e-6)
            let selected = reference.selected
            try #require(selected.count >= target.budgets.count, "\(selected.count) reference selections for \(target.budgets.count) budgets")
            for (b, budget) in target.budgets.enumerated() {
                let expected = selected[b]
                let result = try #require(report.pool(of: target).selections[0].results[b])
                #expect(Set(result.units) == Set(expected.families), "budget \(budget.budget)")
                let score = budget.selectors[0]
                let fit = expected.pcaOn[pcaOn.rawValue]
                guard fit?.wellPosed == true, let fit else {
                    // Fewer models than parameters: not identifiable; obsscale refuses the fit.
                    #expect(score.failure?.contains("needs at least 5 models") == true)
                    continue
                }
                let mse = fit.testMSE ?? .nan
                let agreement = fit.agreementMSE ?? .nan
                #expect(abs(score.testMSE - mse) / mse < 1e-6, "\(target.name) B=\(budget.budget): \(score.testMSE) vs \(mse)")
                #expect(abs((score.agreementMSE ?? .nan) - agreement) / agreement < 1e-5)
                compared += 1
            }
        }
        #expect(compared == 24)
    }

    /// The paper's finding: from 12 models on, the V-optimal subset's fit beats the mean of random
    /// family subsets on the geometric mean over targets.
    @Test func vOptimalBeatsRandomSubsets() throws {
        let panel = try PanelQuery(panelPath: TestPaths.panel, downstreamPaths: [TestPaths.postTraining], preset: TestPaths.preset2024)
            .load().panel
        var validation = Validation(targets: try Self.fixture.get().targets, budgets: [12, 20, 28, 36], cutoffFlops: 84)
        validation.selection.dropIncomplete = true
        validation.selection.maxFamilies = 10
        validation.fittableSubsets = false
        validation.law = ScalingLaw(benchmarks: Self.seven, regression: SigmoidRegression(loss: .huber(delta: 1)))
        let report = try validation.run(panel: panel, threadCount: 2)
        for b in report.budgetLabels.indices {
            let row = report.geometricMeans[b]
            #expect(row.testMSE[0] < row.randomTestMSE, "budget \(report.budgetLabels[b])")
            let byHand = exp(report.targets.map { log($0.budgets[b].selectors[0].testMSE) }.reduce(0, +) / 3)
            #expect(abs(row.testMSE[0] - byHand) < 1e-15)
        }
        let random = try #require(report.targets[0].budgets[0].random)
        #expect(random.count == 5 && random.testMSEs.count + random.failures == 5)
        #expect(report.pools.count == 1)
        #expect(report.pools[0].randomSubsets.count == 4 && report.pools[0].randomSubsets.allSatisfy { $0.count == 5 })
        #expect(report.comparisons[0].cells == 12 && report.comparisons[0].wins >= 10)
    }
}
