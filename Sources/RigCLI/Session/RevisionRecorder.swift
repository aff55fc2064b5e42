import Foundation
import RigKit
import RigVersioning

/// Versions a run's files in the revision store beside the workflow (`.rig/revisions.git`):
/// `rig run` commits the files it uses before running and records the finished run;
/// `rig plan` asks whether the files differ from the latest revision.
struct RevisionRecorder {
    var session: WorkflowSession
    var secrets: SecretValues = SecretValues()
    /// The `--secrets` file: never recorded.
    var secretsFile: String? = nil
    /// `rig run --revision`: the run uses this recorded revision and nothing is committed.
    var pinned: Revision? = nil
    var environment: [String: String] = ProcessInfo.processInfo.environment

    private var directory: URL { URL(fileURLWithPath: session.directory, isDirectory: true) }

    /// The files the run uses, relative to the workflow folder.
    func runFiles() throws -> RunFiles {
        try RunFiles.resolve(workflow: session.workflow, workflowPath: session.path, secretsFile: secretsFile)
    }

    /// Commits the files the run uses if they differ from the latest revision (the message
    /// summarizes the semantic change); returns the revision id the run records. Refuses files
    /// holding a secret's value or merge-conflict markers, before the run starts.
    func commitRevision() throws -> String? {
        if let pinned {
            Terminal.writeError("Revision \(pinned.shortID) (from the store; the folder's files are not read): \(pinned.summary)")
            return pinned.id.hex
        }
        return try reportingErrors {
            let files = try runFiles()
            warnAboutOutside(files)
            let store = try RevisionStore(workflowDirectory: directory, environment: environment)
            let loader = RevisionWorkflow(registry: session.registry)
            var recorded = false
            let revision = try store.commitRevision(
                files: files.files, secretValues: secretValueTable, workflowFile: files.workflowFile, executables: files.executables
            ) { previous in
                recorded = true
                return RevisionSummary.line(previous: previous, current: files.files) {
                    try loader.load($0, workflowFile: files.workflowFile)
                }
            }
            Terminal.writeError(
                recorded
                    ? "Recorded revision \(revision.shortID): \(revision.summary)"
                    : "Revision \(revision.shortID) (files unchanged since it was recorded)")
            return revision.id.hex
        }
    }

    /// What `rig plan` says about the revision store; commits nothing and creates no store.
    func planNote() -> String {
        do {
            let files = try runFiles()
            let store: RevisionStore
            do {
                store = try RevisionStore(workflowDirectory: directory, createIfMissing: false, environment: environment)
            } catch RevisionStoreError.missing {
                return "Revision: no revision store yet; `rig run` creates it and records these files as the first revision."
            }
            if let same = try store.latestRevision(matching: files.files, executables: files.executables) {
                return "Revision: the files match the latest revision \(same.shortID); `rig run` records no new one."
            }
            let latest: Revision
            do {
                latest = try store.revision("HEAD")
            } catch RevisionStoreError.noRevisions {
                return "Revision: the store has no revisions yet; `rig run` records these files as the first one."
            }
            return
                "Revision: the files differ from the latest revision \(latest.shortID); `rig run` records a new one (`rig diff` shows what changed)."
        } catch {
            return "Revision: cannot compare with the revision store: \(error)"
        }
    }

    /// Records a finished run under `refs/rig/runs`. A failure is a warning: the run itself is done.
    func recordRun(id: String, revision: String?, summary: RunSummary) {
        let record = RunRecord(
            id: id.isEmpty ? RunID.make() : id,
            revision: revision.flatMap(ObjectID.init(hex:)),
            status: RunRecord.Status(summary.status),
            startedAt: summary.startedAt,
            endedAt: summary.startedAt.addingTimeInterval(summary.duration.seconds),
            tasks: summary.outcomes.map { RunRecord.TaskRecord($0.key, $0.value) })
        do {
            let store = try RevisionStore(workflowDirectory: directory, environment: environment)
            try store.recordRun(record)
        } catch {
            Terminal.writeError("warning: run \(record.id) was not recorded in the revision store: \(error)")
        }
    }

    private var secretValueTable: [String: String] {
        Dictionary(uniqueKeysWithValues: secrets.names.compactMap { name in secrets.value(name).map { (name, $0) } })
    }

    private func warnAboutOutside(_ files: RunFiles) {
        for path in files.outside {
            Terminal.writeError(
                "warning: \(path) is outside the workflow folder \(session.directory), so the revision does not record it; "
                    + "move it into the folder to have it versioned.")
        }
    }
}

extension RunRecord.Status {
    init(_ status: RunSummary.Status) {
        switch status {
        case .succeeded: self = .succeeded
        case .failed: self = .failed
        case .interrupted: self = .interrupted
        }
    }
}
