import Foundation

/// A growing subset with its Gram matrix G, inverse A = G⁻¹ and Q = A·L·A kept current, so the
/// criterion change of adding or removing a unit is cheap:
/// adding one row x: A′ = A − A x xᵀ A / (1 + xᵀAx) (Sherman–Morrison), and
/// ΔV = xᵀQx / (1 + xᵀAx), ΔA-criterion the same with L = I, ΔD = −log(1 + xᵀAx).
/// Multi-row units (families) are evaluated on G + M_u directly, which for p × p Grams with p ≤ ~10
/// costs no more than an r × r Woodbury solve.
struct SubsetState {
    let problem: SelectionProblem
    let p: Int
    var members: [Int] = []
    var inMembers: [Bool]
    var gram: [Double]
    var cost = 0.0
    var value = Double.infinity
    var evaluator: CriterionEvaluator
    var scratch: [Double]
    /// Per unit: its family's index, model count, cost and whether it is excluded (flat arrays:
    /// `canAdd` runs for every candidate at every step).
    let familyOfUnit: [Int]
    let unitModels: [Int]
    let unitCosts: [Double]
    let excluded: [Bool]
    /// Models selected per family index; distinct families and models selected.
    var modelsPerFamily: [Int]
    var familyCount = 0
    var modelCount = 0

    init(problem: SelectionProblem) {
        self.problem = problem
        p = problem.dimension
        inMembers = Array(repeating: false, count: problem.units.count)
        gram = problem.gram(of: []).storage
        evaluator = CriterionEvaluator(problem: problem)
        scratch = Array(repeating: 0, count: p * p)
        var familyIndex: [String: Int] = [:]
        familyOfUnit = problem.units.map { unit in
            if let index = familyIndex[unit.family] { return index }
            familyIndex[unit.family] = familyIndex.count
            return familyIndex.count - 1
        }
        unitModels = problem.units.map(\.models.count)
        unitCosts = problem.units.map(\.cost)
        var excluded = Array(repeating: false, count: problem.units.count)
        for u in problem.constraints.exclude { excluded[u] = true }
        self.excluded = excluded
        modelsPerFamily = Array(repeating: 0, count: familyIndex.count)
    }

    /// Whether adding u keeps budget, exclusion, family and per-family constraints.
    func canAdd(_ u: Int, budget: Double, removing out: Int? = nil) -> Bool {
        if inMembers[u] || excluded[u] { return false }
        let outCost = out.map { unitCosts[$0] } ?? 0
        if cost - outCost + unitCosts[u] > budget * (1 + 1e-12) { return false }
        let family = familyOfUnit[u]
        var familyModels = modelsPerFamily[family]
        var families = familyCount
        if let out {
            let outFamily = familyOfUnit[out]
            if outFamily == family { familyModels -= unitModels[out] } else if modelsPerFamily[outFamily] == unitModels[out] { families -= 1 }
        }
        if let maxFamilies = problem.constraints.maxFamilies, familyModels == 0, families + 1 > maxFamilies { return false }
        if let cap = problem.constraints.maxModelsPerFamily, familyModels + unitModels[u] > cap { return false }
        if let maxModels = problem.constraints.maxModels, modelCount - (out.map { unitModels[$0] } ?? 0) + unitModels[u] > maxModels { return false }
        return true
    }

    /// The criterion of G + sign·M_u (without changing the state).
    mutating func valueWith(_ u: Int, sign: Double = 1) -> Double {
        let size = p * p
        for index in 0..<size { scratch[index] = gram[index] + sign * problem.unitGrams[u * size + index] }
        return evaluator.value(gram: scratch)
    }

    /// The criterion of G − M_out + M_in.
    mutating func valueWithSwap(out: Int, in u: Int) -> Double {
        let size = p * p
        for index in 0..<size {
            scratch[index] = gram[index] - problem.unitGrams[out * size + index] + problem.unitGrams[u * size + index]
        }
        return evaluator.value(gram: scratch)
    }

    mutating func add(_ u: Int) {
        let size = p * p
        for index in 0..<size { gram[index] += problem.unitGrams[u * size + index] }
        members.append(u)
        inMembers[u] = true
        cost += unitCosts[u]
        let family = familyOfUnit[u]
        if modelsPerFamily[family] == 0 { familyCount += 1 }
        modelsPerFamily[family] += unitModels[u]
        modelCount += unitModels[u]
        value = evaluator.value(gram: gram)
    }

    mutating func remove(_ u: Int) {
        let size = p * p
        for index in 0..<size { gram[index] -= problem.unitGrams[u * size + index] }
        members.removeAll { $0 == u }
        inMembers[u] = false
        cost -= unitCosts[u]
        let family = familyOfUnit[u]
        modelsPerFamily[family] -= unitModels[u]
        if modelsPerFamily[family] == 0 { familyCount -= 1 }
        modelCount -= unitModels[u]
        value = evaluator.value(gram: gram)
    }

    /// Whether the subset meets the lower-bound constraints (minimum models).
    var meetsMinimums: Bool {
        guard let minimum = problem.constraints.minModels else { return true }
        return modelCount >= minimum
    }
}
