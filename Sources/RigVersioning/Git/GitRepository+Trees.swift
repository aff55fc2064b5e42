import CGit2
import Foundation

extension GitRepository {
    /// Writes a blob for each file and the nested trees holding them; returns the root tree id.
    /// Paths are slash-separated and relative (`inventory/lab.yaml`).
    func writeTree(files: [(path: String, content: Data)]) throws -> ObjectID {
        try writeTree(blobs: files.map { (path: $0.path, id: try createBlob($0.content)) })
    }

    /// Writes the nested trees for blobs already in the object database; returns the root tree id.
    func writeTree(blobs: [(path: String, id: ObjectID)]) throws -> ObjectID {
        var root = TreeNode()
        for blob in blobs {
            root.insert(components: blob.path.split(separator: "/").map(String.init)[...], id: blob.id)
        }
        return try write(root)
    }

    private func write(_ node: TreeNode) throws -> ObjectID {
        var builder: OpaquePointer?
        try gitCheck(git_treebuilder_new(&builder, pointer, nil), "start a tree")
        defer { git_treebuilder_free(builder) }
        for (name, id) in node.files {
            var oid = id.oid
            try gitCheck(git_treebuilder_insert(nil, builder, name, &oid, GIT_FILEMODE_BLOB), "add \(name) to a tree")
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

/// A folder being assembled: its files (name → blob) and subfolders.
private struct TreeNode {
    var files: [String: ObjectID] = [:]
    var folders: [String: TreeNode] = [:]

    mutating func insert(components: ArraySlice<String>, id: ObjectID) {
        guard let first = components.first else { return }
        if components.count == 1 {
            files[first] = id
        } else {
            folders[first, default: TreeNode()].insert(components: components.dropFirst(), id: id)
        }
    }
}
