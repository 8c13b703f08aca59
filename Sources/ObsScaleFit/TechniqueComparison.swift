import Foundation
import ObsScaleData
import ObsScaleNumerics

/// Post-training techniques compared on one capability space (the paper's §4.3: CoT,
/// self-consistency) and, by family, their interaction with how a family turns compute into
/// capability (§6, Figure 9).
///
/// Each target's law E_t = h_t(α_t + β_tᵀS) is fitted in the same capability space (imputation
/// and PCA on the pool or the panel, never per target) on the same split. Against the reference
/// family, the law's aggregate capability is a line in log compute, P_t ≈ w_t·log10 C + c_t
/// (equivalent FLOPs, paper eq. 7–8), so each target has a curve E_t(C) = h_t(w_t·log10 C + c_t).
/// The *gap* of each later target to the first, E_t(C) − E_first(C), is reported on a grid of
/// `gridPointCount` computes spanning the panel's FLOPs and one decade beyond, at `atFlops`, its
/// maximum and where it occurs, its steepest rise per decade, and the *onset* — the compute where
/// it first exceeds `gapThreshold` (linear interpolation between grid points).
///
/// By family (`byFamily`): each target's aggregate capability is re-expressed in the family's
/// own compute, P_t ≈ w_f·log10 C + b_f over the family's models with FLOPs, and the same gap
/// statistics are computed; a family is flagged when its onset comes earlier than the reference
/// family's, or its gap grows more slowly (the paper's Phi and DeepSeek-Coder). The observed
/// gaps of the family's models stand beside the predicted ones.
///
/// With a bootstrap, replicate r resamples the pool's models with replacement (one draw for all
/// targets, from `Xoshiro256StarStar.stream(seed:index: r)`), refits every target on the
/// resampled models that have it (capabilities fixed), and recomputes the lines, curves and
/// gaps: the gap's band is a band of differences of curves fitted on the same models.
///
/// Cost: T law fits, then O(T · grid) per family; the bootstrap B · T regressions.
public struct TechniqueComparison: Codable, Equatable, Sendable {
    /// The targets; the first is the baseline every later one is compared with.
    public var targets: [String]
    /// The law every target is fitted with (`pcaOn` must not be `.train`: one capability space).
    public var law: ScalingLaw
    /// Computes (×1E21) at which gaps are reported.
    public var atFlops: [Double] = []
    /// The gap whose first crossing is the onset.
    public var gapThreshold = 0.05
    public var gridPointCount = 201
    public var byFamily = false
    /// Bootstrap replicates (0: none), percentile level and seed.
    public var replicateCount = 0
    public var level = 0.95
    public var seed: UInt64 = 0

    public init(targets: [String], law: ScalingLaw) {
        self.targets = targets
        self.law = law
    }

    /// A target's aggregate capability as a line in log10 compute.
    public struct Line: Codable, Equatable, Sendable {
        public let slope: Double
        public let intercept: Double
    }

    /// The gap of `later` to `first` along the grid.
    public struct Gap: Codable, Equatable, Sendable {
        public let first: String
        public let later: String
        /// On the grid (log10 FLOPs ×1E21).
        public let values: [Double]
        public let maxGap: Double
        /// log10 FLOPs (×1E21) of the first maximum.
        public let argmaxLog10Flops: Double
        /// log10 FLOPs (×1E21) where the gap first exceeds the threshold; nil when it never does.
        public let onsetLog10Flops: Double?
        /// The steepest rise per decade, max over grid steps of Δgap/Δlog10 C.
        public let maxGrowth: Double
        /// At each of `atFlops`, from the closed form.
        public let atFlops: [Double]
    }

    public struct Curves: Codable, Equatable, Sendable {
        /// One per target.
        public let lines: [Line]
        /// One per target, on the grid.
        public let values: [[Double]]
        /// One per later target.
        public let gaps: [Gap]
    }

    public struct ObservedGap: Codable, Equatable, Sendable {
        public let model: String
        public let log10Flops: Double?
        /// Observed later − first (normalized scale).
        public let observed: Double
        /// The laws' predictions at the model's capabilities, later − first.
        public let law: Double
        /// The family curves' gap at its compute (nil without FLOPs).
        public let line: Double?
    }

