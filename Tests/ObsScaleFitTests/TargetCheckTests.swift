import Foundation
import ObsScale
import Testing
import _TestSupport

/// A law never predicts its target from itself: the target, or a column measuring the same
/// (another scale, a raw/normalized twin), among the capability columns is refused; the public
/// prior and `validate --target all` leave capability columns out; a model without any
/// capability score is refused, never imputed to the mean capability.
struct TargetCheckTests {
    /// 30 models in 5 families: MMLU, ARC-C and GSM8K follow one capability; `my_eval` is a
    /// different task; `MMLU (%)` is MMLU in percent; `IFEval` and `IFEval Raw` are one metric.
    static func panel() -> Panel {
        var random = Xoshiro256StarStar(seed: 3)
        var columns: [String: [Double]] = [:]
        var models: [ModelInfo] = []
        for i in 0..<30 {
            let s = Double(i % 6) / 5
            models.append(
                ModelInfo(name: "m\(i)", family: "F\(i / 6)", parametersB: 1 + Double(i), tokensT: 1, flops: 6 + 6 * Double(i), source: "test"))
            let mmlu = 0.25 + 0.5 * s + 0.02 * random.nextNormal()
            columns["MMLU", default: []].append(mmlu)
            columns["ARC-C", default: []].append(0.3 + 0.4 * s + 0.02 * random.nextNormal())
            columns["GSM8K", default: []].append(0.05 + 0.6 * s * s + 0.02 * random.nextNormal())
            columns["my_eval", default: []].append(1 / (1 + exp(-(4 * s - 2))) + 0.03 * random.nextNormal())
            columns["MMLU (%)", default: []].append(100 * mmlu)
            let ifeval = 0.2 + 0.5 * s + 0.03 * random.nextNormal()
            columns["IFEval Raw", default: []].append(ifeval)
            columns["IFEval", default: []].append((ifeval - 0.1) / 0.9)
        }
        return Panel(
            models: models, columns: columns, benchmarkNames: ["MMLU", "ARC-C", "GSM8K"],
            metricNames: ["my_eval", "MMLU (%)", "IFEval Raw", "IFEval"], sources: ["test"])
    }

    static let split = Split(train: Array(0..<24), test: Array(24..<30))

    @Test func theTargetOrItsTwinAmongTheCapabilitiesIsRefused() throws {
        let panel = Self.panel()
        var law = ScalingLaw(benchmarks: ["MMLU", "ARC-C", "my_eval"])
        #expect(
            errorMessage { _ = try law.fit(panel: panel, target: "my_eval", split: Self.split) }
                == "target 'my_eval' is itself among the capability columns (PCAImputer.fit.columnNames): the law would predict the target "
                + "from itself; leave 'my_eval' out of the capability columns")
        law.benchmarks = ["MMLU", "ARC-C", "IFEval Raw"]
        #expect(
            errorMessage { _ = try law.fit(panel: panel, target: "IFEval", split: Self.split) }.hasPrefix(
                "target 'IFEval' measures the same as the capability column 'IFEval Raw'"))
        law.benchmarks = nil
        law.targetRange = 0...100
        #expect(
            errorMessage { _ = try law.fit(panel: panel, target: "MMLU (%)", split: Self.split) }.hasPrefix(
                "target 'MMLU (%)' measures the same as the capability column 'MMLU'"))
        // A different task, however well predicted, is a target.
        law.targetRange = nil
        #expect(try law.fit(panel: panel, target: "my_eval", split: Self.split).testMetrics.count == 6)
        #expect(panel.capabilityColumn(sameMetricAs: "my_eval", among: panel.benchmarkNames) == nil)
        #expect(panel.capabilityColumn(sameMetricAs: "gsm8k_acc", among: panel.benchmarkNames) == "GSM8K")
    }

    @Test func capabilityColumnsAreNoPublicMetrics() throws {
        let panel = Self.panel()
        let law = ScalingLaw(benchmarks: ["MMLU", "ARC-C", "IFEval Raw"])
        let metrics = try Panel(
            models: panel.models,
            columns: panel.columns.merging(["a_acc": panel.values(of: "my_eval"), "b_acc": panel.values(of: "GSM8K")]) { a, _ in a },
            benchmarkNames: panel.benchmarkNames, metricNames: ["a_acc", "b_acc", "IFEval Raw"], sources: ["test"])
        #expect(metrics.accuracyMetricNames == ["a_acc", "b_acc"])
        #expect(law.publicMetrics(metrics) == ["a_acc", "b_acc"])
        #expect(ScalingLaw(benchmarks: ["MMLU", "b_acc"]).publicMetrics(metrics) == ["a_acc"])
    }

    @Test func aModelWithoutAnyScoreIsRefusedForTrainingAndPrediction() throws {
        var panel = Self.panel()
        var columns = panel.columns
        for name in panel.benchmarkNames { columns[name]?[4] = .nan }
        panel = Panel(models: panel.models, columns: columns, benchmarkNames: panel.benchmarkNames, metricNames: panel.metricNames, sources: ["test"])
        let message =
            "model 'm4' (test) has no score in any capability column (MMLU, ARC-C, GSM8K): it has no place in capability space; "
            + "drop it (Panel.droppingUnscoredModels) or add its scores"
        #expect(errorMessage { _ = try ScalingLaw().fit(panel: panel, target: "my_eval", split: Self.split) } == message)
        let kept = try panel.droppingUnscoredModels(columns: panel.benchmarkNames)
        #expect(kept.count == 29 && !kept.modelNames.contains("m4"))
        #expect(kept.notes == ["left out 1 model without a score in any capability column (MMLU, ARC-C, GSM8K): 'm4'"])
        let fit = try ScalingLaw().fit(panel: kept, target: "my_eval", split: try Split(panel: kept, rule: .holdout(["m29"])))
        let saved = SavedLaw(fit: fit, tool: "test")
        #expect(errorMessage { _ = try saved.predict(panel: panel) } == message)
        #expect(try saved.predict(panel: kept).predictions.count == 29)
    }
}
