import ArgumentParser
import Foundation
import RigKit

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

    func run() throws {
        let session = try reportingErrors { try WorkflowSession.load(workflow) }
        for warning in session.warnings { Terminal.writeError(warning.description) }
        let secrets = try reportingErrors { try session.secrets(secretOptions) }
        let revisions = RevisionRecorder(session: session, secrets: secrets)
        let revision = try revisions.commitRevision()
        let driver = RunDriver(session: session, secrets: secrets, flags: flags, connection: connection)
        let outcome = try driver.execute(runID: nil, logDirectory: session.stateDirectory + "/logs")
        revisions.recordRun(id: outcome.runID ?? "", revision: revision, summary: outcome.summary)
        if outcome.exitCode != 0 { throw ExitCode(outcome.exitCode) }
    }
}
