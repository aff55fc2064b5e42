/// Orders tasks so each comes after the tasks it needs (Kahn's algorithm): linear in tasks and
/// edges, no recursion, so chains of 100,000 tasks are fine.
enum TaskOrder {
    /// Indices into `ids`, upstream first.
    static func upstreamFirst(_ ids: [TaskID], needs: (Int) -> [TaskID]) throws(FingerprintTable.Failure) -> [Int] {
        var index: [TaskID: Int] = [:]
        index.reserveCapacity(ids.count)
        for (i, id) in ids.enumerated() { index[id] = i }
        var pending = [Int](repeating: 0, count: ids.count)
        var dependents = [[Int]](repeating: [], count: ids.count)
        for i in ids.indices {
            for needed in needs(i) {
                guard let j = index[needed] else { throw .unknownUpstream(ids[i], needs: needed) }
                pending[i] += 1
                dependents[j].append(i)
            }
        }
        var order = pending.indices.filter { pending[$0] == 0 }
        order.reserveCapacity(ids.count)
        var head = 0
        while head < order.count {
            let i = order[head]
            head += 1
            for k in dependents[i] {
                pending[k] -= 1
                if pending[k] == 0 { order.append(k) }
            }
        }
        if order.count < ids.count { throw .cycle(pending.indices.filter { pending[$0] > 0 }.map { ids[$0] }) }
        return order
    }
}
