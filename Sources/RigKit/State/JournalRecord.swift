import Foundation

/// One transition in a run's journal: a task queued, started, finished; a process group launched;
/// a result carried over from an earlier run; the run itself starting or ending.
public struct JournalRecord: Sendable, Hashable {
    public enum Kind: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
        /// The run's first record: run id, rig's pid and the machine's boot id.
        case runStarted = 1
        /// The task is part of this run and will run when its needs are met.
        case queued = 2
        /// Written and made durable before the task launches.
        case started = 3
        /// The task's process group (so a resume can find leftovers of a runner that died).
        case processStarted = 4
        case succeeded = 5
        case okByGuard = 6
        case failed = 7
        case skipped = 8
        case interrupted = 9
        /// Done in an earlier run with an unchanged fingerprint: carried over, not run.
        case carried = 10
        case runEnded = 11

        public var description: String {
            switch self {
            case .runStarted: return "run started"
            case .queued: return "queued"
            case .started: return "started"
            case .processStarted: return "process started"
            case .succeeded: return "succeeded"
            case .okByGuard: return "ok (guard)"
            case .failed: return "failed"
            case .skipped: return "skipped"
            case .interrupted: return "interrupted"
            case .carried: return "done earlier"
            case .runEnded: return "run ended"
            }
        }

        /// The task ended (in this run or, for `carried`, an earlier one).
        public var isTerminal: Bool {
            switch self {
            case .succeeded, .okByGuard, .failed, .skipped, .interrupted, .carried: return true
            case .runStarted, .queued, .started, .processStarted, .runEnded: return false
            }
        }
    }

    /// Why a task was skipped, as recorded.
    public enum SkipKind: UInt8, Sendable, Hashable {
        case conditionFalse = 1
        case upstreamFailed = 2
        case runStopped = 3
        case alreadyDone = 4
    }

    /// An output as recorded: secret outputs keep their name but never their value.
    public struct Output: Sendable, Hashable {
        public var name: String
        /// `nil` when the output is secret: present, but withheld from the journal.
        public var value: String?

        public init(name: String, value: String?) {
            self.name = name
            self.value = value
        }

        public var isWithheld: Bool { value == nil }
    }

    public var kind: Kind
    /// The task; empty step and host for run-level records.
    public var task: TaskID
    /// Microseconds since 1970 (UTC).
    public var timeMicros: Int64
    public var attempt: Int

    /// `processStarted`: the process group id.
    public var processGroup: Int32?
    /// `processStarted`: the group leader's start time in clock ticks since boot (from /proc), to tell a reused id apart.
    public var processStartTicks: UInt64?
    /// `failed`: the exit status, when a command failed.
    public var exitCode: Int32?
    /// Failure text, skip reason or run status; secrets already redacted.
    public var message: String?
    public var logPath: String?
    /// `started` and `carried`: the task's fingerprint with its per-field hashes.
    public var fingerprint: Fingerprint?
    /// `succeeded`, `okByGuard`, `carried`: the task's outputs (secret ones withheld).
    public var outputs: [Output]?
    public var durationMicros: Int64?
    /// `succeeded`: ok or changed.
    public var status: TaskResult.Status?
    public var skipKind: SkipKind?
    /// `runStarted`: this run's id. `carried`: the run that actually did the task.
    public var runID: String?
    /// `runStarted`: /proc/sys/kernel/random/boot_id, so leftovers are only looked for on the same boot.
    public var bootID: String?
    /// `runStarted`: rig's process id.
    public var pid: Int32?

    public init(
        _ kind: Kind, task: TaskID = TaskID(step: "", host: ""), timeMicros: Int64 = JournalRecord.now(), attempt: Int = 0,
        processGroup: Int32? = nil, processStartTicks: UInt64? = nil, exitCode: Int32? = nil, message: String? = nil,
        logPath: String? = nil, fingerprint: Fingerprint? = nil, outputs: [Output]? = nil, durationMicros: Int64? = nil,
        status: TaskResult.Status? = nil, skipKind: SkipKind? = nil, runID: String? = nil, bootID: String? = nil,
        pid: Int32? = nil
    ) {
        self.kind = kind
        self.task = task
        self.timeMicros = timeMicros
        self.attempt = attempt
        self.processGroup = processGroup
        self.processStartTicks = processStartTicks
        self.exitCode = exitCode
        self.message = message
        self.logPath = logPath
        self.fingerprint = fingerprint
        self.outputs = outputs
        self.durationMicros = durationMicros
        self.status = status
        self.skipKind = skipKind
        self.runID = runID
        self.bootID = bootID
        self.pid = pid
    }

    public var date: Date { Date(timeIntervalSince1970: Double(timeMicros) / 1_000_000) }

    /// The current wall-clock time in microseconds since 1970.
    public static func now() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1_000_000 + Int64(ts.tv_nsec) / 1_000
    }
}

extension JournalRecord: CustomStringConvertible {
    public var description: String {
        var text = "\(kind)"
        if !task.step.isEmpty { text += " \(task)" }
        if attempt > 0 { text += " attempt \(attempt)" }
        if let processGroup { text += " pgid \(processGroup)" }
        if let exitCode { text += " exit \(exitCode)" }
        if let message { text += ": \(message)" }
        return text
    }
}
