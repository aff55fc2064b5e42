import Foundation
import RigKit
import RigVersioning

/// The files of a workflow folder as they are now, for `rig diff` against a revision: what a
/// `rig run` of the revision's workflow file would record, plus the revision's other files
/// that still exist (e.g. an inventory given with `--inventory`).
enum FolderFiles {
    static func current(folder: URL, like revision: Revision, files recorded: [(path: String, content: Data)]) throws -> RunFiles {
        guard let workflowFile = revision.workflowFile ?? RevisionWorkflow.guessWorkflowFile(recorded) else {
            throw CLIError.invalidFlag(
                "diff", "revision \(revision.shortID) does not say which file is its workflow; name two revisions instead")
        }
        let workflowPath = folder.appendingPathComponent(workflowFile).path
        guard FileManager.default.fileExists(atPath: workflowPath) else {
            throw CLIError.fileNotFound(workflowPath, what: "workflow file of revision \(revision.shortID)")
        }
        var files: [(path: String, content: Data)] = []
        if let workflow = try? WorkflowLoader(registry: Toolbox.stepTypes).load(workflowAt: workflowPath) {
            files = try RunFiles.resolve(workflow: workflow, workflowPath: workflowPath, secretsFile: nil).files
        } else if let content = FileManager.default.contents(atPath: workflowPath) {
            files = [(workflowFile, content)]
        }
        let present = Set(files.map(\.path))
        for file in recorded where !present.contains(file.path) {
            if let content = FileManager.default.contents(atPath: folder.appendingPathComponent(file.path).path) {
                files.append((file.path, content))
            }
        }
        return RunFiles(files: files.sorted { $0.path < $1.path }, workflowFile: workflowFile, outside: [])
    }
}