    public struct FamilyCurves: Codable, Equatable, Sendable {
        public let family: String
        public let models: [String]
        public let curves: Curves
        /// Per later target: its models with both targets observed.
        public let observed: [[ObservedGap]]
        /// Per later target.
        public let earlierOnset: [Bool]
        public let slowerGrowth: [Bool]
    }

    /// Percentile bands of the bootstrap (`level`), per grid point.
    public struct Bands: Codable, Equatable, Sendable {
        public let replicatesSucceeded: Int
        /// Per target: lower and upper curve.
        public let curves: [[BootstrapInterval]]
        /// Per later target, per grid point.
        public let gaps: [[BootstrapInterval]]
        /// Per later target, per `atFlops`.
        public let gapsAtFlops: [[BootstrapInterval]]
    }

    public struct Result: Codable, Equatable, Sendable {
        public let settings: TechniqueComparison
        public let fits: [ScalingLawFit]
        /// The grid, log10 FLOPs (×1E21).
        public let log10Grid: [Double]
        /// Against the reference family (equivalent FLOPs).
        public let reference: Curves
        public let families: [FamilyCurves]
        public let excludedFamilies: [ComputeEfficiency.ExcludedFamily]
        public let bands: Bands?
    }

    /// Fits every target and computes the curves, gaps, families and bands.
    public func run(
        panel: Panel, split: Split, threadCount: Int = ProcessInfo.processInfo.activeProcessorCount, progress: ProgressHandler? = nil
    )
        throws -> Result
    {
        try check(panel: panel)
        let fits = try targets.map { try law.fit(panel: panel, target: $0, split: split) }
        let rows = panel.models.indices.filter { ComputeEfficiency.hasFlops(panel.models[$0].flops) }
        let x = panel.models.map { model in model.flops.flatMap { ComputeEfficiency.hasFlops($0) ? log10($0) : nil } }
        let logs = rows.compactMap { x[$0] }
        guard let low = logs.min(), let high = logs.max() else {
            throw FitError.tooFewRows(what: "models with FLOPs (for the compute grid)", needed: 1, found: 0)
        }
        let grid = (0..<gridPointCount).map { low + (high + 1 - low) * Double($0) / Double(gridPointCount - 1) }
        let atLog10 = atFlops.map { log10($0) }
        let predictors = fits.map { $0.predictions.map(\.linearPredictor) }
        let links = fits.map(\.law.regression)
        let referenceRows = rows.filter { panel.models[$0].family == law.referenceFamily }
        guard let referenceLines = Self.lines(predictors, rows: referenceRows, x: x) else {
            throw FitError.invalidSetting(
                .scalingLawReferenceFamily, value: SettingText(law.referenceFamily), allowed: "a family with ≥ 2 models with distinct FLOPs")
        }
        let reference = curves(lines: referenceLines, links: links, grid: grid, atLog10: atLog10)
        var families: [FamilyCurves] = []
        var excluded: [ComputeEfficiency.ExcludedFamily] = []
        if byFamily {
            let values = try targets.map { try panel.values(of: $0) }.map(normalize)
            for family in panel.familyNames {
                let members = rows.filter { panel.models[$0].family == family }
                guard let familyLines = Self.lines(predictors, rows: members, x: x) else {
                    excluded.append(
                        ComputeEfficiency.ExcludedFamily(
                            family: family,
                            reason: members.count < 2 ? "fewer than 2 models with FLOPs (\(members.count))" : "FLOPs do not vary"))
                    continue
                }
                let familyCurves = curves(lines: familyLines, links: links, grid: grid, atLog10: atLog10)
                let allMembers = panel.models.indices.filter { panel.models[$0].family == family }
                let observed = (1..<targets.count).map { later in
                    allMembers.compactMap { row -> ObservedGap? in
                        guard !values[0][row].isNaN, !values[later][row].isNaN else { return nil }
                        let line = x[row].map {
                            links[later].predict(linearPredictor: familyLines[later].slope * $0 + familyLines[later].intercept)
                                - links[0].predict(linearPredictor: familyLines[0].slope * $0 + familyLines[0].intercept)
                        }
                        return ObservedGap(
                            model: panel.models[row].name, log10Flops: x[row], observed: values[later][row] - values[0][row],
                            law: fits[later].predictions[row].predicted - fits[0].predictions[row].predicted, line: line)
                    }
                }
                families.append(
                    FamilyCurves(
                        family: family, models: members.map { panel.models[$0].name }, curves: familyCurves, observed: observed,
                        earlierOnset: zip(familyCurves.gaps, reference.gaps).map { own, all in
                            guard let onset = own.onsetLog10Flops else { return false }
                            return all.onsetLog10Flops.map { onset < $0 } ?? true
                        },
                        slowerGrowth: zip(familyCurves.gaps, reference.gaps).map { $0.maxGrowth < $1.maxGrowth }))
            }
        }
        let bands =
            replicateCount > 0
            ? try bootstrapBands(
                fits: fits, estimate: reference, panel: panel, split: split, referenceRows: referenceRows, x: x, grid: grid, atLog10: atLog10,
                threadCount: threadCount, progress: progress) : nil
        return Result(
            settings: self, fits: fits, log10Grid: grid, reference: reference, families: families, excludedFamilies: excluded, bands: bands)
    }

