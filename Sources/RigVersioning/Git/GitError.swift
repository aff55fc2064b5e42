import CGit2

/// A failed libgit2 call: what rig was doing and libgit2's own message (`git_error_last()`).
public enum GitError: Error, Sendable, Hashable, CustomStringConvertible {
    /// An object, reference, path or revision does not exist (GIT_ENOTFOUND, GIT_EUNBORNBRANCH).
    case notFound(operation: String, message: String)
    /// A short id or revision matches several objects (GIT_EAMBIGUOUS).
    case ambiguous(operation: String, message: String)
    /// A reference or object already exists (GIT_EEXISTS).
    case alreadyExists(operation: String, message: String)
    /// Someone else changed or holds a lock on what we were updating (GIT_EMODIFIED, GIT_ELOCKED).
    case concurrentUpdate(operation: String, message: String)
    /// A revision or reference name libgit2 cannot parse (GIT_EINVALIDSPEC).
    case invalidSpec(operation: String, message: String)
    /// Anything else, with libgit2's error code.
    case failed(operation: String, code: Int32, message: String)

    /// Builds the error for `code`, reading `git_error_last()`; call it right after the failing
    /// call on the same thread (the message is thread-local and the next call may replace it).
    init(code: Int32, operation: String) {
        let message = git_error_last().flatMap { $0.pointee.message.map { String(cString: $0) } } ?? "no message from libgit2"
        switch git_error_code(code) {
        case GIT_ENOTFOUND, GIT_EUNBORNBRANCH: self = .notFound(operation: operation, message: message)
        case GIT_EAMBIGUOUS: self = .ambiguous(operation: operation, message: message)
        case GIT_EEXISTS: self = .alreadyExists(operation: operation, message: message)
        case GIT_EMODIFIED, GIT_ELOCKED: self = .concurrentUpdate(operation: operation, message: message)
        case GIT_EINVALIDSPEC: self = .invalidSpec(operation: operation, message: message)
        default: self = .failed(operation: operation, code: code, message: message)
        }
    }

    public var operation: String {
        switch self {
        case .notFound(let op, _), .ambiguous(let op, _), .alreadyExists(let op, _),
            .concurrentUpdate(let op, _), .invalidSpec(let op, _), .failed(let op, _, _):
            return op
        }
    }

    /// libgit2's message for the failure.
    public var message: String {
        switch self {
        case .notFound(_, let m), .ambiguous(_, let m), .alreadyExists(_, let m),
            .concurrentUpdate(_, let m), .invalidSpec(_, let m), .failed(_, _, let m):
            return m
        }
    }

    public var description: String { "\(operation): \(message)" }
}

/// Throws a `GitError` when a libgit2 call returned a negative code.
@inline(__always)
func gitCheck(_ code: Int32, _ operation: @autoclosure () -> String) throws {
    if code < 0 { throw GitError(code: code, operation: operation()) }
}
