import Foundation

/// A growing subset with its Gram matrix G, inverse A = G⁻¹ and Q = A·L·A kept current, so the
/// criterion change of adding or removing a unit is cheap (DESIGN §4.3):
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
    /// Model counts per family name index and distinct families, for the side constraints.
    var modelsPerFamily: [String: Int] = [:]

    init(problem: SelectionProblem) {
        self.problem = problem
        p = problem.dimension
        inMembers = Array(repeating: false, count: problem.units.count)
        gram = problem.gram(of: []).storage
        evaluator = CriterionEvaluator(problem: problem)
        scratch = Array(repeating: 0, count: p * p)
    }

    var familyCount: Int { modelsPerFamily.count }
    var modelCount: Int { modelsPerFamily.values.reduce(0, +) }

    /// Whether adding u keeps budget, exclusion, family and per-family constraints.
    func canAdd(_ u: Int, budget: Double, removing out: Int? = nil) -> Bool {
        if inMembers[u] || problem.constraints.exclude.contains(u) { return false }
        let unit = problem.units[u]
        let outCost = out.map { problem.units[$0].cost } ?? 0
        if cost - outCost + unit.cost > budget * (1 + 1e-12) { return false }
        var familyModels = modelsPerFamily[unit.family] ?? 0
        var families = familyCount
        if let out {
            let outUnit = problem.units[out]
            if outUnit.family == unit.family { familyModels -= outUnit.models.count }
            else if modelsPerFamily[outUnit.family] == outUnit.models.count { families -= 1 }
        }
        if let maxFamilies = problem.constraints.maxFamilies, familyModels == 0, families + 1 > maxFamilies { return false }
        if let cap = problem.constraints.maxModelsPerFamily, familyModels + unit.models.count > cap { return false }
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
        cost += problem.units[u].cost
        modelsPerFamily[problem.units[u].family, default: 0] += problem.units[u].models.count
        value = evaluator.value(gram: gram)
    }

    mutating func remove(_ u: Int) {
        let size = p * p
        for index in 0..<size { gram[index] -= problem.unitGrams[u * size + index] }
        members.removeAll { $0 == u }
        inMembers[u] = false
        cost -= problem.units[u].cost
        let family = problem.units[u].family
        modelsPerFamily[family, default: 0] -= problem.units[u].models.count
        if modelsPerFamily[family] == 0 { modelsPerFamily[family] = nil }
        value = evaluator.value(gram: gram)
    }

    /// Whether the subset meets the lower-bound constraints (minimum models).
    var meetsMinimums: Bool {
        guard let minimum = problem.constraints.minModels else { return true }
        return modelCount >= minimum
    }
}
