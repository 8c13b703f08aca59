import Foundation
import ObsScale
import PropertyBased
import Testing

/// Random panels through imputation and PCA (`obsscale pca`): a typed error or
/// finite, well-formed output, the same on every run.
@Suite(.shrinking(false)) struct CapabilityProperties {
    @Test func capabilityAnalysisIsFiniteOrATypedError() async {
        var outcomes = Outcomes()
        await propertyCheck(
            count: cases(60), input: PanelSpec.generator(benchmarks: 1...8), Gen.int(in: 1...4), Gen.bool,
            Gen.int(in: 1...2)
        ) { spec, components, standardize, rank in
            trace("capabilityAnalysis", "\(spec), components \(components), standardize \(standardize), rank \(rank)")
            recordingErrors("\(spec)") {
                try Self.checkAnalysis(spec, components: components, standardize: standardize, rank: rank, &outcomes)
            }
        }
        // The generator must exercise the success path, not only the errors.
        outcomes.report("capabilityAnalysis")
        #expect(outcomes.succeeded >= outcomes.total / 3, "\(outcomes)")
    }

    static func checkAnalysis(_ spec: PanelSpec, components: Int, standardize: Bool, rank: Int, _ outcomes: inout Outcomes) throws {
        let panel = spec.makePanel()
        let analysis = CapabilityAnalysis(imputer: PCAImputer(rank: rank), componentCount: components, standardize: standardize)
        let result: CapabilityAnalysis.Result
        do {
            result = try analysis.run(panel: panel)
        } catch {
            outcomes.failed(expectTypedError(error, "\(spec)"))
            return
        }
        outcomes.succeeded += 1
        let m = panel.count, n = spec.benchmarkCount
        let original = try panel.matrix(columns: panel.benchmarkNames)
        let imputed = result.imputer.imputed
        #expect(imputed.rowCount == m && imputed.columnCount == n)
        for index in imputed.storage.indices {
            let value = imputed.storage[index]
            #expect(value.isFinite && (0...1).contains(value), "\(spec): imputed cell \(index) = \(value)")
            if !original.storage[index].isNaN { #expect(value == original.storage[index], "\(spec): observed cell \(index) changed") }
        }
        #expect(result.imputer.missingCount == original.storage.filter(\.isNaN).count)
        #expect((1...1000).contains(result.imputer.iterations))
        #expect(result.imputer.finalChange.isFinite)
        let pca = result.pca
        #expect(pca.explainedVariance.count == pca.explainedVarianceRatio.count)
        for (variance, ratio) in zip(pca.explainedVariance, pca.explainedVarianceRatio) {
            #expect(variance.isFinite && variance >= 0, "\(spec): explained variance \(variance)")
            #expect(ratio.isFinite && ratio >= 0 && ratio <= 1 + 1e-12, "\(spec): ratio \(ratio)")
        }
        #expect(pca.explainedVarianceRatio.reduce(0, +) <= 1 + 1e-9, "\(spec)")
        // Ratios come sorted (singular values descending).
        for k in pca.explainedVarianceRatio.indices.dropFirst() {
            #expect(pca.explainedVarianceRatio[k] <= pca.explainedVarianceRatio[k - 1] + 1e-12, "\(spec)")
        }
        #expect(allFinite(pca.allComponents.storage), "\(spec)")
        #expect(pca.scales.allSatisfy { $0.isFinite && $0 > 0 }, "\(spec)")
        #expect(result.scores.rowCount == m && result.scores.columnCount == components)
        #expect(allFinite(result.scores.storage), "\(spec): non-finite capability scores")
        // Sign convention: every component's loadings sum to ≥ 0.
        for k in 0..<pca.allComponents.rowCount {
            #expect(pca.allComponents.row(k).reduce(0, +) >= -1e-12, "\(spec)")
        }
        // Determinism: the same panel gives the same bytes.
        #expect(try canonicalJSON(analysis.run(panel: panel)) == canonicalJSON(result), "\(spec): not deterministic")
    }

    /// Imputation fitted on some rows and applied to every row (the `--pca-on train` path).
    @Test func imputationFittedOnSomeRowsAppliesToAllRows() async {
        var outcomes = Outcomes()
        await propertyCheck(count: cases(50), input: PanelSpec.generator(), Gen.double(in: 0.1...1), Gen.uint64(in: 0...UInt64.max)) {
            spec, fraction, splitSeed in
            trace("imputationTransform", "\(spec), fraction \(fraction), split seed \(splitSeed)")
            recordingErrors("\(spec)") { try Self.checkTransform(spec, fraction: fraction, splitSeed: splitSeed, &outcomes) }
        }
        outcomes.report("imputationTransform")
        #expect(outcomes.succeeded >= outcomes.total / 3, "\(outcomes)")
    }

    static func checkTransform(_ spec: PanelSpec, fraction: Double, splitSeed: UInt64, _ outcomes: inout Outcomes) throws {
        let panel = spec.makePanel()
        let matrix = try panel.matrix(columns: panel.benchmarkNames)
        var random = Xoshiro256StarStar(seed: splitSeed)
        let rows = panel.models.indices.filter { _ in random.nextUniform() < fraction }
        let model: PCAImputerModel, pca: PCAModel
        do {
            model = try PCAImputer().fit(matrix.selectingRows(rows), columnNames: panel.benchmarkNames)
            pca = try PCA(componentCount: 1 + Int(splitSeed % 3)).fit(model.imputed, columnNames: panel.benchmarkNames)
        } catch {
            outcomes.failed(expectTypedError(error, "\(spec), rows \(rows)"))
            return
        }
        outcomes.succeeded += 1
        let all = model.transform(matrix)
        for index in all.storage.indices {
            let value = all.storage[index]
            #expect(value.isFinite && (0...1).contains(value), "\(spec): transformed cell \(index) = \(value)")
            if !matrix.storage[index].isNaN { #expect(value == matrix.storage[index], "\(spec)") }
        }
        #expect(allFinite(pca.transform(all).storage), "\(spec): non-finite scores on held-out rows")
        // Applying the fit to its own rows keeps them finite and in range as well.
        #expect(allFractions(model.transform(matrix.selectingRows(rows)).storage), "\(spec)")
    }
}
