import Foundation

/// Which models of a panel to keep. Applied in the order: families,
/// excluded families, excluded models, maximum size, incomplete benchmarks.
public struct ModelFilter: Codable, Equatable, Sendable {
    /// Keep only these families (nil: all).
    public var families: [String]?
    /// Drop these families.
    public var excludeFamilies: [String] = []
    /// Drop these models.
    public var excludeModels: [String] = []
    /// Drop models larger than this many billion parameters (models of unknown size are dropped too).
    public var maxSizeB: Double?
    /// Drop models with a missing score in any of these benchmark columns (nil: keep all).
    public var dropIncompleteOn: [String]?

    public init(
        families: [String]? = nil, excludeFamilies: [String] = [], excludeModels: [String] = [],
        maxSizeB: Double? = nil, dropIncompleteOn: [String]? = nil
    ) {
        self.families = families
        self.excludeFamilies = excludeFamilies
        self.excludeModels = excludeModels
        self.maxSizeB = maxSizeB
        self.dropIncompleteOn = dropIncompleteOn
    }

    /// True when the filter keeps every model.
    public var isEmpty: Bool {
        families == nil && excludeFamilies.isEmpty && excludeModels.isEmpty && maxSizeB == nil && dropIncompleteOn == nil
    }

    /// Combines two filters (both must keep a model).
    public func merged(with other: ModelFilter) -> ModelFilter {
        var result = self
        if let families = other.families {
            result.families = self.families.map { mine in mine.filter(families.contains) } ?? families
        }
        result.excludeFamilies += other.excludeFamilies
        result.excludeModels += other.excludeModels
        if let size = other.maxSizeB { result.maxSizeB = min(size, maxSizeB ?? size) }
        if let columns = other.dropIncompleteOn { result.dropIncompleteOn = (dropIncompleteOn ?? []) + columns }
        return result
    }

    /// The indices of the models this filter keeps, in panel order.
    ///
    /// - Parameters:
    ///   - panel: the panel to filter.
    ///   - strict: when true, every named family must exist in the panel (`DataError.unknownFamily`
    ///     with suggestions otherwise).
    ///   - excludedModelsStrict: when true, every excluded model must exist (`DataError.unknownModel`);
    ///     presets pass false so they work on older panel releases.
    /// - Throws: `DataError.emptyResult` when nothing is left.
    public func keptIndices(in panel: Panel, strict: Bool = true, excludedModelsStrict: Bool = true) throws -> [Int] {
        let knownFamilies = panel.familyNames
        for name in (families ?? []) + excludeFamilies where !knownFamilies.contains(name) && strict {
            throw DataError.unknownFamily(name: name, suggestions: Suggestions.closeMatches(to: name, in: knownFamilies))
        }
        let knownModels = Set(panel.modelNames)
        for name in excludeModels where !knownModels.contains(name) && excludedModelsStrict {
            throw DataError.unknownModel(name: name, suggestions: Suggestions.closeMatches(to: name, in: panel.modelNames))
        }
        if let maxSizeB, !(maxSizeB > 0 && maxSizeB.isFinite) {
            throw DataError.invalidSetting(.modelFilterMaxSize, value: "\(maxSizeB)", allowed: "a finite number of billions > 0")
        }
        let incompleteColumns = try (dropIncompleteOn ?? []).map { try panel.values(of: $0) }
        let excluded = Set(excludeModels)
        let kept = panel.models.indices.filter { index in
            let model = panel.models[index]
            if let families, !families.contains(model.family) { return false }
            if excludeFamilies.contains(model.family) || excluded.contains(model.name) { return false }
            if let maxSizeB {
                guard let size = model.parametersB, size <= maxSizeB else { return false }
            }
            return !incompleteColumns.contains { $0[index].isNaN }
        }
        if kept.isEmpty { throw DataError.emptyResult(what: "the model filters (\(summary)) leave an empty panel") }
        return kept
    }

    /// A one-line description for messages and reports.
    public var summary: String {
        var parts: [String] = []
        if let families { parts.append("families: \(families.joined(separator: ", "))") }
        if !excludeFamilies.isEmpty { parts.append("excluding families: \(excludeFamilies.joined(separator: ", "))") }
        if !excludeModels.isEmpty { parts.append("excluding \(Plural.count(excludeModels.count, "model"))") }
        if let maxSizeB { parts.append("size ≤ \(maxSizeB)B") }
        if let columns = dropIncompleteOn { parts.append("complete on \(columns.joined(separator: ", "))") }
        return parts.isEmpty ? "none" : parts.joined(separator: "; ")
    }
}
