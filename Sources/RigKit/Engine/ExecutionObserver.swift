import OrderedCollections

/// Progress of a run, for displays and JSON lines. Delivered without blocking the engine:
/// observers must return quickly.
public enum ExecutionEvent: Sendable {
    /// The task's needs are met; it waits for a free slot.
    case queued(TaskID)
    case started(TaskID, attempt: Int, logPath: String)
    /// The attempt failed; the next starts after `delay`.
    case retrying(TaskID, attempt: Int, delay: Duration, failure: StepFailure)
    /// Every task reaches exactly one `finished`, including the skipped ones.
    case finished(TaskID, TaskOutcome, duration: Duration)
    case runFinished(RunSummary.Status, duration: Duration)
}

/// Watches a run: the durable journal, progress displays. `taskStarting`, `processStarted` and
/// `taskFinished` are called on the task's own thread and may block (a journal fsyncs there);
/// `event` must not block. Calls come from several threads at once: conformers synchronize.
public protocol ExecutionObserver: Sendable {
    /// Before anything of the attempt is launched (the `when` condition already held).
    func taskStarting(_ task: TaskID, attempt: Int, prepared: PreparedTask, logPath: String)
    /// A local child process started in its own process group (kill it with `kill(-group, …)`).
    func processStarted(_ task: TaskID, processGroup: Int32)
    /// The task's final outcome, before the tasks that need it are released. Called for every
    /// task that got a thread (ran, was skipped by its condition, failed to prepare, or was
    /// interrupted); tasks settled without starting (`alreadyDone`, `upstreamFailed`,
    /// `runStopped`) are reported through `event(.finished)` only.
    func taskFinished(
        _ task: TaskID, outcome: TaskOutcome, outputs: OrderedDictionary<String, String>, attempt: Int,
        duration: Duration)
    func event(_ e: ExecutionEvent)
}

extension ExecutionObserver {
    public func taskStarting(_ task: TaskID, attempt: Int, prepared: PreparedTask, logPath: String) {}
    public func processStarted(_ task: TaskID, processGroup: Int32) {}
    public func taskFinished(
        _ task: TaskID, outcome: TaskOutcome, outputs: OrderedDictionary<String, String>, attempt: Int,
        duration: Duration
    ) {}
    public func event(_ e: ExecutionEvent) {}
}
