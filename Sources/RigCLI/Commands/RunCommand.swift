import ArgumentParser
import Foundation
import RigKit
import RigVersioning

/// `rig run FILE`: validate, then run every task whose needs are done, concurrently.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a workflow: every step on each of its hosts, concurrently as dependencies allow.",
        discussion: ExitStatus.helpText
    )

    @OptionGroup var workflow: WorkflowOptions
    @OptionGroup var secretOptions: SecretOptions
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var flags: ExecutionFlags

    @Option(help: ArgumentHelp(
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
        let revisions = RevisionRecorder(session: session, secrets: secrets, secretsFile: secretOptions.secrets, pinned: pinned)
        let revision = try revisions.commitRevision()
        let driver = RunDriver(session: session, secrets: secrets, flags: flags, connection: connection)
        let outcome = try driver.execute(runID: nil, logDirectory: session.stateDirectory + "/logs")
        revisions.recordRun(id: outcome.runID ?? "", revision: revision, summary: outcome.summary)
        if outcome.exitCode != 0 { throw ExitCode(outcome.exitCode) }
    }
}
