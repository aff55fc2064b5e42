import Foundation
import OrderedCollections
import RigModel

/// Runs a task graph: every ready task concurrently within the scheduler's limits, each on a
/// dedicated thread that does the blocking transport work. All scheduling state lives on one
/// serial queue; task threads post their results back to it and never wait on it, and no
/// Dispatch pool thread ever blocks.
public final class Executor: @unchecked Sendable {
    private let graph: TaskGraph
    private let workflow: Workflow
    private let registry: StepTypeRegistry
    private let transports: any TransportProvider
    private let preparer: any TaskPreparer
    private let options: ExecutionOptions
    private let priorResults: [TaskID: PriorResult]
    private let observers: [any ExecutionObserver]
    private let facts = HostFactsCache()

    // Everything below is confined to `queue`.
    private let queue = DispatchQueue(label: "rig.executor")
    private var scheduler: Scheduler
    private var outputs = StepOutputs()
    private var outcomes: [TaskOutcome?]
    private var timings: [RunSummary.Timing?]
    private var active: [Int: ActiveTask] = [:]
    private var cancelReason: CancellationToken.Reason?
    private var started = false
    private var summary: RunSummary?
    private let runStartedAt = Date()
    private let clock = ContinuousClock()
    private var runStart: ContinuousClock.Instant
    private let finished = DispatchSemaphore(value: 0)

    /// A task between its first start and its final outcome.
    private struct ActiveTask {
        var token: CancellationToken
        var attempt: Int
        var startedAt: Date
        var firstStart: ContinuousClock.Instant
        var timeout: DispatchWorkItem?
        /// Set while waiting to retry.
        var retry: DispatchWorkItem?
        var lastOutcome: TaskOutcome?
    }

    /// What one attempt produced.
    private struct AttemptResult: Sendable {
        var outcome: TaskOutcome
        var outputs: OrderedDictionary<String, String> = [:]
    }

    public init(
        graph: TaskGraph, workflow: Workflow, registry: StepTypeRegistry, transports: any TransportProvider,
        preparer: any TaskPreparer, options: ExecutionOptions, priorResults: [TaskID: PriorResult] = [:],
        observers: [any ExecutionObserver] = []
    ) {
        self.graph = graph
        self.workflow = workflow
        self.registry = registry
        self.transports = transports
        self.preparer = preparer
        self.options = options
        self.priorResults = priorResults
        self.observers = observers
        scheduler = Scheduler(
            graph: graph,
            limits: Scheduler.Limits(
                jobs: options.jobs, defaultRemoteHostLimit: options.defaultRemoteHostLimit, pools: workflow.pools,
                keepGoing: options.keepGoing))
        outcomes = Array(repeating: nil, count: graph.taskCount)
        timings = Array(repeating: nil, count: graph.taskCount)
        runStart = clock.now
    }

    /// Runs every task and returns when all have an outcome. Blocks the calling thread: call it
    /// from the main thread or a thread of your own, never from a Dispatch queue. Call it once.
    public func run() -> RunSummary {
        try? FileManager.default.createDirectory(atPath: options.logDirectory, withIntermediateDirectories: true)
        queue.async { self.begin() }
        finished.wait()
        return queue.sync { summary! }
    }

    /// Stops the run: no task starts any more, running ones are cancelled (their process groups
    /// get SIGTERM, then SIGKILL after the grace period) and end `.interrupted`. Thread-safe.
    public func cancel(_ reason: CancellationToken.Reason) {
        queue.async { self.cancelRun(reason) }
    }

    /// Where a task's output goes.
    public static func logPath(for task: TaskID, in directory: String) -> String {
        let name = "\(task.step)@\(task.host)".replacingOccurrences(of: "/", with: "_")
        return "\(directory)/\(name).log"
    }

    // MARK: - On the queue

    private func begin() {
        precondition(!started, "Executor.run() called twice")
        started = true
        runStart = clock.now
        apply(scheduler.begin())
        pump()
    }

    private func apply(_ update: Scheduler.Update) {
        for t in update.released { emit(.queued(graph.tasks[t])) }
        for skip in update.skipped { record(skip.task, .skipped(skip.reason), attempts: 0, duration: .zero, startedAt: nil) }
        for t in update.cancel { active[t]?.token.cancel(.failFast) }
    }

    /// Starts every task the scheduler allows now.
    private func pump() {
        while let t = scheduler.next() {
            let id = graph.tasks[t]
            if let prior = priorResults[id] {
                if !prior.outputs.isEmpty { outputs.record(id, prior.outputs) }
                record(t, .skipped(.alreadyDone(runID: prior.runID)), attempts: 0, duration: .zero, startedAt: nil)
                apply(scheduler.finish(t, succeeded: true))
                continue
            }
            launch(t, attempt: 1)
        }
        finishIfDone()
    }

