import Foundation

extension RevisionStore {
    /// Records the files a run uses as a new revision parented on the latest one, and returns it.
    /// Content identical to the latest revision returns that revision (no empty commits).
    ///
    /// - Parameters:
    ///   - files: paths relative to the workflow folder, and their bytes; the revision's tree
    ///     holds exactly these files.
    ///   - summary: the first line of the commit message, e.g. from `WorkflowDiff.summaryLine`.
    ///   - author: nil means `RIG_AUTHOR_NAME`/`RIG_AUTHOR_EMAIL`, else git config, else `rig`.
    ///   - secretValues: secret name → value; a file holding a value of 8 characters or more is
    ///     refused, naming the file and line (never the value, nor which secret it is).
    ///   - workflowFile: which of `files` is the workflow to load (a `Workflow-File` trailer).
    ///   - executables: paths among `files` recorded with git's executable mode (plugins).
    @discardableResult
    public func commitRevision(
        files: [(path: String, content: Data)], summary: String, author: Signature? = nil,
        secretValues: [String: String] = [:], workflowFile: String? = nil, executables: Set<String> = []
    ) throws -> Revision {
        try commitRevision(
            files: files, author: author, secretValues: secretValues, workflowFile: workflowFile, executables: executables
        ) { _ in summary }
    }

    /// Like `commitRevision(files:summary:author:secretValues:)`, but the message is computed
    /// under the store's write lock from the files of the revision it will follow (nil for the
    /// first one), so the summary always describes the change from the actual parent.
    /// `summarize` is only called when the content differs from the latest revision.
    @discardableResult
    public func commitRevision(
        files: [(path: String, content: Data)], author: Signature? = nil, secretValues: [String: String] = [:],
        workflowFile: String? = nil, executables: Set<String> = [],
        summarize: (_ previous: [(path: String, content: Data)]?) throws -> String
    ) throws -> Revision {
        let files = try RecordedFiles.validated(files, secretValues: secretValues)
        let workflowFile = try workflowFile.map(RecordedFiles.normalized)
        let executables = Set(try executables.map(RecordedFiles.normalized))
        let workspace = workflowDirectory.flatMap { WorkspaceProvenance.inspect(directory: $0) }
        return try write { repository in
            let signature = resolveAuthor(author, repository: repository)
            let parent = try repository.referenceTarget(Self.branchReference).map(repository.commitInfo)
            let tree = try repository.writeTree(files: files, executables: executables)
            if let parent, parent.tree == tree { return Revision(parent) }

            let previousFiles = try parent.map { try self.files(ofTree: $0.tree, in: repository) }
            var message = try summarize(previousFiles).trimmingCharacters(in: .whitespacesAndNewlines)
            if message.isEmpty { message = parent == nil ? "Initial revision" : "Update workflow files" }
            let trailers = (workflowFile.map { ["\(Revision.workflowFileTrailer): \($0)"] } ?? []) + (workspace?.trailers ?? [])
            if !trailers.isEmpty { message += "\n\n" + trailers.joined(separator: "\n") }

            let id = try repository.createCommit(
                tree: tree, parents: parent.map { [$0.id] } ?? [], author: signature, committer: signature, message: message)
            try repository.updateReference(Self.branchReference, to: id, expecting: parent?.id, logMessage: "rig: revision")
            return Revision(try repository.commitInfo(id))
        }
    }

    /// The latest revision if `files` have exactly its content and modes (what `rig plan`
    /// reports), without writing anything; nil when they differ or the store is empty.
    public func latestRevision(matching files: [(path: String, content: Data)], executables: Set<String> = []) throws -> Revision? {
        let executables = Set(try executables.map(RecordedFiles.normalized))
        let wanted = try files.map { (path: try RecordedFiles.normalized($0.path), id: try GitRepository.blobID(of: $0.content)) }
            .sorted { $0.path < $1.path }
        return try read { repository in
            guard let head = try repository.referenceTarget("HEAD") else { return nil }
            let commit = try repository.commitInfo(head)
            let stored = try repository.lookupTree(commit.tree).blobIDs()
            guard stored.map(\.path) == wanted.map(\.path), stored.map(\.id) == wanted.map(\.id),
                Set(stored.filter(\.executable).map(\.path)) == executables
            else { return nil }
            return Revision(commit)
        }
    }

    func resolveAuthor(_ explicit: Signature?, repository: GitRepository) -> Signature {
        Self.author(explicit: explicit, environment: environment, configured: explicit == nil ? repository.defaultSignature() : nil)
    }

    /// Explicit author, else `RIG_AUTHOR_NAME`/`RIG_AUTHOR_EMAIL` (each falling back separately),
    /// else `user.name`/`user.email` from git config, else `rig <rig@localhost>`.
    static func author(explicit: Signature?, environment: [String: String], configured: Signature?) -> Signature {
        if let explicit { return explicit }
        let name = environment["RIG_AUTHOR_NAME"].flatMap { $0.isEmpty ? nil : $0 } ?? configured?.name ?? "rig"
        let email = environment["RIG_AUTHOR_EMAIL"].flatMap { $0.isEmpty ? nil : $0 } ?? configured?.email ?? "rig@localhost"
        return Signature(name: name, email: email)
    }

    func files(ofTree tree: ObjectID, in repository: GitRepository) throws -> [(path: String, content: Data)] {
        try repository.lookupTree(tree).blobIDs().map { (path: $0.path, content: try repository.blobContent($0.id)) }
    }
}
