import Foundation

/// Tells a running task to stop (Ctrl-C, a timeout, fail-fast) and runs the handlers that kill
/// what it started. Handlers registered after cancellation run at once.
public final class CancellationToken: @unchecked Sendable {
    public enum Reason: Sendable, Hashable {
        case interrupted(signal: Int32)
        case timedOut(Duration)
        case failFast
    }

    // Guards `reason` and `handlers`.
    private let lock = NSLock()
    private var reason: Reason?
    private var handlers: [Int: @Sendable (Reason) -> Void] = [:]
    private var nextHandle = 0

    public init() {}

    public var cancellationReason: Reason? { lock.withLock { reason } }
    public var isCancelled: Bool { cancellationReason != nil }

    public func cancel(_ why: Reason) {
        let toRun: [@Sendable (Reason) -> Void] = lock.withLock {
            guard reason == nil else { return [] }
            reason = why
            defer { handlers.removeAll() }
            return Array(handlers.values)
        }
        for handler in toRun { handler(why) }
    }

    /// Registers a handler; returns a handle for `removeHandler`.
    @discardableResult
    public func onCancel(_ handler: @escaping @Sendable (Reason) -> Void) -> Int {
        let (handle, already): (Int, Reason?) = lock.withLock {
            if let reason { return (-1, reason) }
            nextHandle += 1
            handlers[nextHandle] = handler
            return (nextHandle, nil)
        }
        if let already { handler(already) }
        return handle
    }

    public func removeHandler(_ handle: Int) {
        _ = lock.withLock { handlers.removeValue(forKey: handle) }
    }
}
