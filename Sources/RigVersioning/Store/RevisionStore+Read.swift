import Foundation

/// A name given to a revision with `rig tag`.
public struct RevisionTag: Sendable, Hashable {
    public var name: String
    public var revision: ObjectID
}

extension RevisionStore {
    /// Revisions from the latest back to the first, newest first (topological, then time order).
    /// With `path`, only revisions that added, changed or removed that file.
    public func revisions(touching path: String? = nil) throws -> [Revision] {
        let path = try path.map(RecordedFiles.normalized)
        return try read { repository in
            guard let head = try repository.referenceTarget("HEAD") else { return [] }
            var result: [Revision] = []
            for id in try repository.walk(from: head) {
                let commit = try repository.commitInfo(id)
                if let path, try !changes(path, in: commit, repository: repository) { continue }
                result.append(Revision(commit))
            }
            return result
        }
    }

    private func changes(_ path: String, in commit: CommitInfo, repository: GitRepository) throws -> Bool {
        let mine = try repository.lookupTree(commit.tree).blobID(atPath: path)
        guard let parent = commit.parents.first else { return mine != nil }
        let theirs = try repository.lookupTree(repository.commitInfo(parent).tree).blobID(atPath: path)
        return mine != theirs
    }

    /// The revision a revision expression names: `HEAD`, `HEAD~1`, a tag, a full or short id.
    public func revision(_ spec: String) throws -> Revision {
        try read { repository in Revision(try repository.commitInfo(try resolve(spec, in: repository))) }
    }

    /// The latest revision, nil when the store is empty.
    public func latestRevision() throws -> Revision? {
        try read { repository in try repository.referenceTarget("HEAD").map { Revision(try repository.commitInfo($0)) } }
    }

    /// The content of one file at a revision, read from git objects (the working tree is not touched).
    public func file(at spec: String, path: String) throws -> Data {
        let path = try RecordedFiles.normalized(path)
        return try read { repository in
            let commit = try repository.commitInfo(try resolve(spec, in: repository))
            guard let blob = try repository.lookupTree(commit.tree).blobID(atPath: path) else {
                throw RevisionStoreError.fileNotFound(path: path, revision: spec)
            }
            return try repository.blobContent(blob)
        }
    }

    /// Every file of a revision, sorted by path: what `rig run --revision` loads.
    public func files(at spec: String) throws -> [(path: String, content: Data)] {
        try read { repository in
            let commit = try repository.commitInfo(try resolve(spec, in: repository))
            return try files(ofTree: commit.tree, in: repository)
        }
    }

    /// The paths of a revision's files recorded with the executable mode.
    public func executablePaths(at spec: String) throws -> Set<String> {
        try read { repository in
            let commit = try repository.commitInfo(try resolve(spec, in: repository))
            return Set(try repository.lookupTree(commit.tree).blobIDs().filter(\.executable).map(\.path))
        }
    }

    /// The paths of a revision's files, sorted.
    public func paths(at spec: String) throws -> [String] {
        try read { repository in
            let commit = try repository.commitInfo(try resolve(spec, in: repository))
            return try repository.lookupTree(commit.tree).blobIDs().map(\.path)
        }
    }

    /// The text diff (git patch format) between two revisions.
    public func patch(from old: String, to new: String) throws -> String {
        try read { repository in
            let oldTree = try repository.commitInfo(try resolve(old, in: repository)).tree
            let newTree = try repository.commitInfo(try resolve(new, in: repository)).tree
            return try repository.patch(from: oldTree, to: newTree)
        }
    }

    /// The text diff between a revision and files not yet recorded (e.g. the working folder),
    /// without writing anything to the store.
    public func patch(from old: String, toFiles files: [(path: String, content: Data)]) throws -> String {
        let newFiles = Dictionary(try files.map { (try RecordedFiles.normalized($0.path), $0.content) }) { _, last in last }
        let oldFiles = Dictionary(try self.files(at: old).map { ($0.path, $0.content) }) { _, last in last }
        return try Set(oldFiles.keys).union(newFiles.keys).sorted()
            .filter { oldFiles[$0] != newFiles[$0] }
            .map { try GitRepository.patch(old: oldFiles[$0], new: newFiles[$0], path: $0) }
            .joined()
    }

    /// Names a revision (`refs/tags/<name>`); an existing tag is never moved.
    @discardableResult
    public func tag(_ name: String, _ spec: String = "HEAD") throws -> RevisionTag {
        let reference = "refs/tags/\(name)"
        guard GitRepository.isValidReferenceName(reference) else { throw RevisionStoreError.invalidTagName(name) }
        return try write { repository in
            let target = try resolve(spec, in: repository)
            if let existing = try repository.referenceTarget(reference) {
                throw RevisionStoreError.tagExists(name: name, revision: existing.short)
            }
            try repository.updateReference(reference, to: target, expecting: nil, logMessage: "rig: tag \(name)")
            return RevisionTag(name: name, revision: target)
        }
    }

    /// Every tag, sorted by name.
    public func tags() throws -> [RevisionTag] {
        try read { repository in
            try repository.references(matching: "refs/tags/*")
                .map { RevisionTag(name: String($0.name.dropFirst("refs/tags/".count)), revision: $0.target) }
                .sorted { $0.name < $1.name }
        }
    }

    /// Reads every revision and run record with all their trees and files; throws
    /// `RevisionStoreError.damaged` naming what cannot be read. Returns the number of commits read.
    @discardableResult
    public func verify() throws -> Int {
        try read { repository in
            var count = 0
            var readBlobs = Set<ObjectID>()
            for reference in ["HEAD", Self.runsReference] {
                guard let tip = try repository.referenceTarget(reference) else { continue }
                for id in try repository.walk(from: tip) {
                    let commit = try repository.commitInfo(id)
                    for blob in try repository.lookupTree(commit.tree).blobIDs() where readBlobs.insert(blob.id).inserted {
                        _ = try repository.blobContent(blob.id)
                    }
                    count += 1
                }
            }
            return count
        }
    }
}
