import OrderedCollections

/// Journals a run: the `ExecutionObserver` face of a `JournalRecorder`. Starts are durable
/// before the task launches; tasks settled without a thread (upstream failed, run stopped) are
/// journaled from the engine's `finished` event.
public struct JournalObserver: ExecutionObserver {
    public let recorder: JournalRecorder

    public init(_ recorder: JournalRecorder) { self.recorder = recorder }

    public func taskStarting(_ task: TaskID, attempt: Int, prepared: PreparedTask, logPath: String) {
        recorder.taskStarting(task, attempt: attempt, logPath: logPath, redactions: prepared.redactions)
    }

    public func processStarted(_ task: TaskID, processGroup: Int32) {
        recorder.processStarted(task, processGroup: processGroup)
    }

    public func taskFinished(
        _ task: TaskID, outcome: TaskOutcome, outputs: OrderedDictionary<String, String>, attempt: Int, duration: Duration
    ) {
        recorder.taskFinished(task, outcome: outcome, outputs: outputs, attempt: attempt, duration: duration)
    }

    public func event(_ e: ExecutionEvent) {
        if case .finished(let task, let outcome, _) = e { recorder.taskSettled(task, outcome: outcome) }
    }
}
