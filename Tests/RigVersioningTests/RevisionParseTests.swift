import Foundation
import RigTestSupport
import Testing

@testable import RigVersioning

@Suite struct RevisionParseTests {
    @Test func revparseAcceptsHEADAncestorsShortIdsAndTags() throws {
        let fixture = try StoreFixture()
        let first = try fixture.commit(["workflow.yaml": "1"], summary: "one")
        let second = try fixture.commit(["workflow.yaml": "2"], summary: "two")
        let third = try fixture.commit(["workflow.yaml": "3"], summary: "three")
        try fixture.store.tag("prod", second.id.hex)

        #expect(try fixture.store.revision("HEAD").id == third.id)
        #expect(try fixture.store.revision("HEAD~1").id == second.id)
        #expect(try fixture.store.revision("HEAD^^").id == first.id)
        #expect(try fixture.store.revision("main~2").id == first.id)
        #expect(try fixture.store.revision(first.id.short).id == first.id)
        #expect(try fixture.store.revision(String(first.id.hex.prefix(12))).id == first.id)
        #expect(try fixture.store.revision("prod").id == second.id)
        #expect(try fixture.store.revision("prod~1").id == first.id)
        #expect(try fixture.store.revision("prod").summary == "two")
        #expect(try fixture.git("rev-parse", "prod~1") == first.id.hex)
    }

    @Test func unknownRevisionsGiveAClearError() throws {
        let fixture = try StoreFixture()
        try fixture.commit(["workflow.yaml": "1"])

        #expect(throws: RevisionStoreError.unknownRevision("HEAD~5")) { try fixture.store.revision("HEAD~5") }
        #expect(throws: RevisionStoreError.unknownRevision("no-such-tag")) { try fixture.store.revision("no-such-tag") }
        #expect(throws: RevisionStoreError.unknownRevision("deadbeef")) { try fixture.store.files(at: "deadbeef") }
        let error = #expect(throws: RevisionStoreError.self) { try fixture.store.revision("HEAD~5") }
        #expect(error?.description.contains("unknown revision 'HEAD~5'") == true)
    }

    @Test func aShortIdMatchingSeveralObjectsIsAmbiguous() throws {
        let fixture = try StoreFixture()
        try fixture.commit(["workflow.yaml": "1"])
        // Enough blobs that two share a 4-character prefix (birthday bound over 65,536 prefixes).
        let repository = try GitRepository.openBare(at: fixture.storePath)
        var byPrefix: [String: ObjectID] = [:]
        var shared: String?
        for n in 0..<5000 where shared == nil {
            let id = try repository.createBlob(data("blob \(n)\n"))
            let prefix = String(id.hex.prefix(4))
            if byPrefix[prefix] != nil { shared = prefix }
            byPrefix[prefix] = id
        }
        let prefix = try #require(shared)

        let error = #expect(throws: RevisionStoreError.self) { try fixture.store.revision(prefix) }
        guard case .ambiguousRevision(let spec, _)? = error else {
            Issue.record("expected ambiguousRevision, got \(String(describing: error))")
            return
        }
        #expect(spec == prefix)
        #expect(error?.description.contains("is ambiguous") == true)
    }

    @Test func revisionNamingAFileIsInvalidNotDamage() throws {
        let fixture = try StoreFixture()
        try fixture.commit(["workflow.yaml": "1"])
        let error = #expect(throws: RevisionStoreError.self) { try fixture.store.revision("HEAD:workflow.yaml") }
        guard case .invalidRevision? = error else {
            Issue.record("expected invalidRevision, got \(String(describing: error))")
            return
        }
    }

    @Test func showArgumentsSplitIntoRevisionAndPath() {
        #expect(RevisionPath(parsing: "HEAD~1:workflow.yaml") == RevisionPath(revision: "HEAD~1", path: "workflow.yaml"))
        #expect(RevisionPath(parsing: "prod") == RevisionPath(revision: "prod"))
        #expect(RevisionPath(parsing: ":inventory/a.yaml") == RevisionPath(revision: "HEAD", path: "inventory/a.yaml"))
        #expect(RevisionPath(parsing: "HEAD^{/fix: x}") == RevisionPath(revision: "HEAD^{/fix: x}"))
    }
}
