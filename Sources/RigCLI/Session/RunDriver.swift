import Foundation
import RigKit
import RigModel
import RigSSH

/// Carries out one run of a validated workflow: transports, signals, progress and the summary.
/// `rig run` and `rig resume` differ only in the prior results and observers they pass.
struct RunDriver {
    var session: WorkflowSession
    var secrets: SecretValues
    var flags: ExecutionFlags
    var connection: ConnectionOptions

    struct Outcome {
        var summary: RunSummary
        var exitCode: Int32
        var runID: String?
    }

    func execute(runID: String?, logDirectory: String, priorResults: [TaskID: PriorResult] = [:],
                 observers: [any ExecutionObserver] = []) throws -> Outcome {
        let workflow = session.workflow
        let graph = try TaskGraph(workflow: workflow, hostsForStep: session.hosts(for:))
        let reporter = ProgressReporter(style: ProgressReporter.style(for: flags.output), totalTasks: graph.taskCount)
        let secrets = self.secrets
        let transports = SSHTransportProvider(
            options: SSHOptions(sshConfig: connection.sshConfig.map(absolutePath), acceptNewHostKeys: connection.acceptNewHostKeys),
            secret: { secrets.value($0) },
            local: { host in LocalTransport(host: host) })
        defer { transports.shutdown() }
        let preparer = WorkflowTaskPreparer(
            workflow: workflow, inputs: session.inputs, secrets: secrets, registry: session.registry, runID: runID)
        let executor = Executor(
            graph: graph, workflow: workflow, registry: session.registry, transports: transports, preparer: preparer,
            options: ExecutionOptions(jobs: flags.jobs, keepGoing: flags.keepGoing, logDirectory: logDirectory),
            priorResults: priorResults, observers: observers + [reporter])
        let trap = SignalTrap.cancelling(executor)
        defer { trap.cancel() }
        let summary = executor.run()
        if flags.output != .json { print(RunReport(summary: summary, logDirectory: logDirectory).text, terminator: "") }
        return Outcome(summary: summary, exitCode: exitCode(for: summary.status), runID: runID)
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
