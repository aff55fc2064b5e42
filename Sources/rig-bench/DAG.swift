import RigTestSupport

/// The shapes measured: a chain (pure latency), independent steps (pure throughput), and
/// layers whose steps need 2–3 random steps of the layer before.
enum Shape: String, CaseIterable {
    case chain, wide, layered
}

/// Step i needs `parents[i]` (indices below i).
struct DAG {
    var parents: [[Int]]

    static func make(_ shape: Shape, size: Int, seed: UInt64) -> DAG {
        switch shape {
        case .chain: return DAG(parents: (0..<size).map { $0 == 0 ? [] : [$0 - 1] })
        case .wide: return DAG(parents: Array(repeating: [], count: size))
        case .layered:
            var random = SplitMix64(seed: seed)
            let width = max(4, Int(Double(size).squareRoot()))
            return DAG(
                parents: (0..<size).map { i in
                    let layer = i / width
                    guard layer > 0 else { return [] }
                    let previous = (layer - 1) * width..<(layer * width)
                    let count = min(previous.count, 2 + Int(random.next() % 2))
                    var chosen = Set<Int>()
                    while chosen.count < count { chosen.insert(previous.lowerBound + Int(random.next() % UInt64(previous.count))) }
                    return chosen.sorted()
                })
        }
    }

    /// A chain of 20 steps beside 10 layers of 6 steps with 2–3 random parents each: the
    /// critical path is the chain (20 steps), the total work 80 steps.
    static func sleepBenchmark(seed: UInt64) -> DAG {
        var dag = make(.chain, size: 20, seed: seed)
        var random = SplitMix64(seed: seed)
        let width = 6
        for i in 0..<60 {
            let layer = i / width
            guard layer > 0 else {
                dag.parents.append([])
                continue
            }
            let previous = (20 + (layer - 1) * width)..<(20 + layer * width)
            let count = 2 + Int(random.next() % 2)
            var chosen = Set<Int>()
            while chosen.count < count { chosen.insert(previous.lowerBound + Int(random.next() % UInt64(width))) }
            dag.parents.append(chosen.sorted())
        }
        return dag
    }

    /// Steps on the longest chain.
    var criticalPathSteps: Int {
        var depth = [Int](repeating: 1, count: parents.count)
        for i in parents.indices { for p in parents[i] { depth[i] = max(depth[i], depth[p] + 1) } }
        return depth.max() ?? 0
    }
}
