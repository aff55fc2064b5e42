import Foundation
import RigKit

/// Versions a run's files in the revision store beside the workflow (`.rig/revisions.git`):
/// `rig run` commits the files it uses before running and records the finished run.
///
/// Wiring point for RigVersioning: until it is wired, runs record no revision.
struct RevisionRecorder {
    var session: WorkflowSession
    var secrets: SecretValues

    /// Commits the files the run uses if they differ from the latest revision; returns the
    /// revision id the run records.
    func commitRevision() throws -> String? { nil }

    /// Records a finished run under `refs/rig/runs`.
    func recordRun(id: String, revision: String?, summary: RunSummary) {}
}
