import Foundation

/// The bare git repository rig keeps beside a workflow (`<workflow dir>/.rig/revisions.git`):
/// one commit per distinct state of the files a run used, HEAD being the latest, plus the
/// records of finished runs on `refs/rig/runs`. The git CLI can read and push it.
///
/// Safe to share between threads and Dispatch queues: writes go through one handle behind a lock
/// (and a file lock against other processes); each read opens its own handle.
public final class RevisionStore: Sendable {
    /// The layout version written to the store's config as `rig.formatVersion`.
    public static let formatVersion = 1
    static let formatVersionKey = "rig.formatVersion"
    /// The folder beside a workflow where rig keeps its state and this store.
    public static let stateFolderName = ".rig"
    public static let branch = "main"
    static let branchReference = "refs/heads/\(branch)"
    /// The separate chain of run records.
    public static let runsReference = "refs/rig/runs"
    static let lockFileName = "rig-write.lock"

    /// The store folder (the bare repository).
    public let url: URL
    /// The workflow folder the store belongs to; its enclosing git repository, if any, is
    /// recorded with each revision.
    public let workflowDirectory: URL?
    let environment: [String: String]
    let lockTimeout: Duration
    let writer: SerializedRepository

    /// `<workflowDirectory>/.rig/revisions.git`.
    public static func location(forWorkflowDirectory directory: URL) -> URL {
        directory.appendingPathComponent(stateFolderName).appendingPathComponent("revisions.git")
    }

    /// Opens the store beside a workflow folder, creating it when `createIfMissing`.
    /// - Parameters:
    ///   - environment: where `RIG_AUTHOR_NAME` / `RIG_AUTHOR_EMAIL` are read.
    ///   - lockTimeout: how long a commit waits for another process's write lock before failing.
    public convenience init(
        workflowDirectory: URL, createIfMissing: Bool = true,
        environment: [String: String] = ProcessInfo.processInfo.environment, lockTimeout: Duration = .seconds(30)
    ) throws {
        try self.init(
            at: Self.location(forWorkflowDirectory: workflowDirectory), workflowDirectory: workflowDirectory,
            createIfMissing: createIfMissing, environment: environment, lockTimeout: lockTimeout)
    }

    /// Opens (or creates) a store at an explicit path. A damaged store or one from a newer rig
    /// throws and is left exactly as it was.
    public init(
        at url: URL, workflowDirectory: URL?, createIfMissing: Bool = true,
        environment: [String: String] = ProcessInfo.processInfo.environment, lockTimeout: Duration = .seconds(30)
    ) throws {
        self.url = url
        self.workflowDirectory = workflowDirectory
        self.environment = environment
        self.lockTimeout = lockTimeout
        if !FileManager.default.fileExists(atPath: url.path) {
            guard createIfMissing else { throw RevisionStoreError.missing(store: url.path) }
            try Self.create(at: url)
        }
        writer = SerializedRepository(try Self.openValidated(url))
    }

