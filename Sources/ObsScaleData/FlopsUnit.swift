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

    /// The value in units of 1E21 FLOPs.
    public static func parse(_ text: String) throws -> Double {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let lower = trimmed.lowercased()
        var number = trimmed
        var scale: Double?
        for (suffix, factor) in [("zflops", 1.0), ("zflop", 1.0), ("flops", 1e-21), ("flop", 1e-21)] where lower.hasSuffix(suffix) {
            number = String(trimmed.dropLast(suffix.count)).trimmingCharacters(in: .whitespaces)
            scale = factor
            break
        }
        guard let value = Double(number), value.isFinite, value > 0 else {
            throw DataError.implausibleUnit(
                what: "FLOPs '\(text)'", value: Double(number) ?? .nan, unit: "units of 1E21 FLOPs",
                likely: "a positive number such as 84 (×1E21), 84zFLOP or 8.4e22FLOPs")
        }
        if let scale { return try checked(value * scale, typed: text) }
        if value >= rawThreshold { return try checked(value * 1e-21, typed: text) }
        return try checked(value, typed: text)
    }

    static func checked(_ value: Double, typed: String) throws -> Double {
        if value > largestPlausible {
            throw DataError.implausibleUnit(
                what: "FLOPs '\(typed)'", value: value, unit: "units of 1E21 FLOPs",
                likely: String(format: "%.6g", value / 1e21) + " (if '\(typed)' is a raw count of FLOPs, write it as \(typed)FLOPs)")
        }
        if value < smallestPlausible {
            throw DataError.implausibleUnit(
                what: "FLOPs '\(typed)'", value: value, unit: "units of 1E21 FLOPs",
                likely: String(format: "%.6g", value * 1e21) + " (the unit is 1E21 FLOPs: Llama-2-7B is 84)")
        }
        return value
    }
}
