import Foundation
import ObsScaleData
import ObsScaleFit

/// Text rendering of `obsscale fit`.
public enum FitReport {
    public static func render(_ fit: ScalingLawFit, panelDescription: String, splitDescription: String, atFlops: [Double] = []) -> String {
        let law = fit.law
        let regression = law.regression
        var text = "Observational scaling law for '\(law.target)' on \(panelDescription)\n"
        text += "Split: \(splitDescription); train \(fit.trainMetrics.count) models, test \(fit.testMetrics.count) models\n"
        text += "Capabilities: \(law.pca.settings.componentCount) PCs of \(law.benchmarkNames.joined(separator: ", ")) "
        let poolIsPanel = law.poolRows?.count == fit.predictions.count
        let fittedOn =
            law.settings.pcaOn == .train
            ? "the training models" : law.settings.pcaOn == .pool && !poolIsPanel ? "every training-side model" : "every panel model"
        text += "(imputation and PCA fitted on \(fittedOn); "
        text +=
            "PC variance " + (0..<law.pca.settings.componentCount).map { Format.percent(law.pca.explainedVarianceRatio[$0]) }.joined(separator: ", ")
            + ")\n"
        let degenerate = law.pca.degenerateComponents
        if !degenerate.isEmpty {
            text += "Note: " + degenerate.map { "PC-\($0 + 1)" }.joined(separator: ", ")
            text += " without variance (collinear or constant benchmarks): scores 0, weight 0\n"
        }
        let scale = TargetScale(law.settings.targetRange)
        if let sentence = scale.sentence { text += sentence + "\n" }
        text += "Fitted law (\(law.settings.regression.link.rawValue), \(law.settings.regression.loss)):\n  \(law.formula)\n"
        text += "  solver: \(regression.termination.rawValue) after \(regression.iterations) iterations, "
        text += "\(Plural.count(regression.startsTried, "start")), loss \(Format.significant(regression.loss, 10))\n"
        if let choice = law.choice { text += render(choice, source: law.settings.prior) }
        for line in membersSummary(law) { text += line + "\n" }
        text += "\n"
        let bootstrap = fit.bootstrap
        let levelName = bootstrap.map { Format.percent($0.settings.level) } ?? ""
        if let bootstrap {
            let settings = bootstrap.settings
            text += "Bootstrap: \(settings.replicateCount) replicates resampling \(settings.resampling.rawValue), "
            text += settings.refitPCA ? "imputation and PCA refitted in each" : "capabilities fixed"
            text += ", seed \(settings.seed); \(levelName) percentile intervals of the fitted curve "
            text += "and of a model's score (curve + leave-one-family-out residual)\n"
            text += "Score intervals: " + describeIntervals(fit.calibration, level: settings.level) + "\n"
            if bootstrap.failures.count > 0 {
                text += "  \(Plural.count(bootstrap.failures.count, "replicate")) failed and are left out: "
                text += bootstrap.failures.reasons.sorted { $0.key < $1.key }.map { "\($0.value)× \($0.key)" }.joined(separator: "; ") + "\n"
            }
            text += "\n"
        }
        var metrics = TextTable(header: ["set", "models", "MSE", "MAE", "R²"] + (bootstrap?.testMSE == nil ? [] : ["MSE \(levelName) interval"]))
        for (name, m) in [("train", fit.trainMetrics), ("test", fit.testMetrics)] {
            var row = [name, "\(m.count)", Format.fixed(m.mse, 5), Format.fixed(m.mae, 4), Format.fixed(m.r2, 3)]
            if let mse = bootstrap?.testMSE { row.append(name == "test" ? interval(mse, 5) : "") }
            metrics.append(row)
        }
        text += metrics.render()
        if let reference = fit.equivalentFlops {
            text += "\nEquivalent FLOPs: P = \(Format.significant(reference.slope))·log10(C) "
            text += (reference.intercept < 0 ? "- " : "+ ") + "\(Format.significant(abs(reference.intercept))) "
            text += "on \(reference.referenceFamily) (\(reference.referenceModels.count) models)\n"
        } else {
            text += "\nEquivalent FLOPs: unavailable (reference family '\(law.settings.referenceFamily)' needs ≥ 2 models with FLOPs)\n"
        }
        text += "\nBenchmark weights βᵀγ (contribution of one score unit to α + βᵀS):\n"
        var weights = TextTable(header: ["benchmark", "weight"])
        for name in law.benchmarkNames { weights.append([name, Format.fixed(fit.benchmarkWeights[name], 3)]) }
        text += weights.render()
        if !atFlops.isEmpty, let reference = fit.equivalentFlops {
            text += "\nPredicted for a \(reference.referenceFamily) model trained with C FLOPs:\n"
            var table = TextTable(header: ["FLOPs(1E21)", "predicted"] + (bootstrap == nil ? [] : ["curve \(levelName)", "score \(levelName)"]))
            for (index, flops) in atFlops.enumerated() {
                if let bootstrap, index < bootstrap.atFlops.count {
                    let value = bootstrap.atFlops[index].interval
                    table.append([
                        Format.significant(flops), scale.text(value.estimate), scale.text(value),
                        scale.text(bootstrap.atFlops[index].predictionInterval),
                    ])
                } else {
                    table.append([Format.significant(flops), scale.text(fit.predicted(atFlops: flops))])
                }
            }
            text += table.render()
        }
        for role in [ModelPrediction.Role.unlabeled, .test, .train] {
            let rows = fit.predictions.indices.filter { fit.predictions[$0].role == role }
            guard !rows.isEmpty else { continue }
            text += "\n\(title(role)) (\(rows.count)):\n"
            var table = TextTable(
                header: ["model", "family", "FLOPs(1E21)", "equiv FLOPs", "observed", "predicted", "residual"]
                    + (bootstrap == nil ? [] : ["curve \(levelName)", "score \(levelName)"]),
                alignments: [.left, .left, .right, .right, .right, .right, .right, .right, .right])
            let ordered = rows.sorted { a, b in
                let pa = fit.predictions[a], pb = fit.predictions[b]
                return (pa.flops ?? .infinity, pa.model) < (pb.flops ?? .infinity, pb.model)
            }
            for index in ordered {
                let p = fit.predictions[index]
                var row = [
                    p.model, p.family, Format.significant(p.flops), Format.significant(p.equivalentLog10Flops.map { pow(10, $0) }),
                    scale.text(p.observed), scale.text(p.predicted), scale.differenceText(p.residual),
                ]
                if let bootstrap {
                    row += [scale.text(bootstrap.predictions[index].interval), scale.text(bootstrap.predictions[index].predictionInterval)]
                }
                table.append(row)
            }
            text += table.render()
        }
        return text
    }

