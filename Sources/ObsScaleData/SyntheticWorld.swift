import Foundation
import ObsScaleNumerics

/// Settings of a synthetic world following the paper's generative picture.
///
/// Each family f has its own compute efficiency: the K latent capabilities of model m are
/// S_m = θ_f · log10 C_m + v_f + ε_m (ε ~ N(0, capabilityNoise²)); benchmark i scores
/// chance_i + (1 − chance_i)·σ(γ_iᵀ S_m − κ_i) + noise, clipped to [0, 1]; downstream targets are
/// E = (1 − b)·σ(α + βᵀ S) + b (+ noise). Everything is drawn from one seeded generator, so the
/// same settings give byte-identical files.
public struct SimulationSettings: Codable, Equatable, Sendable {
    public var familyCount = 30
    public var modelsPerFamily = 5
    /// Total models; when set it overrides `modelsPerFamily` (models are spread over the families).
    public var modelCount: Int?
    public var capabilityCount = 3
    /// Fraction of benchmark cells left empty (each model keeps at least half of its benchmarks).
    public var missingRate = 0.05
    public var benchmarkNoise = 0.01
    public var capabilityNoise = 0.1
    public var targetNoise = 0.02
    public var seed: UInt64 = 2024
    /// Public downstream metrics besides the targets (`public_NN_acc`, laws of the targets' kind:
    /// driven by the general capability), and with them a third target, `task_unlike,accuracy`,
    /// driven by a capability the public metrics do not load on — the world in which a public prior
    /// can be tested, and must not hurt. 0: none (the two classic targets only).
    public var publicMetricCount = 0

    public init() {}

    /// Checks the settings, naming the setting and its allowed range.
    public func validate() throws {
        func require(_ condition: Bool, _ setting: Setting, _ value: String, _ allowed: SettingText) throws {
            if !condition { throw DataError.invalidSetting(setting, value: value, allowed: allowed) }
        }
        try require((1...10_000).contains(familyCount), .simulationFamilyCount, "\(familyCount)", "1 to 10000")
        try require((1...10_000).contains(modelsPerFamily), .simulationModelsPerFamily, "\(modelsPerFamily)", "1 to 10000")
        if let modelCount {
            try require((1...100_000).contains(modelCount), .simulationModelCount, "\(modelCount)", "1 to 100000")
            try require(modelCount >= familyCount, .simulationModelCount, "\(modelCount)", "at least the number of families (\(familyCount))")
        }
        try require(missingRate >= 0 && missingRate <= 0.5, .simulationMissingRate, "\(missingRate)", "0 to 0.5")
        try require((1...5).contains(capabilityCount), .simulationCapabilityCount, "\(capabilityCount)", "1 to 5")
        try require((0...200).contains(publicMetricCount), .simulationPublicMetricCount, "\(publicMetricCount)", "0 to 200")
    }

    /// Number of models in family `index`.
    func size(ofFamily index: Int) -> Int {
        guard let modelCount else { return modelsPerFamily }
        return modelCount / familyCount + (index < modelCount % familyCount ? 1 : 0)
    }
}

/// The known truth behind a synthetic panel.
public struct SimulationTruth: Codable, Sendable {
    public struct Family: Codable, Sendable {
        public var name: String
        /// θ_f: capability gained per decade of compute.
        public var slope: [Double]
        /// v_f: capability offset.
        public var offset: [Double]
    }
    public struct Benchmark: Codable, Sendable {
        public var name: String
        public var chance: Double
        /// γ_i: loading of the benchmark on the capabilities.
        public var loadings: [Double]
        public var shift: Double
    }
    public struct Target: Codable, Sendable {
        public var name: String
        public var alpha: Double
        public var beta: [Double]
        public var floor: Double
        /// Noise-free E per model, in panel order.
        public var trueValues: [Double]
    }
    public var settings: SimulationSettings
    public var families: [Family]
    public var benchmarks: [Benchmark]
    public var targets: [Target]
    public var modelNames: [String]
    /// S_m per model (rows in panel order).
    public var capabilities: [[Double]]
}

/// A generated synthetic world: panel, downstream targets and truth.
public struct SyntheticWorld: Sendable {
    public var panel: Panel
    public var truth: SimulationTruth

