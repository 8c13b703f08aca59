import ArgumentParser
import Foundation
import ObsScale

enum LossChoice: String, ExpressibleByArgument, CaseIterable {
    case ls, huber
}

extension Link: ExpressibleByArgument {}
extension PCAFitRows: ExpressibleByArgument {}

struct FitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fit",
        abstract: "Fit an observational scaling law for a downstream metric and predict held-out models.")

    @OptionGroup var panelOptions: PanelOptions

    @Option(help: "The downstream metric column to fit (headers may contain commas).")
    var target: String

    @Option(name: .customLong("target-range"), help: "LOW,HIGH: fit and score (y − LOW)/(HIGH − LOW), e.g. LOW = chance accuracy.")
    var targetRange: String?

    @Option(help: "Link: \(Link.allCases.map(\.rawValue).joined(separator: ", ")).")
    var link: Link = .sigmoidFloor

    @Option(name: .customLong("cutoff-flops"), help: "Train on models with FLOPs ≤ X (×1E21); hold out the rest.")
    var cutoffFlops: Double?

    @Option(help: "Hold out these models as the test set (comma-separated, or @FILE with one name a line).")
    var holdout: String?

    @Option(name: .customLong("test-top"), help: "Hold out the top models ranked by the target: a fraction F < 1 of them, or F models.")
    var testTop: Double?

    @Option(help: "Regression loss: ls (least squares) or huber.")
    var loss: LossChoice = .ls

    @Option(name: .customLong("huber-delta"), help: "Huber threshold δ.")
    var huberDelta = 1.0

    @Option(help: "Number of capability components (PCs).")
    var components = 3

    @Option(name: .customLong("pca-on"), help: "Fit imputation and PCA on the training models (train, the paper) or every panel model (panel).")
    var pcaOn: PCAFitRows = .train

    @Option(name: .customLong("reference-family"), help: "Family whose compute defines equivalent FLOPs (default: Llama-2 when the panel has it).")
    var referenceFamily: String?

    @Option(help: "Write a self-contained HTML report with charts to this file (atomically).")
    var html: String?

    @OptionGroup(title: "Bootstrap") var bootstrapOptions: BootstrapOptions

    @Flag(name: .customLong("refit-pca"), help: "Redo imputation and PCA inside each bootstrap replicate (default: fixed capabilities).")
    var refitPCA = false

    @Option(name: .customLong("at-flops"), help: "Also predict a reference-family model at these FLOPs (×1E21, comma-separated), with an interval under --bootstrap.")
    var atFlops: String?

    @Option(help: "Seed of the bootstrap (replicate r draws from a stream hashed from (seed, r)).")
    var seed: UInt64 = 0

    @Option(help: "Worker threads for the bootstrap (default: all cores; results do not depend on it).")
    var threads: Int?

    func parsedAtFlops() throws -> [Double] {
        guard let atFlops else { return [] }
        return try atFlops.split(separator: ",").map { item in
            let text = item.trimmingCharacters(in: .whitespaces)
            guard let value = Double(text), value > 0, value.isFinite else {
                throw DataError.invalidOption(name: "--at-flops", value: text, allowed: "FLOPs > 0 in units of 1E21, comma-separated")
            }
            return value
        }
    }

    func splitRule() throws -> SplitRule {
        let chosen = [cutoffFlops != nil, holdout != nil, testTop != nil].filter { $0 }.count
        guard chosen <= 1 else {
            throw DataError.invalidOption(name: "--cutoff-flops/--holdout/--test-top", value: "\(chosen) given", allowed: "at most one split")
        }
        if let cutoffFlops { return .flopsCutoff(cutoffFlops) }
        if let testTop { return .top(column: target, limit: testTop) }
        if let holdout {
            if holdout.hasPrefix("@") {
                let path = String(holdout.dropFirst())
                guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw DataError.fileNotFound(path: path) }
                return .holdout(text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
            }
            return .holdout(commaList(holdout) ?? [])
        }
        return .none
    }

    func parsedTargetRange() throws -> ClosedRange<Double>? {
        guard let targetRange else { return nil }
        let parts = targetRange.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 2, let low = parts[0], let high = parts[1], low.isFinite, high.isFinite, low < high else {
            throw DataError.invalidOption(name: "--target-range", value: targetRange, allowed: "LOW,HIGH with finite LOW < HIGH")
        }
        return low...high
    }

    func run() throws {
        try runReportingErrors {
            let loaded = try panelOptions.load()
            let rule = try splitRule()
            if let referenceFamily, !loaded.panel.familyNames.contains(referenceFamily) {
                throw DataError.unknownFamily(name: referenceFamily, suggestions: closeMatches(to: referenceFamily, in: loaded.panel.familyNames))
            }
            let referenceFamily = self.referenceFamily ?? "Llama-2"
            let law = ScalingLaw(benchmarks: panelOptions.benchmarkList, pca: PCA(componentCount: components),
                                 regression: SigmoidRegression(link: link, loss: loss == .ls ? .leastSquares : .huber(delta: huberDelta)),
                                 pcaOn: pcaOn, targetRange: try parsedTargetRange(), referenceFamily: referenceFamily)
            let split = try Split(panel: loaded.panel, rule: rule)
            let flops = try parsedAtFlops()
            if let threads, threads < 1 { throw DataError.invalidOption(name: "--threads", value: "\(threads)", allowed: "≥ 1") }
            var fit = try law.fit(panel: loaded.panel, target: target, split: split)
            if !flops.isEmpty && fit.equivalentFlops == nil {
                throw DataError.invalidOption(name: "--at-flops", value: atFlops ?? "",
                                              allowed: "only with a reference family of ≥ 2 models with FLOPs (--reference-family; '\(referenceFamily)' has fewer)")
            }
            let settings = try bootstrapOptions.replicates().map {
                FitBootstrap(replicateCount: $0, level: bootstrapOptions.level, resampling: bootstrapOptions.resample, refitPCA: refitPCA, seed: seed)
            }
            if let settings {
                fit.bootstrap = try withProgress("bootstrap", quiet: panelOptions.quiet) { progress in
                    try settings.run(fit, panel: loaded.panel, log10Flops: flops.map { log10($0) },
                                     threadCount: threads ?? ProcessInfo.processInfo.activeProcessorCount, progress: progress)
                }
            }
            if let path = panelOptions.json {
                try JSONReport(command: "fit", seed: settings?.seed, options: FitOptions(query: panelOptions.query, target: target, split: rule, law: law,
                                                                bootstrap: settings, atFlops: flops),
                               result: fit).write(to: path)
            }
            if let html {
                try HTMLPage.fit(fit, panelDescription: panelOptions.describe(loaded), splitDescription: describe(rule)).write(to: html)
            }
            if !panelOptions.quiet {
                print(FitReport.render(fit, panelDescription: panelOptions.describe(loaded), splitDescription: describe(rule), atFlops: flops),
                      terminator: "")
            }
        }
    }

    func describe(_ rule: SplitRule) -> String {
        switch rule {
        case .none: return "all models train (no held-out set)"
        case let .flopsCutoff(x): return "train FLOPs ≤ \(x)×1E21, test above (and unknown FLOPs)"
        case let .metricCutoff(column, x): return "train \(column) ≤ \(x)"
        case let .top(_, f): return f < 1 ? "test = top \(Format.percent(f)) by the target" : "test = top \(Int(f)) models by the target"
        case let .holdout(names): return "\(names.count) named held-out model(s)"
        }
    }
}