    /// The split in a sentence: "train FLOPs ≤ 84.0×1E21, test above (and unknown FLOPs)".
    public static func describe(_ rule: SplitRule) -> String {
        switch rule {
        case .none: return "all models train (no held-out set)"
        case let .flopsCutoff(x): return "train FLOPs ≤ \(x)×1E21, test above (and unknown FLOPs)"
        case let .sizeCutoff(x): return "train size ≤ \(Format.significant(x))B parameters, test above (and unknown sizes)"
        case let .dateCutoff(day): return "train released on or before \(day), test later (and unknown dates)"
        case let .metricCutoff(column, x): return "train \(column) ≤ \(x)"
        case let .top(_, f): return f < 1 ? "test = top \(Format.percent(f)) by the target" : "test = top \(Int(f)) models by the target"
        case let .holdout(names): return names.count == 1 ? "1 named held-out model" : "\(names.count) named held-out models"
        case let .train(names): return names.count == 1 ? "train on 1 named model" : "train on \(names.count) named models"
        }
    }

    /// The heading of a predictions table: models without the target (a user's own, or not yet
    /// evaluated) first — they are what a user came for.
    static func title(_ role: ModelPrediction.Role) -> String {
        switch role {
        case .unlabeled: return "Predicted (no observed value)"
        case .test: return "Held-out models"
        case .train: return "Training models"
        }
    }

    /// What the score intervals are: calibrated (on what), or the bootstrap's. Shared by `fit` and
    /// `predict`.
    public static func describeIntervals(_ calibration: IntervalCalibration?, level: Double) -> String {
        guard let calibration, calibration.lines(at: level) != nil else {
            return "the bootstrap's, uncalibrated: they see the sampling noise of the law, not the error of extrapolating it to "
                + "larger models, and cover less than their level there"
        }
        switch calibration.source {
        case let .publicMetrics(metrics, records):
            let observed = calibration.lines(at: level)?.recordCoverage.map { "; \(Format.percent($0)) of them inside the lines" } ?? ""
            return "calibrated under extrapolation — quantile lines learned on the out-of-range errors of \(metrics) public metrics "
                + "of other tasks (\(records) predictions of the models this law predicts\(observed)), hulled with the bootstrap's"
        case let .shipped(reason):
            return "calibrated with obsscale's shipped quantile lines (learned on \(IntervalCalibration.shippedSource)), hulled with the "
                + "bootstrap's: \(reason)"
        }
    }

