import Foundation
import RigTestSupport
import Testing

@testable import RigVersioning

@Suite struct PushTests {
    /// The commands of docs/versioning.md, run for real against a local bare remote.
    @Test func storeIsPushedAndRestoredWithThePlainGitCLI() throws {
        let fixture = try StoreFixture()
        let first = try fixture.commit(["workflow.yaml": "1"], summary: "first")
        let second = try fixture.commit(["workflow.yaml": "2"], summary: "second")
        try fixture.store.tag("prod-2026-11", first.id.hex)
        let run = RunRecord(
            id: "r1", revision: second.id, status: .succeeded, startedAt: Date(timeIntervalSince1970: 0),
            endedAt: Date(timeIntervalSince1970: 1), tasks: [])
        try fixture.store.recordRun(run)

        let remote = try TemporaryDirectory("rig-remote")
        try git("init", "-q", "--bare", remote.url.path)
        _ = try fixture.git("remote", "add", "origin", remote.url.path)
        _ = try fixture.git("push", "-q", "origin", "main", "refs/tags/*", "refs/rig/runs")
        #expect(
            try git("--git-dir", remote.url.path, "for-each-ref", "--format=%(refname)")
                == "refs/heads/main\nrefs/rig/runs\nrefs/tags/prod-2026-11")

        let elsewhere = try TemporaryDirectory("rig-restore")
        let restored = RevisionStore.location(forWorkflowDirectory: elsewhere.url)
        try git("clone", "-q", "--mirror", remote.url.path, restored.path)
        try git("--git-dir", restored.path, "config", "rig.formatVersion", "1")
        // The remote's HEAD names `master` here, so the mirror's HEAD does too.
        #expect(throws: RevisionStoreError.headMismatch(store: restored.path, head: "refs/heads/master")) {
            try RevisionStore(workflowDirectory: elsewhere.url)
        }
        try git("--git-dir", restored.path, "symbolic-ref", "HEAD", "refs/heads/main")

        let store = try RevisionStore(workflowDirectory: elsewhere.url)
        let history = try store.history()
        #expect(history.map(\.revision.id) == [second.id, first.id])
        #expect(history.map(\.runs) == [[run], []])
        #expect(history.map(\.tags) == [[], ["prod-2026-11"]])
        #expect(try store.file(at: "prod-2026-11", path: "workflow.yaml") == data("1"))
    }
}