    private func launch(_ t: Int, attempt: Int) {
        let token = CancellationToken()
        var entry = active[t] ?? ActiveTask(token: token, attempt: attempt, startedAt: Date(), firstStart: clock.now)
        entry.token = token
        entry.attempt = attempt
        entry.retry = nil
        if let limit = graph.step(ofTask: t).timeout {
            let item = DispatchWorkItem { token.cancel(.timedOut(limit)) }
            queue.asyncAfter(deadline: .now() + limit.dispatchInterval, execute: item)
            entry.timeout = item
        }
        active[t] = entry
        let snapshot = OutputsSnapshot(outputs)
        let firstStart = entry.firstStart
        let thread = Thread { [self] in self.attempt(t, attempt, token: token, snapshot: snapshot, firstStart: firstStart) }
        thread.name = "rig \(graph.tasks[t])"
        thread.start()
    }

    private func attemptEnded(_ t: Int, _ attempt: Int, _ result: AttemptResult, retrying: Bool) {
        guard var entry = active[t], entry.attempt == attempt else { return }  // given up on by the watchdog
        entry.timeout?.cancel()
        entry.timeout = nil
        entry.lastOutcome = result.outcome
        guard retrying else {
            active[t] = entry
            return finish(t, result)
        }
        if !scheduler.mayStart(t) {
            // No new attempt after the run stopped: the last failure stands (or the interruption).
            active[t] = entry
            return reportThenFinish(t, AttemptResult(outcome: cancelReason == nil ? result.outcome : .interrupted))
        }
        let step = graph.step(ofTask: t)
        let delay = step.retries.delay(beforeRetry: attempt)
        if case .failed(let failure) = result.outcome {
            emit(.retrying(graph.tasks[t], attempt: attempt, delay: delay, failure: failure))
        }
        let item = DispatchWorkItem { [self] in
            guard active[t]?.retry != nil else { return }
            launch(t, attempt: attempt + 1)
        }
        // A run stopped by a failure elsewhere finalizes waiting retries at once (`abandonRetries`).
        entry.retry = item
        active[t] = entry
        queue.asyncAfter(deadline: .now() + delay.dispatchInterval, execute: item)
    }

    /// Records a final outcome (observers were told on the task's thread) and releases dependents.
    private func finish(_ t: Int, _ result: AttemptResult) {
        guard let entry = active.removeValue(forKey: t) else { return }
        let id = graph.tasks[t]
        if result.outcome.isSuccess, !result.outputs.isEmpty { outputs.record(id, result.outputs) }
        record(
            t, result.outcome, attempts: entry.attempt, duration: entry.firstStart.duration(to: clock.now),
            startedAt: entry.startedAt)
        apply(scheduler.finish(t, succeeded: result.outcome.isSuccess))
        if scheduler.isStopped { abandonRetries() }
        pump()
    }

    /// After the run stopped, tasks waiting to retry end with their last failure.
    private func abandonRetries() {
        for (t, entry) in active where entry.retry != nil && !scheduler.mayStart(t) {
            active[t]?.retry = nil
            entry.retry?.cancel()
            reportThenFinish(t, AttemptResult(outcome: cancelReason == nil ? entry.lastOutcome ?? .interrupted : .interrupted))
        }
    }

    /// A final outcome decided on the queue (a retry abandoned): observers may block, so they are
    /// told on a thread of their own before the outcome is recorded.
    private func reportThenFinish(_ t: Int, _ result: AttemptResult) {
        guard let entry = active[t] else { return }
        let id = graph.tasks[t]
        let duration = entry.firstStart.duration(to: clock.now)
        let attempt = entry.attempt
        let observers = self.observers
        Thread { [self] in
            for observer in observers {
                observer.taskFinished(id, outcome: result.outcome, outputs: [:], attempt: attempt, duration: duration)
            }
            queue.async { self.finish(t, result) }
        }.start()
    }

    private func record(_ t: Int, _ outcome: TaskOutcome, attempts: Int, duration: Duration, startedAt: Date?) {
        outcomes[t] = outcome
        timings[t] = RunSummary.Timing(startedAt: startedAt, duration: duration, attempts: attempts)
        emit(.finished(graph.tasks[t], outcome, duration: duration))
    }

    private func cancelRun(_ reason: CancellationToken.Reason) {
        guard cancelReason == nil, summary == nil else { return }
        cancelReason = reason
        apply(scheduler.stop())
        abandonRetries()
        for entry in active.values where entry.retry == nil { entry.token.cancel(reason) }
        // A transport that does not return after the grace period is given up on.
        queue.asyncAfter(deadline: .now() + (options.killGracePeriod + .seconds(2)).dispatchInterval) { [self] in
            for t in active.keys.sorted() {
                let entry = active.removeValue(forKey: t)!
                record(
                    t, .interrupted, attempts: entry.attempt, duration: entry.firstStart.duration(to: clock.now),
                    startedAt: entry.startedAt)
                apply(scheduler.finish(t, succeeded: false))
            }
            finishIfDone()
        }
        finishIfDone()
    }

