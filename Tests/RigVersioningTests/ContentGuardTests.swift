import Foundation
import RigTestSupport
import Testing

@testable import RigVersioning

@Suite struct ContentGuardTests {
    @Test func fileHoldingASecretValueIsRefusedNamingFileAndLineButNeitherTheValueNorTheSecret() throws {
        let fixture = try StoreFixture()
        let value = "hunter2-registry-Pa55"
        let error = #expect(throws: RevisionStoreError.self) {
            try fixture.store.commitRevision(
                files: [
                    (path: "workflow.yaml", content: data("ok\n")),
                    (path: "inventory/lab.yaml", content: data("hosts:\n  - user: admin\n    password: \(value)\n")),
                ],
                summary: "leak", secretValues: ["REGISTRY_PASSWORD": value, "DUCKDNS_TOKEN": "abc-def-123"])
        }
        #expect(error == .secretInFile(path: "inventory/lab.yaml", line: 3))
        let message = try #require(error?.description)
        #expect(message.contains("inventory/lab.yaml:3 holds the value of one of the run's secrets"), "\(message)")
        #expect(!message.contains(value) && !message.contains("REGISTRY_PASSWORD") && !message.contains("DUCKDNS_TOKEN"))
        #expect(try fixture.store.revisions().isEmpty)
        #expect(throws: CommandFailed.self) { try fixture.git("rev-parse", "--verify", "HEAD") }
    }

    @Test func secretsShorterThanEightCharactersAreNotLookedFor() throws {
        let fixture = try StoreFixture()
        let inventory = "hosts:\n  - {name: web, address: 192.0.2.10, user: ubuntu}\n"
        let revision = try fixture.store.commitRevision(
            files: [(path: "inventory.yaml", content: data(inventory))], summary: "s",
            secretValues: ["sudo_password": "ubuntu", "seven": "192.0.2"])
        #expect(revision.summary == "s")
        #expect(throws: RevisionStoreError.secretInFile(path: "inventory.yaml", line: 2)) {
            try fixture.store.commitRevision(
                files: [(path: "inventory.yaml", content: data(inventory))], summary: "s", secretValues: ["eight": "192.0.2."])
        }
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
