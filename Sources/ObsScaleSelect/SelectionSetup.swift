import Foundation
import ObsScaleData
import ObsScaleFit
import ObsScaleNumerics

/// The models whose predictions the selection should serve: the rows of L = X_Tᵀ X_T.
public enum TargetSet: Codable, Equatable, Sendable {
    /// Every pool model (the paper).
    case pool
    /// The panel models past the pool's cut — above the FLOPs cutoff or of unknown FLOPs, or larger
    /// than the pool's maximum size or of unknown size (the ones you want to predict) — in the
    /// pool's PC space. Models on the pool's side of the cut that left it for another reason (no
    /// cost, an excluded outlier, incomplete scores) are not among them.
    case aboveCutoff
    /// Named panel models.
    case models([String])
}

/// Models a selection always contains because of where they sit in the pool.
public enum SelectionAnchor: String, Codable, CaseIterable, Sendable {
    /// None: only `include` is forced.
    case none
    /// The pool's lowest- and highest-compute models: by FLOPs when pool models have them, else by
    /// model size; ties broken by PC-1 (the least capable of the smallest, the most capable of the
    /// largest). A law fitted to extrapolate then always sees both ends of the pool's scale — what
    /// made a peer's budgeted design hard to beat on frontier forecasts (README, "How good is a
    /// subset?"). With family units, their families are forced. A pool without FLOPs or sizes is
    /// refused.
    case computeExtremes = "compute-extremes"
    /// `computeExtremes` when some pool model has FLOPs or a size, else `none` (the default: a
    /// panel without a scale still selects).
    case auto
}

/// How to turn a panel into a `SelectionProblem`: the pool filters, the capability
/// space (imputation and PCA fitted on the pool, first K_sel PCs), units, costs, targets and
/// constraints. Defaults follow the paper: all benchmarks, K_sel = 3, no intercept, no ridge,
/// V-optimality, families as units, one unit of cost per model.
public struct SelectionSetup: Codable, Equatable, Sendable {
    public var benchmarks: [String]?
    public var componentCount = 3
    public var intercept = false
    public var ridge = 0.0
    public var criterion: Criterion = .v
    public var unit: SelectionUnit = .family
    public var cost: CostKind = .count
    /// Pool = models with FLOPs ≤ this (×1E21); unknown FLOPs leave the pool.
    public var cutoffFlops: Double?
    /// Pool = models of at most this many billion parameters.
    public var maxSizeB: Double?
    /// Drop pool models with a missing benchmark score (among `benchmarks`).
    public var dropIncomplete = false
    public var targets: TargetSet = .pool
    /// Models kept out of the pool altogether — the test models of a validation that holds out a
    /// share of the pool (`SelectionAdvice` without a cutoff).
    public var heldOut: [String] = []
    /// Family (or model, with `unit == .model`) names always selected / never selected.
    public var include: [String] = []
    public var exclude: [String] = []
    /// Models forced in by their place in the pool (added to `include`).
    public var anchor: SelectionAnchor = .none
    public var maxFamilies: Int?
    public var minModels: Int?
    public var maxModelsPerFamily: Int?
    /// At most this many models in total.
    public var maxModels: Int?
    /// Leave the pool's capability-space outliers (`OutlierScreen`) out of the pool; by default
    /// they are only listed.
    public var excludesOutliers = false

    public init() {}

    /// The recommended selection (the `obsscale select` defaults) for a pool with no models named
    /// to predict: single models, D-optimality with an intercept column. `recommended(predicting:
    /// true)` is the design for a pool cut below the models to predict. `SelectionSetup()` is the
    /// paper's (families, V-optimality).
    public static let recommended = recommended(predicting: false)

    /// Whether some panel model lies past the cut — FLOPs above `cutoffFlops`, or a size above
    /// `maxSizeB` — so that the recommended design has models to predict (a cut that keeps every
    /// model is a pool filter, and the design stays the one without). O(models).
    public static func hasModelsToPredict(_ panel: Panel, cutoffFlops: Double?, maxSizeB: Double?) -> Bool {
        panel.models.contains { model in
            if let cutoffFlops, let flops = model.flops, flops > cutoffFlops { return true }
            if let maxSizeB, let size = model.parametersB, size > maxSizeB { return true }
            return false
        }
    }

