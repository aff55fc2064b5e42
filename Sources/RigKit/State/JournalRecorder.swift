import Foundation
import OrderedCollections

/// Turns the executor's notifications into journal records. Its methods mirror the engine's
/// `ExecutionObserver` (`taskStarting` / `processStarted` / `taskFinished`) so conforming is a
/// thin adapter.
///
/// Durability: `begin` and every `taskStarting` wait until their record is on stable storage
/// (so a task never launches unjournaled); `processStarted` and `taskFinished` wait until their
/// record is written to the kernel — that survives kill -9, and any later durable record (a
/// dependent's start, the run's end) syncs it too, so after a power loss a task whose dependents
/// launched is never lost. Concurrent calls share writes and syncs (group commit).
///
/// Secrets: outputs the step declares secret, or whose value contains a known secret, are
/// recorded by name only; failure messages are redacted before they are written. Known secrets
/// are the run's `redactions`, every task's `redactions`, and the values of withheld outputs —
/// once seen anywhere, a secret is redacted everywhere.
public final class JournalRecorder: @unchecked Sendable {
    public let runID: String
    public let writer: JournalWriter
    private let fingerprints: [TaskID: Fingerprint]
    private let secretOutputs: [String: Set<String>]
    private let onFailure: @Sendable (JournalError) -> Void
    // Guards the vars below.
    private let lock = NSLock()
    /// Longest first, so a secret containing another is replaced whole.
    private var secrets: [String]
    private var started = Set<TaskID>()
    private var firstFailure: JournalError?

    /// - Parameters:
    ///   - fingerprints: every task's fingerprint (journaled with its start, or its result if it never starts).
    ///   - secretOutputs: step id → names of its outputs declared secret.
    ///   - redactions: secret values known for the whole run.
    ///   - onFailure: called once if the journal cannot be written; the caller should stop the run.
    public init(
        writer: JournalWriter, runID: String, fingerprints: [TaskID: Fingerprint], secretOutputs: [String: Set<String>] = [:],
        redactions: [String] = [], onFailure: @escaping @Sendable (JournalError) -> Void = { _ in }
    ) {
        self.writer = writer
        self.runID = runID
        self.fingerprints = fingerprints
        self.secretOutputs = secretOutputs
        self.secrets = []
        self.onFailure = onFailure
        learn(redactions)
    }

    /// The first write failure, if any.
    public var failure: JournalError? { lock.withLock { firstFailure } }

    /// The run's opening records in one durable batch: run started, the results carried from
    /// earlier runs (so a resume of *this* run knows them even if it dies at once), and the
    /// tasks queued to run.
    public func begin(toRun: [TaskID], carried: [TaskID: ResumePlan.Carried] = [:]) throws(JournalError) {
        var records: [JournalRecord] = [
            JournalRecord(.runStarted, runID: runID, bootID: ProcessTable.bootID(), pid: getpid())
        ]
        records.reserveCapacity(1 + carried.count + toRun.count)
        for (task, result) in carried.sorted(by: { $0.key < $1.key }) {
            let outputs =
                result.outputs.map { JournalRecord.Output(name: $0.key, value: $0.value) }
                + result.withheldOutputs.map { JournalRecord.Output(name: $0, value: nil) }
            records.append(JournalRecord(.carried, task: task, fingerprint: result.fingerprint, outputs: outputs, runID: result.runID))
        }
        for task in toRun { records.append(JournalRecord(.queued, task: task)) }
        try writer.append(contentsOf: records, durability: .durable)
    }

    /// Journals the start durably; returns when the task may launch.
    public func taskStarting(_ task: TaskID, attempt: Int, logPath: String, redactions: [String] = []) {
        lock.withLock {
            started.insert(task)
            learn(redactions)
        }
        append(
            JournalRecord(.started, task: task, attempt: attempt, logPath: logPath, fingerprint: fingerprints[task]),
            .durable)
    }

