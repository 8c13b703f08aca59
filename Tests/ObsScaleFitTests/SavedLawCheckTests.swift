import Foundation
import ObsScale
import Testing
import _TestSupport

/// A saved law is input: every field `predict` relies on is checked when it is loaded, so an edited
/// or damaged file is refused with the field named (exit 64 on the command line) — never a trap,
/// an out-of-bounds read or a silently wrong interval.
struct SavedLawCheckTests {
    /// A law with a bootstrap and a calibration (the shipped lines), saved as obsscale writes it.
    static let savedData: Data = (try? makeSavedLaw()) ?? Data()

    static func makeSavedLaw() throws -> Data {
        var (panel, fit, bootstrap) = try SavedLawTests.fit()
        let laws = try bootstrap.replicateLaws(fit, panel: panel, threadCount: 1)
        let train = fit.predictions.indices.filter { fit.predictions[$0].role == .train }
        let features = IntervalFeatureModel(
            regression: fit.law.regression, trainScores: Matrix(rows: train.map { fit.predictions[$0].capabilities }),
            targets: train.map { fit.predictions[$0].observed ?? .nan }, penalty: nil)
        fit.calibration = IntervalCalibration(
            lines: [IntervalCalibration.shippedLines(at: bootstrap.level)], features: features, source: .shipped(reason: "test"))
        return try SavedLaw(fit: fit, tool: "test", bootstrap: bootstrap, replicateParameters: laws.parameters, residuals: laws.residuals)
            .encoded()
    }

    /// The saved law as a JSON tree to edit.
    static var savedTree: [String: Any] { (try? loadJSON(data: savedData)) ?? [:] }

    /// `tree` with the value at `path` (keys; integers index arrays) replaced by `change(old)`.
    static func edited(_ tree: Any, _ path: ArraySlice<String>, _ change: (Any?) -> Any?) -> Any? {
        guard let key = path.first else { return change(tree) }
        if var object = tree as? [String: Any] {
            object[key] = edited(object[key] as Any, path.dropFirst(), change)
            return object
        }
        if var array = tree as? [Any], let index = Int(key), array.indices.contains(index) {
            if let value = edited(array[index], path.dropFirst(), change) { array[index] = value } else { array.remove(at: index) }
            return array
        }
        return tree
    }

    static func shortened(_ value: Any?) -> Any? { (value as? [Any]).map { Array($0.dropLast()) } }

    /// Each edit and the field its error must name.
    static let edits: [(name: String, path: String, change: @Sendable (Any?) -> Any?, field: String)] = [
        ("level 5", "bootstrap.level", { _ in 5 }, "bootstrap.level"),
        ("level -1", "bootstrap.level", { _ in -1 }, "bootstrap.level"),
        ("no beta", "law.regression.beta", { _ in [Double]() }, "law.regression.beta"),
        ("one beta", "law.regression.beta", { _ in [0.5] }, "law.regression.beta"),
        ("ten betas", "law.regression.beta", { _ in [Double](repeating: 0.5, count: 10) }, "law.regression.beta"),
        ("benchmarks cut short", "law.benchmarkNames", shortened, "law.imputer.means"),
        ("no imputer means", "law.imputer.means", { _ in [Double]() }, "law.imputer.means"),
        ("0 components", "law.pca.settings.componentCount", { _ in 0 }, "law.pca.settings.componentCount"),
        ("50 components", "law.pca.settings.componentCount", { _ in 50 }, "law.pca.settings.componentCount"),
        ("-1 components", "law.pca.settings.componentCount", { _ in -1 }, "law.pca.settings.componentCount"),
        ("PCA mean cut short", "law.pca.mean", shortened, "law.pca.mean"),
        ("PCA components cut short", "law.pca.allComponents.storage", shortened, "law.pca.allComponents"),
        ("floor 5", "law.regression.floor", { _ in 5 }, "law.regression.floor"),
        ("huge coefficient", "law.regression.alpha", { _ in 1e308 }, "law.regression.alpha"),
        ("huge replicate", "replicateParameters.0.1", { _ in -1e308 }, "replicateParameters[0]"),
        ("short replicate", "replicateParameters.3", shortened, "replicateParameters[3]"),
        ("non-finite residual", "residuals.0", { _ in "NaN" }, "residuals[0]"),
        ("format 0", "formatVersion", { _ in 0 }, "formatVersion"),
        ("format -5", "formatVersion", { _ in -5 }, "formatVersion"),
        ("target is a benchmark", "law.target", { _ in "MMLU" }, "law.target"),
        ("zero scale", "law.pca.scales.0", { _ in 0 }, "law.pca.scales[0]"),
        ("inverted target range", "law.settings.targetRange", { _ in [1, 0] }, "targetRange"),
        ("negative calibration coefficient", "calibration.lines.0.upper.1", { _ in -2 }, "calibration.lines[0].upper"),
        ("short calibration line", "calibration.lines.0.lower", shortened, "calibration.lines[0].lower"),
        ("calibration level 1", "calibration.lines.0.level", { _ in 1 }, "calibration.lines[0].level"),
        ("record coverage 2", "calibration.lines.0.recordCoverage", { _ in 2 }, "calibration.lines[0].recordCoverage"),
        ("zero PC-1 spread", "calibration.features.trainingSpread", { _ in 0 }, "calibration.features.trainingSpread"),
        ("short covariance", "calibration.features.covariance.storage", shortened, "calibration.features.covariance"),
    ]

