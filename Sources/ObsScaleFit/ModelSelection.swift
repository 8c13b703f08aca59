import Foundation
import ObsScaleData
import ObsScaleNumerics

/// How a fit chooses the strength λ of its prior and, with `--components auto`, the number of
/// capability components K — by cross-validation on the training models only, so no test value
/// reaches either choice.
///
/// Folds (`FoldScheme`): leave-one-family-out (how well the law carries over to an unseen family;
/// above `maxFamilyFolds` families, leave-a-group-of-families-out)
/// and, for extrapolation — what a scaling law is for — the most capable quarter of the training
/// models (by PC-1) held out at once. A fold's error is the mean squared error of its held-out
/// models. λ > 0 is taken only when its paired advantage over λ = 0, averaged over the folds,
/// exceeds one standard error of that average (`Rule.oneStandardError`); a K other than the law's
/// own must beat it the same way. Three more guards keep a prior from hurting, because the
/// average over mostly leave-one-family-out folds measures interpolation across families and
/// cannot see every way a prior biases an extrapolation:
///
/// - *Extrapolation*: the prior must not predict the `top` fold (the most capable training
///   models, held out together) worse than the plain fit. An emergent task that rises steeply
///   past the public metrics' typical law is where a prior fails, and this fold is where it shows.
/// - *Nothing to borrow*: when the training models are (nearly) the whole pool the public
///   metrics were fitted on (`maximumTrainingShare`), the prior is not used — the target's own
///   data carry everything the pool can tell.
/// - *Compatibility* (`checksCompatibility`): the prior fit's predictions of the models to predict
///   (their benchmarks are public, their targets never read) must stay within the plain fit's own
///   uncertainty there — the leave-one-family-out jackknife standard deviation of the plain
///   predictions, leaving out the fold of the most capable family (which takes away the very
///   models an emergent task rises on). A prior that moves the extrapolation further overrides
///   what the training models show instead of steadying a fit they leave loose.
///
/// The report (`Choice`) says which applied. Cost: (candidate K) × (strengths) × (folds) fits of
/// the regression, plus (families + 2) fits for the compatibility check.
public struct ModelSelection: Codable, Equatable, Sendable {
    /// Which models a fold holds out.
    public enum FoldScheme: String, Codable, CaseIterable, Sendable {
        /// One fold per training family (families dealt to `maxFamilyFolds` folds when there are more).
        case families
        /// One fold: the most capable `topFraction` of the training models.
        case top
        /// Both.
        case familiesAndTop = "families+top"
    }

    /// How a candidate beats the plain choice.
    public enum Rule: String, Codable, CaseIterable, Sendable {
        /// By more than one standard error of the paired fold differences.
        case oneStandardError = "one-standard-error"
        /// By any margin (the lowest mean cross-validated error).
        case minimum
    }

    /// The candidate strengths λ (0 is always tried first).
    public var strengths: [Double] = [0, 1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1, 3]
    public var folds: FoldScheme = .familiesAndTop
    public var rule: Rule = .oneStandardError
    /// The share of the training models the `top` fold holds out (at least one model).
    public var topFraction = 0.25
    /// The prior borrows from the pool's other metrics; when the training models are at least
    /// this share of the pool, it has nothing to lend and is not used.
    public var maximumTrainingShare = 0.9
    /// Reject a prior that moves the predictions of the models to predict by more than the plain
    /// fit's own uncertainty there.
    public var checksCompatibility = true
    /// At most this many family folds: with more training families (a leaderboard pool of
    /// hundreds of one-model families), the families are dealt to this many folds in the order
    /// they first appear — leave-a-group-of-families-out — so the choice costs O(folds) fits,
    /// not O(families). 20 keeps every family its own fold on the paper's panel (≤ 21 families).
    public static let maxFamilyFolds = 20

    public init() {}

    /// One evaluated candidate.
    public struct Point: Codable, Equatable, Sendable {
        public let componentCount: Int
        public let strength: Double
        /// Mean over the folds of the held-out MSE (NaN when a fold could not be fitted).
        public let meanError: Double
        /// Standard error of that mean over the folds.
        public let standardError: Double
    }

