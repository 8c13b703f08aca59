// Property tests (x-sheep/swift-property-based): random panels — sizes, missing rates, constant
// and collinear benchmarks, duplicate rows, one family, one model per family, FLOPs known or not —
// through imputation + PCA, the scaling-law fit, its bootstrap and every selection method. Each
// case must end in a typed error or in finite, consistent output; budgets, constraints and
// determinism are checked on the way.
//
// Case counts are bounded (the suite runs in `make test` and CI in well under a minute, debug
// build); `OBSSCALE_PROPERTY_SCALE=N` multiplies them for longer local runs and
// `OBSSCALE_PROPERTY_TRACE=1` prints each case before it runs. Shrinking is off (it would rerun
// expensive cases for minutes); a failure prints the generated specs, from which
// `PanelSpec(...).makePanel()` rebuilds the exact panel, and the `.fixedSeed(...)` that replays it.

import Foundation
import ObsScale
import PropertyBased
import Testing

/// How the models of a random panel are grouped into families.
enum FamilyLayout: String, CaseIterable, Sendable {
    /// 2–8 families of several models each.
    case several
    /// Every model in one family.
    case one
    /// One model per family.
    case onePerModel
    /// Anything from 1 family to one per model.
    case random
}

/// Ways a random panel is made degenerate (a bit set, so the shrinker can drop them one by one).
struct Degeneracies: OptionSet, Sendable, CustomStringConvertible {
    let rawValue: Int
    /// One benchmark column holds the same score for every model.
    static let constantColumn = Degeneracies(rawValue: 1)
    /// One benchmark column is an exact affine function of another (0.5·x + 0.25).
    static let collinearColumns = Degeneracies(rawValue: 2)
    /// Some models have exactly the same scores (including missing cells) under different names.
    static let duplicateRows = Degeneracies(rawValue: 4)
    /// Allow a model with no observed score, or a benchmark column with none (typed errors expected).
    static let emptyLines = Degeneracies(rawValue: 8)
    static let all = Degeneracies(rawValue: 15)

    var description: String {
        let names = [
            (Self.constantColumn, "constant"), (.collinearColumns, "collinear"), (.duplicateRows, "duplicates"),
            (.emptyLines, "empty-lines"),
        ].filter { contains($0.0) }.map(\.1)
        return "[" + names.joined(separator: ",") + "]"
    }
}

/// What the downstream metric `target` looks like.
enum TargetShape: String, CaseIterable, Sendable {
    /// A noisy sigmoid of the latent capability, 10% missing.
    case smooth
    /// The same value for every model that has one.
    case constant
    /// Half the values missing.
    case sparse
    /// Uniform noise in [0, 1], unrelated to the benchmarks.
    case noise
    /// No model has a value.
    case allMissing
}

/// Whether the models' FLOPs (and sizes) are known.
enum FlopsLayout: String, CaseIterable, Sendable {
    case present, someMissing, none
}

/// A reproducible random panel: the generator draws these few numbers (each shrinkable) and the
/// panel itself is built from `seed` with the project's generator, so a failing case prints a
/// short spec that rebuilds the exact panel.
struct PanelSpec: Sendable, CustomStringConvertible {
    var seed: UInt64
    var modelCount: Int
    var benchmarkCount: Int
    var families: FamilyLayout
    var missingRate: Double
    var degeneracies: Degeneracies
    var flops: FlopsLayout
    var target: TargetShape

    var description: String {
        "PanelSpec(seed: \(seed), models: \(modelCount), benchmarks: \(benchmarkCount), families: .\(families), "
            + "missingRate: \(missingRate), degeneracies: \(degeneracies), flops: .\(flops), target: .\(target))"
    }

    static let benchmarkPool = Panel.standardBenchmarks

    /// A generator of specs with a model count in `models` and a benchmark count in `benchmarks`.
    static func generator(
        models: ClosedRange<Int> = 2...60, benchmarks: ClosedRange<Int> = 2...8
    )
        -> Generator<PanelSpec, some SendableSequenceType>
    {
        // Each of the first three degeneracies in half the panels; empty lines (typed errors) in 15%.
        zip(
            Gen.uint64(in: 0...UInt64.max), Gen.int(in: models), Gen.int(in: benchmarks), Gen<FamilyLayout>.case,
            Gen.double(in: 0...0.5), Gen.int(in: 0...7), Gen.bool(0.15), Gen<FlopsLayout>.case, Gen<TargetShape>.case
        )
        .map { seed, models, benchmarks, families, missing, degeneracies, emptyLines, flops, target in
            PanelSpec(
                seed: seed, modelCount: models, benchmarkCount: benchmarks, families: families, missingRate: missing,
                degeneracies: Degeneracies(rawValue: degeneracies | (emptyLines ? Degeneracies.emptyLines.rawValue : 0)),
                flops: flops, target: target)
        }
    }