    func check(panel: Panel) throws {
        guard targets.count >= 2 else {
            throw FitError.invalidSetting(.techniqueTargets, value: SettingText(targets.joined(separator: ",")), allowed: "at least two targets")
        }
        if let repeated = targets.enumerated().first(where: { targets.firstIndex(of: $0.element) != $0.offset }) {
            throw FitError.invalidSetting(.techniqueTargets, value: SettingText(repeated.element), allowed: "distinct targets (it is given twice)")
        }
        guard law.pcaOn != .train else {
            throw FitError.invalidSetting(
                .scalingLawPCAOn, value: "train", allowed: "pool or panel (one capability space for every target)")
        }
        guard law.maxAutoComponents == nil else {
            throw FitError.invalidSetting(
                .scalingLawMaxAutoComponents, value: "auto", allowed: "a fixed number of components (one capability space for every target)")
        }
        guard gapThreshold.isFinite else {
            throw FitError.invalidSetting(.techniqueGapThreshold, value: "\(gapThreshold)", allowed: "a finite number")
        }
        for flops in atFlops where !(flops > 0 && flops.isFinite) {
            throw FitError.invalidSetting(.fitBootstrapLog10Flops, value: "\(flops)", allowed: "positive, finite FLOPs (×1E21)")
        }
        guard gridPointCount >= 2 else {
            throw FitError.invalidSetting(.techniqueGridPointCount, value: "\(gridPointCount)", allowed: "≥ 2")
        }
        if replicateCount > 0 && !(level > 0 && level < 1) {
            throw FitError.invalidSetting(.fitBootstrapLevel, value: "\(level)", allowed: "in (0, 1)")
        }
        if replicateCount < 0 {
            throw FitError.invalidSetting(.fitBootstrapReplicateCount, value: "\(replicateCount)", allowed: "≥ 0")
        }
    }

    func normalize(_ values: [Double]) -> [Double] {
        guard let range = law.targetRange else { return values }
        return values.map { ($0 - range.lowerBound) / (range.upperBound - range.lowerBound) }
    }

    /// Per target, the least-squares line of its linear predictor on log10 FLOPs over `rows`;
    /// nil with fewer than 2 rows, constant FLOPs, or a zero slope.
    static func lines(_ predictors: [[Double]], rows: [Int], x: [Double?]) -> [Line]? {
        let xs = rows.map { x[$0] ?? .nan }
        var result: [Line] = []
        for predictor in predictors {
            guard let line = Statistics.leastSquaresLine(x: xs, y: rows.map { predictor[$0] }), line.slope.isFinite else { return nil }
            result.append(Line(slope: line.slope, intercept: line.intercept))
        }
        return result
    }

