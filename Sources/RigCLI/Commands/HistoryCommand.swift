import ArgumentParser
import Foundation
import RigVersioning

/// `rig history [FILE]`: the revisions of a workflow folder, newest first, with the runs of each.
struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "List the recorded revisions of a workflow folder, newest first, with the runs that used each.",
        discussion: """
            Each revision shows its id, date, author, summary, tags, the state of your own git \
            repository when it was recorded, and every run of it with its outcome. With FILE, only \
            the revisions that changed that file. \(ExitStatus.helpText)
            """
    )

    @Argument(help: "Only revisions that changed this file.", completion: .file())
    var file: String?

    @OptionGroup var store: RevisionStoreOptions

    func run() throws {
        let text = try reportingErrors {
            let folder = try store.workflowFolder(searchingFrom: file.map { (absolutePath($0) as NSString).deletingLastPathComponent })
            let revisions = try RevisionStore(workflowDirectory: folder, createIfMissing: false)
            let path = file.map { RunFiles.relativePath(absolutePath($0), in: folder.path) ?? $0 }
            return HistoryFormatter.text(try revisions.history(touching: path))
        }
        print(text, terminator: "")
    }
}