    /// Builds the panel: benchmark scores in [0, 1] from a latent capability (family effect + scale),
    /// NaN for missing cells; metrics `target` and `gpu_hours`; family names `F0`, `F1`, …
    func makePanel() -> Panel {
        var random = Xoshiro256StarStar(seed: seed)
        let m = modelCount, n = benchmarkCount
        let familyCount: Int
        switch families {
        case .several: familyCount = min(m, 2 + random.nextInt(below: 7))
        case .one: familyCount = 1
        case .onePerModel: familyCount = m
        case .random: familyCount = 1 + random.nextInt(below: m)
        }
        // Every family gets at least one model: the first familyCount models are spread over them.
        let familyOf: [Int] = (0..<m).map { i in
            families == .onePerModel ? i : (i < familyCount ? i : random.nextInt(below: familyCount))
        }
        let familyEffect = (0..<familyCount).map { _ in 0.7 * random.nextNormal() }
        var models: [ModelInfo] = []
        var capability: [Double] = []
        for i in 0..<m {
            let size = pow(10, -0.5 + 2.5 * random.nextUniform())
            let tokens = 0.1 + 15 * random.nextUniform()
            var parameters: Double? = size, tokensT: Double? = tokens, flopsValue: Double? = 6 * size * tokens
            switch flops {
            case .present: break
            case .someMissing:
                if random.nextUniform() < 0.3 { flopsValue = nil }
                if flopsValue == nil && random.nextUniform() < 0.5 { parameters = nil }
                if random.nextUniform() < 0.2 { tokensT = nil }
            case .none:
                flopsValue = nil
                tokensT = nil
            }
            models.append(
                ModelInfo(
                    name: "m\(i)", family: "F\(familyOf[i])", parametersB: parameters, tokensT: tokensT,
                    flops: flopsValue, source: "spec:\(i)"))
            capability.append(familyEffect[familyOf[i]] + 0.8 * log10(size) + 0.5 * random.nextNormal())
        }
        var scores = [[Double]](repeating: [Double](repeating: 0, count: n), count: m)
        for j in 0..<n {
            let offset = random.nextNormal(), slope = 0.3 + 1.7 * random.nextUniform()
            for i in 0..<m { scores[i][j] = 1 / (1 + exp(-(offset + slope * capability[i] + 0.3 * random.nextNormal()))) }
        }
        if degeneracies.contains(.constantColumn) {
            let j = random.nextInt(below: n), value = (random.nextUniform() * 100).rounded() / 100
            for i in 0..<m { scores[i][j] = value }
        }
        if degeneracies.contains(.collinearColumns), n >= 2 {
            let j = random.nextInt(below: n)
            let k = (j + 1 + random.nextInt(below: n - 1)) % n
            for i in 0..<m { scores[i][k] = 0.5 * scores[i][j] + 0.25 }
        }
        for i in 0..<m {
            for j in 0..<n where random.nextUniform() < missingRate { scores[i][j] = .nan }
            if !degeneracies.contains(.emptyLines), scores[i].allSatisfy(\.isNaN) {
                let j = random.nextInt(below: n)
                scores[i][j] = 1 / (1 + exp(-capability[i]))
            }
        }
        if degeneracies.contains(.emptyLines) {
            if random.nextUniform() < 0.5 {
                let i = random.nextInt(below: m)
                for j in 0..<n { scores[i][j] = .nan }
            } else {
                let j = random.nextInt(below: n)
                for i in 0..<m { scores[i][j] = .nan }
            }
        }
        if degeneracies.contains(.duplicateRows), m >= 2 {
            for _ in 0..<(1 + m / 8) {
                let source = random.nextInt(below: m), copy = random.nextInt(below: m)
                if source != copy { scores[copy] = scores[source] }
            }
        }
        var columns: [String: [Double]] = [:]
        let names = Array(Self.benchmarkPool.prefix(n))
        for (j, name) in names.enumerated() { columns[name] = (0..<m).map { scores[$0][j] } }
        let targetOffset = random.nextNormal(), targetSlope = 0.5 + 2 * random.nextUniform()
        let constant = random.nextUniform()
        columns["target"] = (0..<m).map { i in
            let u = random.nextUniform()
            switch target {
            case .smooth: return u < 0.1 ? .nan : 1 / (1 + exp(-(targetOffset + targetSlope * capability[i] + 0.2 * random.nextNormal())))
            case .constant: return u < 0.1 ? .nan : constant
            case .sparse: return u < 0.5 ? .nan : 1 / (1 + exp(-(targetOffset + targetSlope * capability[i])))
            case .noise: return random.nextUniform()
            case .allMissing: return .nan
            }
        }
        columns["gpu_hours"] = (0..<m).map { _ in 0.1 + 10 * random.nextUniform() }
        return Panel(
            models: models, columns: columns, benchmarkNames: names, metricNames: ["target", "gpu_hours"],
            sources: ["spec"])
    }
}

