import Dispatch
import Foundation
import RigTestSupport
import Testing

@testable import RigVersioning

/// Collects results from Dispatch queues.
private final class Results<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [T] = []
    func append(_ item: T) { lock.withLock { items.append(item) } }
    var all: [T] { lock.withLock { items } }
}

@Suite struct ConcurrencyTests {
    /// Checks with the git CLI that HEAD is a linear chain of `count` commits, each holding one
    /// of `contents` in workflow.yaml, and that the store is fsck-clean.
    private func expectLinearChain(_ fixture: StoreFixture, count: Int, contents: Set<String>) throws {
        #expect(try fixture.git("rev-list", "--count", "HEAD") == String(count))
        #expect(try fixture.git("rev-list", "--min-parents=2", "HEAD").isEmpty)
        #expect(try fixture.git("rev-list", "--max-parents=0", "HEAD").split(separator: "\n").count == 1)
        let commits = try fixture.git("rev-list", "HEAD").split(separator: "\n")
        let recorded = try Set(commits.map { try fixture.git("show", "\($0):workflow.yaml") })
        #expect(recorded == contents)
        #expect(try fixture.git("fsck", "--strict", "--no-dangling").isEmpty)
    }

    @Test func sixteenConcurrentCommitsFromDispatchQueuesMakeSixteenLinearCommits() throws {
        let fixture = try StoreFixture()
        let group = DispatchGroup()
        let revisions = Results<Result<Revision, any Error>>()
        let reads = Results<Result<Int, any Error>>()
        let store = fixture.store

        for n in 0..<16 {
            DispatchQueue(label: "writer-\(n)").async(group: group) {
                revisions.append(
                    Result {
                        try store.commitRevision(
                            files: [(path: "workflow.yaml", content: data("v\(n)")), (path: "shared.yaml", content: data("same"))],
                            summary: "writer \(n)")
                    })
            }
        }
        for n in 0..<8 {
            DispatchQueue(label: "reader-\(n)").async(group: group) {
                for _ in 0..<10 {
                    reads.append(
                        Result {
                            let history = try store.revisions()
                            if let latest = history.first { _ = try store.files(at: latest.id.hex) }
                            return history.count
                        })
                }
            }
        }
        group.wait()

        let made = try revisions.all.map { try $0.get() }
        #expect(Set(made.map(\.id)).count == 16)
        let readCounts = try reads.all.map { try $0.get() }
        #expect(readCounts.count == 80 && readCounts.allSatisfy { (0...16).contains($0) })
        try expectLinearChain(fixture, count: 16, contents: Set((0..<16).map { "v\($0)" }))
    }

    @Test func twoStoreHandlesOnOneFolderAreSerializedByTheFileLock() throws {
        let fixture = try StoreFixture()
        let second = try RevisionStore(workflowDirectory: fixture.folder.url, environment: [:])
        let group = DispatchGroup()
        let failures = Results<any Error>()
        for n in 0..<16 {
            let store = n.isMultiple(of: 2) ? fixture.store : second
            DispatchQueue(label: "writer-\(n)").async(group: group) {
                do {
                    try store.commitRevision(files: [(path: "workflow.yaml", content: data("w\(n)"))], summary: "w\(n)")
                } catch {
                    failures.append(error)
                }
            }
        }
        group.wait()

        #expect(failures.all.isEmpty)
        try expectLinearChain(fixture, count: 16, contents: Set((0..<16).map { "w\($0)" }))
    }

    @Test func aCommitterThatCannotGetTheLockFailsCleanly() throws {
        let fixture = try StoreFixture()
        try fixture.commit(["workflow.yaml": "before"])
        let impatient = try RevisionStore(workflowDirectory: fixture.folder.url, environment: [:], lockTimeout: .milliseconds(150))
        // Another process holds the lock.
        let lockPath = fixture.store.url.appendingPathComponent(RevisionStore.lockFileName).path
        let fd = open(lockPath, O_RDWR | O_CREAT, 0o644)
        #expect(fd >= 0)
        defer { close(fd) }
        #expect(flock(fd, LOCK_EX) == 0)
        _ = ftruncate(fd, 0)
        _ = "pid 4242\n".withCString { write(fd, $0, 9) }

        let error = #expect(throws: RevisionStoreError.self) {
            try impatient.commitRevision(files: [(path: "workflow.yaml", content: data("after"))], summary: "blocked")
        }
        guard case .busy(let store, let holder, _)? = error else {
            Issue.record("expected busy, got \(String(describing: error))")
            return
        }
        #expect(store == fixture.storePath && holder == "pid 4242")
        #expect(error?.description.contains("another rig is writing") == true)
        #expect(try fixture.git("rev-list", "--count", "HEAD") == "1")

        flock(fd, LOCK_UN)
        try impatient.commitRevision(files: [(path: "workflow.yaml", content: data("after"))], summary: "now")
        #expect(try fixture.git("rev-list", "--count", "HEAD") == "2")
    }

    @Test func aLostReferenceRaceChangesNothing() throws {
        let fixture = try StoreFixture()
        let first = try fixture.commit(["workflow.yaml": "1"])
        let second = try fixture.commit(["workflow.yaml": "2"])
        let repository = try GitRepository.openBare(at: fixture.storePath)
        let orphan = try repository.createCommit(
            tree: first.tree, parents: [first.id], author: Signature(name: "x", email: "x@x"),
            committer: Signature(name: "x", email: "x@x"), message: "stale")

        #expect(throws: GitError.self) {
            try repository.updateReference("refs/heads/main", to: orphan, expecting: first.id, logMessage: "stale")
        }
        #expect(throws: GitError.self) {
            try repository.updateReference("refs/heads/main", to: orphan, expecting: nil, logMessage: "stale")
        }
        #expect(try fixture.git("rev-parse", "HEAD") == second.id.hex)
    }
}
