import Foundation

/// One recorded state of a workflow folder: a commit of the revision store.
public struct Revision: Sendable, Hashable {
    public var id: ObjectID
    public var parents: [ObjectID]
    public var author: Signature
    /// When the revision was recorded (the author date).
    public var date: Date
    /// The full commit message, trailers included.
    public var message: String
    /// The surrounding git repository's HEAD and dirtiness when the revision was recorded.
    public var workspace: WorkspaceProvenance?
    let tree: ObjectID

    init(_ commit: CommitInfo) {
        id = commit.id
        parents = commit.parents
        author = commit.author
        date = commit.author.date ?? Date(timeIntervalSince1970: 0)
        message = commit.message
        workspace = WorkspaceProvenance(trailersOf: commit.message)
        tree = commit.tree
    }

    /// The first line of the message.
    public var summary: String {
        String(message.prefix { $0 != "\n" })
    }

    public var shortID: String { id.short }
}
