import DequeModule
import HeapModule
import RigModel

/// The step-level DAG: an edge from each step to the steps it `needs`. Every walk is iterative
/// and linear in steps + edges, so chains and fans of 100,000 steps are fine.
public struct StepGraph: Sendable {
    /// Step ids in file order (a duplicated id counts once, at its first place).
    public let ids: [String]
    private let index: [String: Int]
    /// For each step, the steps it needs (unknown names left out, duplicates removed).
    private let needs: [[Int]]
    /// For each step, the steps that need it.
    private let neededBy: [[Int]]

    public init(_ workflow: Workflow) {
        self.init(steps: workflow.steps)
    }

    public init(steps: [Step]) {
        var ids: [String] = []
        var index: [String: Int] = [:]
        for step in steps where index[step.id] == nil {
            index[step.id] = ids.count
            ids.append(step.id)
        }
        var needs = [[Int]](repeating: [], count: ids.count)
        var neededBy = [[Int]](repeating: [], count: ids.count)
        var seen = Set<Int>()
        for step in steps {
            guard let i = index[step.id], needs[i].isEmpty else { continue }
            seen.removeAll(keepingCapacity: true)
            for name in step.needs {
                guard let j = index[name], seen.insert(j).inserted else { continue }
                needs[i].append(j)
                neededBy[j].append(i)
            }
        }
        self.ids = ids
        self.index = index
        self.needs = needs
        self.neededBy = neededBy
    }

    public var count: Int { ids.count }

    public func contains(_ id: String) -> Bool { index[id] != nil }

    /// The steps `id` needs directly.
    public func dependencies(of id: String) -> [String] { index[id].map { needs[$0].map { ids[$0] } } ?? [] }

    /// The steps that need `id` directly.
    public func dependents(of id: String) -> [String] { index[id].map { neededBy[$0].map { ids[$0] } } ?? [] }

    /// Every step after the steps it needs; among ready steps, file order first. Nil on a cycle.
    public func topologicalOrder() -> [String]? {
        var remaining = needs.map(\.count)
        var ready = Heap<Int>()
        for i in ids.indices where remaining[i] == 0 { ready.insert(i) }
        var order: [String] = []
        order.reserveCapacity(ids.count)
        while let i = ready.popMin() {
            order.append(ids[i])
            for j in neededBy[i] {
                remaining[j] -= 1
                if remaining[j] == 0 { ready.insert(j) }
            }
        }
        return order.count == ids.count ? order : nil
    }

    /// Level sets: wave 0 needs nothing, wave n needs something in wave n-1. Each wave is in file
    /// order. Steps on or after a cycle are left out.
    public func waves() -> [[String]] {
        var remaining = needs.map(\.count)
        var current = ids.indices.filter { remaining[$0] == 0 }
        var result: [[String]] = []
        while !current.isEmpty {
            result.append(current.map { ids[$0] })
            var next: [Int] = []
            for i in current {
                for j in neededBy[i] {
                    remaining[j] -= 1
                    if remaining[j] == 0 { next.append(j) }
                }
            }
            current = next.sorted()
        }
        return result
    }

    /// Every step that (transitively) needs one of `roots`, not counting the roots themselves.
    public func descendants(of roots: Set<String>) -> Set<String> { reach(from: roots, along: neededBy) }

    /// Every step one of `roots` (transitively) needs, not counting the roots themselves.
    public func ancestors(of roots: Set<String>) -> Set<String> { reach(from: roots, along: needs) }

    /// Whether `step` needs `ancestor`, directly or through other steps.
    public func isAncestor(_ ancestor: String, of step: String) -> Bool {
        guard let target = index[ancestor], let start = index[step] else { return false }
        if needs[start].contains(target) { return true }
        var seen = Set([start])
        var queue = Deque(needs[start])
        while let i = queue.popFirst() {
            if i == target { return true }
            for j in needs[i] where seen.insert(j).inserted { queue.append(j) }
        }
        return false
    }

    /// Everything reachable from `roots` by at least one edge (so a root counts only when another root, or a cycle, leads to it).
    private func reach(from roots: Set<String>, along edges: [[Int]]) -> Set<String> {
        var reached = Set<Int>()
        var stack = roots.compactMap { index[$0] }
        while let i = stack.popLast() {
            for j in edges[i] where reached.insert(j).inserted { stack.append(j) }
        }
        return Set(reached.map { ids[$0] })
    }

    /// One cycle, as the path along `needs` that returns to its start: `["a", "b", "c", "a"]`
    /// means a needs b, b needs c, c needs a. Nil when the graph has none.
    public func findCycle() -> [String]? { cycles().first }

    /// One cycle per strongly connected group of steps (each in the form of `findCycle()`),
    /// ordered by the file position of their first step.
    public func cycles() -> [[String]] {
        stronglyConnectedComponents()
            .filter { $0.count > 1 || needs[$0[0]].contains($0[0]) }
            .map { component in cycle(through: component.min()!, within: Set(component)) }
            .sorted { index[$0[0]]! < index[$1[0]]! }
    }

    /// The shortest path along `needs` from `start` back to itself inside one component.
    private func cycle(through start: Int, within component: Set<Int>) -> [String] {
        var previous: [Int: Int] = [:]
        var queue: Deque<Int> = [start]
        var seen: Set<Int> = [start]
        while let i = queue.popFirst() {
            for j in needs[i] where component.contains(j) {
                if j == start {
                    var path = [start]
                    var k = i
                    while k != start {
                        path.append(k)
                        k = previous[k]!
                    }
                    return ([start] + path.dropFirst().reversed() + [start]).map { ids[$0] }
                }
                if seen.insert(j).inserted {
                    previous[j] = i
                    queue.append(j)
                }
            }
        }
        return [ids[start], ids[start]]
    }

    /// Tarjan's algorithm with an explicit stack.
    private func stronglyConnectedComponents() -> [[Int]] {
        let n = ids.count
        var order = [Int](repeating: -1, count: n)
        var low = [Int](repeating: 0, count: n)
        var onStack = [Bool](repeating: false, count: n)
        var stack: [Int] = []
        var components: [[Int]] = []
        var counter = 0
        for root in 0..<n where order[root] == -1 {
            var work: [(node: Int, edge: Int)] = [(root, 0)]
            order[root] = counter
            low[root] = counter
            counter += 1
            stack.append(root)
            onStack[root] = true
            while let (node, edge) = work.last {
                if edge < needs[node].count {
                    work[work.count - 1].edge += 1
                    let next = needs[node][edge]
                    if order[next] == -1 {
                        order[next] = counter
                        low[next] = counter
                        counter += 1
                        stack.append(next)
                        onStack[next] = true
                        work.append((next, 0))
                    } else if onStack[next] {
                        low[node] = min(low[node], order[next])
                    }
                    continue
                }
                work.removeLast()
                if let parent = work.last?.node { low[parent] = min(low[parent], low[node]) }
                if low[node] == order[node] {
                    var component: [Int] = []
                    while let top = stack.popLast() {
                        onStack[top] = false
                        component.append(top)
                        if top == node { break }
                    }
                    components.append(component)
                }
            }
        }
        return components
    }
}
