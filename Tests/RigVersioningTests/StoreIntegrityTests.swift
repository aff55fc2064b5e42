import Foundation
import RigTestSupport
import Testing

@testable import RigVersioning

@Suite struct StoreIntegrityTests {
    /// Every file of the store with its content, to prove an error changed nothing.
    private func snapshot(_ store: URL) throws -> [String: Data] {
        var result: [String: Data] = [:]
        let enumerator = try #require(FileManager.default.enumerator(at: store, includingPropertiesForKeys: nil))
        for case let file as URL in enumerator where (try? file.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true {
            result[file.path] = try Data(contentsOf: file)
        }
        return result
    }

    private func looseObject(_ id: ObjectID, in store: URL) -> URL {
        store.appendingPathComponent("objects/\(id.hex.prefix(2))/\(id.hex.dropFirst(2))")
    }

    private func expectDamaged(_ fixture: StoreFixture, mentioning detail: String, _ body: () throws -> Void) {
        let error = #expect(throws: RevisionStoreError.self) { try body() }
        guard case .damaged(let store, let message)? = error else {
            Issue.record("expected damaged, got \(String(describing: error))")
            return
        }
        #expect(store == fixture.storePath)
        #expect(message.contains(detail), "\(message)")
        #expect(error?.description.contains("rig init --fresh-store") == true)
    }

    @Test func storeFromANewerFormatIsRefusedAndLeftAlone() throws {
        let fixture = try StoreFixture()
        try fixture.commit(["workflow.yaml": "1"])
        _ = try fixture.git("config", "rig.formatVersion", "2")
        let before = try snapshot(fixture.store.url)

        #expect(throws: RevisionStoreError.newerFormat(store: fixture.storePath, found: 2, supported: 1)) {
            try RevisionStore(workflowDirectory: fixture.folder.url)
        }
        #expect(try snapshot(fixture.store.url) == before)
    }

    @Test func deletedHEADIsReportedAsDamage() throws {
        let fixture = try StoreFixture()
        try fixture.commit(["workflow.yaml": "1"])
        try FileManager.default.removeItem(at: fixture.store.url.appendingPathComponent("HEAD"))
        let before = try snapshot(fixture.store.url)

        expectDamaged(fixture, mentioning: "open repository") { _ = try RevisionStore(workflowDirectory: fixture.folder.url) }
        #expect(try snapshot(fixture.store.url) == before)
    }

    @Test func deletedLatestCommitIsReportedAsDamageOnOpen() throws {
        let fixture = try StoreFixture()
        let revision = try fixture.commit(["workflow.yaml": "1"])
        try FileManager.default.removeItem(at: looseObject(revision.id, in: fixture.store.url))

        expectDamaged(fixture, mentioning: "HEAD cannot be read") { _ = try RevisionStore(workflowDirectory: fixture.folder.url) }
    }

    @Test func deletedOldFileIsReportedWhenReadAndByVerify() throws {
        let fixture = try StoreFixture()
        try fixture.commit(["workflow.yaml": "old content"])
        try fixture.commit(["workflow.yaml": "new content"])
        let blob = try GitRepository.blobID(of: data("old content"))
        try FileManager.default.removeItem(at: looseObject(blob, in: fixture.store.url))

        let reopened = try RevisionStore(workflowDirectory: fixture.folder.url)
        #expect(try reopened.files(at: "HEAD").map(\.path) == ["workflow.yaml"])
        expectDamaged(fixture, mentioning: blob.short) { _ = try reopened.files(at: "HEAD~1") }
        expectDamaged(fixture, mentioning: blob.short) { try reopened.verify() }
    }

    @Test func corruptObjectIsReportedAsDamage() throws {
        let fixture = try StoreFixture()
        try fixture.commit(["workflow.yaml": "content"])
        let blob = looseObject(try GitRepository.blobID(of: data("content")), in: fixture.store.url)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: blob.path)
        try data("not zlib at all").write(to: blob)

        let reopened = try RevisionStore(workflowDirectory: fixture.folder.url)
        expectDamaged(fixture, mentioning: "read blob") { _ = try reopened.file(at: "HEAD", path: "workflow.yaml") }
    }

    @Test func missingFormatVersionIsReportedAsDamage() throws {
        let fixture = try StoreFixture()
        _ = try fixture.git("config", "--unset", "rig.formatVersion")
        expectDamaged(fixture, mentioning: "rig.formatVersion") { _ = try RevisionStore(workflowDirectory: fixture.folder.url) }
    }

    @Test func aDamagedStoreCanBeMovedAsideForAFreshOne() throws {
        let fixture = try StoreFixture()
        try fixture.commit(["workflow.yaml": "1"])
        try FileManager.default.removeItem(at: fixture.store.url.appendingPathComponent("HEAD"))
        let damaged = try snapshot(fixture.store.url)

        let aside = try RevisionStore.replaceDamagedStore(at: fixture.store.url)

        let movedFiles = try snapshot(aside)
        #expect(movedFiles.count == damaged.count)
        #expect(aside.lastPathComponent.hasPrefix("revisions.git.damaged-"))
        let fresh = try RevisionStore(workflowDirectory: fixture.folder.url)
        #expect(try fresh.revisions().isEmpty)
        try fresh.commitRevision(files: [(path: "workflow.yaml", content: data("1"))], summary: "again")
        #expect(try fixture.git("rev-list", "--count", "HEAD") == "1")
    }

    @Test func missingStoreIsCreatedOnlyWhenAsked() throws {
        let folder = try TemporaryDirectory()
        let location = RevisionStore.location(forWorkflowDirectory: folder.url).path
        #expect(throws: RevisionStoreError.missing(store: location)) {
            try RevisionStore(workflowDirectory: folder.url, createIfMissing: false)
        }
        #expect(!FileManager.default.fileExists(atPath: location))
        _ = try RevisionStore(workflowDirectory: folder.url)
        #expect(try git("--git-dir", location, "config", "rig.formatVersion") == "1")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path(".rig").path)
        #expect(leftovers == ["revisions.git"])
    }

    @Test func storeThatCannotBeCreatedSaysWhere() throws {
        let folder = try TemporaryDirectory()
        try folder.write("not-a-folder", "x")
        let error = #expect(throws: RevisionStoreError.self) {
            try RevisionStore(workflowDirectory: folder.path("not-a-folder"))
        }
        guard case .cannotCreate(let store, _)? = error else {
            Issue.record("expected cannotCreate, got \(String(describing: error))")
            return
        }
        #expect(store == RevisionStore.location(forWorkflowDirectory: folder.path("not-a-folder")).path)
    }

    @Test func verifyReadsEveryRevisionAndRun() throws {
        let fixture = try StoreFixture()
        let revision = try fixture.commit(["workflow.yaml": "1"])
        try fixture.commit(["workflow.yaml": "2"])
        try fixture.store.recordRun(
            RunRecord(id: "r", revision: revision.id, status: .succeeded, startedAt: Date(), endedAt: Date(), tasks: []))
        #expect(try fixture.store.verify() == 3)
    }
}