    /// The outcome, reported with every fit that made a choice.
    public struct Choice: Codable, Equatable, Sendable {
        public let componentCount: Int
        /// λ of the final fit (0: the prior was not used).
        public let strength: Double
        public let priorUsed: Bool
        /// Why the prior was (not) used and why this K.
        public let reason: String
        /// The prior at the chosen K (nil without one).
        public let prior: ParameterPrior?
        public let foldCount: Int
        /// Every candidate's cross-validated error.
        public let curve: [Point]
    }

    /// The inputs of one choice at one K.
    public struct Candidate {
        public let componentCount: Int
        /// Capability scores of the training models, K columns.
        public let scores: Matrix
        public let prior: ParameterPrior?
        /// Capability scores of the models the law is fitted to predict (their benchmarks are
        /// public; their targets are never read): where the prior's effect is checked.
        public let predictionScores: Matrix?
        /// Number of pool models the public metrics were fitted on (nil: not checked).
        public let poolSize: Int?

        public init(componentCount: Int, scores: Matrix, prior: ParameterPrior?, predictionScores: Matrix? = nil, poolSize: Int? = nil) {
            self.componentCount = componentCount
            self.scores = scores
            self.prior = prior
            self.predictionScores = predictionScores
            self.poolSize = poolSize
        }
    }

    /// One fold: the training positions left out of its fit, and those its error is scored on.
    public struct Fold: Equatable, Sendable {
        public let heldOut: [Int]
        /// A leave-one-family-out fold (the other kind holds out the most capable models).
        public let isFamily: Bool

        public init(heldOut: [Int], isFamily: Bool) {
            self.heldOut = heldOut
            self.isFamily = isFamily
        }
    }

    /// The folds of a training set.
    /// - Parameters:
    ///   - families: the family of each training model.
    ///   - capability: PC-1 of each training model (larger = more capable).
    public func foldRows(families: [String], capability: [Double]) -> [Fold] {
        let m = families.count
        var result: [Fold] = []
        if folds != .top {
            var order: [String] = []
            var members: [String: [Int]] = [:]
            for (row, family) in families.enumerated() {
                if members[family] == nil { order.append(family) }
                members[family, default: []].append(row)
            }
            if order.count >= 2 {
                let foldCount = min(order.count, Self.maxFamilyFolds)
                var grouped = [[Int]](repeating: [], count: foldCount)
                for (position, family) in order.enumerated() { grouped[position % foldCount] += members[family] ?? [] }
                result += grouped.map { Fold(heldOut: $0.sorted(), isFamily: true) }
            }
        }
        if folds != .families && m >= 4 {
            let count = max(1, Int((topFraction * Double(m)).rounded()))
            let ranked = (0..<m).sorted { capability[$0] > capability[$1] || (capability[$0] == capability[$1] && $0 < $1) }
            result.append(Fold(heldOut: Array(ranked.prefix(count)).sorted(), isFamily: false))
        }
        return result
    }

