import Foundation
import RigModel

extension RevisionStore {
    /// The semantic diff between two revisions; `load` builds a workflow from a revision's files
    /// (e.g. the workflow loader reading them from memory or from `withFiles(at:)`).
    public func workflowDiff(
        from old: String, to new: String, load: ([(path: String, content: Data)]) throws -> Workflow
    ) throws -> WorkflowDiff {
        WorkflowDiff.compare(old: try load(files(at: old)), new: try load(files(at: new)))
    }

    /// Writes a revision's files into a new temporary folder, runs `body` with it, and removes
    /// the folder afterwards: for code that can only load from disk. The workflow folder is
    /// never touched.
    public func withFiles<T>(at spec: String, _ body: (URL) throws -> T) throws -> T {
        try Self.withTemporaryFolder(holding: try files(at: spec), executables: try executablePaths(at: spec), body)
    }

    /// Writes `files` (paths relative to the folder) into a new temporary folder, those in
    /// `executables` with mode 0755, runs `body` with it, and removes the folder afterwards.
    public static func withTemporaryFolder<T>(
        holding files: [(path: String, content: Data)], executables: Set<String> = [], _ body: (URL) throws -> T
    ) throws -> T {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rig-revision-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for file in files {
            let target = folder.appendingPathComponent(try RecordedFiles.normalized(file.path))
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try file.content.write(to: target)
            if executables.contains(file.path) {
                try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: target.path)
            }
        }
        return try body(folder)
    }
}
