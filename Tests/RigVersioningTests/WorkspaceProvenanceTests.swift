import Foundation
import RigTestSupport
import Testing

@testable import RigVersioning

/// rig only reads a user's own repository around the workflow folder.
@Suite struct WorkspaceProvenanceTests {
    /// Every file under `.git` with its size, modification time and content.
    private func snapshot(_ gitDirectory: URL) throws -> [String: String] {
        var result: [String: String] = [:]
        let enumerator = try #require(FileManager.default.enumerator(at: gitDirectory, includingPropertiesForKeys: nil))
        for case let file as URL in enumerator {
            let attributes = try FileManager.default.attributesOfItem(atPath: file.path)
            guard attributes[.type] as? FileAttributeType == .typeRegular else { continue }
            let content = try Data(contentsOf: file)
            result[file.path] = "\(attributes[.size] ?? 0) \(attributes[.modificationDate] ?? "") \(content.hashValue)"
        }
        return result
    }

    private struct UserRepository {
        let root: TemporaryDirectory
        var workflowFolder: URL { root.path("deploy") }

        init() throws {
            root = try TemporaryDirectory("rig-user-repo")
            try git("init", "-q", "-b", "main", in: root.url)
            try root.write("README.md", "my project\n")
            try root.write("deploy/workflow.yaml", "name: demo\n")
            try git("add", "-A", in: root.url)
            try git("commit", "-q", "-m", "initial", in: root.url)
        }

        func state() throws -> [String] {
            [
                try git("rev-parse", "HEAD", in: root.url), try git("status", "--porcelain", in: root.url),
                try git("for-each-ref", in: root.url), try git("stash", "list", in: root.url),
            ]
        }
    }

    @Test func cleanRepositoryIsRecordedAndLeftUntouched() throws {
        let user = try UserRepository()
        let store = try RevisionStore(workflowDirectory: user.workflowFolder, environment: [:])
        let before = try user.state()
        let gitBefore = try snapshot(user.root.path(".git"))

        let revision = try store.commitRevision(
            files: [(path: "workflow.yaml", content: data("name: demo\n"))], summary: "Initial revision")

        #expect(try snapshot(user.root.path(".git")) == gitBefore)
        #expect(try user.state() == before)
        let head = try git("rev-parse", "HEAD", in: user.root.url)
        // Only rig's own untracked .rig folder differs, and that does not count as dirty.
        #expect(before[1] == "?? deploy/.rig/")
        #expect(revision.workspace == WorkspaceProvenance(commit: ObjectID(hex: head), dirty: false))
        let storeGit = ["--git-dir", store.url.path]
        #expect(try git(storeGit + ["log", "-1", "--format=%(trailers:key=Workspace-Commit,valueonly)"]) == head)
        #expect(try git(storeGit + ["log", "-1", "--format=%(trailers:key=Workspace-Dirty,valueonly)"]) == "no")
        #expect(try git(storeGit + ["log", "-1", "--format=%s"]) == "Initial revision")
    }

    @Test func dirtyRepositoryIsRecordedAsDirtyAndLeftUntouched() throws {
        let user = try UserRepository()
        try user.root.write("README.md", "edited but not committed\n")
        try user.root.write("deploy/notes.txt", "untracked\n")
        try git("add", "deploy/notes.txt", in: user.root.url)
        let store = try RevisionStore(workflowDirectory: user.workflowFolder, environment: [:])
        let before = try user.state()
        let gitBefore = try snapshot(user.root.path(".git"))

        let revision = try store.commitRevision(files: [(path: "workflow.yaml", content: data("name: demo\n"))], summary: "s")

        #expect(try snapshot(user.root.path(".git")) == gitBefore)
        #expect(try user.state() == before)
        #expect(revision.workspace?.dirty == true)
        #expect(revision.workspace?.commit?.hex == (try git("rev-parse", "HEAD", in: user.root.url)))
        #expect(try store.revision("HEAD").workspace == revision.workspace)
        #expect(try git("--git-dir", store.url.path, "log", "-1", "--format=%(trailers:key=Workspace-Dirty,valueonly)") == "yes")
    }

    @Test func repositoryWithoutCommitsIsRecordedWithoutACommitId() throws {
        let root = try TemporaryDirectory("rig-user-repo")
        try git("init", "-q", in: root.url)
        try root.write("workflow.yaml", "name: x\n")
        let store = try RevisionStore(workflowDirectory: root.url, environment: [:])

        let revision = try store.commitRevision(files: [(path: "workflow.yaml", content: data("name: x\n"))], summary: "s")

        #expect(revision.workspace == WorkspaceProvenance(commit: nil, dirty: true))
        #expect(throws: CommandFailed.self) { try git("rev-parse", "--verify", "HEAD", in: root.url) }
    }
}
