import ArgumentParser
import Foundation
import RigKit
import RigVersioning

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

    @Option(
        help: ArgumentHelp(
            "Run the workflow as recorded in this revision (HEAD~1, a tag, an id), read from the revision store; the folder's files are not read.",
            valueName: "rev"))
    var revision: String?

    func run() throws {
        try RevisionCheckout.with(workflow, revision: revision, run)
    }

    /// `workflow` points into a copy of the revision's files when `pinned` is set.
    private func run(_ workflow: WorkflowOptions, pinned: Revision?) throws {
        var session = try reportingErrors { try WorkflowSession.load(workflow) }
        if pinned != nil { session.path = absolutePath(self.workflow.file) }
        for warning in session.warnings { Terminal.writeError(warning.description) }
        let secrets = try reportingErrors { try session.secrets(secretOptions) }
        let store = try reportingErrors { try RunStore(workflowPath: session.path) }
        let lock = try reportingErrors { try store.lock(command: "rig run \(self.workflow.file)") }
        defer { lock.release() }
        reportTakeover(lock)
        // A resume reads the folder's files, not the temporary copy of a pinned revision.
        let settings = RunSettings(workflow: self.workflow, secrets: secretOptions, connection: connection, flags: flags)
        let definitions = try reportingErrors { try session.runDefinitions() }
        let revisions = RevisionRecorder(session: session, secrets: secrets, secretsFile: secretOptions.secrets, pinned: pinned)
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
