/// A run's step × host table and counts, for `rig status`, `rig runs` and the `taskCounts` of
/// `run.json`: the journal's state of every task, in the resolved workflow's order when known.
public struct RunStatusTable: Sendable {
    public struct Row: Sendable, Hashable {
        public var task: TaskID
        /// `nil` when the task is in the workflow but not in the journal (never queued).
        public var phase: JournalState.Phase?
        public var attempt: Int
        public var durationMicros: Int64?
        public var exitCode: Int32?
        public var message: String?
        public var logPath: String?
        /// For tasks done earlier and carried into this run.
        public var doneInRun: String?
    }

    public var rows: [Row]

    /// Rows for `tasks` (e.g. from `workflow.resolved`), then any journaled task not among them.
    public init(state: JournalState, tasks: [TaskID] = []) {
        var seen = Set<TaskID>()
        rows = []
        rows.reserveCapacity(max(tasks.count, state.order.count))
        for task in tasks + state.order where seen.insert(task).inserted {
            let s = state[task]
            rows.append(
                Row(
                    task: task, phase: s?.phase, attempt: s?.attempt ?? 0, durationMicros: s?.durationMicros,
                    exitCode: s?.exitCode, message: s?.message, logPath: s?.logPath, doneInRun: s?.doneInRun))
        }
    }

    /// Tasks per state name (`succeeded`, `failed`, `started, not finished`, `not started`, ...).
    public var counts: [String: Int] {
        var counts: [String: Int] = [:]
        for row in rows {
            let name: String
            switch row.phase {
            case nil, .queued?: name = "not started"
            case .succeeded?: name = "succeeded"
            case .carried?, .skipped(.alreadyDone)?: name = "done earlier"
            case let phase?: name = phase.description
            }
            counts[name, default: 0] += 1
        }
        return counts
    }

    /// Whether every task is done.
    public var allDone: Bool { rows.allSatisfy { $0.phase?.isDone ?? false } }

    /// The steps (in first-seen order) and hosts (sorted) of the table.
    public var steps: [String] {
        var seen = Set<String>()
        return rows.map(\.task.step).filter { seen.insert($0).inserted }
    }

    public var hosts: [String] { Array(Set(rows.map(\.task.host))).sorted() }

    public func row(_ task: TaskID) -> Row? { rows.first { $0.task == task } }
}
