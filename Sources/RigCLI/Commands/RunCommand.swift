import ArgumentParser
import Foundation
import RigKit

/// `rig run FILE`: validate, then run every task whose needs are done, concurrently.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a workflow: every step on each of its hosts, concurrently as dependencies allow.",
        discussion: """
            Every run is recorded in .rig/runs/<id>/ beside the workflow (run.json, workflow.resolved, the journal \
            and per-task logs), so `rig resume` can continue it. One run at a time per state folder.

            \(ExitStatus.helpText)
            """
    )

    @OptionGroup var workflow: WorkflowOptions
    @OptionGroup var secretOptions: SecretOptions
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var flags: ExecutionFlags

    func run() throws {
        let session = try reportingErrors { try WorkflowSession.load(workflow) }
        for warning in session.warnings { Terminal.writeError(warning.description) }
        let secrets = try reportingErrors { try session.secrets(secretOptions) }
        let store = try reportingErrors { try RunStore(workflowPath: session.path) }
        let lock = try reportingErrors { try store.lock(command: "rig run \(workflow.file)") }
        defer { lock.release() }
        reportTakeover(lock)
        let settings = RunSettings(workflow: workflow, secrets: secretOptions, connection: connection, flags: flags)
        let definitions = try reportingErrors { try session.runDefinitions() }
        let revisions = RevisionRecorder(session: session, secrets: secrets)
        let revision = try revisions.commitRevision()
        let driver = RunDriver(session: session, secrets: secrets, flags: flags, connection: connection)
        let outcome = try reportingErrors {
            try driver.execute(.init(store: store, settings: settings, definitions: definitions, revision: revision))
        }
        revisions.recordRun(id: outcome.runID, revision: revision, summary: outcome.summary)
        if outcome.exitCode != 0 { throw ExitCode(outcome.exitCode) }
    }
}

/// Says when the lock was taken over from a rig that died holding it.
func reportTakeover(_ lock: StateLock) {
    if let previous = lock.previousHolder, previous.pid != getpid() {
        Terminal.writeError("note: took over the state lock from \(previous), which is no longer running")
    }
}