    /// The recommended selection: single models and — when the models to predict are known
    /// (`predicting`: the models past a FLOPs or size cut, a validation's test models) —
    /// V-optimality for those models (`TargetSet.aboveCutoff`) without an intercept, with the
    /// pool's compute extremes forced in (`SelectionAnchor.auto`); else D-optimality with an
    /// intercept (which needs no prediction points) and no anchor. Chosen on two validation worlds
    /// with the recommended law, by the worse world's median at 5, 10 and 20% of the pool's
    /// parameters (README, "How good is a subset?"): V for the models to predict, anchored, 1.16 /
    /// 1.00 / 1.05 against 1.20 / 1.07 / 1.07 for D with an intercept. Without models to predict
    /// neither V's rows nor an extrapolation's ends exist, and nothing was measured to change.
    public static func recommended(predicting: Bool) -> SelectionSetup {
        var setup = SelectionSetup()
        setup.unit = .model
        if predicting {
            setup.criterion = .v
            setup.intercept = false
            setup.targets = .aboveCutoff
            setup.anchor = .auto
        } else {
            setup.criterion = .d
            setup.intercept = true
        }
        return setup
    }

    /// The pool, its capability scores and the problem.
    public func build(panel: Panel) throws -> SelectionProblem {
        try problem(try pool(of: panel), fitRows: nil)
    }

    /// The pool of a panel after the filters, with the benchmark matrix: the part of `build`
    /// that does not depend on where imputation and PCA are fitted.
    public struct Pool: Sendable {
        public let panel: Panel
        /// Panel indices of the pool models, in panel order.
        public let indices: [Int]
        /// Whether each panel model lies past the cut (`TargetSet.aboveCutoff`).
        let pastCut: [Bool]
        let benchmarkNames: [String]
        let matrix: Matrix
        /// What left the pool besides the filters asked for (models without the cost, outliers).
        public let notes: [String]
        /// The capability-space screen of the pool (nil when the pool is too small for it).
        public let outliers: OutlierScreen?
        /// Imputation and PCA fitted on exactly this pool, when the screen fitted them (reused by
        /// `problem` instead of fitting them again).
        let space: (imputer: PCAImputerModel, pca: PCAModel)?
    }

    /// Applies the pool filters (cutoff, size, completeness); models without the cost leave the
    /// pool (one note with the count and the first names); then screens the pool for outliers
    /// in capability space (`OutlierScreen`), leaving them out when `excludesOutliers`.
    public func pool(of panel: Panel) throws -> Pool {
        let names = try panel.capabilityColumns(benchmarks)
        guard componentCount >= 1 else {
            throw SelectionError.invalidSetting(.setupComponentCount, value: "\(componentCount)", allowed: "≥ 1")
        }
        if let cutoffFlops, !(cutoffFlops > 0 && cutoffFlops.isFinite) {
            throw SelectionError.invalidSetting(.setupCutoffFlops, value: "\(cutoffFlops)", allowed: "a finite number > 0")
        }
        if cutoffFlops != nil && !panel.models.contains(where: { $0.flops != nil }) {
            throw DataError.requiresColumn(setting: .setupCutoffFlops, column: "FLOPs (1E21) (or Model Size (B) and Pretraining Data Size (T))")
        }
        let columns = try names.map { try panel.values(of: $0) }
        let costValues = try cost.values(for: panel)
        let heldOut = Set(self.heldOut)
        let pastCut = panel.models.map { model in
            if let cutoffFlops, !(model.flops.map { $0 <= cutoffFlops } ?? false) { return true }
            if let maxSizeB, !(model.parametersB.map { $0 <= maxSizeB } ?? false) { return true }
            return false
        }
        var inPool: [Bool] = panel.models.indices.map { index in
            if heldOut.contains(panel.models[index].name) || pastCut[index] { return false }
            return !(dropIncomplete && columns.contains(where: { $0[index].isNaN }))
        }
        var notes: [String] = []
        let withoutCost = panel.models.indices.filter { inPool[$0] && costValues[$0].isNaN }
        if !withoutCost.isEmpty {
            for index in withoutCost { inPool[index] = false }
            notes.append(
                "\(Self.count(withoutCost.count, "model")) without a cost "
                    + "'\(cost)'\(cost.columnName.map { $0 == "\(cost)" ? "" : " (\($0))" } ?? "") "
                    + "left the pool: \(Self.shown(withoutCost.map { panel.models[$0].name }))")
        }
        var pool = panel.models.indices.filter { inPool[$0] }
        guard pool.count >= 2 else {
            throw SelectionError.emptyPool(
                "\(Plural.count(pool.count, "model")) \(pool.count == 1 ? "passes" : "pass") the pool filters (cutoff, size, completeness, held "
                    + "out\(withoutCost.isEmpty ? "" : ", a cost"))"
            )
        }
        let matrix = try panel.capabilityMatrix(columns: names)
        // The screen, in the space the selection uses: imputation and PCA fitted on this pool.
        var space: (imputer: PCAImputerModel, pca: PCAModel)?
        var screen: OutlierScreen?
        if let imputer = try? PCAImputer().fit(matrix.selectingRows(pool), columnNames: names),
            let pca = try? PCA(componentCount: componentCount).fit(imputer.imputed, columnNames: names)
        {
            space = (imputer, pca)
            screen = OutlierScreen.screen(
                scores: pca.transform(imputer.imputed), models: pool.map { panel.models[$0].name }, families: pool.map { panel.models[$0].family },
                excluded: excludesOutliers)
        }
        if excludesOutliers, let screen, !screen.outliers.isEmpty {
            let outlying = Set(screen.modelNames)
            for index in pool where outlying.contains(panel.models[index].name) { inPool[index] = false }
            pool = panel.models.indices.filter { inPool[$0] }
            space = nil  // the pool changed: imputation and PCA are fitted again on what is left
            notes.append(
                "\(Self.count(screen.outliers.count, "capability-space outlier")) left the pool (\(Setting.setupExcludesOutliers)): "
                    + Self.shown(screen.modelNames))
            guard pool.count >= 2 else {
                throw SelectionError.emptyPool(
                    "\(Plural.count(pool.count, "model")) \(pool.count == 1 ? "is" : "are") left after the outliers leave the pool")
            }
        }
        return Pool(
            panel: panel, indices: pool, pastCut: pastCut, benchmarkNames: names, matrix: matrix, notes: notes, outliers: screen,
            space: space)
    }

