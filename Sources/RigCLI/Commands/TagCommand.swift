import ArgumentParser
import RigVersioning

/// `rig tag NAME [REV]`: names a revision; without NAME, lists the tags.
struct TagCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tag",
        abstract: "Name a revision (default: the latest), e.g. `rig tag prod-2026-11`; without a name, list the tags.",
        discussion: "A tag is never moved: a name already in use is refused. \(ExitStatus.helpText)"
    )

    @Argument(help: "The tag name.")
    var name: String?

    @Argument(help: "The revision to name: HEAD, HEAD~1, a tag, a full or short id.")
    var revision: String = "HEAD"

    @OptionGroup var store: RevisionStoreOptions

    func run() throws {
        let text = try reportingErrors {
            let revisions = try store.openStore()
            guard let name else {
                let tags = try revisions.tags()
                return tags.isEmpty
                    ? "No tags yet: `rig tag NAME` names the latest revision.\n"
                    : tags.map { "\($0.name)  \($0.revision.short)\n" }.joined()
            }
            let tag = try revisions.tag(name, revision)
            let summary = try revisions.revision(tag.revision.hex).summary
            return "Tagged \(tag.revision.short) as \(tag.name): \(summary)\n"
        }
        print(text, terminator: "")
    }
}
