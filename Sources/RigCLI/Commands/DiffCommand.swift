import ArgumentParser
import Foundation
import RigVersioning

/// `rig diff [REV1] [REV2] [--patch]`: what changed between two revisions, in the workflow's terms.
struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Show what changed between two revisions: steps, parameters, needs, targets, inputs, hosts, secrets.",
        discussion: """
            With no revision, compares the latest revision with the folder's files now; with one, \
            that revision with the files now; with two, the first with the second. A revision is \
            anything git accepts: HEAD, HEAD~1, a tag, a full or short id. Also lists the steps the \
            change can affect and, when a run of the older revision is recorded, which of its tasks \
            a resume would run again. \(ExitStatus.helpText)
            """
    )

    @Argument(help: "The older revision (default: HEAD, the latest).")
    var old: String?

    @Argument(help: "The newer revision (default: the files in the folder now).")
    var new: String?

    @Flag(help: "Print the text diff of the files (git's patch format) instead.")
    var patch = false

    @OptionGroup var store: RevisionStoreOptions

    func run() throws {
        let text = try reportingErrors { try diffText() }
        print(text, terminator: "")
    }

    private func diffText() throws -> String {
        let revisions = try store.openStore()
        let oldSpec = old ?? "HEAD"
        let oldRevision = try revisions.revision(oldSpec)
        let oldFiles = try revisions.files(at: oldSpec)
        let newRevision = try new.map(revisions.revision)
        let newFiles: RunFiles
        if let new, let newRevision {
            newFiles = RunFiles(files: try revisions.files(at: new), workflowFile: newRevision.workflowFile ?? "", outside: [])
        } else {
            newFiles = try FolderFiles.current(folder: revisions.workflowDirectory!, like: oldRevision, files: oldFiles)
        }
        let newLabel = newRevision.map { "revision \($0.shortID) (\($0.summary))" } ?? "the files in \(revisions.workflowDirectory!.path)"
        var text = "Comparing revision \(oldRevision.shortID) (\(oldRevision.summary)) with \(newLabel)\n\n"

        if patch {
            let body = try new.map { try revisions.patch(from: oldSpec, to: $0) } ?? revisions.patch(from: oldSpec, toFiles: newFiles.files)
            return body.isEmpty ? text + "No file changes.\n" : body
        }
        let loader = RevisionWorkflow()
        let oldWorkflow = try loader.load(oldFiles, workflowFile: oldRevision.workflowFile)
        let newWorkflow = try loader.load(newFiles.files, workflowFile: newFiles.workflowFile.isEmpty ? nil : newFiles.workflowFile)
        let diff = WorkflowDiff.compare(old: oldWorkflow, new: newWorkflow)
        let files = RevisionSummary.fileChanges(previous: oldFiles, current: newFiles.files)
        text += "Files: \(files)\n"
        text += diff.text
        guard !diff.isEmpty else { return text }
        let affected = diff.affectedSteps(old: oldWorkflow, new: newWorkflow)
        text += affected.isEmpty ? "No step is affected.\n" : "Steps this change can affect: \(affected.joined(separator: ", "))\n"
        if let run = try revisions.runRecords().last(where: { $0.revision == oldRevision.id }) {
            text += ResumeEstimate(run: run, affectedSteps: affected, newWorkflow: newWorkflow).text
        }
        return text
    }
}
