import Foundation
import RigKit
import RigModel
import RigSSH

/// Carries out one checkpointed run of a validated workflow: the run folder and journal,
/// transports, signals, progress and the summary. `rig run` and `rig resume` differ only in the
/// checkpoint they pass (a resume carries the tasks done earlier and may leave some out).
struct RunDriver {
    var session: WorkflowSession
    var secrets: SecretValues
    var flags: ExecutionFlags
    var connection: ConnectionOptions

    /// Where the run is recorded and what it takes over from earlier runs.
    struct Checkpoint {
        var store: RunStore
        var settings: RunSettings
        var definitions: RunDefinitions
        var revision: String?
        var resumedFrom: String?
        /// Tasks done earlier, skipped as `alreadyDone` with their outputs.
        var carried: [TaskID: ResumePlan.Carried] = [:]
        /// Tasks `--only` leaves out of this run entirely.
        var leave: Set<TaskID> = []
    }

    struct Outcome {
        var summary: RunSummary
        var exitCode: Int32
        var runID: String
    }

    func execute(_ checkpoint: Checkpoint) throws -> Outcome {
        let workflow = session.workflow
        let leave = checkpoint.leave
        let graph = try TaskGraph(
            workflow: workflow,
            hostsForStep: { step in
                session.hosts(for: step).filter { !leave.contains(TaskID(step: step.id, host: $0.name)) }
            })
        let settings = checkpoint.settings
        let key = try CacheKey.compute(files: settings.sourceFiles, settings: settings.cacheSettings)
        let resolved = try checkpoint.definitions.resolved(workflow: workflow, path: session.path, cacheKey: key, inputs: session.inputs)
        let runID = RunID.make()
        let stopper = Stopper()
        let run = try CheckpointedRun(
            store: checkpoint.store,
            manifest: settings.manifest(id: runID, revision: checkpoint.revision, resumedFrom: checkpoint.resumedFrom, key: key),
            resolved: resolved, definitions: checkpoint.definitions,
            toRun: graph.tasks.filter { checkpoint.carried[$0] == nil }, carried: checkpoint.carried,
            redactions: secrets.allValues,
            onJournalFailure: { error in
                Terminal.writeError("error: \(error)\nStopping the run: without its journal it could not be resumed safely.")
                stopper.stop()
            })
        let logDirectory = run.folder.logsDirectory

        let reporter = ProgressReporter(style: ProgressReporter.style(for: flags.output), totalTasks: graph.taskCount)
        let secrets = self.secrets
        let outputFolder = try OutputFolder.prepare(stateDirectory: checkpoint.store.directory)
        let transports = SSHTransportProvider(
            options: SSHOptions(sshConfig: connection.sshConfig.map(absolutePath), acceptNewHostKeys: connection.acceptNewHostKeys),
            secret: { secrets.value($0) },
            local: { host in LocalTransport(host: host, outputDirectory: outputFolder) })
        defer { transports.shutdown() }
        let preparer = WorkflowTaskPreparer(
            workflow: workflow, inputs: session.inputs, secrets: secrets, registry: session.registry, runID: runID)
        let executor = Executor(
            graph: graph, workflow: workflow, registry: session.registry, transports: transports, preparer: preparer,
            options: ExecutionOptions(jobs: flags.jobs, keepGoing: flags.keepGoing, logDirectory: logDirectory),
            priorResults: checkpoint.carried.mapValues { PriorResult(runID: $0.runID, outputs: $0.outputs) },
            observers: [run.observer, reporter])
        stopper.executor = executor
        let trap = SignalTrap.cancelling(executor)
        defer { trap.cancel() }
        let summary = executor.run()
        try run.finish(summary, leftTasks: leave.count)
        if flags.output != .json {
            let addresses = Dictionary(
                workflow.inventory.hosts.filter { $0.connection != .local }.map { ($0.name, $0.address) }, uniquingKeysWith: { a, _ in a })
            print(RunReport(summary: summary, logDirectory: logDirectory, addresses: addresses).text, terminator: "")
            if !leave.isEmpty { print("\(leave.count) task(s) left for a later `rig resume` (not selected by --only)") }
            print("run \(runID) recorded in \(run.folder.path)")
        }
        let code = run.recorder.failure != nil ? ExitStatus.internalError.rawValue : exitCode(for: summary.status)
        return Outcome(summary: summary, exitCode: code, runID: runID)
    }

    private func exitCode(for status: RunSummary.Status) -> Int32 {
        switch status {
        case .succeeded: return 0
        case .failed: return ExitStatus.runFailed.rawValue
        case .interrupted(.interrupted(let signal)): return SignalTrap.exitCode(for: signal)
        case .interrupted: return ExitStatus.interrupted.rawValue
        }
    }
}

/// Stops the run from the journal's failure callback, which may come before the executor exists.
private final class Stopper: @unchecked Sendable {
    // Guards `_executor` and `stopped`.
    private let lock = NSLock()
    private var _executor: Executor?
    private var stopped = false

    var executor: Executor? {
        get { lock.withLock { _executor } }
        set {
            let stopNow = lock.withLock { () -> Bool in
                _executor = newValue
                return stopped
            }
            if stopNow { newValue?.cancel(.failFast) }
        }
    }

    func stop() {
        let executor = lock.withLock { () -> Executor? in
            stopped = true
            return _executor
        }
        executor?.cancel(.failFast)
    }
}