    /// "1 model", "3 models".
    static func count(_ number: Int, _ noun: String) -> String { "\(number) \(noun)\(number == 1 ? "" : "s")" }

    /// The first three names, quoted, and "…" when there are more.
    static func shown(_ names: [String]) -> String {
        names.prefix(3).map { "'\($0)'" }.joined(separator: ", ") + (names.count > 3 ? ", …" : "")
    }

    /// The problem on a pool.
    ///
    /// - Parameters:
    ///   - pool: the filtered pool (`pool(of:)`).
    ///   - fitRows: positions in the pool (repeats allowed) on which imputation and PCA are
    ///     fitted and which form the target rows of L when `targets == .pool`; nil = the pool
    ///     (the paper). The selection bootstrap passes resampled rows; every pool model stays
    ///     selectable.
    public func problem(_ pool: Pool, fitRows: [Int]?) throws -> SelectionProblem {
        let panel = pool.panel
        let names = pool.benchmarkNames, matrix = pool.matrix
        let poolMatrix = matrix.selectingRows(pool.indices)
        let fitMatrix = fitRows.map { poolMatrix.selectingRows($0) } ?? poolMatrix
        let reused = fitRows == nil ? pool.space : nil
        let imputer = try reused?.imputer ?? PCAImputer().fit(fitMatrix, columnNames: names)
        let pca = try reused?.pca ?? PCA(componentCount: componentCount).fit(imputer.imputed, columnNames: names)
        let degenerate = pca.degenerateComponents
        if !degenerate.isEmpty && ridge == 0 {
            throw SelectionError.invalidSetting(
                .setupComponentCount, value: "\(componentCount)",
                allowed:
                    "at most \(componentCount - degenerate.count): PC-\(degenerate[0] + 1) and beyond have no variance on this pool (collinear or "
                    + "constant benchmarks); or add \(Setting.setupRidge) D > 0"
            )
        }
        func designRows(_ scores: Matrix) -> Matrix {
            guard intercept else { return scores }
            var rows = Matrix(rowCount: scores.rowCount, columnCount: scores.columnCount + 1, repeating: 1)
            for i in 0..<scores.rowCount { for j in 0..<scores.columnCount { rows[i, j + 1] = scores[i, j] } }
            return rows
        }
        let design = designRows(pca.transform(fitRows == nil ? imputer.imputed : imputer.transform(poolMatrix)))
        let targetRows: Matrix
        var targetDescription: String?
        switch targets {
        case .pool:
            targetRows = fitRows.map { design.selectingRows($0) } ?? design
        case .aboveCutoff:
            guard cutoffFlops != nil || maxSizeB != nil else {
                throw SelectionError.invalidSetting(
                    .setupTargets, value: "above-cutoff",
                    allowed: "pool, or above-cutoff together with \(Setting.setupCutoffFlops) or \(Setting.setupMaxSizeB)")
            }
            let above = panel.models.indices.filter { pool.pastCut[$0] }
            guard !above.isEmpty else { throw SelectionError.emptyPool("no panel model lies above the cutoff to serve as a target") }
            targetRows = designRows(pca.transform(imputer.transform(matrix.selectingRows(above))))
            targetDescription = "the \(above.count) models past the pool's cut"
        case let .models(modelNames):
            let indices = try modelNames.map { try panel.index(ofModel: $0) }
            guard !indices.isEmpty else { throw SelectionError.emptyPool("the target list is empty") }
            targetRows = designRows(pca.transform(imputer.transform(matrix.selectingRows(indices))))
            targetDescription = "the \(indices.count) models listed"
        }
        let poolPanel = panel.subset(pool.indices)
        let costs = try cost.costs(for: poolPanel)
        var units: [SelectionProblem.Unit] = []
        switch unit {
        case .family:
            for family in poolPanel.familyNames {
                let members = poolPanel.models.indices.filter { poolPanel.models[$0].family == family }
                units.append(.init(name: family, family: family, models: members, cost: members.reduce(0) { $0 + costs[$1] }))
            }
        case .model:
            for (index, model) in poolPanel.models.enumerated() {
                units.append(.init(name: model.name, family: model.family, models: [index], cost: costs[index]))
            }
        }
        let unitNames = units.map(\.name)
        func indices(_ names: [String]) throws -> [Int] {
            try names.map { name in
                guard let index = unitNames.firstIndex(of: name) else {
                    throw SelectionError.unknownUnit(name: name, suggestions: Suggestions.closeMatches(to: name, in: unitNames))
                }
                return index
            }
        }
        var mustInclude = try indices(include)
        var optionalAnchors: [Int] = []
        let anchored = try anchorModels(poolPanel, design: design)
        for model in anchored {
            guard let unit = units.firstIndex(where: { $0.models.contains(model) }), !mustInclude.contains(unit) else { continue }
            mustInclude.append(unit)
            if anchor == .auto { optionalAnchors.append(unit) }
        }
        let constraints = SelectionProblem.Constraints(
            mustInclude: mustInclude, exclude: try indices(exclude),
            maxFamilies: maxFamilies, minModels: minModels,
            maxModelsPerFamily: maxModelsPerFamily, maxModels: maxModels)
        var problem = try SelectionProblem(
            poolModels: poolPanel.modelNames, poolFamilies: poolPanel.models.map(\.family),
            design: design, targets: targetRows, units: units, criterion: criterion, ridge: ridge,
            constraints: constraints)
        problem.poolNotes = pool.notes
        problem.targetDescription = targetDescription
        problem.anchoredModels = anchored.map { poolPanel.models[$0].name }
        problem.optionalAnchors = optionalAnchors
        problem.outliers = pool.outliers
        return problem
    }

