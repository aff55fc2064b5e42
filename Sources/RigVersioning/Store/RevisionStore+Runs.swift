import Foundation

/// A revision with the runs that used it.
public struct HistoryEntry: Sendable, Hashable {
    public var revision: Revision
    /// Runs of this revision, oldest first.
    public var runs: [RunRecord]
    /// Tags naming this revision.
    public var tags: [String]
}

extension RevisionStore {
    static let runsFolder = "runs"

    /// Commits a run's record as `runs/<id>.json` on `refs/rig/runs` (its own commit chain, so the
    /// history of runs survives a lost state folder and can be pushed). Recording the same
    /// content again changes nothing; a record with the same id and new content replaces it.
    /// Returns the tip of the runs chain.
    @discardableResult
    public func recordRun(_ record: RunRecord, author: Signature? = nil) throws -> ObjectID {
        guard !record.id.isEmpty, !record.id.contains("/"), record.id != ".", record.id != ".." else {
            throw RevisionStoreError.invalidRunID(record.id)
        }
        let path = "\(Self.runsFolder)/\(record.id).json"
        let content = try record.encoded()
        return try write { repository in
            let parent = try repository.referenceTarget(Self.runsReference).map(repository.commitInfo)
            let tree = try repository.tree(parent?.tree, setting: path, to: try repository.createBlob(content))
            if let parent, parent.tree == tree { return parent.id }

            let signature = resolveAuthor(author, repository: repository)
            let revision = record.revision.map { ", revision \($0.short)" } ?? ""
            let id = try repository.createCommit(
                tree: tree, parents: parent.map { [$0.id] } ?? [], author: signature, committer: signature,
                message: "Run \(record.id): \(record.status.rawValue)\(revision)")
            try repository.updateReference(Self.runsReference, to: id, expecting: parent?.id, logMessage: "rig: run \(record.id)")
            return id
        }
    }

    /// Every recorded run, oldest first.
    public func runRecords() throws -> [RunRecord] {
        let blobs: [Data] = try read { repository in
            guard let tip = try repository.referenceTarget(Self.runsReference) else { return [] }
            let tree = try repository.lookupTree(try repository.commitInfo(tip).tree)
            guard let folder = try tree.subtree(named: Self.runsFolder) else { return [] }
            return try folder.blobIDs().filter { $0.path.hasSuffix(".json") }.map { try repository.blobContent($0.id) }
        }
        let decoder = RunRecord.makeDecoder()
        return try blobs.map { data in
            do {
                return try RunRecord.decoded(data, with: decoder)
            } catch {
                throw RevisionStoreError.damaged(store: url.path, detail: "a run record on \(Self.runsReference) cannot be read: \(error)")
            }
        }
        .sorted { ($0.startedAt, $0.id) < ($1.startedAt, $1.id) }
    }

    /// `rig history`: revisions newest first, each with the runs that used it and its tags.
    /// With `path`, only revisions that changed that file.
    public func history(touching path: String? = nil) throws -> [HistoryEntry] {
        let revisions = try revisions(touching: path)
        let runs = Dictionary(grouping: try runRecords().filter { $0.revision != nil }) { $0.revision! }
        let tags = Dictionary(grouping: try tags()) { $0.revision }
        return revisions.map { revision in
            HistoryEntry(revision: revision, runs: runs[revision.id] ?? [], tags: (tags[revision.id] ?? []).map(\.name))
        }
    }
}
