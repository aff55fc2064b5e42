import Foundation
import RigVersioning

/// `rig run --revision REV FILE`: the workflow as recorded in a revision, read from the store's
/// git objects into a temporary folder; the workflow folder's files are neither read nor changed.
enum RevisionCheckout {
    /// Runs `body` with options whose workflow (and `--inventory`, when it lies in the folder)
    /// point into a temporary copy of the revision's files, which lives until `body` returns.
    /// Without a revision, `body` gets the options as they are.
    static func with<T>(_ options: WorkflowOptions, revision spec: String?, _ body: (WorkflowOptions, Revision?) throws -> T) throws -> T {
        guard let spec else { return try body(options, nil) }
        let workflowPath = absolutePath(options.file)
        let folder = (workflowPath as NSString).deletingLastPathComponent
        let file = (workflowPath as NSString).lastPathComponent
        let (store, revision) = try reportingErrors {
            let store = try RevisionStore(workflowDirectory: URL(fileURLWithPath: folder, isDirectory: true), createIfMissing: false)
            let revision = try store.revision(spec)
            guard try store.paths(at: revision.id.hex).contains(file) else {
                throw RevisionStoreError.fileNotFound(path: file, revision: spec)
            }
            return (store, revision)
        }
        return try store.withFiles(at: revision.id.hex) { copy in
            var options = options
            options.file = copy.appendingPathComponent(file).path
            if let inventory = options.inventory {
                guard let relative = RunFiles.relativePath(absolutePath(inventory), in: folder) else {
                    throw CLIError.invalidFlag(
                        "--inventory", "with --revision, the inventory must be a file of the revision (inside \(folder))")
                }
                options.inventory = copy.appendingPathComponent(relative).path
            }
            return try body(options, revision)
        }
    }
}
