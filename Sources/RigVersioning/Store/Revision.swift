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
    /// The file of the tree that is the workflow (the others are what it reads), from the
    /// `Workflow-File` trailer; nil for revisions recorded without one.
    public var workflowFile: String?
    let tree: ObjectID

    static let workflowFileTrailer = "Workflow-File"

    init(_ commit: CommitInfo) {
        id = commit.id
        parents = commit.parents
        author = commit.author
        date = commit.author.date ?? Date(timeIntervalSince1970: 0)
        message = commit.message
        workspace = WorkspaceProvenance(trailersOf: commit.message)
        workflowFile = commit.message.split(separator: "\n").last { $0.hasPrefix(Self.workflowFileTrailer + ": ") }
            .map { String($0.dropFirst(Self.workflowFileTrailer.count + 2)).trimmingCharacters(in: .whitespaces) }
        tree = commit.tree
    }

    /// The first line of the message.
    public var summary: String {
        String(message.prefix { $0 != "\n" })
    }

    public var shortID: String { id.short }
}