    /// Creates the store in a temporary folder beside its final place, then renames it there,
    /// so nobody ever sees a store without its format version. Losing a race to another
    /// creator is fine: theirs is used.
    private static func create(at url: URL) throws {
        let parent = url.deletingLastPathComponent()
        let staging = parent.appendingPathComponent(".\(url.lastPathComponent).creating-\(getpid())-\(UUID().uuidString.prefix(8))")
        do {
            try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
            let repository = try GitRepository.initBare(at: staging.path, initialBranch: branch)
            try repository.setLocalConfigInt(formatVersionKey, formatVersion)
        } catch {
            try? FileManager.default.removeItem(at: staging)
            throw RevisionStoreError.cannotCreate(store: url.path, detail: "\(error)")
        }
        if rename(staging.path, url.path) != 0 {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: staging)
            guard FileManager.default.fileExists(atPath: url.path) else {
                throw RevisionStoreError.cannotCreate(store: url.path, detail: reason)
            }
        }
    }

    /// Opens the repository and checks its format and that HEAD and the runs chain can be read.
    private static func openValidated(_ url: URL) throws -> GitRepository {
        let store = url.path
        let repository: GitRepository
        let version: Int?
        do {
            repository = try GitRepository.openBare(at: store)
            version = try repository.localConfigInt(formatVersionKey)
        } catch {
            throw RevisionStoreError.damaged(store: store, detail: "\(error)")
        }
        guard let version else {
            throw RevisionStoreError.damaged(
                store: store, detail: "its config has no \(formatVersionKey) (it was not made by rig, or its config was replaced)")
        }
        guard version <= formatVersion else {
            throw RevisionStoreError.newerFormat(store: store, found: version, supported: formatVersion)
        }
        let head: String?
        do { head = try repository.symbolicTarget("HEAD") } catch let error as GitError {
            throw RevisionStoreError.headUnreadable(store: store, detail: error.message)
        }
        guard head == branchReference else {
            throw RevisionStoreError.headMismatch(store: store, head: head ?? "a commit id")
        }
        for reference in ["HEAD", runsReference] {
            do {
                guard let tip = try repository.referenceTarget(reference) else { continue }
                let commit = try repository.lookupCommit(tip)
                _ = try repository.lookupTree(commit.treeID)
            } catch {
                throw RevisionStoreError.damaged(store: store, detail: "\(reference) cannot be read: \(error)")
            }
        }
        return repository
    }

    /// Moves a damaged store aside (to `<store>.damaged-<timestamp>`, nothing is deleted) and
    /// creates a fresh, empty one in its place. Returns where the old store went.
    @discardableResult
    public static func replaceDamagedStore(at url: URL) throws -> URL {
        let stamp = ISO8601DateFormatter().string(from: Date()).replacingOccurrences(of: ":", with: "")
        let aside = url.deletingLastPathComponent().appendingPathComponent("\(url.lastPathComponent).damaged-\(stamp)")
        do {
            try FileManager.default.moveItem(at: url, to: aside)
        } catch {
            throw RevisionStoreError.cannotCreate(store: url.path, detail: "cannot move the damaged store aside: \(error)")
        }
        try create(at: url)
        return aside
    }

    // MARK: - Access

    /// Runs `body` on a fresh read-only handle. libgit2 failures reading objects or references
    /// rig wrote mean the store was damaged.
    func read<T>(_ body: (GitRepository) throws -> T) throws -> T {
        do {
            return try body(try GitRepository.openBare(at: url.path))
        } catch let error as GitError {
            throw RevisionStoreError.damaged(store: url.path, detail: "\(error)")
        }
    }

    /// Runs `body` with the store's one writing handle, holding the in-process lock and the
    /// store's file lock.
    func write<T>(_ body: (GitRepository) throws -> T) throws -> T {
        let fileLock = StoreFileLock(
            path: url.appendingPathComponent(Self.lockFileName).path, store: url.path, timeout: lockTimeout)
        return try writer.withRepository { repository in
            try fileLock.withLock {
                do {
                    return try body(repository)
                } catch let error as GitError {
                    throw RevisionStoreError.writeFailed(store: url.path, detail: "\(error)")
                }
            }
        }
    }

    /// Resolves a revision expression (`HEAD`, `HEAD~2`, a tag, a full or short id) to a commit,
    /// turning libgit2's not-found/ambiguous/invalid answers into user-facing errors.
    func resolve(_ spec: String, in repository: GitRepository) throws -> ObjectID {
        do {
            return try repository.resolveCommit(spec)
        } catch GitError.notFound {
            if spec == "HEAD", try repository.referenceTarget("HEAD") == nil {
                throw RevisionStoreError.noRevisions(store: url.path)
            }
            throw RevisionStoreError.unknownRevision(spec)
        } catch GitError.ambiguous(_, let message) {
            throw RevisionStoreError.ambiguousRevision(spec, detail: message)
        } catch let error as GitError {
            throw RevisionStoreError.invalidRevision(spec, detail: error.message)
        }
    }
}