    /// Chance accuracy of each standard benchmark (multiple choice floors; 0 for generative).
    static let chance: [String: Double] = [
        "MMLU": 0.25, "ARC-C": 0.25, "HellaSwag": 0.25, "Winograd": 0.5,
        "TruthfulQA": 0.2, "GSM8K": 0, "XWinograd": 0.5, "HumanEval": 0,
    ]

    /// Decades of compute one family spans at most: with starts in [−1.5, 1.5] decades of 1E21
    /// FLOPs, compute stays within about 3E19–9E24 FLOPs, sizes within 1.5M–7.5T parameters and
    /// tokens within 0.2–3T — inside `Panel.load`'s plausibility checks.
    static let largestFamilySpan = 2.4

    /// Generates a world. O(models × benchmarks).
    public static func generate(_ settings: SimulationSettings) throws -> SyntheticWorld {
        try settings.validate()
        var random = Xoshiro256StarStar(seed: settings.seed)
        func uniform(_ low: Double, _ high: Double) -> Double { low + (high - low) * random.nextUniform() }
        let k = settings.capabilityCount
        // The first capability is general and grows fastest with compute; the others are
        // specialisations (e.g. code, reasoning) on which families differ most.
        let families = (0..<settings.familyCount).map { index -> SimulationTruth.Family in
            let slope = (0..<k).map { c in c == 0 ? uniform(0.8, 1.4) : uniform(-0.2, 0.6) }
            let offset = (0..<k).map { c in c == 0 ? uniform(-0.6, 0.6) : uniform(-1.0, 1.0) }
            return .init(name: String(format: "Family-%02d", index + 1), slope: slope, offset: offset)
        }
        let benchmarks = Panel.standardBenchmarks.enumerated().map { index, name -> SimulationTruth.Benchmark in
            var loadings = (0..<k).map { c in c == 0 ? uniform(0.5, 0.9) : uniform(0, 0.6) }
            if k > 1 && (name == "GSM8K" || name == "HumanEval") { loadings[min(1, k - 1)] += 1.0 }
            return .init(name: name, chance: chance[name] ?? 0, loadings: loadings, shift: uniform(0.5, 1.5))
        }
        var models: [ModelInfo] = []
        var capabilities: [[Double]] = []
        for (familyIndex, family) in families.enumerated() {
            let tokens = uniform(0.2, 3.0)
            let startDecade = uniform(-1.5, 1.5)
            // A family spans at most `largestFamilySpan` decades of compute however many models it
            // has, so sizes, tokens and FLOPs stay what real models have (and what the loader
            // accepts) for any model count; five models a family (the default) never reach it.
            let memberCount = settings.size(ofFamily: familyIndex)
            let step = min(uniform(0.25, 0.6), memberCount > 1 ? Self.largestFamilySpan / Double(memberCount - 1) : 0)
            for member in 0..<memberCount {
                let log10C = startDecade + step * Double(member) + uniform(-0.05, 0.05)
                let flops = pow(10, log10C)
                let params = flops / (6 * tokens)
                let s = (0..<k).map { c in family.slope[c] * log10C + family.offset[c] + settings.capabilityNoise * random.nextNormal() }
                capabilities.append(s)
                models.append(
                    ModelInfo(
                        name: "\(family.name)/m\(member + 1)-\(String(format: "%.3g", params))B",
                        family: family.name, parametersB: rounded(params, 4), tokensT: rounded(tokens, 4),
                        flops: nil, flopsDerived: false, source: "simulate"))
            }
        }
        for index in models.indices {
            models[index].flops = 6 * (models[index].parametersB ?? 0) * (models[index].tokensT ?? 0)
        }
        var columns: [String: [Double]] = [:]
        for benchmark in benchmarks {
            columns[benchmark.name] = capabilities.map { s in
                let z = Matrix.dot(benchmark.loadings, s) - benchmark.shift
                let score = benchmark.chance + (1 - benchmark.chance) * Statistics.logistic(z) + settings.benchmarkNoise * random.nextNormal()
                return rounded(min(1, max(0, score)), 6)
            }
        }
        // Missing cells, keeping at least half of each model's benchmarks.
        let names = Panel.standardBenchmarks
        for index in models.indices {
            var dropped = 0
            for name in names where random.nextUniform() < settings.missingRate && dropped < names.count / 2 {
                columns[name, default: []][index] = .nan
                dropped += 1
            }
        }
        // Two targets: a smooth one and a sharp, "emergent" one with a chance floor.
        let targetSpecs: [(String, Double, Double, Double)] = [
            ("task_smooth,accuracy", -1.0, 0.9, 0.0),
            ("task_emergent,accuracy", -4.0, 2.2, 0.1),
        ]
        var targets: [SimulationTruth.Target] = []
        func law(_ alpha: Double, _ beta: [Double], _ floor: Double) -> (truth: [Double], observed: [Double]) {
            let truthValues = capabilities.map { (1 - floor) * Statistics.logistic(alpha + Matrix.dot(beta, $0)) + floor }
            return (truthValues, truthValues.map { rounded(min(1, max(0, $0 + settings.targetNoise * random.nextNormal())), 6) })
        }
        for (name, alpha, scale, floor) in targetSpecs {
            let beta = (0..<k).map { c in c == 0 ? scale : uniform(0, 0.5) * scale }
            let (truthValues, observed) = law(alpha, beta, floor)
            columns[name] = observed
            targets.append(.init(name: name, alpha: alpha, beta: beta, floor: floor, trueValues: truthValues))
        }
        var publicNames: [String] = []
        if settings.publicMetricCount > 0 {
            for index in 0..<settings.publicMetricCount {
                let scale = uniform(0.8, 2.2), alpha = uniform(-3.5, 0), floor = uniform(0, 0.15)
                let beta = (0..<k).map { c in c == 0 ? scale : uniform(0, 0.5) * scale }
                let name = String(format: "public_%02d_acc", index + 1)
                columns[name] = law(alpha, beta, floor).observed
                publicNames.append(name)
            }
            // Driven by the last capability alone (none with one capability: then it is flat).
            let beta = (0..<k).map { c in c == k - 1 && k > 1 ? 2.0 : 0 }
            let (truthValues, observed) = law(-0.5, beta, 0.05)
            columns["task_unlike,accuracy"] = observed
            targets.append(.init(name: "task_unlike,accuracy", alpha: -0.5, beta: beta, floor: 0.05, trueValues: truthValues))
        }
        let panel = Panel(
            models: models, columns: columns, benchmarkNames: names,
            metricNames: targets.map(\.name) + publicNames, sources: ["simulate(seed: \(settings.seed))"])
        let truth = SimulationTruth(
            settings: settings, families: families, benchmarks: benchmarks, targets: targets,
            modelNames: models.map(\.name), capabilities: capabilities)
        return SyntheticWorld(panel: panel, truth: truth)
    }

