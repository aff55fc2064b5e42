/// A journal folded into the latest state of every task: what resume, status and the leftover
/// process reaper read.
public struct JournalState: Sendable {
    /// Where a task stands at the end of the journal.
    public enum Phase: Sendable, Hashable, CustomStringConvertible {
        case queued
        /// Started (maybe with a process group) but never finished: the runner died or was killed.
        case started
        case succeeded(TaskResult.Status)
        case okByGuard
        case failed
        case skipped(JournalRecord.SkipKind)
        case interrupted
        /// Done in an earlier run and carried into this one.
        case carried

        /// The task is done: it need not run again if its fingerprint is unchanged.
        public var isDone: Bool {
            switch self {
            case .succeeded, .okByGuard, .carried, .skipped(.conditionFalse), .skipped(.alreadyDone): return true
            case .queued, .started, .failed, .skipped, .interrupted: return false
            }
        }

        public var description: String {
            switch self {
            case .queued: return "queued"
            case .started: return "started, not finished"
            case .succeeded(let status): return status.rawValue
            case .okByGuard: return "ok (guard)"
            case .failed: return "failed"
            case .skipped(.conditionFalse): return "skipped (condition false)"
            case .skipped(.upstreamFailed): return "skipped (upstream failed)"
            case .skipped(.runStopped): return "skipped (run stopped)"
            case .skipped(.alreadyDone): return "done earlier"
            case .interrupted: return "interrupted"
            case .carried: return "done earlier"
            }
        }
    }

    /// A process group a task started, for `LeftoverProcesses`.
    public struct ProcessGroup: Sendable, Hashable {
        public var id: Int32
        /// The group leader's start time in clock ticks since boot, when it could be read.
        public var leaderStartTicks: UInt64?
        /// When the journal recorded it (µs since 1970).
        public var recordedMicros: Int64
    }

    public struct TaskState: Sendable, Hashable {
        public var task: TaskID
        public var phase: Phase
        public var attempt: Int
        public var fingerprint: Fingerprint?
        /// Outputs of the successful attempt; secret ones withheld (`value == nil`).
        public var outputs: [JournalRecord.Output]
        public var processGroups: [ProcessGroup]
        public var startedMicros: Int64?
        public var finishedMicros: Int64?
        public var durationMicros: Int64?
        public var exitCode: Int32?
        public var message: String?
        public var logPath: String?
        /// The run that actually did it (this one, or an earlier one for carried tasks).
        public var doneInRun: String?
    }

    /// This run's id, from its `runStarted` record.
    public var runID: String?
    public var bootID: String?
    public var runnerPID: Int32?
    public var startedMicros: Int64?
    /// From `runEnded`; nil if the runner died.
    public var endedMicros: Int64?
    public var endMessage: String?
    /// Every task's state, in the order tasks first appear in the journal.
    public private(set) var states: [TaskState] = []
    private var index: [TaskID: Int] = [:]

    public init(records: [JournalRecord]) {
        index.reserveCapacity(records.count / 3)
        states.reserveCapacity(records.count / 3)
        for record in records { apply(record) }
    }

    public init(_ contents: JournalContents) { self.init(records: contents.records) }

    public subscript(task: TaskID) -> TaskState? { index[task].map { states[$0] } }

    /// Tasks in the order they first appear in the journal.
    public var order: [TaskID] { states.map(\.task) }

    /// Tasks that started but never finished, with their process groups.
    public var unfinished: [TaskState] { states.filter { $0.phase == .started } }

    public mutating func apply(_ r: JournalRecord) {
        switch r.kind {
        case .runStarted:
            runID = r.runID
            bootID = r.bootID
            runnerPID = r.pid
            startedMicros = r.timeMicros
            return
        case .runEnded:
            endedMicros = r.timeMicros
            endMessage = r.message
            return
        default:
            break
        }
        let i: Int
        if let known = index[r.task] {
            i = known
        } else {
            i = states.count
            index[r.task] = i
            states.append(
                TaskState(
                    task: r.task, phase: .queued, attempt: 0, fingerprint: nil, outputs: [], processGroups: [],
                    startedMicros: nil, finishedMicros: nil, durationMicros: nil, exitCode: nil, message: nil, logPath: nil,
                    doneInRun: nil))
        }
        Self.apply(r, to: &states[i], runID: runID)
    }

    private static func apply(_ r: JournalRecord, to state: inout TaskState, runID: String?) {
        switch r.kind {
        case .runStarted, .runEnded:
            return
        case .queued:
            state.phase = .queued
        case .started:
            state.phase = .started
            state.attempt = r.attempt
            state.startedMicros = r.timeMicros
            state.finishedMicros = nil
            state.exitCode = nil
            state.message = nil
            state.outputs = []
            if let f = r.fingerprint { state.fingerprint = f }
            if let log = r.logPath { state.logPath = log }
        case .processStarted:
            if let id = r.processGroup {
                state.processGroups.append(ProcessGroup(id: id, leaderStartTicks: r.processStartTicks, recordedMicros: r.timeMicros))
            }
        case .succeeded, .okByGuard, .failed, .skipped, .interrupted, .carried:
            switch r.kind {
            case .succeeded: state.phase = .succeeded(r.status ?? .changed)
            case .okByGuard: state.phase = .okByGuard
            case .failed: state.phase = .failed
            case .skipped: state.phase = .skipped(r.skipKind ?? .upstreamFailed)
            case .interrupted: state.phase = .interrupted
            default: state.phase = .carried
            }
            if r.attempt > 0 { state.attempt = r.attempt }
            state.finishedMicros = r.timeMicros
            state.durationMicros = r.durationMicros
            state.exitCode = r.exitCode
            state.message = r.message
            state.outputs = r.outputs ?? []
            if let f = r.fingerprint { state.fingerprint = f }
            if let log = r.logPath { state.logPath = log }
            state.doneInRun = r.kind == .carried ? r.runID : (state.phase.isDone ? runID : nil)
        }
    }
}
