/// Fingerprints for every task of a run, computed upstream-first so each task can include the
/// fingerprints of what it needs. Linear in tasks + edges; no recursion.
public enum FingerprintTable {
    public enum Failure: Error, Sendable, Hashable, CustomStringConvertible {
        /// A task needs one that is not in the list.
        case unknownUpstream(TaskID, needs: TaskID)
        /// The needs form a cycle (validation should have caught it).
        case cycle([TaskID])

        public var description: String {
            switch self {
            case .unknownUpstream(let task, let needed):
                return "task \(task) needs \(needed), which is not part of the run (this is a bug in rig)"
            case .cycle(let tasks):
                return "tasks form a cycle: \(tasks.map(\.description).joined(separator: " → ")) (this is a bug in rig)"
            }
        }
    }

    public static func compute(_ definitions: [TaskDefinition]) throws(Failure) -> [TaskID: Fingerprint] {
        let order = try topologicalOrder(definitions)
        var result: [TaskID: Fingerprint] = [:]
        result.reserveCapacity(definitions.count)
        for index in order {
            let definition = definitions[index]
            result[definition.task] = definition.fingerprint(upstream: result)
        }
        return result
    }

    /// Indices of `definitions`, upstream first.
    static func topologicalOrder(_ definitions: [TaskDefinition]) throws(Failure) -> [Int] {
        try TaskOrder.upstreamFirst(definitions.map(\.task)) { definitions[$0].needs }
    }
}