    /// Curves and gaps for given lines and links (the first target is the baseline).
    func curves(lines: [Line], links: [SigmoidFit], grid: [Double], atLog10: [Double]) -> Curves {
        let predict = zip(lines, links).map { line, link in
            { (x: Double) -> Double in link.predict(linearPredictor: line.slope * x + line.intercept) }
        }
        let values = predict.map { curve in grid.map(curve) }
        let gaps = (1..<values.count).map { later in
            Self.gap(
                first: targets[0], later: targets[later], values: zip(values[later], values[0]).map { $0 - $1 }, grid: grid, threshold: gapThreshold,
                atFlops: atLog10.map { predict[later]($0) - predict[0]($0) })
        }
        return Curves(lines: lines, values: values, gaps: gaps)
    }

    /// The gap statistics of `values` on `grid`.
    static func gap(first: String, later: String, values: [Double], grid: [Double], threshold: Double, atFlops: [Double]) -> Gap {
        var best = 0
        for index in values.indices where values[index] > values[best] { best = index }
        var onset: Double?
        if let crossing = values.firstIndex(where: { $0 > threshold }) {
            if crossing == 0 {
                onset = grid[0]
            } else {
                let before = values[crossing - 1], after = values[crossing]
                onset = grid[crossing - 1] + (threshold - before) / (after - before) * (grid[crossing] - grid[crossing - 1])
            }
        }
        var growth = -Double.infinity
        for index in 0..<(values.count - 1) {
            let rise: Double = (values[index + 1] - values[index]) / (grid[index + 1] - grid[index])
            growth = max(growth, rise)
        }
        return Gap(
            first: first, later: later, values: values, maxGap: values[best], argmaxLog10Flops: grid[best], onsetLog10Flops: onset,
            maxGrowth: growth, atFlops: atFlops)
    }

    /// Percentile bands of the curves (against the reference family) and of the gaps.
    func bootstrapBands(
        fits: [ScalingLawFit], estimate: Curves, panel: Panel, split: Split, referenceRows: [Int], x: [Double?], grid: [Double],
        atLog10: [Double], threadCount: Int, progress: ProgressHandler?
    ) throws -> Bands {
        let scores = Matrix(rows: fits[0].predictions.map(\.capabilities))
        let values = try targets.map { try panel.values(of: $0) }.map(normalize)
        let pool = split.train
        let regressions = fits.map { $0.law.regression }
        let penalties = fits.map { $0.law.penalty }
        let settings = law.regression
        let seed = seed
        let outcomes = Parallel.replicates(count: replicateCount, threadCount: threadCount, progress: progress) { index -> Curves? in
            var random = Xoshiro256StarStar.stream(seed: seed, index: UInt64(index))
            let drawn = (0..<pool.count).map { _ in pool[random.nextInt(below: pool.count)] }
            var refits: [SigmoidFit] = []
            for (t, values) in values.enumerated() {
                let rows = drawn.filter { !values[$0].isNaN }
                guard Set(rows).count >= 3,
                    let fit = try? settings.fit(
                        scores: scores.selectingRows(rows), targets: rows.map { values[$0] }, start: regressions[t].parameters,
                        penalty: penalties[t]),
                    fit.termination.converged
                else { return nil }
                refits.append(fit)
            }
            let predictors = refits.map { fit in (0..<scores.rowCount).map { fit.linearPredictor(scores.row($0)) } }
            guard let lines = Self.lines(predictors, rows: referenceRows, x: x) else { return nil }
            return curves(lines: lines, links: refits, grid: grid, atLog10: atLog10)
        }
        let succeeded = outcomes.compactMap { $0 }
        func band(_ estimates: [Double], _ replicate: (Curves) -> [Double]) -> [BootstrapInterval] {
            let draws = succeeded.map(replicate)
            return estimates.indices.map { point in BootstrapInterval(estimate: estimates[point], replicates: draws.map { $0[point] }, level: level) }
        }
        return Bands(
            replicatesSucceeded: succeeded.count,
            curves: targets.indices.map { t in band(estimate.values[t]) { $0.values[t] } },
            gaps: estimate.gaps.indices.map { g in band(estimate.gaps[g].values) { $0.gaps[g].values } },
            gapsAtFlops: estimate.gaps.indices.map { g in band(estimate.gaps[g].atFlops) { $0.gaps[g].atFlops } })
    }
}
