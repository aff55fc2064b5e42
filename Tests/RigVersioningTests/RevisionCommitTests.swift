import Foundation
import RigTestSupport
import Testing

@testable import RigVersioning

@Suite struct RevisionCommitTests {
    @Test func firstRevisionIsARootCommitHoldingExactlyTheGivenFiles() throws {
        let fixture = try StoreFixture()
        let revision = try fixture.commit(
            ["workflow.yaml": "name: demo\n", "inventory/lab.yaml": "hosts: []\n", "plugins/gpu/step.sh": "echo hi\n"],
            summary: "Initial revision")

        #expect(try fixture.git("rev-parse", "HEAD") == revision.id.hex)
        #expect(try fixture.git("rev-list", "--parents", "-n", "1", "HEAD") == revision.id.hex)
        #expect(revision.parents.isEmpty)
        #expect(
            try fixture.git("ls-tree", "-r", "--name-only", "HEAD").split(separator: "\n")
                == ["inventory/lab.yaml", "plugins/gpu/step.sh", "workflow.yaml"])
        #expect(try fixture.git("show", "HEAD:plugins/gpu/step.sh") == "echo hi")
        #expect(try fixture.git("log", "-1", "--format=%s") == "Initial revision")
        #expect(try fixture.git("symbolic-ref", "HEAD") == "refs/heads/main")
        #expect(try fixture.git("rev-parse", "--is-bare-repository") == "true")
        #expect(try fixture.git("config", "rig.formatVersion") == "1")
        #expect(try fixture.git("fsck", "--strict").isEmpty)
    }

    @Test func nextRevisionIsParentedOnTheLatestAndDropsFilesNoLongerUsed() throws {
        let fixture = try StoreFixture()
        let first = try fixture.commit(["workflow.yaml": "a\n", "old.yaml": "x\n"])
        let second = try fixture.commit(["workflow.yaml": "b\n"], summary: "edit workflow")

        #expect(second.parents == [first.id])
        #expect(try fixture.git("rev-parse", "HEAD^") == first.id.hex)
        #expect(try fixture.git("ls-tree", "-r", "--name-only", "HEAD") == "workflow.yaml")
        #expect(try fixture.git("rev-list", "--count", "HEAD") == "2")
    }

    @Test func identicalContentReturnsTheLatestRevisionWithoutACommit() throws {
        let fixture = try StoreFixture()
        let first = try fixture.commit(["workflow.yaml": "a\n", "inventory.yaml": "b\n"])
        let again = try fixture.store.commitRevision(
            files: [(path: "./inventory.yaml", content: data("b\n")), (path: "workflow.yaml", content: data("a\n"))],
            summary: "should not appear")

        #expect(again.id == first.id)
        #expect(try fixture.git("rev-list", "--count", "HEAD") == "1")
        #expect(
            try fixture.store.latestRevision(matching: [
                (path: "workflow.yaml", content: data("a\n")), (path: "inventory.yaml", content: data("b\n")),
            ])?.id == first.id)
        #expect(
            try fixture.store.latestRevision(matching: [
                (path: "workflow.yaml", content: data("changed\n")), (path: "inventory.yaml", content: data("b\n")),
            ]) == nil)
    }

    @Test func authorComesFromTheEnvironmentOverride() throws {
        let fixture = try StoreFixture(environment: ["RIG_AUTHOR_NAME": "Grace Hopper", "RIG_AUTHOR_EMAIL": "grace@navy.example"])
        let revision = try fixture.commit(["workflow.yaml": "a\n"])

        #expect(
            try fixture.git("log", "-1", "--format=%an <%ae>|%cn <%ce>")
                == "Grace Hopper <grace@navy.example>|Grace Hopper <grace@navy.example>")
        #expect(revision.author.name == "Grace Hopper")
        #expect(abs(revision.date.timeIntervalSinceNow) < 300)
    }

    @Test func authorComesFromGitConfigWithoutTheOverride() throws {
        let fixture = try StoreFixture(environment: [:])
        _ = try fixture.git("config", "user.name", "Config Person")
        _ = try fixture.git("config", "user.email", "config@example.com")
        try fixture.commit(["workflow.yaml": "a\n"])

        #expect(try fixture.git("log", "-1", "--format=%an <%ae>") == "Config Person <config@example.com>")
    }

    @Test func explicitAuthorWinsAndItsDateIsKept() throws {
        let fixture = try StoreFixture()
        let date = Date(timeIntervalSince1970: 1_800_000_000)
        let revision = try fixture.store.commitRevision(
            files: [(path: "workflow.yaml", content: data("a\n"))], summary: "s",
            author: Signature(name: "Explicit", email: "e@example.com", date: date, timeZoneOffsetMinutes: 60))

        #expect(try fixture.git("log", "-1", "--format=%an|%at|%ai") == "Explicit|1800000000|2027-01-15 09:00:00 +0100")
        #expect(revision.date == date)
    }

    @Test func authorFallsBackFieldByFieldThenToRig() {
        let configured = Signature(name: "Config", email: "config@example.com")
        let onlyName = RevisionStore.author(explicit: nil, environment: ["RIG_AUTHOR_NAME": "Env"], configured: configured)
        #expect(onlyName.name == "Env" && onlyName.email == "config@example.com")
        let none = RevisionStore.author(explicit: nil, environment: [:], configured: nil)
        #expect(none.name == "rig" && none.email == "rig@localhost")
    }

    @Test func revisionOutsideAGitRepositoryRecordsNoWorkspaceTrailers() throws {
        let fixture = try StoreFixture()
        let revision = try fixture.commit(["workflow.yaml": "a\n"], summary: "only the summary")
        #expect(revision.workspace == nil)
        #expect(try fixture.git("log", "-1", "--format=%B") == "only the summary")
    }

    @Test func summarizeSeesThePreviousFilesAndIsSkippedWhenNothingChanged() throws {
        let fixture = try StoreFixture()
        var seen: [[String]?] = []
        let summarize: ([(path: String, content: Data)]?) -> String = { previous in
            seen.append(previous?.map(\.path))
            return previous == nil ? "first" : "second"
        }
        try fixture.store.commitRevision(files: [(path: "a.yaml", content: data("1"))], summarize: summarize)
        try fixture.store.commitRevision(files: [(path: "a.yaml", content: data("2"))], summarize: summarize)
        try fixture.store.commitRevision(files: [(path: "a.yaml", content: data("2"))], summarize: summarize)

        #expect(seen == [nil, ["a.yaml"]])
        #expect(try fixture.git("log", "--format=%s") == "second\nfirst")
    }

    @Test func filesAtARevisionAreReadFromGitObjects() throws {
        let fixture = try StoreFixture()
        try fixture.commit(["workflow.yaml": "v1\n", "inventory/hosts.yaml": "h1\n"])
        try fixture.commit(["workflow.yaml": "v2\n", "inventory/hosts.yaml": "h1\n"])

        let files = try fixture.store.files(at: "HEAD~1")
        #expect(files.map(\.path) == ["inventory/hosts.yaml", "workflow.yaml"])
        #expect(files.map { String(decoding: $0.content, as: UTF8.self) } == ["h1\n", "v1\n"])
        #expect(try fixture.store.file(at: "HEAD", path: "workflow.yaml") == data("v2\n"))
        #expect(try fixture.store.paths(at: "HEAD") == ["inventory/hosts.yaml", "workflow.yaml"])
        #expect(throws: RevisionStoreError.fileNotFound(path: "missing.yaml", revision: "HEAD")) {
            try fixture.store.file(at: "HEAD", path: "missing.yaml")
        }
        let loaded = try fixture.store.withFiles(at: "HEAD~1") { folder in
            try String(contentsOf: folder.appendingPathComponent("workflow.yaml"), encoding: .utf8)
        }
        #expect(loaded == "v1\n")
    }

    @Test func executablePluginsKeepTheirModeInTheTreeAndWhenWrittenBack() throws {
        let fixture = try StoreFixture()
        let files = [(path: "workflow.yaml", content: data("w\n")), (path: "plugins/gpu.sh", content: data("#!/bin/sh\n"))]
        try fixture.store.commitRevision(files: files, summary: "plain")
        #expect(try fixture.store.latestRevision(matching: files, executables: ["plugins/gpu.sh"]) == nil, "a mode change is a change")
        try fixture.store.commitRevision(files: files, summary: "chmod +x", executables: ["plugins/gpu.sh"])
        #expect(try fixture.git("rev-list", "--count", "HEAD") == "2")
        #expect(try fixture.git("ls-tree", "-r", "--format=%(objectmode) %(path)", "HEAD") == "100755 plugins/gpu.sh\n100644 workflow.yaml")
        #expect(try fixture.store.latestRevision(matching: files, executables: ["plugins/gpu.sh"]) != nil)
        let modes = try fixture.store.withFiles(at: "HEAD") { folder in
            try ["plugins/gpu.sh", "workflow.yaml"].map { path in
                try FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent(path).path)[.posixPermissions] as? Int
            }
        }
        #expect(modes[0] == 0o755 && (modes[1] ?? 0o111) & 0o111 == 0)
    }

    @Test func tagsNameRevisionsAndAreNeverMoved() throws {
        let fixture = try StoreFixture()
        let first = try fixture.commit(["workflow.yaml": "a\n"])
        try fixture.commit(["workflow.yaml": "b\n"])

        let tag = try fixture.store.tag("prod-2026-11", "HEAD~1")
        #expect(tag.revision == first.id)
        #expect(try fixture.git("rev-parse", "prod-2026-11") == first.id.hex)
        #expect(
            try fixture.git("for-each-ref", "--format=%(refname) %(objectname)", "refs/tags")
                == "refs/tags/prod-2026-11 \(first.id.hex)")
        #expect(throws: RevisionStoreError.tagExists(name: "prod-2026-11", revision: first.id.short)) {
            try fixture.store.tag("prod-2026-11")
        }
        #expect(throws: RevisionStoreError.invalidTagName("bad name")) { try fixture.store.tag("bad name") }
        #expect(try fixture.store.tags() == [RevisionTag(name: "prod-2026-11", revision: first.id)])
    }

    @Test func historyListsRevisionsNewestFirstAndCanFollowOneFile() throws {
        let fixture = try StoreFixture()
        let a = try fixture.commit(["workflow.yaml": "1", "inventory.yaml": "1"], summary: "one")
        let b = try fixture.commit(["workflow.yaml": "1", "inventory.yaml": "2"], summary: "two")
        let c = try fixture.commit(["workflow.yaml": "2", "inventory.yaml": "2"], summary: "three")

        #expect(try fixture.store.revisions().map(\.id) == [c.id, b.id, a.id])
        #expect(try fixture.store.revisions().map(\.summary) == ["three", "two", "one"])
        #expect(try fixture.store.revisions(touching: "workflow.yaml").map(\.id) == [c.id, a.id])
        #expect(try fixture.store.revisions(touching: "inventory.yaml").map(\.id) == [b.id, a.id])
        let log = try fixture.git("log", "--format=%H %an %s").split(separator: "\n").map(String.init)
        #expect(log == [c, b, a].map { "\($0.id.hex) Ada Lovelace \($0.summary)" })
    }

    @Test func emptyStoreHasNoHistoryAndSaysSoForHEAD() throws {
        let fixture = try StoreFixture()
        #expect(try fixture.store.revisions().isEmpty)
        #expect(try fixture.store.latestRevision() == nil)
        #expect(throws: RevisionStoreError.noRevisions(store: fixture.storePath)) { try fixture.store.revision("HEAD") }
    }
}
