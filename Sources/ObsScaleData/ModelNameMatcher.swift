/// Finds the panel model a downstream row names when the spellings differ: exactly, else
/// ignoring letter case, else by the name after an `org/` prefix that only one side has
/// (`Llama-2-7b-hf` ↔ `meta-llama/Llama-2-7b-hf`). A looser rule applies only when exactly one
/// panel model fits it; two different organisations never match (`a/x` is not `b/x`).
///
/// Built in O(models); each lookup is O(name length).
struct ModelNameMatcher {
    /// How a name matched.
    enum Match: Hashable {
        case exact, letterCase, withoutOrg
    }

    enum Result: Equatable {
        case found(Int, Match)
        /// Several panel models fit equally (their indices): the row is left out.
        case several([Int])
        case none
    }

    private var exact: [String: Int] = [:]
    /// Lower-cased names → panel indices.
    private var folded: [String: [Int]] = [:]
    /// For names with an `org/` prefix: the lower-cased part after the first `/` → panel indices.
    private var foldedWithoutOrg: [String: [Int]] = [:]
    /// Panel indices whose names have no `/`.
    private var withoutSlash = Set<Int>()

    init(names: [String]) {
        for (index, name) in names.enumerated() {
            exact[name] = index
            let lower = name.lowercased()
            folded[lower, default: []].append(index)
            if let slash = lower.firstIndex(of: "/") {
                foldedWithoutOrg[String(lower[lower.index(after: slash)...]), default: []].append(index)
            } else {
                withoutSlash.insert(index)
            }
        }
    }

    func match(_ name: String) -> Result {
        if let index = exact[name] { return .found(index, .exact) }
        let lower = name.lowercased()
        if let candidates = folded[lower] { return candidates.count == 1 ? .found(candidates[0], .letterCase) : .several(candidates) }
        let candidates: [Int]
        if let slash = lower.firstIndex(of: "/") {
            candidates = (folded[String(lower[lower.index(after: slash)...])] ?? []).filter(withoutSlash.contains)
        } else {
            candidates = foldedWithoutOrg[lower] ?? []
        }
        switch candidates.count {
        case 0: return .none
        case 1: return .found(candidates[0], .withoutOrg)
        default: return .several(candidates)
        }
    }
}
