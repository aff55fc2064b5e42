import CGit2
import Foundation

/// One open libgit2 repository handle. It owns the pointer and frees it on deinit.
///
/// Not Sendable: a handle is used by one thread at a time. Writers share one handle behind a
/// lock (`SerializedRepository`); readers open their own.
final class GitRepository {
    let pointer: OpaquePointer
    /// The path the repository was opened or created at.
    let path: String

    private init(pointer: OpaquePointer, path: String) {
        self.pointer = pointer
        self.path = path
    }

    deinit { git_repository_free(pointer) }

    /// Opens a bare repository (or a `.git` folder) at exactly `path`, without searching upwards.
    static func openBare(at path: String) throws -> GitRepository {
        GitLibrary.ensureInitialized()
        var out: OpaquePointer?
        try gitCheck(git_repository_open_bare(&out, path), "open repository \(path)")
        return GitRepository(pointer: out!, path: path)
    }

    /// Opens the repository whose `.git` folder (or bare folder) is `path`, with its working tree.
    static func open(at path: String) throws -> GitRepository {
        GitLibrary.ensureInitialized()
        var out: OpaquePointer?
        try gitCheck(
            git_repository_open_ext(&out, path, GIT_REPOSITORY_OPEN_NO_SEARCH.rawValue, nil),
            "open repository \(path)")
        return GitRepository(pointer: out!, path: path)
    }

    /// Creates a bare repository (and missing parent folders) whose HEAD points at `initialBranch`.
    static func initBare(at path: String, initialBranch: String) throws -> GitRepository {
        GitLibrary.ensureInitialized()
        var options = git_repository_init_options()
        try gitCheck(
            git_repository_init_options_init(&options, UInt32(GIT_REPOSITORY_INIT_OPTIONS_VERSION)),
            "prepare repository options")
        options.flags =
            GIT_REPOSITORY_INIT_BARE.rawValue | GIT_REPOSITORY_INIT_MKPATH.rawValue
            | GIT_REPOSITORY_INIT_NO_REINIT.rawValue
        var out: OpaquePointer?
        let code = initialBranch.withCString { branch -> Int32 in
            options.initial_head = branch
            return git_repository_init_ext(&out, path, &options)
        }
        try gitCheck(code, "create repository \(path)")
        return GitRepository(pointer: out!, path: path)
    }

    /// The `.git` folder of the repository enclosing `directory`, or nil when there is none.
    /// Stops at filesystem boundaries, like the git CLI.
    static func discover(from directory: String) throws -> String? {
        GitLibrary.ensureInitialized()
        var buffer = git_buf()
        defer { git_buf_dispose(&buffer) }
        let code = git_repository_discover(&buffer, directory, 0, nil)
        if code == GIT_ENOTFOUND.rawValue { return nil }
        try gitCheck(code, "look for a git repository around \(directory)")
        return String(cString: buffer.ptr)
    }

    /// The working tree folder (with a trailing slash), nil for a bare repository.
    var workdir: String? { git_repository_workdir(pointer).map { String(cString: $0) } }

    /// The signature from the repository's git config (`user.name`, `user.email`), if set.
    func defaultSignature() -> Signature? {
        var out: UnsafeMutablePointer<git_signature>?
        guard git_signature_default(&out, pointer) == 0, let out else { return nil }
        defer { git_signature_free(out) }
        return Signature(out)
    }
}