    @Test func theUneditedLawLoads() throws {
        let data = try JSONSerialization.data(withJSONObject: Self.savedTree)
        let path = TestPaths.write(String(decoding: data, as: UTF8.self), name: "law.json")
        let law = try SavedLaw.load(path: path)
        #expect(law.replicateParameters?.isEmpty == false && law.residuals?.isEmpty == false)
    }

    @Test(arguments: edits.indices) func anEditedFieldIsRefusedByName(index: Int) throws {
        let edit = Self.edits[index]
        let path = edit.path.split(separator: ".").map(String.init)
        let tree = try #require(Self.edited(Self.savedTree, path[...], edit.change))
        let data = try JSONSerialization.data(withJSONObject: tree, options: .sortedKeys)
        #expect(data != (try JSONSerialization.data(withJSONObject: Self.savedTree, options: .sortedKeys)), "\(edit.name): the edit changed nothing")
        let file = TestPaths.write(String(decoding: data, as: UTF8.self), name: "law.json")
        let message = errorMessage { _ = try SavedLaw.load(path: file) }
        #expect(message.contains(edit.field), "\(edit.name): \(message)")
        #expect(message.contains("law.json"), "\(edit.name): the file is named: \(message)")
    }

    /// One non-finite convention for every file obsscale writes ("NaN", "Infinity"): a law whose
    /// diagnostics hold NaN (as an unusable cross-validation fold leaves) is written and loads
    /// back; a format-1 law written with the earlier "nan" spelling still loads.
    @Test func nonFiniteDiagnosticsRoundTrip() throws {
        let withNaN = try #require(Self.edited(Self.savedTree, ["law", "regression", "loss"], { _ in JSONCoding.nan }))
        let saved = try JSONCoding.decoder().decode(SavedLaw.self, from: JSONSerialization.data(withJSONObject: withNaN))
        #expect(saved.law.regression.loss.isNaN)
        let data = try saved.encoded()
        #expect(String(decoding: data, as: UTF8.self).contains("\"loss\" : \"NaN\""))
        let path = TestPaths.write(String(decoding: data, as: UTF8.self), name: "law.json")
        #expect(try SavedLaw.load(path: path).law.regression.loss.isNaN)
        let legacy = try #require(Self.edited(Self.savedTree, ["law", "regression", "loss"], { _ in "nan" }))
        let legacyPath = TestPaths.write(String(decoding: try JSONSerialization.data(withJSONObject: legacy), as: UTF8.self), name: "v1.json")
        #expect(try SavedLaw.load(path: legacyPath).law.regression.loss.isNaN)
    }
}
