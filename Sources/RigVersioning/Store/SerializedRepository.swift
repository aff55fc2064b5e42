import Foundation

/// The store's one writing handle and the lock that serializes every use of it.
///
/// `@unchecked Sendable` because `GitRepository` (a libgit2 handle) is not thread-safe: the
/// handle is only reachable through `withRepository`, which holds `lock`, so one thread at a
/// time uses it. libgit2 loses commits when several handles write one repository at once.
final class SerializedRepository: @unchecked Sendable {
    private let lock = NSLock()
    private let repository: GitRepository

    init(_ repository: GitRepository) {
        self.repository = repository
    }

    func withRepository<T>(_ body: (GitRepository) throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(repository)
    }
}
