import Foundation
import ObsScaleData
import ObsScaleFit

/// `obsscale predict`'s options.
public struct PredictOptions: Codable, Equatable, Sendable {
    public var query: PanelQuery
    public var lawPath: String
    /// The score intervals asked for (absent in older reports: the law's own).
    public var interval: IntervalKind?
    /// FLOPs (×1E21) of the `--at-flops` forecasts (absent: none).
    public var atFlops: [Double]?

    public init(query: PanelQuery, lawPath: String, interval: IntervalKind? = nil, atFlops: [Double]? = nil) {
        self.query = query
        self.lawPath = lawPath
        self.interval = interval
        self.atFlops = atFlops
    }
}

/// `obsscale predict`'s report (`document`): the saved law, its intervals, the forecasts and a
/// prediction per model, scored against the results that arrived.
public enum PredictReport {
    public static func document(_ result: SavedLaw.Result, panelDescription: String, lawPath: String) -> ReportDocument {
        let saved = result.law
        var document = ReportDocument(
            title: "Predictions of the saved law \(lawPath) (target '\(saved.law.target)', written by \(saved.tool)) for \(panelDescription)")
        document.line("Law: \(saved.law.formula)")
        let scale = TargetScale(saved.law.settings.targetRange)
        if let sentence = scale.sentence { document.line(SettingText(sentence)) }
        let replicates = saved.replicateParameters?.count ?? 0
        let level = saved.bootstrap.map { Format.percent($0.level) } ?? ""
        if replicates > 0 {
            document.line(
                "Intervals: \(level) percentiles over \(replicates) saved bootstrap replicate laws "
                    + "(score intervals add a residual from \(saved.residuals?.count ?? 0) saved residuals)")
            let intervals = FitReport.describeIntervals(
                result.interval == .calibrated ? saved.calibration : nil, level: saved.bootstrap?.level ?? 0.95)
            let unsaved = saved.calibration == nil ? " (the law was saved in format \(saved.formatVersion), without a calibration)" : ""
            document.line("Score intervals: \(intervals)\(unsaved)")
        } else {
            document.line("Intervals: none (the law was saved without \(Setting.fitBootstrapReplicateCount))")
        }
        if let imputed = result.imputed {
            let parts = imputed.map { column in
                let more = column.modelCount > column.firstModels.count ? ", …" : ""
                let models = column.modelCount == 1 ? "1 model" : "\(column.modelCount) models"
                return "\(column.benchmark) for \(models) (\(column.firstModels.joined(separator: ", "))\(more))"
            }
            document.line("Imputed by the law's imputer (no score in the file): \(parts.joined(separator: "; "))")
        }
        document.gap()
        if let forecasts = result.forecasts, let line = saved.equivalentFlops {
            let withIntervals = forecasts.contains { $0.interval != nil }
            document.line(
                "Forecast for a \(line.referenceFamily) model trained with C FLOPs"
                    + (!withIntervals && replicates > 0
                        ? " (no intervals: the law was saved in format \(saved.formatVersion), without the reference family's points)" : "")
                    + ":")
            var forecastTable = TextTable(
                header: ["FLOPs(1E21)", "predicted"] + (withIntervals ? ["curve \(level)", "score \(level)"] : []))
            for forecast in forecasts {
                var row = [Format.significant(forecast.flops), scale.text(forecast.predicted)]
                if withIntervals { row += [forecast.interval.map(scale.text) ?? "—", forecast.predictionInterval.map(scale.text) ?? "—"] }
                forecastTable.append(row)
            }
            document.table(forecastTable)
            document.gap()
        }
        var table = TextTable(
            header: ["model", "family", "FLOPs(1E21)", "equiv FLOPs", "predicted"] + (replicates > 0 ? ["curve \(level)", "score \(level)"] : [])
                + ["observed"],
            alignments: [.left, .left, .right, .right, .right, .right, .right, .right])
        for p in result.predictions {
            var row = [
                p.model, p.family, Format.significant(p.flops), Format.significant(p.equivalentLog10Flops.map { pow(10, $0) }),
                scale.text(p.predicted),
            ]
            if replicates > 0 { row += [p.interval.map(scale.text) ?? "—", p.predictionInterval.map(scale.text) ?? "—"] }
            row.append(scale.text(p.observed))
            table.append(row)
        }
        document.table(table)
        if let scoring = result.scoring {
            document.gap()
            var sentence =
                "Against the \(Plural.count(scoring.metrics.count, "result")) that arrived: MSE \(Format.fixed(scoring.metrics.mse, 5)), "
                + "MAE \(Format.fixed(scoring.metrics.mae, 4))"
            if let coverage = scoring.coverage, let level = scoring.level {
                sentence += ", \(Format.percent(coverage)) inside their \(Format.percent(level)) score interval"
            }
            document.line(SettingText(sentence))
        }
        return document
    }
}
