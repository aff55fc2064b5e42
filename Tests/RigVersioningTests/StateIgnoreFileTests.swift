import Foundation
import RigTestSupport
import Testing

@testable import RigVersioning

@Suite struct StateIgnoreFileTests {
    @Test func ignoreFileGainsOnlyTheMissingPatternsAndKeepsTheRest() throws {
        let folder = try TemporaryDirectory()
        try folder.write(".gitignore", "build/\n.rig/")
        #expect(try StateIgnoreFile.ensure(in: folder.url) == ["*.secrets.yaml", "secrets.yaml"])
        #expect(try String(contentsOf: folder.path(".gitignore"), encoding: .utf8) == "build/\n.rig/\n*.secrets.yaml\nsecrets.yaml\n")
        #expect(try StateIgnoreFile.ensure(in: folder.url).isEmpty)
    }

    @Test func ignoredStateKeepsTheUsersRepositoryClean() throws {
        let root = try TemporaryDirectory("rig-user-repo")
        try git("init", "-q", in: root.url)
        try root.write("workflow.yaml", "name: x\n")
        try root.write("lab.secrets.yaml", "TOKEN: x\n")
        try root.write("secrets.yaml", "TOKEN: y\n")
        try StateIgnoreFile.ensure(in: root.url)
        try git("add", "-A", in: root.url)
        try git("commit", "-q", "-m", "init", in: root.url)
        let store = try RevisionStore(workflowDirectory: root.url, environment: [:])
        let revision = try store.commitRevision(files: [(path: "workflow.yaml", content: data("name: x\n"))], summary: "s")
        #expect(revision.workspace?.dirty == false)
        #expect(try git("status", "--porcelain", "--ignored=no", in: root.url).isEmpty)
        #expect(try git("ls-files", in: root.url) == ".gitignore\nworkflow.yaml")
    }
}
