import ArgumentParser
import Foundation
import RigVersioning

/// `rig show REV[:PATH]`: a file as it was in a revision, or the revision itself.
struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Print a file as it was in a revision (REV:PATH), or a revision's id, author, message and files (REV).",
        discussion: "REV is anything git accepts: HEAD, HEAD~1, a tag, a full or short id. \(ExitStatus.helpText)"
    )

    @Argument(help: ArgumentHelp("The revision, optionally with a file: HEAD~1:workflow.yaml.", valueName: "rev[:path]"))
    var target: String

    @OptionGroup var store: RevisionStoreOptions

    func run() throws {
        let output = try reportingErrors {
            let revisions = try store.openStore()
            let target = RevisionPath(parsing: self.target)
            if let path = target.path {
                return try revisions.file(at: target.revision, path: path)
            }
            let revision = try revisions.revision(target.revision)
            return Data(HistoryFormatter.show(revision, paths: try revisions.paths(at: target.revision)).utf8)
        }
        Terminal.write(output, to: STDOUT_FILENO)
    }
}
