import Foundation
import RigKit
import RigModel

/// Hands out one transport per host: SSH for `connection: ssh` hosts, sharing a private control
/// folder, and the local transport for `connection: local`. Call `shutdown()` at the end of a
/// run to close the master connections and remove the folder.
public final class SSHTransportProvider: TransportProvider, @unchecked Sendable {
    public let options: SSHOptions
    private let secret: @Sendable (String) -> String?
    private let local: (@Sendable (InventoryHost) throws(StepFailure) -> any Transport)?

    // Guards `directory` and `transports`.
    private let lock = NSLock()
    private var directory: SSHControlDirectory?
    private var transports: [String: SSHTransport] = [:]

    /// - Parameters:
    ///   - secret: returns a secret's value by name (for `become.passwordSecret`).
    ///   - local: makes the transport for `connection: local` hosts (the engine's LocalTransport).
    public init(
        options: SSHOptions = SSHOptions(), secret: @escaping @Sendable (String) -> String? = { _ in nil },
        local: (@Sendable (InventoryHost) throws(StepFailure) -> any Transport)? = nil
    ) {
        self.options = options
        self.secret = secret
        self.local = local
    }

    public func transport(for host: InventoryHost) throws(StepFailure) -> any Transport {
        if host.connection == .local {
            guard let local else { throw .failed("no local transport is configured for host \(host.name)") }
            return try local(host)
        }
        lock.lock()
        defer { lock.unlock() }
        if let existing = transports[host.name] { return existing }
        let directory: SSHControlDirectory
        if let existing = self.directory {
            directory = existing
        } else {
            directory = try SSHControlDirectory(path: options.controlDirectory)
            self.directory = directory
        }
        let transport = SSHTransport(host: host, options: options, controlDirectory: directory, secret: secret)
        transports[host.name] = transport
        return transport
    }

    /// Closes every master connection (`ssh -O exit`) and removes the control folder rig made.
    public func shutdown() {
        let (open, directory) = lock.withLock {
            defer {
                transports = [:]
                self.directory = nil
            }
            return (Array(transports.values), self.directory)
        }
        DispatchQueue.concurrentPerform(iterations: open.count) { open[$0].disconnect() }
        directory?.remove()
    }
}
