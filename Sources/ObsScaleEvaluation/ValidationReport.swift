import Foundation
import ObsScaleNumerics
import ObsScaleSelect

/// The result of `Validation.run`.
public struct ValidationReport: Codable, Equatable, Sendable {
    /// A subset fit's scores on the test models.
    public struct Score: Codable, Equatable, Sendable {
        public var trainCount = 0
        public var testMSE = Double.nan
        /// Mean squared difference from the all-models fit's test predictions (nil for that fit).
        public var agreementMSE: Double?
        /// MSE against the noise-free truth (simulated worlds only).
        public var truthMSE: Double?
        /// The fit's predictions of the test models, in `testModels` order.
        public var testPredictions: [Double] = []
        public var failure: String?
    }
    /// Mean and spread of the random subsets' scores at one budget.
    public struct RandomSummary: Codable, Equatable, Sendable {
        public let count: Int
        public let failures: Int
        public let meanTestMSE: Double
        public let standardDeviation: Double
        public let minTestMSE: Double
        public let maxTestMSE: Double
        public let meanAgreementMSE: Double
        public let meanTruthMSE: Double?
        public let testMSEs: [Double]
        /// Why no random subset could be drawn (e.g. no family combination fits the budget).
        public let failure: String?

        init(_ scores: [Score], failure: String? = nil) {
            self.failure = failure
            let fitted = scores.filter { $0.failure == nil }
            let mses = fitted.map(\.testMSE)
            count = scores.count
            failures = scores.count - fitted.count
            meanTestMSE = Statistics.mean(mses)
            standardDeviation = Statistics.sampleStandardDeviation(mses)
            minTestMSE = mses.min() ?? .nan
            maxTestMSE = mses.max() ?? .nan
            meanAgreementMSE = Statistics.mean(fitted.compactMap(\.agreementMSE))
            let truths = fitted.compactMap(\.truthMSE)
            meanTruthMSE = truths.isEmpty ? nil : Statistics.mean(truths)
            testMSEs = mses
        }
    }
    public struct Budget: Codable, Equatable, Sendable {
        public let budget: Double
        /// One per selector, in `selections` order.
        public let selectors: [Score]
        public let random: RandomSummary?
    }
    public struct Target: Codable, Equatable, Sendable {
        public let name: String
        public let testModels: [String]
        public let allModels: Score
        public let budgets: [Budget]
    }
    public struct Selection: Codable, Equatable, Sendable {
        public let selector: String
        /// Per budget: the chosen subset, or nil with the reason in `failures`.
        public let results: [SelectionResult?]
        public let failures: [String?]
    }

    /// The geometric mean at one budget over the targets where every selector, the random subsets
    /// and the all-models fit have a test MSE (so the columns are comparable).
    public struct GeometricMean: Codable, Equatable, Sendable {
        public let budget: Double
        /// Targets averaged over.
        public let targetCount: Int
        /// Per selector.
        public let testMSE: [Double]
        public let agreementMSE: [Double]
        /// Of the per-target random means.
        public let randomTestMSE: Double
        public let allModelsTestMSE: Double
    }

    /// How a selector fares against the random subsets over every (target, budget) cell where
    /// both have a score: the cells where its test MSE is below the random mean, and the median
    /// ratio of its test MSE to the random mean.
    public struct Comparison: Codable, Equatable, Sendable {
        public let selector: String
        public let cells: Int
        public let wins: Int
        public let medianRatio: Double
    }

    public let settings: Validation
    public let pool: [String]
    public let selections: [Selection]
    /// The random subsets' units, per budget.
    public let randomSubsets: [[[String]]]
    public let targets: [Target]
    public let geometricMeans: [GeometricMean]
    public let comparisons: [Comparison]

    init(settings: Validation, pool: [String], selections: [Selection], randomSubsets: [[[String]]], targets: [Target]) {
        self.settings = settings
        self.pool = pool
        self.selections = selections
        self.randomSubsets = randomSubsets
        self.targets = targets
        func fitted(_ score: Score) -> Double? { score.failure == nil ? score.testMSE : nil }
        geometricMeans = settings.budgets.indices.map { b in
            let complete = targets.filter { target in
                let budget = target.budgets[b]
                let values =
                    budget.selectors.map(fitted) + [fitted(target.allModels)]
                    + (settings.randomCount > 0 ? [budget.random?.meanTestMSE] : [])
                return values.allSatisfy { $0.map { $0 > 0 && $0.isFinite } ?? false }
            }
            func overTargets(_ value: (Target) -> Double?) -> Double {
                complete.isEmpty ? .nan : Statistics.geometricMean(complete.map { value($0) ?? .nan })
            }
            return GeometricMean(
                budget: settings.budgets[b], targetCount: complete.count,
                testMSE: selections.indices.map { s in overTargets { fitted($0.budgets[b].selectors[s]) } },
                agreementMSE: selections.indices.map { s in overTargets { $0.budgets[b].selectors[s].agreementMSE } },
                randomTestMSE: overTargets { $0.budgets[b].random?.meanTestMSE },
                allModelsTestMSE: overTargets { fitted($0.allModels) })
        }
        comparisons = selections.indices.map { s in
            var ratios: [Double] = []
            for target in targets {
                for budget in target.budgets {
                    guard let mine = fitted(budget.selectors[s]), let random = budget.random?.meanTestMSE,
                        random.isFinite, random > 0
                    else { continue }
                    ratios.append(mine / random)
                }
            }
            return Comparison(
                selector: selections[s].selector, cells: ratios.count, wins: ratios.filter { $0 < 1 }.count,
                medianRatio: ratios.isEmpty ? .nan : Statistics.quantile(ratios, 0.5))
        }
    }
}