    /// The panel CSV text (the public panel's columns).
    public func panelCSV() throws -> String {
        let header = Panel.identityColumns + panel.benchmarkNames
        let rows = panel.models.indices.map { index -> [String] in
            let model = panel.models[index]
            return [model.name, model.family, format(model.parametersB), format(model.tokensT), format(model.flops.map { rounded($0, 6) })]
                + panel.benchmarkNames.map { format(panel.columns[$0]?[index]) }
        }
        return CSVText.render(header: header, rows: rows)
    }

    /// The downstream CSV text: `Model` and one column per target and public metric.
    public func targetsCSV() throws -> String {
        let names = panel.metricNames
        let rows = panel.models.indices.map { index in [panel.models[index].name] + names.map { format(panel.columns[$0]?[index]) } }
        return CSVText.render(header: ["Model"] + names, rows: rows)
    }

    /// Writes `panel.csv`, `targets.csv` and `truth.json` into `folder` (created if needed) as one
    /// group (`OutputFiles`: all three new, or all three as they were).
    public func write(to folder: String) throws -> [String] {
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw DataError.unwritableFile(path: folder, reason: "cannot create the folder (\(error.localizedDescription))")
        }
        let names = ["panel.csv", "targets.csv", "truth.json"]
        let paths = names.map { URL(fileURLWithPath: folder).appendingPathComponent($0).path }
        let outputs = try OutputFiles(Array(zip(names, paths.map { Optional($0) })).map { (label: $0.0, path: $0.1) })
        let contents = [
            "panel.csv": Data(try panelCSV().utf8), "targets.csv": Data(try targetsCSV().utf8), "truth.json": try JSONCoding.encoder().encode(truth),
        ]
        try outputs.write(contents)
        return paths
    }
}

private func rounded(_ value: Double, _ digits: Int) -> Double {
    let scale = pow(10, Double(digits))
    return (value * scale).rounded() / scale
}

private func format(_ value: Double?) -> String {
    guard let value, !value.isNaN else { return "" }
    return "\(value)"
}
