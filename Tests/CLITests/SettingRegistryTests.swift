import Foundation
import ObsScale
import Testing
import _TestSupport

@testable import obsscale

/// The registry of settings is the sources themselves: every `static let NAME = Setting(…)` a
/// layer declares is read from `Sources/`, so a new setting cannot be forgotten. Each must have a
/// flag (`FlagNames.flags`) or a name in `FlagNames.fixed`, and no entry there may name a setting
/// that no longer exists — so no message the command line prints speaks Swift.
struct SettingRegistryTests {
    /// `Owner.name` of every declared setting, by its Swift name (e.g. `pcaComponentCount`).
    static func declaredSettings() throws -> [String: String] {
        let sources = TestPaths.root.appendingPathComponent("Sources")
        guard let files = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil) else { return [:] }
        let pattern = try NSRegularExpression(
            pattern: #"static let (\w+) = Setting\((?:owner: "([^"]+)", name: "([^"]+)"|(\w+)\.self, "([^"]+)")\)"#)
        var declared: [String: String] = [:]
        for case let file as URL in files where file.pathExtension == "swift" {
            let text = try String(contentsOf: file, encoding: .utf8)
            for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                func group(_ index: Int) -> String? { Range(match.range(at: index), in: text).map { String(text[$0]) } }
                guard let name = group(1), let owner = group(2) ?? group(4), let property = group(3) ?? group(5) else { continue }
                declared[name] = "\(owner).\(property)"
            }
        }
        return declared
    }

    @Test func everyDeclaredSettingHasAFlagOrAName() throws {
        let declared = try Self.declaredSettings()
        #expect(declared.count >= 100, "the scan found \(declared.count) settings: has the declaration syntax changed?")
        let named = Set(FlagNames.flags.keys.map(\.description)).union(FlagNames.fixed.keys.map(\.description))
        for (name, setting) in declared.sorted(by: { $0.key < $1.key }) {
            #expect(named.contains(setting), "Setting.\(name) (\(setting)) has no flag in FlagNames.flags and no name in FlagNames.fixed")
        }
        let existing = Set(declared.values)
        for setting in named.sorted() { #expect(existing.contains(setting), "FlagNames names \(setting), which no layer declares") }
        #expect(Set(FlagNames.flags.keys).isDisjoint(with: FlagNames.fixed.keys))
    }

    @Test func aFixedSettingReadsAsItsName() {
        #expect(
            FitError.invalidSetting(.imputerMaxIterations, value: "0", allowed: "≥ 1").message(naming: { FlagNames.flag(for: $0) })
                == "the imputation's iteration limit (1000): 0 is not allowed (allowed: ≥ 1)")
    }
}
