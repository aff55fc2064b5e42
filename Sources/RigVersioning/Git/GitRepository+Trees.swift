import CGit2
import Foundation

extension GitRepository {
    /// Writes a blob for each file and the nested trees holding them; returns the root tree id.
    /// Paths are slash-separated and relative (`inventory/lab.yaml`); those in `executables`
    /// get git's executable mode.
    func writeTree(files: [(path: String, content: Data)], executables: Set<String> = []) throws -> ObjectID {
        try writeTree(blobs: files.map { (path: $0.path, id: try createBlob($0.content), executable: executables.contains($0.path)) })
    }

    /// Writes the nested trees for blobs already in the object database; returns the root tree id.
    func writeTree(blobs: [(path: String, id: ObjectID, executable: Bool)]) throws -> ObjectID {
        var root = TreeNode()
        for blob in blobs {
            root.insert(components: blob.path.split(separator: "/").map(String.init)[...], file: (blob.id, blob.executable))
        }
        return try write(root)
    }

    /// A copy of `base` (nil: the empty tree) with the file at `path` set to `blob`, creating
    /// folders as needed; only the trees along the path are rewritten.
    func tree(_ base: ObjectID?, setting path: String, to blob: ObjectID) throws -> ObjectID {
        try tree(base, setting: path.split(separator: "/").map(String.init)[...], to: blob)
    }

    private func tree(_ base: ObjectID?, setting components: ArraySlice<String>, to blob: ObjectID) throws -> ObjectID {
        let baseTree = try base.map(lookupTree)
        var builder: OpaquePointer?
        try gitCheck(git_treebuilder_new(&builder, pointer, baseTree?.pointer), "start a tree")
        defer { git_treebuilder_free(builder) }
        guard let name = components.first else { throw GitError.invalidSpec(operation: "set a file in a tree", message: "empty path") }
        var oid: git_oid
        let mode: git_filemode_t
        if components.count == 1 {
            oid = blob.oid
            mode = GIT_FILEMODE_BLOB
        } else {
            let existing = git_treebuilder_get(builder, name).flatMap { entry in
                git_tree_entry_type(entry) == GIT_OBJECT_TREE ? ObjectID(git_tree_entry_id(entry)) : nil
            }
            oid = try tree(existing, setting: components.dropFirst(), to: blob).oid
            mode = GIT_FILEMODE_TREE
        }
        try gitCheck(git_treebuilder_insert(nil, builder, name, &oid, mode), "add \(name) to a tree")
        var written = git_oid()
        try gitCheck(git_treebuilder_write(&written, builder), "write tree")
        return ObjectID(written)
    }

    private func write(_ node: TreeNode) throws -> ObjectID {
        var builder: OpaquePointer?
        try gitCheck(git_treebuilder_new(&builder, pointer, nil), "start a tree")
        defer { git_treebuilder_free(builder) }
        for (name, file) in node.files {
            var oid = file.id.oid
            let mode = file.executable ? GIT_FILEMODE_BLOB_EXECUTABLE : GIT_FILEMODE_BLOB
            try gitCheck(git_treebuilder_insert(nil, builder, name, &oid, mode), "add \(name) to a tree")
        }
        for (name, child) in node.folders {
            var oid = try write(child).oid
            try gitCheck(git_treebuilder_insert(nil, builder, name, &oid, GIT_FILEMODE_TREE), "add folder \(name) to a tree")
        }
        var oid = git_oid()
        try gitCheck(git_treebuilder_write(&oid, builder), "write tree")
        return ObjectID(oid)
    }
}

/// A folder being assembled: its files (name → blob and mode) and subfolders.
private struct TreeNode {
    var files: [String: (id: ObjectID, executable: Bool)] = [:]
    var folders: [String: TreeNode] = [:]

    mutating func insert(components: ArraySlice<String>, file: (id: ObjectID, executable: Bool)) {
        guard let first = components.first else { return }
        if components.count == 1 {
            files[first] = file
        } else {
            folders[first, default: TreeNode()].insert(components: components.dropFirst(), file: file)
        }
    }
}
