#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Finds and ends processes that a dead runner's unfinished tasks left behind, so they do not
/// race their own rerun. Only the process groups of tasks the journal shows as *started but not
/// finished* are considered: groups of finished tasks may hold daemons a step meant to leave.
///
/// A process is taken as a leftover only if it is alive, on the same boot as the journal, in a
/// recorded group, and provably not a newcomer that reused the group id: when the group leader
/// is alive its start time must equal the one recorded at launch; otherwise each member must
/// have started no earlier than the recorded leader (or, without that, the task's start).
public enum LeftoverProcesses {
    public struct Leftover: Sendable, Hashable, CustomStringConvertible {
        public var task: TaskID
        public var pid: Int32
        public var processGroup: Int32

        public var description: String { "pid \(pid) (group \(processGroup), task \(task))" }
    }

    public struct Report: Sendable, Hashable {
        /// Everything found before any signal was sent.
        public var found: [Leftover] = []
        /// Ended by SIGTERM within the grace period.
        public var terminated: [Int32] = []
        /// Needed SIGKILL.
        public var killed: [Int32] = []
        /// Still alive at the end (e.g. stuck in uninterruptible I/O, or not ours to signal).
        public var survivors: [Int32] = []
    }

    /// The leftovers alive right now.
    public static func find(in state: JournalState) -> [Leftover] {
        #if os(Linux)
        if let recorded = state.bootID, let current = ProcessTable.bootID(), recorded != current { return [] }
        let unfinished = state.unfinished.filter { !$0.processGroups.isEmpty }
        guard !unfinished.isEmpty else { return [] }
        let processes = ProcessTable.all()
        let bootMicros = ProcessTable.bootTimeMicros()
        var byGroup: [Int32: [ProcessTable.Entry]] = [:]
        for p in processes where !p.isDead && p.pid != getpid() { byGroup[p.processGroup, default: []].append(p) }
        var found: [Leftover] = []
        var seen = Set<Int32>()
        for task in unfinished {
            for group in task.processGroups {
                guard let members = byGroup[group.id] else { continue }
                for member in members
                where !seen.contains(member.pid)
                    && isOurs(member, group: group, members: members, taskStart: task.startedMicros, bootMicros: bootMicros)
                {
                    seen.insert(member.pid)
                    found.append(Leftover(task: task.task, pid: member.pid, processGroup: group.id))
                }
            }
        }
        return found
        #else
        return []
        #endif
    }

    /// Sends SIGTERM to every leftover, waits up to `grace`, then SIGKILLs what remains (and
    /// anything the leftovers forked meanwhile).
    public static func reap(_ state: JournalState, grace: Duration = .seconds(5)) -> Report {
        var report = Report()
        report.found = find(in: state)
        guard !report.found.isEmpty else { return report }
        for leftover in report.found { kill(leftover.pid, SIGTERM) }
        let firstPids = Set(report.found.map(\.pid))
        waitUntilGone(firstPids, within: grace)
        let afterTerm = find(in: state)
        report.terminated = firstPids.subtracting(afterTerm.map(\.pid)).sorted()
        for leftover in afterTerm { kill(leftover.pid, SIGKILL) }
        waitUntilGone(Set(afterTerm.map(\.pid)), within: .seconds(2))
        let remaining = Set(find(in: state).map(\.pid))
        report.killed = Set(afterTerm.map(\.pid)).subtracting(remaining).sorted()
        report.survivors = remaining.sorted()
        return report
    }

    static func isOurs(
        _ p: ProcessTable.Entry, group: JournalState.ProcessGroup, members: [ProcessTable.Entry],
        taskStart: Int64?, bootMicros: Int64?
    ) -> Bool {
        if let leader = members.first(where: { $0.pid == group.id }), let recorded = group.leaderStartTicks {
            return leader.startTicks == recorded && p.startTicks >= recorded
        }
        if let recorded = group.leaderStartTicks { return p.startTicks >= recorded }
        guard let bootMicros else { return false }
        // /proc's boot time has whole-second precision: allow a second of slack.
        let since = (taskStart ?? group.recordedMicros) - 1_000_000
        return ProcessTable.startMicros(p, bootMicros: bootMicros) >= since
    }

    private static func waitUntilGone(_ pids: Set<Int32>, within limit: Duration) {
        let clock = ContinuousClock()
        let deadline = clock.now + limit
        while clock.now < deadline {
            if pids.allSatisfy({ ProcessTable.entry($0)?.isDead ?? true }) { return }
            usleep(20_000)
        }
    }
}
