import Foundation
import ObsScaleNumerics
import Testing
import _TestSupport

/// The χ² quantiles, the incomplete gamma function and the reweighted MCD against scipy and a
/// numpy reference of the same algorithm (Fixtures/robust.json, made by
/// Fixtures/make_robust_fixtures.py), and the identities the MCD must keep.
struct RobustStatisticsTests {
    /// Fixtures/robust.json.
    struct Fixture: Decodable, Sendable {
        struct Quantile: Decodable, Sendable {
            let q: Double
            let k: Int
            let x: Double
        }
        struct GammaP: Decodable, Sendable {
            let a: Double
            let x: Double
            let p: Double
        }
        struct MCD: Decodable, Sendable {
            let points: [[Double]]
            let subsetShare: Double
            let subsetSize: Int
            let center: [Double]
            let scatter: [[Double]]
            let squaredDistances: [Double]
        }
        let chiSquareQuantiles: [Quantile]
        let gammaP: [GammaP]
        let mcd: [MCD]
    }

    static let fixture = Result { try decodeFixture(Fixture.self, TestPaths.fixture("robust.json", near: #filePath)) }

    @Test func chiSquareQuantilesMatchScipy() throws {
        let cases = try Self.fixture.get().chiSquareQuantiles
        #expect(cases.count == 36)
        for entry in cases {
            let q = entry.q, k = entry.k, expected = entry.x
            let x = Statistics.chiSquareQuantile(q, degreesOfFreedom: k)
            #expect(abs(x - expected) <= 1e-10 * max(1, expected), "χ²(\(k)) quantile \(q): \(x) vs \(expected)")
        }
        #expect(Statistics.chiSquareQuantile(1, degreesOfFreedom: 3).isNaN && Statistics.chiSquareQuantile(0.5, degreesOfFreedom: 0).isNaN)
    }

    @Test func incompleteGammaMatchesScipy() throws {
        let cases = try Self.fixture.get().gammaP
        #expect(cases.count == 30)
        for entry in cases {
            let a = entry.a, x = entry.x, expected = entry.p
            #expect(abs(Statistics.regularizedGammaP(a, x) - expected) < 1e-13, "P(\(a), \(x))")
        }
    }

    @Test func mcdMatchesTheReference() throws {
        let cases = try Self.fixture.get().mcd
        #expect(cases.count == 3)
        for entry in cases {
            let points = Matrix(rows: entry.points)
            let fit = try #require(RobustCovariance.fit(points, subsetShare: entry.subsetShare))
            #expect(fit.subsetSize == entry.subsetSize)
            #expect(maxRelativeDifference(fit.center, entry.center, floor: 1) < 1e-9)
            #expect(maxRelativeDifference(fit.scatter.storage, Matrix(rows: entry.scatter).storage, floor: 1) < 1e-9)
            #expect(maxRelativeDifference(fit.squaredDistances, entry.squaredDistances, floor: 1) < 1e-8)
        }
    }

    /// Planted far points are the farthest; shifting and rescaling the coordinates (which both
    /// starts follow) leaves every distance unchanged; degenerate inputs give nil or finite
    /// distances, never a trap.
    @Test func plantedOutliersInvarianceAndDegenerateInputs() throws {
        let entry = try #require(try Self.fixture.get().mcd.first)
        let points = Matrix(rows: entry.points)
        let fit = try #require(RobustCovariance.fit(points))
        let farthest = Set(fit.squaredDistances.indices.sorted { fit.squaredDistances[$0] > fit.squaredDistances[$1] }.prefix(8))
        #expect(farthest == Set(200..<208))
        let moved = Matrix(rows: points.rows.map { [3 * $0[0] - 7, 0.01 * $0[1] + 2, -5 * $0[2]] })
        let movedFit = try #require(RobustCovariance.fit(moved))
        #expect(maxRelativeDifference(movedFit.squaredDistances, fit.squaredDistances, floor: 1) < 1e-7)
        #expect(RobustCovariance.fit(Matrix(rows: [[1, 2], [3, 4], [5, 6]])) == nil)  // n ≤ p + 1
        #expect(RobustCovariance.fit(Matrix(rows: Array(repeating: [1.0, 2.0], count: 20))) == nil)  // no spread
        // More than h identical points: the scatter is ridged, distances stay finite.
        let tied = Matrix(rows: Array(repeating: [0.25, 0.25, 0.5], count: 30) + (0..<10).map { [Double($0), Double($0 % 3), 1] })
        let tiedFit = try #require(RobustCovariance.fit(tied))
        #expect(tiedFit.squaredDistances.allSatisfy { $0.isFinite })
        #expect(tiedFit.squaredDistances.suffix(9).allSatisfy { $0 > 1e6 })
    }

    @Test func correlationIsPearsons() {
        #expect(abs(Statistics.correlation([1, 2, 3, 4], [2, 4, 6, 8.5]) - 0.9983814394570298) < 1e-12)  // numpy.corrcoef
        #expect(Statistics.correlation([1, 2, 3], [-1, -2, -3]) == -1)
        #expect(Statistics.correlation([1, 1, 1], [1, 2, 3]).isNaN && Statistics.correlation([1], [1]).isNaN)
    }
}