    public func processStarted(_ task: TaskID, processGroup: Int32) {
        append(
            JournalRecord(
                .processStarted, task: task, processGroup: processGroup,
                processStartTicks: ProcessTable.entry(processGroup)?.startTicks), .written)
    }

    public func taskFinished(
        _ task: TaskID, outcome: TaskOutcome, outputs: OrderedDictionary<String, String>, attempt: Int, duration: Duration
    ) {
        if case .skipped(.alreadyDone) = outcome { return }  // journaled by `begin`
        let declared = secretOutputs[task.step] ?? []
        let (secrets, wasStarted) = lock.withLock { () -> ([String], Bool) in
            learn(outputs.filter { declared.contains($0.key) }.map(\.value))
            return (self.secrets, started.contains(task))
        }
        var record = JournalRecord(.succeeded, task: task, attempt: attempt, durationMicros: Self.micros(duration))
        switch outcome {
        case .succeeded(let status):
            record.status = status
        case .okByGuard:
            record.kind = .okByGuard
        case .skipped(let reason):
            record.kind = .skipped
            record.message = Self.redact(reason.description, secrets)
            switch reason {
            case .conditionFalse: record.skipKind = .conditionFalse
            case .upstreamFailed: record.skipKind = .upstreamFailed
            case .runStopped: record.skipKind = .runStopped
            case .alreadyDone: record.skipKind = .alreadyDone
            }
        case .failed(let failure):
            record.kind = .failed
            record.message = Self.redact(failure.description, secrets)
            if case .commandFailed(let code, _) = failure { record.exitCode = code }
        case .interrupted:
            record.kind = .interrupted
        }
        if outcome.isSuccess {
            record.outputs = outputs.map { name, value in
                let secret = declared.contains(name) || secrets.contains { value.contains($0) }
                return JournalRecord.Output(name: name, value: secret ? nil : value)
            }
            if !wasStarted { record.fingerprint = fingerprints[task] }
        }
        append(record, .written)
    }

    /// A task settled without a thread of its own — skipped because something it needs failed,
    /// or because the run stopped first (the engine reports these through `event(.finished)`,
    /// which must not block). Buffered: it reaches the disk with the next record; if rig dies
    /// first, the task reads as queued, which a resume treats the same way.
    public func taskSettled(_ task: TaskID, outcome: TaskOutcome) {
        guard case .skipped(let reason) = outcome else { return }
        let kind: JournalRecord.SkipKind
        switch reason {
        case .upstreamFailed: kind = .upstreamFailed
        case .runStopped: kind = .runStopped
        case .conditionFalse, .alreadyDone: return
        }
        let secrets = lock.withLock { self.secrets }
        append(JournalRecord(.skipped, task: task, message: Self.redact(reason.description, secrets), skipKind: kind), .buffered)
    }

    /// Journals the end of the run and syncs everything.
    public func end(status: RunManifest.Status) throws(JournalError) {
        try writer.append(JournalRecord(.runEnded, message: status.rawValue), durability: .durable)
    }

    private func append(_ record: JournalRecord, _ durability: JournalWriter.Durability) {
        do {
            try writer.append(record, durability: durability)
        } catch {
            let first = lock.withLock { () -> Bool in
                if firstFailure != nil { return false }
                firstFailure = error
                return true
            }
            if first { onFailure(error) }
        }
    }

    /// Adds secrets to redact from now on. Called with `lock` held (or from `init`).
    private func learn(_ values: [String]) {
        let new = values.filter { !$0.isEmpty && !secrets.contains($0) }
        guard !new.isEmpty else { return }
        secrets = (secrets + new).sorted { $0.utf8.count > $1.utf8.count }
    }

    static func redact(_ text: String, _ secrets: [String]) -> String {
        var text = text
        for secret in SecretForms.forms(of: secrets) where text.contains(secret) {
            text = text.replacingOccurrences(of: secret, with: "<redacted>")
        }
        return text
    }

    static func micros(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000 + attoseconds / 1_000_000_000_000
    }
}
