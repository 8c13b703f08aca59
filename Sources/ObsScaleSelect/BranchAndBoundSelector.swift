import Foundation
import ObsScaleNumerics

/// Branch-and-bound over units with relaxation bounds, to close the gap where the
/// relaxation is loose (small budgets).
///
/// The incumbent starts from greedy + exchange. Nodes fix units in or out; each node's bound is its
/// Frank–Wolfe relaxation (any iterate's bound is valid, so a capped iteration count never
/// invalidates a proof). Best-first: the open node with the lowest bound is expanded, so the global
/// lower bound is the smallest open bound. A node is pruned when its bound is within 1e-9
/// (the certified gap, `SelectionProblem.gap`) of the incumbent, or within `gapTolerance`; its
/// relaxed point is rounded (units by weight, while they fit) to improve the incumbent; it is
/// split on the unit whose weight is closest to ½.
/// Stops when no node is open (optimality proven) or at the time limit, returning the incumbent
/// with the certified gap.
public struct BranchAndBoundSelector: SubsetSelector {
    public var timeLimitSeconds = 10.0
    /// Stop once the certified gap (incumbent − bound)/bound is at most this (0: prove optimality).
    public var gapTolerance = 0.0
    public var nodeIterations = 150
    public var maxNodes = 200_000

    public init(timeLimitSeconds: Double = 10, gapTolerance: Double = 0, nodeIterations: Int = 150, maxNodes: Int = 200_000) {
        self.timeLimitSeconds = timeLimitSeconds
        self.gapTolerance = gapTolerance
        self.nodeIterations = nodeIterations
        self.maxNodes = maxNodes
    }

    struct Node {
        var fixedIn: Set<Int>
        var fixedOut: Set<Int>
        var bound: Double
        var weights: [Double]
    }

    /// - Parameters:
    ///   - problem: the selection problem.
    ///   - budget: the budget in cost units.
    ///   - progress: told the elapsed share of the time limit, in milliseconds, per node.
    public func select(_ problem: SelectionProblem, budget: Double, progress: ProgressHandler?) throws -> SelectionResult {
        let started = Date()
        var incumbentState = try GreedySelector().greedy(problem, budget: budget).0
        // A quarter of the time for local search on the incumbent, the rest for the tree.
        _ = ExchangeSelector(timeLimitSeconds: timeLimitSeconds / 4).improve(&incumbentState, budget: budget)
        var incumbent = incumbentState.meetsMinimums && incumbentState.value.isFinite ? incumbentState.members : nil
        var incumbentValue = incumbent == nil ? Double.infinity : incumbentState.value
        let relaxation = RelaxationBound(maxIterations: nodeIterations, tolerance: 1e-6, timeLimitSeconds: timeLimitSeconds)
        var open: [Node] = []
        var explored = 0
        if let root = try relaxation.solve(problem, budget: budget) {
            open.append(Node(fixedIn: [], fixedOut: [], bound: root.lowerBound, weights: root.weights))
        }
        var timedOut = false
        let tolerance = max(gapTolerance, 1e-9)
        /// The smallest bound among pruned nodes: with the incumbent and the open nodes, it
        /// certifies the final lower bound.
        var prunedMinimum = Double.infinity
        func closes(_ bound: Double) -> Bool {
            guard bound >= incumbentValue || problem.gap(value: incumbentValue, lowerBound: bound) <= tolerance else { return false }
            prunedMinimum = min(prunedMinimum, bound)
            return true
        }
        while !open.isEmpty {
            // Best-first: the lowest bound.
            let position = open.indices.min { open[$0].bound < open[$1].bound } ?? 0
            let node = open.remove(at: position)
            if closes(node.bound) { continue }
            let elapsed = Date().timeIntervalSince(started)
            progress?(Int(min(elapsed, timeLimitSeconds) * 1000), Int(timeLimitSeconds * 1000))
            if elapsed > timeLimitSeconds || explored >= maxNodes {
                open.append(node)
                timedOut = true
                break
            }
            explored += 1
            // Round the relaxed point to a feasible subset and try it as an incumbent.
            if let (subset, value) = round(problem, budget: budget, node: node), value < incumbentValue {
                incumbent = subset
                incumbentValue = value
            }
            let free = node.weights.indices.filter {
                !node.fixedIn.contains($0) && !node.fixedOut.contains($0)
                    && !problem.constraints.mustInclude.contains($0) && !problem.constraints.exclude.contains($0)
            }
            guard let branch = free.min(by: { abs(node.weights[$0] - 0.5) < abs(node.weights[$1] - 0.5) }) else { continue }
            for fixIn in [true, false] {
                var child = node
                if fixIn { child.fixedIn.insert(branch) } else { child.fixedOut.insert(branch) }
                guard let outcome = try relaxation.solve(problem, budget: budget, fixedIn: child.fixedIn, fixedOut: child.fixedOut) else {
                    continue
                }
                // A child's bound is at least its parent's (its polytope is smaller).
                child.bound = max(outcome.lowerBound, node.bound)
                child.weights = outcome.weights
                // All units fixed: the node is a single subset — evaluate it exactly, its units in
                // index order (a set's order differs between runs, and with it the last bits of the
                // Gram matrix's sums: the value, and a choice between near-ties, would too).
                if free.count == 1 {
                    let subset = child.fixedIn.union(problem.constraints.mustInclude).sorted()
                    if problem.isFeasible(subset, budget: budget) {
                        let value = problem.value(of: subset)
                        if value < incumbentValue {
                            incumbent = subset
                            incumbentValue = value
                        }
                    }
                    continue
                }
                if !closes(child.bound) { open.append(child) }
            }
        }
        // Closed tree: optimal, up to the gap tolerance (the pruned nodes' bounds).
        let proven = !timedOut && open.isEmpty && gapTolerance <= 1e-9
        let lowerBound =
            proven
            ? incumbentValue
            : min(prunedMinimum, open.map(\.bound).min() ?? .infinity, incumbentValue)
        guard let subset = incumbent else {
            throw SelectionError.noFeasibleSubset(
                budget: budget, detail: "branch-and-bound found no subset with a nonsingular design that meets the constraints")
        }
        var notes: [String] = []
        if timedOut { notes.append("stopped at the time limit (\(timeLimitSeconds) s) after \(explored) nodes; \(open.count) open") }
        return problem.result(
            subset: subset, budget: budget, value: incumbentValue, lowerBound: lowerBound, provenOptimal: proven,
            solver: "branch-and-bound", iterations: explored, started: started, notes: notes)
    }

    /// Fixed-in units, then the free units by relaxed weight (descending) while they fit; nil when
    /// the result is infeasible or singular.
    func round(_ problem: SelectionProblem, budget: Double, node: Node) -> ([Int], Double)? {
        var state = SubsetState(problem: problem)
        for u in Set(problem.constraints.mustInclude).union(node.fixedIn).sorted() {
            guard state.canAdd(u, budget: budget) else { return nil }
            state.add(u)
        }
        let order = node.weights.indices.filter { node.weights[$0] > 1e-9 && !node.fixedOut.contains($0) }
            .sorted { node.weights[$0] > node.weights[$1] || (node.weights[$0] == node.weights[$1] && $0 < $1) }
        for u in order where state.canAdd(u, budget: budget) { state.add(u) }
        guard state.value.isFinite, state.meetsMinimums else { return nil }
        return (state.members, state.value)
    }
}