    private func finishIfDone() {
        guard summary == nil, scheduler.isComplete, active.isEmpty else { return }
        var all = OrderedDictionary<TaskID, TaskOutcome>(minimumCapacity: graph.taskCount)
        var times: [TaskID: RunSummary.Timing] = [:]
        times.reserveCapacity(graph.taskCount)
        for (t, id) in graph.tasks.enumerated() {
            all[id] = outcomes[t] ?? .skipped(.runStopped)
            times[id] = timings[t]
        }
        let status: RunSummary.Status
        if let cancelReason {
            status = .interrupted(cancelReason)
        } else {
            status = all.values.allSatisfy(\.isSuccess) ? .succeeded : .failed
        }
        let duration = runStart.duration(to: clock.now)
        summary = RunSummary(status: status, outcomes: all, timings: times, startedAt: runStartedAt, duration: duration)
        emit(.runFinished(status, duration: duration))
        finished.signal()
    }

    private func emit(_ event: ExecutionEvent) {
        for observer in observers { observer.event(event) }
    }

    // MARK: - On the task's thread

    private func attempt(
        _ t: Int, _ attempt: Int, token: CancellationToken, snapshot: OutputsSnapshot, firstStart: ContinuousClock.Instant
    ) {
        let id = graph.tasks[t]
        let step = graph.step(ofTask: t)
        let result = perform(t, attempt, token: token, snapshot: snapshot)
        var retrying = false
        if case .failed = result.outcome, attempt <= step.retries.count {
            switch token.cancellationReason {
            case nil, .timedOut?: retrying = true
            case .interrupted?, .failFast?: break
            }
        }
        if !retrying {
            let duration = firstStart.duration(to: clock.now)
            for observer in observers {
                observer.taskFinished(id, outcome: result.outcome, outputs: result.outputs, attempt: attempt, duration: duration)
            }
        }
        let retry = retrying
        queue.async { self.attemptEnded(t, attempt, result, retrying: retry) }
    }

    private func perform(_ t: Int, _ attempt: Int, token: CancellationToken, snapshot: OutputsSnapshot) -> AttemptResult {
        let id = graph.tasks[t]
        let step = graph.step(ofTask: t)
        let host = graph.host(ofTask: t)
        let prepared: PreparedTask
        do {
            prepared = try preparer.prepare(id, step: step, host: host, outputs: snapshot.take())
        } catch {
            return AttemptResult(outcome: .failed(Self.failure(error)))
        }
        guard prepared.runs else { return AttemptResult(outcome: .skipped(.conditionFalse)) }

        let logPath = Self.logPath(for: id, in: options.logDirectory)
        for observer in observers { observer.taskStarting(id, attempt: attempt, prepared: prepared, logPath: logPath) }
        emit(.started(id, attempt: attempt, logPath: logPath))
        let log: FileTaskLog
        do {
            log = try FileTaskLog(path: logPath, redactions: prepared.redactions, maxBytes: options.maxLogBytes)
        } catch {
            return AttemptResult(outcome: .failed(Self.failure(error)))
        }
        if attempt > 1 { log.write("# attempt \(attempt)\n") }
        let observers = self.observers
        let context = EngineTaskContext(
            task: id, host: host, inventory: workflow.inventory, transports: transports, log: log, cancellation: token,
            processStarted: { group in for observer in observers { observer.processStarted(id, processGroup: group) } },
            facts: facts)
        do {
            if let guardCommand = prepared.guardCommand {
                log.write("# unless: \(EngineTaskContext.headline(guardCommand))\n")
                let result = try context.transport(for: guardCommand.delegateTo).run(
                    CommandRequest(command: guardCommand, log: log, collectOutputs: false), cancellation: token)
                if result.exitCode == 0 { return AttemptResult(outcome: .okByGuard) }
            }
            guard let type = registry.type(named: step.type) else {
                return AttemptResult(outcome: .failed(.failed("step '\(step.id)' has the unknown type '\(step.type)'")))
            }
            let result = try type.execute(prepared.invocation, context: context)
            return AttemptResult(outcome: .succeeded(result.status), outputs: result.outputs)
        } catch {
            switch token.cancellationReason {
            case .timedOut(let limit)?: return AttemptResult(outcome: .failed(.timedOut(after: limit)))
            case .interrupted?, .failFast?: return AttemptResult(outcome: .interrupted)
            case nil: return AttemptResult(outcome: .failed(Self.failure(error)))
            }
        }
    }

    private static func failure(_ error: any Error) -> StepFailure {
        (error as? StepFailure) ?? .failed(String(describing: error))
    }
}

/// Hands a task thread the outputs known at launch, and lets go of them once the task is
/// prepared, so the executor's next `record` does not copy the whole store (copy-on-write).
private final class OutputsSnapshot: @unchecked Sendable {
    // Read and cleared once, by the one task thread that owns it.
    private var value: StepOutputs?

    init(_ value: StepOutputs) { self.value = value }

    func take() -> StepOutputs {
        defer { value = nil }
        return value ?? StepOutputs()
    }
}

extension Duration {
    var dispatchInterval: DispatchTimeInterval {
        let (seconds, attoseconds) = components
        let nanoseconds = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !nanoseconds.overflow, nanoseconds.partialValue < Int64(Int.max) - 1_000_000_000 else { return .never }
        return .nanoseconds(Int(max(0, nanoseconds.partialValue + attoseconds / 1_000_000_000)))
    }
}
