import CGit2
import Foundation

extension GitRepository {
    /// The unified diff (`git diff` patch format) between two trees; nil stands for the empty tree.
    func patch(from oldTree: ObjectID?, to newTree: ObjectID?) throws -> String {
        let old = try oldTree.map(lookupTree)
        let new = try newTree.map(lookupTree)
        var diff: OpaquePointer?
        try gitCheck(git_diff_tree_to_tree(&diff, pointer, old?.pointer, new?.pointer, nil), "compare trees")
        defer { git_diff_free(diff) }
        var buffer = git_buf()
        defer { git_buf_dispose(&buffer) }
        try gitCheck(git_diff_to_buf(&buffer, diff, GIT_DIFF_FORMAT_PATCH), "format patch")
        return buffer.ptr.map { String(cString: $0) } ?? ""
    }
}

extension GitRepository {
    /// The unified diff of one file between two contents; nil content means the file is absent
    /// on that side. Empty when both are equal.
    static func patch(old: Data?, new: Data?, path: String) throws -> String {
        GitLibrary.ensureInitialized()
        // The patch points into both buffers (it copies nothing), so it is formatted while they live.
        return try (old ?? Data()).withUnsafeBytes { oldBytes in
            try (new ?? Data()).withUnsafeBytes { newBytes in
                var patch: OpaquePointer?
                try gitCheck(
                    git_patch_from_buffers(
                        &patch,
                        old == nil ? nil : oldBytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1), oldBytes.count, path,
                        new == nil ? nil : newBytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1), newBytes.count, path, nil),
                    "compare \(path)")
                defer { git_patch_free(patch) }
                var buffer = git_buf()
                defer { git_buf_dispose(&buffer) }
                try gitCheck(git_patch_to_buf(&buffer, patch), "format patch of \(path)")
                return buffer.ptr.map { String(cString: $0) } ?? ""
            }
        }
    }
}