/// The errors the library promises for bad or degenerate input: anything else that
/// escapes is a bug.
func isTypedError(_ error: Error) -> Bool {
    error is FitError || error is DataError || error is LinearAlgebraError || error is SelectionError
        || error is LinearProgramError
}

/// Records an issue unless `error` is one of the typed errors; returns a short label for tallies.
@discardableResult
func expectTypedError(_ error: Error, _ context: @autoclosure () -> String, sourceLocation: SourceLocation = #_sourceLocation) -> String {
    #expect(isTypedError(error), "untyped error \(type(of: error)): \(error) — \(context())", sourceLocation: sourceLocation)
    let caseName = Mirror(reflecting: error).children.first?.label ?? "\(error)"
    return "\(type(of: error)).\(caseName)"
}

/// Deterministic JSON (sorted keys, NaN and infinities as strings) for byte comparisons.
func canonicalJSON<T: Encodable>(_ value: T) throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return try encoder.encode(value)
}

/// Tally of outcomes of a property, so a suite can check it exercised the success path too.
struct Outcomes: CustomStringConvertible {
    var succeeded = 0
    var errors: [String: Int] = [:]
    /// Typed errors of single steps inside cases that succeeded otherwise (e.g. one selection method).
    var stepErrors: [String: Int] = [:]
    /// Wall-clock seconds per step, to keep the suite's time in view.
    var seconds: [String: Double] = [:]
    var total: Int { succeeded + errors.values.reduce(0, +) }
    mutating func failed(_ label: String) { errors[label, default: 0] += 1 }
    mutating func timed<T>(_ step: String, _ body: () throws -> T) rethrows -> T {
        let start = Date()
        defer { seconds[step, default: 0] += Date().timeIntervalSince(start) }
        return try body()
    }
    var description: String {
        func list<V>(_ values: [String: V]) -> String { values.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") }
        return "\(succeeded) succeeded; errors: \(list(errors))"
            + (stepErrors.isEmpty ? "" : "; step errors: \(list(stepErrors))")
            + (seconds.isEmpty ? "" : "; seconds: \(list(seconds.mapValues { String(format: "%.2f", $0) }))")
    }
}

/// Runs a property body, recording any error it throws as an issue: errors thrown out of a
/// `propertyCheck` body are not reliably reported as failures, so bodies never throw.
func recordingErrors(
    _ context: @autoclosure () -> String, sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws -> Void
) {
    do {
        try body()
    } catch {
        Issue.record("unexpected error \(type(of: error)): \(error) — \(context())", sourceLocation: sourceLocation)
    }
}

/// True when every value is finite (NaN and ±∞ are not).
func allFinite(_ values: [Double]) -> Bool { values.allSatisfy { $0.isFinite } }

/// True when every value is finite and in [0, 1].
func allFractions(_ values: [Double]) -> Bool { values.allSatisfy { $0.isFinite && $0 >= 0 && $0 <= 1 } }

extension Outcomes {
    /// One line in the test log: how many cases took which path.
    func report(_ property: String) { print("property \(property): \(total) cases, \(self)") }
}

/// The number of cases a property runs: `base` (bounded so the suite stays under a minute in a
/// debug build, as `make test` and CI run it) times `$OBSSCALE_PROPERTY_SCALE` (default 1) for
/// longer local hunts, e.g. `OBSSCALE_PROPERTY_SCALE=20 swift test --filter '^PropertyTests\.'`.
func cases(_ base: Int) -> Int {
    let scale = ProcessInfo.processInfo.environment["OBSSCALE_PROPERTY_SCALE"].flatMap(Int.init) ?? 1
    return base * max(1, scale)
}

/// With `$OBSSCALE_PROPERTY_TRACE` set, prints each case before it runs (to find a hang or a crash).
func trace(_ property: String, _ description: @autoclosure () -> String) {
    guard ProcessInfo.processInfo.environment["OBSSCALE_PROPERTY_TRACE"] != nil else { return }
    print("case \(property): \(description())")
    fflush(nil)
}
