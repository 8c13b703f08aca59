import Foundation
import ObsScale

/// Small random selection problems with a brute-force answer, for property tests.
struct RandomInstance {
    let problem: SelectionProblem
    let budget: Double

    /// A reproducible instance: 3–9 units of 1–3 rows in p = 2–3 dimensions, random costs, and
    /// random side constraints (family caps, includes, excludes, minimum models).
    static func make(seed: UInt64, unit: SelectionUnit? = nil) -> RandomInstance? {
        var random = Xoshiro256StarStar(seed: seed)
        let p = 2 + random.nextInt(below: 2)
        let modelUnits = unit.map { $0 == .model } ?? (random.nextUniform() < 0.4)
        let unitCount = 3 + random.nextInt(below: 7)
        var rows: [[Double]] = []
        var families: [String] = []
        var units: [SelectionProblem.Unit] = []
        let familyCount = max(2, unitCount / 2)
        for u in 0..<unitCount {
            let size = modelUnits ? 1 : 1 + random.nextInt(below: 3)
            let family = modelUnits ? "F\(random.nextInt(below: familyCount))" : "F\(u)"
            let first = rows.count
            for _ in 0..<size {
                rows.append((0..<p).map { _ in random.nextNormal() })
                families.append(family)
            }
            units.append(
                .init(
                    name: modelUnits ? "m\(u)" : family, family: family, models: Array(first..<rows.count),
                    cost: modelUnits && random.nextUniform() < 0.5 ? 1 : 0.5 + 2 * random.nextUniform()))
        }
        let design = Matrix(rows: rows)
        var constraints = SelectionProblem.Constraints()
        if random.nextUniform() < 0.3 { constraints.maxFamilies = 1 + random.nextInt(below: 3) + (modelUnits ? 0 : 1) }
        if random.nextUniform() < 0.25 { constraints.mustInclude = [random.nextInt(below: unitCount)] }
        if random.nextUniform() < 0.25 {
            let excluded = random.nextInt(below: unitCount)
            if !constraints.mustInclude.contains(excluded) { constraints.exclude = [excluded] }
        }
        if random.nextUniform() < 0.2 { constraints.minModels = p + random.nextInt(below: 2) }
        if modelUnits && random.nextUniform() < 0.3 { constraints.maxModelsPerFamily = 1 + random.nextInt(below: 2) }
        let criterion: Criterion = [.v, .v, .v, .a, .d][random.nextInt(below: 5)]
        let totalCost = units.reduce(0) { $0 + $1.cost }
        let budget = totalCost * (0.25 + 0.6 * random.nextUniform())
        // Drawn last so the instances without it are the ones the other tests were written on.
        if random.nextUniform() < 0.25 { constraints.maxModels = p + 1 + random.nextInt(below: 3) }
        guard
            let problem = try? SelectionProblem(
                poolModels: rows.indices.map { "model\($0)" }, poolFamilies: families,
                design: design, targets: design, units: units, criterion: criterion,
                constraints: constraints)
        else { return nil }
        return RandomInstance(problem: problem, budget: budget)
    }

    /// The optimum by enumerating all 2ⁿ subsets.
    func bruteForce() -> (value: Double, subset: [Int]) {
        var best = (value: Double.infinity, subset: [Int]())
        let n = problem.units.count
        for mask in 0..<(1 << n) {
            let subset = (0..<n).filter { mask & (1 << $0) != 0 }
            guard problem.isFeasible(subset, budget: budget) else { continue }
            let value = problem.value(of: subset)
            if value < best.value { best = (value, subset) }
        }
        return best
    }
}
