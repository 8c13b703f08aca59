import Foundation
import ObsScale
import Testing
import _TestSupport

/// Known-answer tests of the regression, the imputer and the PCA.
struct RegressionTests {
    /// Noise-free data from known parameters on a grid of scores.
    static func design(count: Int = 60, k: Int = 2) -> Matrix {
        var generator = Xoshiro256StarStar(seed: 11)
        return Matrix(rowCount: count, columnCount: k, storage: (0..<(count * k)).map { _ in 4 * generator.nextUniform() - 2 })
    }

    @Test func recoversExactSigmoidFloorParameters() throws {
        let x = Self.design()
        let truth = (alpha: -0.7, beta: [1.8, -0.9], floor: 0.12)
        let y = (0..<x.rowCount).map { (1 - truth.floor) * Statistics.logistic(truth.alpha + Matrix.dot(truth.beta, x.row($0))) + truth.floor }
        let fit = try SigmoidRegression().fit(scores: x, targets: y)
        #expect(fit.termination.converged)
        #expect(abs(fit.alpha - truth.alpha) < 1e-8)
        #expect(maxRelativeDifference(fit.beta, truth.beta) < 1e-8)
        #expect(abs(fit.floor - truth.floor) < 1e-8)
        #expect(fit.loss < 1e-18)
    }

    @Test func floorStaysInsideItsBounds() throws {
        // Data whose best floor would be 0.35 > 0.2: the fit sits on the upper bound.
        let x = Self.design()
        let y = (0..<x.rowCount).map { 0.65 * Statistics.logistic(0.5 + 2 * x[$0, 0]) + 0.35 }
        let fit = try SigmoidRegression().fit(scores: x, targets: y)
        #expect(fit.floor == 0.2)
        #expect(fit.termination.converged)
        // And the plain sigmoid link has no floor at all.
        let plain = try SigmoidRegression(link: .sigmoid).fit(scores: x, targets: y)
        #expect(plain.floor == 0)
    }

    @Test func linearLinkEqualsOrdinaryLeastSquares() throws {
        // y = 1 + 2x₁ − 3x₂ + small deterministic noise; OLS via the normal equations.
        let x = Self.design(count: 40)
        let y = (0..<40).map { 1 + 2 * x[$0, 0] - 3 * x[$0, 1] + 0.01 * sin(Double($0)) }
        let fit = try SigmoidRegression(link: .linear).fit(scores: x, targets: y)
        var design = Matrix(rowCount: 40, columnCount: 3)
        for i in 0..<40 {
            design[i, 0] = 1
            design[i, 1] = x[i, 0]
            design[i, 2] = x[i, 1]
        }
        let normal = try Cholesky(design.gram)
        let rhs = (0..<3).map { j in (0..<40).reduce(0.0) { $0 + design[$1, j] * y[$1] } }
        let ols = normal.solve(rhs)
        #expect(maxRelativeDifference([fit.alpha] + fit.beta, ols) < 1e-9)
    }

    @Test func huberResistsAnOutlier() throws {
        let x = Self.design()
        var y = (0..<x.rowCount).map { Statistics.logistic(0.3 + 1.5 * x[$0, 0] - 0.5 * x[$0, 1]) }
        y[0] += 0.9
        let ls = try SigmoidRegression(link: .sigmoid).fit(scores: x, targets: y)
        let huber = try SigmoidRegression(link: .sigmoid, loss: .huber(delta: 0.05)).fit(scores: x, targets: y)
        #expect(huber.termination.converged)
        #expect(abs(huber.alpha - 0.3) < abs(ls.alpha - 0.3))
        #expect(abs(huber.beta[0] - 1.5) < 0.05)
        // With δ larger than every residual, Huber is ½Σr²: the same optimum as least squares.
        let wide = try SigmoidRegression(link: .sigmoid, loss: .huber(delta: 10)).fit(scores: x, targets: y)
        #expect(maxRelativeDifference([wide.alpha] + wide.beta, [ls.alpha] + ls.beta) < 1e-7)
    }