    /// Chooses K and λ among `candidates` (the law's own K is `defaultComponents`) for the training
    /// targets `targets`, with the folds of `foldRows`.
    public func choose(
        candidates: [Candidate], defaultComponents: Int, targets: [Double], folds: [Fold], regression: SigmoidRegression
    ) -> Choice {
        // One K and no prior: nothing to choose, so no cross-validation (on a leaderboard with
        // thousands of families it would be thousands of fits for an empty curve).
        if candidates.count == 1, let only = candidates.first, only.prior == nil {
            return Choice(
                componentCount: only.componentCount, strength: 0, priorUsed: false, reason: "no prior", prior: nil, foldCount: folds.count,
                curve: [])
        }
        var curve: [Point] = []
        var best: [(candidate: Candidate, strength: Double, errors: [Double], reason: String)] = []
        for candidate in candidates {
            let strengths = candidate.prior == nil ? [0] : [0] + strengths.filter { $0 > 0 }
            let errors = strengths.map { strength in
                foldErrors(candidate, strength: strength, targets: targets, folds: folds, regression: regression)
            }
            for (strength, values) in zip(strengths, errors) {
                curve.append(
                    Point(
                        componentCount: candidate.componentCount, strength: strength,
                        meanError: Statistics.mean(values), standardError: Self.standardError(values)))
            }
            var (index, reason) = pick(errors, plain: 0)
            var chosenReason: String
            if candidate.prior == nil {
                chosenReason = "no prior"
            } else if let pool = candidate.poolSize, Double(candidate.scores.rowCount) >= maximumTrainingShare * Double(pool) {
                index = 0
                chosenReason =
                    "the training models are (nearly) the whole pool the public metrics were fitted on, so they add nothing"
            } else if index == 0 {
                chosenReason = "the prior does not beat the plain fit in cross-validation (\(reason)); not used"
            } else if let top = folds.firstIndex(where: { !$0.isFamily }), !(errors[index][top] <= errors[0][top]) {
                chosenReason = String(
                    format:
                        "the prior beats the plain fit in cross-validation (%@), but predicts the most capable training models worse (MSE %.3g "
                        + "against %.3g); not used",
                    reason, errors[index][top], errors[0][top])
                index = 0
            } else {
                chosenReason = "the prior beats the plain fit in cross-validation (\(reason))"
                if checksCompatibility,
                    let conflict = conflict(candidate, strength: strengths[index], targets: targets, folds: folds, regression: regression)
                {
                    index = 0
                    chosenReason += ", but \(conflict); not used"
                }
            }
            best.append((candidate, strengths[index], errors[index], chosenReason))
        }
        let plain = best.firstIndex { $0.candidate.componentCount == defaultComponents } ?? 0
        let (index, kReason) = best.count > 1 ? pick(best.map(\.errors), plain: plain) : (0, "")
        let chosen = best[index]
        var reason = chosen.reason
        if best.count > 1 {
            reason +=
                index == plain
                ? "; K = \(chosen.candidate.componentCount), no other K beats it (\(kReason))"
                : "; K = \(chosen.candidate.componentCount) beats K = \(defaultComponents) (\(kReason))"
        }
        return Choice(
            componentCount: chosen.candidate.componentCount, strength: chosen.strength, priorUsed: chosen.strength > 0, reason: reason,
            prior: chosen.candidate.prior, foldCount: folds.count, curve: curve)
    }

    /// Whether the prior contradicts the data where the law is used: the root-mean-square change of
    /// the predictions of the models to predict, prior fit against plain fit (both on every
    /// training model), against the jackknife standard deviation of the plain predictions over the
    /// leave-one-family-out fits, without the fold of the most capable training model's family.
    /// The description of the conflict, or nil when compatible (or when it cannot be checked).
    func conflict(_ candidate: Candidate, strength: Double, targets: [Double], folds: [Fold], regression: SigmoidRegression) -> String? {
        guard let prior = candidate.prior, let rows = candidate.predictionScores, rows.rowCount > 0 else { return nil }
        let m = targets.count
        func predictions(_ kept: [Int], penalty: ParameterPenalty?) -> [Double]? {
            guard
                let fit = try? regression.fit(scores: candidate.scores.selectingRows(kept), targets: kept.map { targets[$0] }, penalty: penalty),
                fit.termination.converged
            else { return nil }
            return (0..<rows.rowCount).map { fit.predict(rows.row($0)) }
        }
        let all = Array(0..<m)
        guard let plain = predictions(all, penalty: nil),
            let pulled = predictions(all, penalty: ParameterPenalty(prior: prior, strength: strength))
        else { return nil }
        let top = (0..<m).max { candidate.scores[$0, 0] < candidate.scores[$1, 0] } ?? 0
        let jackknife = folds.filter { $0.isFamily && !$0.heldOut.contains(top) }
        let replicates = jackknife.compactMap { fold -> [Double]? in
            let held = Set(fold.heldOut)
            return predictions(all.filter { !held.contains($0) }, penalty: nil)
        }
        guard replicates.count >= 2 else { return nil }
        let f = Double(replicates.count)
        var variance = 0.0, shift = 0.0
        for i in 0..<rows.rowCount {
            let values = replicates.map { $0[i] }
            let center = Statistics.mean(values)
            variance += (f - 1) / f * values.reduce(0) { $0 + ($1 - center) * ($1 - center) }
            shift += (pulled[i] - plain[i]) * (pulled[i] - plain[i])
        }
        let spread = (variance / Double(rows.rowCount)).squareRoot(), moved = (shift / Double(rows.rowCount)).squareRoot()
        guard moved > spread else { return nil }
        return String(
            format: "it moves the predictions of the models to predict by %.3g (RMS), more than the plain fit's own uncertainty there (%.3g)",
            moved, spread)
    }

