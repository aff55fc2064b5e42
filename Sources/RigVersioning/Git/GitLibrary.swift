import CGit2

/// libgit2 must be initialized once per process before any other call; tests and plugin tools
/// have no `main` of ours, so every entry point of the binding touches `GitLibrary.ready`.
enum GitLibrary {
    /// A `static let` runs its initializer exactly once, thread-safely.
    private static let initialized: Int32 = git_libgit2_init()

    static func ensureInitialized() {
        _ = initialized
    }
}