    @Test func restartsWhenTheFirstStartDoesNotConverge() throws {
        let x = Self.design()
        let y = (0..<x.rowCount).map { 0.9 * Statistics.logistic(-1 + 2 * x[$0, 0] + x[$0, 1]) + 0.1 }
        // Two iterations are not enough from any start: every start is tried and the lowest
        // loss is kept, reported as not converged.
        let limited = try SigmoidRegression(maxIterations: 2).fit(scores: x, targets: y)
        #expect(limited.startsTried == 4)
        #expect(limited.termination == .maxIterations)
        #expect(!limited.termination.converged)
        let full = try SigmoidRegression().fit(scores: x, targets: y)
        #expect(full.startsTried == 1 && full.termination.converged)
        #expect(full.loss < limited.loss)
    }

    @Test func rejectsBadSettingsAndTooFewRows() {
        let x = Self.design(count: 3)
        #expect(throws: FitError.self) { try SigmoidRegression().fit(scores: x, targets: [0.1, 0.2, 0.3]) }
        #expect(throws: FitError.self) {
            try SigmoidRegression(loss: .huber(delta: 0)).fit(scores: Self.design(), targets: Array(repeating: 0.5, count: 60))
        }
        #expect(throws: FitError.self) { try SigmoidRegression().fit(scores: Self.design(), targets: [Double](repeating: .nan, count: 60)) }
    }

    @Test func imputerReachesItsFixedPointAndKeepsObservedCells() throws {
        // A noisy rank-1 panel with a few holes.
        var generator = Xoshiro256StarStar(seed: 5)
        var m = Matrix(rowCount: 30, columnCount: 5)
        for i in 0..<30 {
            let ability = generator.nextUniform()
            for j in 0..<5 { m[i, j] = 0.2 + 0.6 * ability * Double(j + 1) / 5 + 0.01 * generator.nextNormal() }
        }
        var holes = m
        for (i, j) in [(0, 0), (3, 2), (7, 4), (12, 1), (20, 3)] { holes[i, j] = .nan }
        let model = try PCAImputer().fit(holes)
        #expect(model.converged)
        #expect(model.missingCount == 5)
        for index in holes.storage.indices where !holes.storage[index].isNaN {
            #expect(model.imputed.storage[index] == holes.storage[index])
        }
        // Imputed values are close to the hidden truth on this nearly rank-1 panel.
        for (i, j) in [(0, 0), (3, 2), (7, 4), (12, 1), (20, 3)] {
            #expect(abs(model.imputed[i, j] - m[i, j]) < 0.05)
        }
        // Held-out rows with the fitted model: observed cells unchanged, missing cells in [0, 1].
        var newRows = Matrix(rows: [m.row(1), m.row(2)])
        newRows[0, 1] = .nan
        let transformed = model.transform(newRows)
        #expect(transformed[1, 3] == m[2, 3])
        #expect(abs(transformed[0, 1] - m[1, 1]) < 0.05)
    }

    @Test func imputerRejectsAnEmptyColumnAndBadRank() {
        var m = Matrix(rowCount: 4, columnCount: 3, repeating: 0.5)
        for i in 0..<4 { m[i, 1] = .nan }
        #expect(throws: FitError.emptyColumn(column: "B", what: "the rows the imputation is fitted on")) {
            try PCAImputer().fit(m, columnNames: ["A", "B", "C"])
        }
        #expect(throws: FitError.self) { try PCAImputer(rank: 3).fit(Matrix(rowCount: 4, columnCount: 3, repeating: 0.5)) }
    }

    @Test func pcaSignConventionAndVarianceRatios() throws {
        // Two perfectly correlated columns: one component carries all the variance, with
        // positive loadings (1, 2)/√5 after the sign flip.
        let m = Matrix(rows: [[1, 2], [2, 4], [3, 6], [4, 8]])
        let model = try PCA(componentCount: 1).fit(m, columnNames: ["a", "b"])
        #expect(abs(model.explainedVarianceRatio[0] - 1) < 1e-15)
        #expect(abs(model.allComponents[0, 0] - 1 / 5.0.squareRoot()) < 1e-15)
        #expect(abs(model.allComponents[0, 1] - 2 / 5.0.squareRoot()) < 1e-15)
        let scores = model.transform(m)
        #expect(abs(scores[3, 0] - 1.5 * 5.0.squareRoot()) < 1e-12)
        #expect(throws: FitError.self) { try PCA(componentCount: 3).fit(m, columnNames: ["a", "b"]) }
    }
}
