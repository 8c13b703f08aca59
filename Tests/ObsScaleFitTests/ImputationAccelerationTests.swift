import Foundation
import ObsScale
import Testing
import _TestSupport

/// The imputation of a block-missing matrix (two leaderboards merged) converges to the plain
/// iteration's fixed point within the iteration cap, which the plain iteration alone overruns
/// (Fixtures/block_missing.json, made by Fixtures/make_block_missing.py).
struct ImputationAccelerationTests {
    @Test func blockMissingScoresReachThePlainFixedPoint() throws {
        let fixture = try loadJSON(TestPaths.fixture("block_missing.json", near: #filePath))
        let rows = (fixture["matrix"] as? [[Any]] ?? []).map { $0.map { ($0 as? NSNumber)?.doubleValue ?? .nan } }
        let matrix = Matrix(rows: rows)
        #expect(matrix.rowCount == 400 && matrix.columnCount == 8)
        let plain = try #require(fixture["plainIterations"] as? Int)
        #expect(plain > PCAImputer().maxIterations)
        let model = try PCAImputer().fit(matrix)
        #expect(model.converged && model.iterations < 400, "\(model.iterations) iterations, last change \(model.finalChange)")
        let missing = matrix.storage.indices.filter { matrix.storage[$0].isNaN }
        #expect(missing.count == 200 * 4 + 180 * 4)
        let imputed = missing.map { model.imputed.storage[$0] }
        #expect(maxRelativeDifference(imputed, doubles(fixture["imputed"]), floor: 1) < 1e-7)
        // Observed cells are untouched.
        #expect(matrix.storage.indices.allSatisfy { matrix.storage[$0].isNaN || model.imputed.storage[$0] == matrix.storage[$0] })
    }
}
