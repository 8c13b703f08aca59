import Foundation

/// Training compute as a user types it, in the panel's unit of 1E21 FLOPs.
///
/// A plain number is in units of 1E21 FLOPs (`84` is Llama-2-7B's 8.4E22 FLOPs). Explicit forms
/// are read in their own unit: `84zFLOP` / `84zFLOPs` (zetta = 1E21), `8.4e22FLOPs` (raw FLOPs),
/// and a plain number of at least 1E15 — no model has trained with 1E36 FLOPs, so it can only be
/// a raw count (`8.4e22`, `84e21`). A plain number between 1E9 and 1E15 (units of 1E21) is
/// neither plausible compute nor plausibly raw, and one below 1E-6 is smaller than any model;
/// both are errors that show the likely intended value.
public enum FlopsUnit {
    /// Above this, a plain number in units of 1E21 FLOPs is implausible (1E30 FLOPs).
    public static let largestPlausible = 1e9
    /// Below this, it is smaller than any language model (1E15 FLOPs).
    public static let smallestPlausible = 1e-6
    /// From here on, a plain number is read as raw FLOPs.
    public static let rawThreshold = 1e15

    /// The value in units of 1E21 FLOPs. Units are changed by moving the decimal exponent, not by
    /// multiplying, so the documented spellings are the same number exactly: `84`, `84zFLOP`,
    /// `8.4e22FLOPs` and `8.4e22` are all 84 (a multiplication by 1E-21 gives 83.99999999999999,
    /// which moves Llama-2-7B across `--cutoff-flops 84`). Only plain decimals are numbers (no
    /// hexadecimal, `nan` or `inf`).
    public static func parse(_ text: String) throws -> Double {
        let trimmed = TextInput.trimmed(text)
        let lower = trimmed.lowercased()
        var number = trimmed
        var unit: (suffix: String, exponentShift: Int)?
        for (suffix, shift) in [("zflops", 0), ("zflop", 0), ("flops", -21), ("flop", -21)] where lower.hasSuffix(suffix) {
            number = TextInput.trimmed(String(trimmed.dropLast(suffix.count)))
            unit = (suffix, shift)
            break
        }
        guard let decimal = Decimal(number), let value = decimal.value(shiftedBy: 0), value > 0 else {
            throw DataError.notANumber(
                what: "FLOPs", value: text, allowed: "a positive decimal number such as 84 (×1E21), 84zFLOP or 8.4e22FLOPs")
        }
        if let unit { return try checked(decimal.value(shiftedBy: unit.exponentShift) ?? .infinity, typed: text, hasUnit: true) }
        if value >= rawThreshold { return try checked(decimal.value(shiftedBy: -21) ?? .infinity, typed: text, hasUnit: false) }
        return try checked(value, typed: text, hasUnit: false)
    }

    /// A plain decimal as typed: digits with an optional sign, point and exponent.
    struct Decimal {
        let mantissa: Substring
        let exponent: Int

        init?(_ text: String) {
            let parts = text.split(separator: "e", maxSplits: 1, omittingEmptySubsequences: false)
                .flatMap { $0.split(separator: "E", maxSplits: 1, omittingEmptySubsequences: false) }
            guard (1...2).contains(parts.count) else { return nil }
            var digits = parts[0]
            if digits.first == "+" || digits.first == "-" { digits = digits.dropFirst() }
            guard digits.contains(where: { ("0"..."9").contains($0) }), digits.allSatisfy({ ("0"..."9").contains($0) || $0 == "." }),
                digits.filter({ $0 == "." }).count <= 1
            else { return nil }
            mantissa = parts[0]
            if parts.count == 2 {
                var exponentText = parts[1]
                if exponentText.first == "+" { exponentText = exponentText.dropFirst() }
                guard let exponent = Int(exponentText), abs(exponent) < 100_000 else { return nil }
                self.exponent = exponent
            } else {
                exponent = 0
            }
        }

        /// The number × 10^shift, correctly rounded once (nil: not finite).
        func value(shiftedBy shift: Int) -> Double? {
            Double("\(mantissa)e\(exponent + shift)").flatMap { $0.isFinite ? $0 : nil }
        }
    }

    static func checked(_ value: Double, typed: String, hasUnit: Bool) throws -> Double {
        if value > largestPlausible {
            throw DataError.implausibleUnit(
                what: "FLOPs '\(typed)'", value: value, unit: "units of 1E21 FLOPs",
                likely: hasUnit
                    ? "a compute of at most 1e30FLOPs (no model has trained with more)"
                    : String(format: "%.6g", value / 1e21) + " (if '\(typed)' is a raw count of FLOPs, write it as \(typed)FLOPs)")
        }
        if value < smallestPlausible {
            throw DataError.implausibleUnit(
                what: "FLOPs '\(typed)'", value: value, unit: "units of 1E21 FLOPs",
                likely: String(format: "%.6g", value * 1e21) + " (the unit is 1E21 FLOPs: Llama-2-7B is 84)")
        }
        return value
    }
}