    /// Held-out MSE per fold for one candidate and strength (NaN where the fold cannot be fitted).
    func foldErrors(_ candidate: Candidate, strength: Double, targets: [Double], folds: [Fold], regression: SigmoidRegression) -> [Double] {
        Self.foldErrors(
            heldOutPredictions(candidate, strength: strength, targets: targets, folds: folds, regression: regression), folds: folds,
            targets: targets)
    }

    /// Held-out MSE per fold of per-fold predictions (`heldOutPredictions`); NaN where a fold's
    /// predictions are.
    static func foldErrors(_ predictions: [[Double]], folds: [Fold], targets: [Double]) -> [Double] {
        zip(folds, predictions).map { fold, predicted in
            zip(fold.heldOut, predicted).reduce(0.0) { sum, pair in
                let error = pair.1 - targets[pair.0]
                return sum + error * error
            } / Double(fold.heldOut.count)
        }
    }

    /// Per fold, the predictions of its held-out rows (in `heldOut` order) by the candidate's law
    /// fitted at `strength` on the other training rows; NaN where that fit fails or does not
    /// converge. O(folds fits).
    public func heldOutPredictions(
        _ candidate: Candidate, strength: Double, targets: [Double], folds: [Fold], regression: SigmoidRegression
    ) -> [[Double]] {
        let m = targets.count
        let penalty = candidate.prior.map { ParameterPenalty(prior: $0, strength: strength) }
        return folds.map { fold in
            let held = Set(fold.heldOut)
            let kept = (0..<m).filter { !held.contains($0) }
            guard
                let fit = try? regression.fit(
                    scores: candidate.scores.selectingRows(kept), targets: kept.map { targets[$0] }, penalty: penalty),
                fit.termination.converged
            else { return [Double](repeating: .nan, count: fold.heldOut.count) }
            return fold.heldOut.map { fit.predict(candidate.scores.row($0)) }
        }
    }

    /// The index of the chosen option among fold-error lists: the one with the lowest mean, if
    /// it beats `plain` by the rule on the folds where both are finite, else `plain`. When `plain`
    /// cannot be fitted on every fold, the lowest mean wins.
    func pick(_ errors: [[Double]], plain: Int) -> (Int, String) {
        func mean(_ values: [Double]) -> Double { Statistics.mean(values.filter { !$0.isNaN }) }
        let complete = errors.indices.filter { errors[$0].allSatisfy { !$0.isNaN } }
        guard !complete.isEmpty else { return (plain, "no option could be fitted on every fold") }
        let lowest = complete.min { mean(errors[$0]) < mean(errors[$1]) } ?? plain
        guard lowest != plain else { return (plain, "it has the lowest error") }
        guard complete.contains(plain) else { return (lowest, "the plain option cannot be fitted on every fold") }
        let differences = zip(errors[lowest], errors[plain]).map { $0 - $1 }
        let advantage = -Statistics.mean(differences)
        let margin = rule == .oneStandardError ? Self.standardError(differences) : 0
        let scale = max(mean(errors[plain]), 1e-300)
        let relative = String(
            format: "%.0f%% lower error, one standard error %.0f%%", 100 * advantage / scale, 100 * margin / scale)
        return advantage > margin ? (lowest, relative) : (plain, relative)
    }

    /// Standard error of the mean of the finite values (NaN below two).
    static func standardError(_ values: [Double]) -> Double {
        let finite = values.filter { !$0.isNaN }
        return Statistics.sampleStandardDeviation(finite) / Double(finite.count).squareRoot()
    }
}
