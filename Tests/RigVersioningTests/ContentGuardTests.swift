import Foundation
import RigTestSupport
import Testing

@testable import RigVersioning

@Suite struct ContentGuardTests {
    @Test func fileHoldingASecretValueIsRefusedNamingFileAndSecretButNotTheValue() throws {
        let fixture = try StoreFixture()
        let value = "hunter2-registry-Pa55"
        let error = #expect(throws: RevisionStoreError.self) {
            try fixture.store.commitRevision(
                files: [
                    (path: "workflow.yaml", content: data("ok\n")), (path: "inventory/lab.yaml", content: data("password: \(value)\n")),
                ],
                summary: "leak", secretValues: ["REGISTRY_PASSWORD": value, "DUCKDNS_TOKEN": "abc-def-123"])
        }
        #expect(error == .secretInFile(path: "inventory/lab.yaml", secret: "REGISTRY_PASSWORD"))
        let message = try #require(error?.description)
        #expect(message.contains("inventory/lab.yaml") && message.contains("REGISTRY_PASSWORD"))
        #expect(!message.contains(value))
        #expect(try fixture.store.revisions().isEmpty)
        #expect(throws: CommandFailed.self) { try fixture.git("rev-parse", "--verify", "HEAD") }
    }

    @Test func emptySecretValuesDoNotBlockEverything() throws {
        let fixture = try StoreFixture()
        let revision = try fixture.store.commitRevision(
            files: [(path: "workflow.yaml", content: data("name: x\n"))], summary: "s", secretValues: ["OPTIONAL": ""])
        #expect(revision.summary == "s")
    }

    @Test func mergeConflictMarkersAreRefusedWithTheLine() throws {
        let fixture = try StoreFixture()
        let text = "name: x\n<<<<<<< HEAD\nsteps: []\n=======\nsteps: [a]\n>>>>>>> other\n"
        #expect(throws: RevisionStoreError.conflictMarkers(path: "workflow.yaml", line: 2)) {
            try fixture.store.commitRevision(files: [(path: "workflow.yaml", content: data(text))], summary: "s")
        }
        // A lone marker-like line in a script is not a conflict.
        try fixture.store.commitRevision(files: [(path: "notes.md", content: data("<<<<<<< not a conflict\n"))], summary: "s")
    }

    @Test func pathsOutsideTheWorkflowFolderOrTwiceAreRefused() throws {
        let fixture = try StoreFixture()
        for bad in ["/etc/passwd", "../outside.yaml", "a/../../b", "", ".git/config", "x/.GIT/y"] {
            #expect(throws: RevisionStoreError.invalidPath(bad)) {
                try fixture.store.commitRevision(files: [(path: bad, content: data("x"))], summary: "s")
            }
        }
        #expect(throws: RevisionStoreError.duplicatePath("a.yaml")) {
            try fixture.store.commitRevision(
                files: [(path: "a.yaml", content: data("1")), (path: "./a.yaml", content: data("2"))], summary: "s")
        }
        #expect(try fixture.store.revisions().isEmpty)
    }
}
