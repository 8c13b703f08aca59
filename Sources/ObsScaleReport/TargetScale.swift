import Foundation
import ObsScaleFit

/// How reports show a target's values: on the user's own scale. A law fitted with
/// `--target-range LOW,HIGH` regresses v = (y − LOW)/(HIGH − LOW); its observed and predicted
/// values, intervals and residuals are shown as y = LOW + (HIGH − LOW)·v (residuals scaled only),
/// with decimals that keep four significant figures of the range's width (0–100: 2 decimals;
/// 0–1: 4). Without a range, values are shown as fitted, with 4 decimals. Error metrics (MSE, MAE)
/// stay on the fitted scale, which the reports say.
public struct TargetScale: Sendable {
    public let range: ClosedRange<Double>?

    public init(_ range: ClosedRange<Double>?) { self.range = range }

    /// Decimals shown: 4 − round(log10(HIGH − LOW)), at least 0.
    public var digits: Int {
        guard let range else { return 4 }
        return max(0, 4 - Int(log10(range.upperBound - range.lowerBound).rounded()))
    }

    /// A fitted-scale value on the user's scale.
    public func value(_ fitted: Double) -> Double {
        guard let range else { return fitted }
        return range.lowerBound + (range.upperBound - range.lowerBound) * fitted
    }

    /// A value as text ("—" when missing or NaN).
    public func text(_ fitted: Double?) -> String { Format.fixed(fitted.map(value), digits) }

    /// A difference of two values (a residual) as text: scaled, not shifted.
    public func differenceText(_ fitted: Double?) -> String {
        Format.fixed(fitted.map { $0 * (range.map { $0.upperBound - $0.lowerBound } ?? 1) }, digits)
    }

    /// "[lower, upper]" on the user's scale.
    public func text(_ interval: BootstrapInterval) -> String { "[\(text(interval.lower)), \(text(interval.upper))]" }

    /// The sentence a report gives for a normalized target; nil without a range.
    public var sentence: String? {
        guard let range else { return nil }
        let low = Format.significant(range.lowerBound, 6), high = Format.significant(range.upperBound, 6)
        return "Target normalized for the fit: v = (y − \(low)) / (\(high) − \(low)); values and intervals are shown as y, on your scale, "
            + "MSE and MAE on the fitted scale v"
    }
}