    /// The pool positions `anchor` forces in (the lowest- and highest-compute models; one when the
    /// pool has a single scale). O(pool).
    ///
    /// - Parameters:
    ///   - pool: the pool models, in pool order.
    ///   - design: their design rows (PC-1 is the column after the intercept, if any).
    func anchorModels(_ pool: Panel, design: Matrix) throws -> [Int] {
        guard anchor != .none else { return [] }
        let flops = pool.models.map(\.flops), sizes = pool.models.map(\.parametersB)
        let scale: [Double?] = flops.contains { $0 != nil } ? flops : sizes
        let known = scale.indices.filter { scale[$0] != nil }
        guard !known.isEmpty else {
            if anchor == .auto { return [] }
            throw SelectionError.invalidSetting(
                .setupAnchor, value: anchor.rawValue, allowed: "a pool with FLOPs or model sizes (to find its smallest and largest models)")
        }
        let capability = intercept ? 1 : 0  // PC-1's column (componentCount ≥ 1)
        func key(_ model: Int) -> (Double, Double) { (scale[model] ?? 0, design[model, capability]) }
        let lowest = known.min { key($0) < key($1) || (key($0) == key($1) && $0 < $1) } ?? known[0]
        let highest = known.max { key($0) < key($1) || (key($0) == key($1) && $0 > $1) } ?? known[0]
        return lowest == highest ? [lowest] : [lowest, highest]
    }
}