    /// "[0.1234, 0.2345]".
    static func interval(_ value: BootstrapInterval, _ digits: Int) -> String {
        "[\(Format.fixed(value.lower, digits)), \(Format.fixed(value.upper, digits))]"
    }

    /// The laws a law averaged over K is the mean of (`FittedScalingLaw.members`): one line each,
    /// with whether its prior was used; empty for a law of one K.
    public static func membersSummary(_ law: FittedScalingLaw) -> [String] {
        guard let members = law.members else {
            guard law.settings.isAveraged else { return [] }
            return [
                "K = \(law.pca.settings.componentCount), not averaged over K: the training models are (nearly) the whole pool (--components average averages a subset's law)"
            ]
        }
        var lines = ["The mean of the predictions of \(members.count) laws:"]
        for (member, regression) in zip(members, law.regression.members ?? []) {
            let prior =
                member.choice.map { choice in
                    choice.priorUsed ? "prior λ = \(Format.significant(choice.strength, 3))" : (choice.prior == nil ? "no prior" : "prior not used")
                } ?? "no prior"
            lines.append("  K = \(member.componentCount): \(FittedScalingLaw.formula(regression, link: law.settings.regression.link)) (\(prior))")
        }
        return lines
    }

    /// The cross-validated choice: the prior (its sources, center and scale), λ and K, whether the
    /// prior was used and why, and the cross-validation curve.
    static func render(_ choice: ModelSelection.Choice, source: PriorSource) -> String {
        var text = ""
        for line in choiceSummary(choice, source: source) {
            text += Format.wrapped(line, width: 110).replacingOccurrences(of: "\n", with: "\n    ") + "\n"
        }
        guard choice.curve.count > 1 else { return text }
        text += "Cross-validation over \(choice.foldCount) folds (mean held-out MSE of the training models):\n"
        var table = TextTable(header: choiceHeader)
        for row in choiceRows(choice) { table.append(row) }
        return text + table.render().split(separator: "\n").map { "  " + $0 }.joined(separator: "\n") + "\n"
    }

    /// One line each: the prior (when there is one), then the decision with its reason.
    static func choiceSummary(_ choice: ModelSelection.Choice, source: PriorSource) -> [String] {
        guard let prior = choice.prior else {
            var lines: [String] = []
            if case .publicMetrics = source {
                lines.append(
                    "Prior: none — the panel has fewer than \(PublicMetricFits.minimumSources) public metrics of other tasks to build one from "
                        + "(join downstream metric files to the panel); the plain fit")
            }
            if choice.curve.count > 1 { lines.append("Components chosen by cross-validation: K = \(choice.componentCount); \(choice.reason)") }
            return lines
        }
        let origin: String
        switch source {
        case .given: origin = "given (from a file)"
        default:
            let more = prior.sources.count > 2 ? " and \(prior.sources.count - 2) more" : ""
            origin =
                "the median law of \(prior.sources.count) public metrics of other tasks (\(prior.sources.prefix(2).joined(separator: "; "))\(more))"
        }
        let decision =
            choice.priorUsed
            ? "Prior used with strength λ = \(Format.significant(choice.strength, 3)) (K = \(choice.componentCount)): "
            : "Prior not used (K = \(choice.componentCount)): "
        return ["Prior: \(origin); center \(numbers(prior.mean)), scale \(numbers(prior.scale))", decision + choice.reason]
    }

    static let choiceHeader = ["K", "λ", "CV MSE", "std error"]

    static func choiceRows(_ choice: ModelSelection.Choice) -> [[String]] {
        choice.curve.map { point in
            let chosen = point.componentCount == choice.componentCount && point.strength == choice.strength
            return [
                "\(point.componentCount)", Format.significant(point.strength, 3) + (chosen ? " *" : ""),
                Format.significant(point.meanError, 4), Format.significant(point.standardError, 3),
            ]
        }
    }

    private static func numbers(_ values: [Double]) -> String { "(" + values.map { Format.significant($0, 3) }.joined(separator: ", ") + ")" }
}
