import CGit2
import Foundation

/// A commit copied out of libgit2 into Swift values.
struct CommitInfo: Sendable, Hashable {
    var id: ObjectID
    var tree: ObjectID
    var parents: [ObjectID]
    var author: Signature
    var committer: Signature
    var message: String
}

extension GitRepository {
    /// Writes `content` as a blob.
    func createBlob(_ content: Data) throws -> ObjectID {
        var oid = git_oid()
        let code = content.withUnsafeBytes { bytes in
            git_blob_create_from_buffer(&oid, pointer, bytes.baseAddress, bytes.count)
        }
        try gitCheck(code, "write blob")
        return ObjectID(oid)
    }

    /// The id `content` would have as a blob, without writing anything.
    static func blobID(of content: Data) throws -> ObjectID {
        GitLibrary.ensureInitialized()
        var oid = git_oid()
        let code = content.withUnsafeBytes { bytes in
            git_odb_hash(&oid, bytes.baseAddress, bytes.count, GIT_OBJECT_BLOB)
        }
        try gitCheck(code, "hash blob")
        return ObjectID(oid)
    }

    /// Whether the object exists in the object database.
    func contains(_ id: ObjectID) -> Bool {
        var odb: OpaquePointer?
        guard git_repository_odb(&odb, pointer) == 0, let odb else { return false }
        defer { git_odb_free(odb) }
        var oid = id.oid
        return git_odb_exists(odb, &oid) == 1
    }

    /// Writes a commit object without moving any reference; callers update refs with
    /// `updateReference(_:to:expecting:)` so that a lost race never leaves a half-made commit.
    func createCommit(tree: ObjectID, parents: [ObjectID], author: Signature, committer: Signature, message: String) throws -> ObjectID {
        let treeObject = try lookupTree(tree)
        let parentObjects = try parents.map(lookupCommit)
        let authorSig = try author.makeGitSignature()
        defer { git_signature_free(authorSig) }
        let committerSig = try committer.makeGitSignature()
        defer { git_signature_free(committerSig) }
        var parentPointers: [OpaquePointer?] = parentObjects.map { $0.pointer }
        var oid = git_oid()
        let text = message.hasSuffix("\n") ? message : message + "\n"
        let code = parentPointers.withUnsafeMutableBufferPointer { buffer in
            git_commit_create(&oid, pointer, nil, authorSig, committerSig, nil, text, treeObject.pointer, parents.count, buffer.baseAddress)
        }
        try gitCheck(code, "create commit")
        withExtendedLifetime(parentObjects) {}
        return ObjectID(oid)
    }

    func lookupCommit(_ id: ObjectID) throws -> GitCommit {
        var oid = id.oid
        var out: OpaquePointer?
        try gitCheck(git_commit_lookup(&out, pointer, &oid), "read commit \(id.short)")
        return GitCommit(pointer: out!, repository: self)
    }

    func lookupTree(_ id: ObjectID) throws -> GitTree {
        var oid = id.oid
        var out: OpaquePointer?
        try gitCheck(git_tree_lookup(&out, pointer, &oid), "read tree \(id.short)")
        return GitTree(pointer: out!, repository: self)
    }

    func blobContent(_ id: ObjectID) throws -> Data {
        var oid = id.oid
        var out: OpaquePointer?
        try gitCheck(git_blob_lookup(&out, pointer, &oid), "read blob \(id.short)")
        defer { git_blob_free(out) }
        let size = Int(git_blob_rawsize(out))
        guard size > 0, let bytes = git_blob_rawcontent(out) else { return Data() }
        return Data(bytes: bytes, count: size)
    }

    func commitInfo(_ id: ObjectID) throws -> CommitInfo {
        try lookupCommit(id).info()
    }
}

/// An owned libgit2 object (commit, tree): it keeps its repository alive, since the object
/// borrows from it, and frees the object on deinit.
class GitObject {
    let pointer: OpaquePointer
    let repository: GitRepository

    init(pointer: OpaquePointer, repository: GitRepository) {
        self.pointer = pointer
        self.repository = repository
    }

    // `git_commit_free`, `git_tree_free` and the like are all `git_object_free`.
    deinit { git_object_free(pointer) }
}

final class GitCommit: GitObject {

    var id: ObjectID { ObjectID(git_commit_id(pointer)) }
    var treeID: ObjectID { ObjectID(git_commit_tree_id(pointer)) }

    /// Copies everything out of the commit: the accessors return pointers borrowed from it.
    func info() -> CommitInfo {
        let parentCount = git_commit_parentcount(pointer)
        let parents = (0..<parentCount).map { ObjectID(git_commit_parent_id(pointer, $0)) }
        return CommitInfo(
            id: id, tree: treeID, parents: parents,
            author: Signature(git_commit_author(pointer)),
            committer: Signature(git_commit_committer(pointer)),
            message: git_commit_message(pointer).map { String(cString: $0) } ?? "")
    }
}

final class GitTree: GitObject {

    struct Entry {
        var name: String
        var id: ObjectID
        var isTree: Bool
        var isBlob: Bool
        /// A blob with git's executable mode (100755).
        var isExecutable: Bool
    }

    var entries: [Entry] {
        (0..<git_tree_entrycount(pointer)).compactMap { index in
            guard let entry = git_tree_entry_byindex(pointer, index) else { return nil }
            let type = git_tree_entry_type(entry)
            return Entry(
                name: String(cString: git_tree_entry_name(entry)), id: ObjectID(git_tree_entry_id(entry)),
                isTree: type == GIT_OBJECT_TREE, isBlob: type == GIT_OBJECT_BLOB,
                isExecutable: git_tree_entry_filemode(entry) == GIT_FILEMODE_BLOB_EXECUTABLE)
        }
    }

    /// Every blob below this tree as (slash-separated path, blob id, executable mode), sorted by path.
    func blobIDs(prefix: String = "") throws -> [(path: String, id: ObjectID, executable: Bool)] {
        var result: [(path: String, id: ObjectID, executable: Bool)] = []
        var pending: [(prefix: String, tree: GitTree)] = [(prefix, self)]
        while let (prefix, tree) = pending.popLast() {
            for entry in tree.entries {
                let path = prefix + entry.name
                if entry.isTree {
                    pending.append((path + "/", try repository.lookupTree(entry.id)))
                } else if entry.isBlob {
                    result.append((path, entry.id, entry.isExecutable))
                }
            }
        }
        return result.sorted { $0.path < $1.path }
    }

    /// The blob id at a slash-separated path, nil when there is no file there.
    func blobID(atPath path: String) throws -> ObjectID? {
        var entry: OpaquePointer?
        let code = git_tree_entry_bypath(&entry, pointer, path)
        if code == GIT_ENOTFOUND.rawValue { return nil }
        try gitCheck(code, "find \(path)")
        defer { git_tree_entry_free(entry) }
        guard git_tree_entry_type(entry) == GIT_OBJECT_BLOB else { return nil }
        return ObjectID(git_tree_entry_id(entry))
    }

    func subtree(named name: String) throws -> GitTree? {
        guard let entry = entries.first(where: { $0.name == name && $0.isTree }) else { return nil }
        return try repository.lookupTree(entry.id)
    }
}
