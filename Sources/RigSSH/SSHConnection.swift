import Foundation
import RigKit
import RigModel

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One host's master connection and the ssh command lines that use it.
///
/// The master is started explicitly (`ssh -M -N -f`, its messages to a log file in the control
/// folder) rather than by the first command with `ControlMaster=auto`: a master forked from a
/// command's ssh would keep that command's stderr pipe open for the whole ControlPersist time.
/// Commands then run as mux clients with `ControlMaster=no`.
final class SSHConnection: @unchecked Sendable {
    let host: InventoryHost
    let options: SSHOptions
    let controlPath: String
    var logPath: String { controlPath + ".log" }

    // Guards `masterReady`; held while a master starts, so concurrent first commands wait for one.
    private let lock = NSLock()
    private var masterReady = false

    init(host: InventoryHost, options: SSHOptions, controlPath: String) {
        self.host = host
        self.options = options
        self.controlPath = controlPath
    }

    var failure: SSHFailure {
        SSHFailure(host: host, port: host.port, user: host.user, sshConfig: options.sshConfig ?? host.sshConfig)
    }

    /// Options shared by the master, its clients and `-O` requests.
    var commonArguments: [String] {
        var arguments: [String] = []
        // --ssh-config wins over the inventory's `ssh_config`.
        if let config = options.sshConfig ?? host.sshConfig { arguments += ["-F", config] }
        arguments += [
            "-o", "BatchMode=yes",
            "-o", "StrictHostKeyChecking=\(options.acceptNewHostKeys ? "accept-new" : "yes")",
            "-o", "ConnectTimeout=\(max(1, options.connectTimeout.components.seconds))",
            "-o", "ServerAliveInterval=\(max(1, options.serverAliveInterval.components.seconds))",
            "-o", "ServerAliveCountMax=\(options.serverAliveCountMax)",
            "-o", "ControlPath=\(controlPath)",
            "-o", "LogLevel=ERROR",
        ]
        if let port = host.port { arguments += ["-p", String(port)] }
        if let user = host.user { arguments += ["-l", user] }
        if let identity = host.identity { arguments += ["-i", identity] }
        return arguments
    }

    /// A mux client that runs the remote wrapper.
    var commandArguments: [String] {
        commonArguments + ["-o", "ControlMaster=no", "-T", "--", host.address, RemoteWrapper.remoteCommand]
    }

    /// Starts the master connection unless one is up.
    func ensureMaster(cancellation: CancellationToken) throws(StepFailure) {
        lock.lock()
        defer { lock.unlock() }
        if masterReady { return }
        if FileManager.default.fileExists(atPath: controlPath) {
            if control("check") == 0 {
                masterReady = true
                return
            }
            unlink(controlPath)
        }
        _ = FileManager.default.createFile(atPath: logPath, contents: nil, attributes: [.posixPermissions: 0o600])
        let arguments =
            commonArguments + [
                "-o", "ControlMaster=yes",
                "-o", "ControlPersist=\(max(1, options.controlPersist.components.seconds))",
                "-E", logPath, "-N", "-f", "--", host.address,
            ]
        let process: SpawnedProcess
        do {
            process = try SpawnedProcess.spawn(options.sshExecutable, arguments, stdin: .null, stdout: .null, stderr: .null)
        } catch {
            throw .failed(error.description)
        }
        let session = ProcessSession(input: [], holdInputOpen: false, deadline: nil, stopGrace: .zero)
        switch session.run(process, cancellation: cancellation, onStdout: { _ in }, onStderr: { _ in }) {
        case .exited(0):
            masterReady = true
        case .exited:
            throw failure.classify(masterLog(), duringCommand: false)
        case .cancelled(let reason):
            throw StepFailure(cancellation: reason)
        case .deadlinePassed:
            throw .timedOut(after: options.connectTimeout)
        }
    }

    /// After a lost connection: the next command starts a new master.
    func markBroken() {
        lock.withLock { masterReady = false }
    }

    /// What the master logged (connection errors, keep-alive timeouts).
    func masterLog() -> String {
        (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
    }

    /// Asks the master to exit (`ssh -O exit`).
    func closeMaster() {
        lock.withLock {
            if FileManager.default.fileExists(atPath: controlPath) { _ = control("exit") }
            masterReady = false
        }
    }

    /// Runs `ssh -O <request>` against the master; returns its exit status.
    private func control(_ request: String) -> Int32 {
        guard
            let process = try? SpawnedProcess.spawn(
                options.sshExecutable, commonArguments + ["-O", request, "--", host.address],
                stdin: .null, stdout: .null, stderr: .null)
        else { return -1 }
        let session = ProcessSession(
            input: [], holdInputOpen: false, deadline: ContinuousClock.now.advanced(by: .seconds(10)), stopGrace: .zero)
        if case .exited(let code) = session.run(process, cancellation: CancellationToken(), onStdout: { _ in }, onStderr: { _ in }) {
            return code
        }
        return -1
    }
}

extension StepFailure {
    /// The failure for a command stopped by `reason`.
    init(cancellation reason: CancellationToken.Reason) {
        if case .timedOut(let after) = reason {
            self = .timedOut(after: after)
        } else {
            self = .cancelled
        }
    }
}
