import Foundation
import RigKit
import RigModel
import RigVersioning

/// Loads the workflow of a recorded file set (a revision, or the folder's files now) without
/// touching the workflow folder: the loader reads from a temporary copy.
struct RevisionWorkflow {
    var registry: StepTypeRegistry = Toolbox.stepTypes

    /// The workflow among `files`: `workflowFile` when known, else the only top-level YAML file
    /// with a `steps:` key.
    func load(_ files: [(path: String, content: Data)], workflowFile: String?) throws -> Workflow {
        guard let entry = workflowFile ?? Self.guessWorkflowFile(files) else {
            throw CLIError.invalidFlag(
                "revision", "cannot tell which of its files is the workflow (\(files.map(\.path).joined(separator: ", ")))")
        }
        return try RevisionStore.withTemporaryFolder(holding: files) { folder in
            try WorkflowLoader(registry: registry, checksHostFiles: false).load(workflowAt: folder.appendingPathComponent(entry).path)
        }
    }

    static func guessWorkflowFile(_ files: [(path: String, content: Data)]) -> String? {
        let candidates = files.filter { file in
            !file.path.contains("/") && (file.path.hasSuffix(".yaml") || file.path.hasSuffix(".yml"))
                && String(decoding: file.content, as: UTF8.self).split(separator: "\n").contains { $0.hasPrefix("steps:") }
        }
        return candidates.count == 1 ? candidates[0].path : nil
    }
}
