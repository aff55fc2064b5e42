import Foundation
import RigKit
import RigModel

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs commands and uploads on one host through the system OpenSSH client, over a shared
/// master connection. Scripts, their environment, uploads and the sudo password all travel on
/// ssh's stdin to a small wrapper on the host (`RemoteWrapper`); nothing of them appears on a
/// command line on either side.
public struct SSHTransport: Transport {
    let connection: SSHConnection
    /// Looks up a secret by name: the sudo password named by `host.become.passwordSecret`.
    let secret: @Sendable (String) -> String?

    public var host: InventoryHost { connection.host }

    /// - Parameters:
    ///   - secret: returns a secret's value by name; only called for the sudo password named by
    ///     `host.become.passwordSecret`.
    public init(
        host: InventoryHost, options: SSHOptions = SSHOptions(), controlDirectory: SSHControlDirectory,
        secret: @escaping @Sendable (String) -> String? = { _ in nil }
    ) {
        Self.ignoreSIGPIPE
        connection = SSHConnection(host: host, options: options, controlPath: controlDirectory.nextSocketPath())
        self.secret = secret
    }

    public func run(_ request: CommandRequest, cancellation: CancellationToken) throws(StepFailure) -> CommandResult {
        let command = request.command
        let remote = RemoteRequest(
            script: try RemoteRequest.script(for: command), mode: command.pseudoTerminal ? .pty : .run,
            elevation: try elevation(command.become))
        return try execute(
            remote, log: request.log, collectOutputs: request.collectOutputs, timeout: command.timeout, cancellation: cancellation)
    }

    public func upload(_ file: FileUpload, log: any TaskLog, cancellation: CancellationToken) throws(StepFailure) {
        let remote = RemoteRequest(
            script: RemoteRequest.uploadScript(for: file), mode: .data, elevation: try elevation(file.become), data: file.content)
        let result = try execute(remote, log: log, collectOutputs: false, timeout: nil, cancellation: cancellation)
        guard result.exitCode == 0 else {
            throw .commandFailed(
                exitCode: result.exitCode,
                message: "could not write \(file.path) on \(host.name) (\(host.address)); see the task log for the host's message")
        }
    }

    /// Closes this host's master connection.
    public func disconnect() {
        connection.closeMaster()
    }

    private func elevation(_ become: Bool) throws(StepFailure) -> RemoteRequest.Elevation? {
        guard become else { return nil }
        let settings = host.become ?? Become()
        guard let name = settings.passwordSecret else { return RemoteRequest.Elevation(user: settings.user) }
        guard let password = secret(name) else {
            throw .failed(
                "host \(host.name) becomes \(settings.user) with the sudo password in secret \(name), but that secret has no value: set RIG_SECRET_\(name) or the secrets file"
            )
        }
        guard !password.contains("\n") else { throw .failed("the sudo password in secret \(name) contains a newline; sudo cannot read it") }
        return RemoteRequest.Elevation(user: settings.user, password: password)
    }

    private func execute(
        _ remote: RemoteRequest, log: any TaskLog, collectOutputs: Bool, timeout: Duration?,
        cancellation: CancellationToken
    ) throws(StepFailure) -> CommandResult {
        if let reason = cancellation.cancellationReason { throw StepFailure(cancellation: reason) }
        try connection.ensureMaster(cancellation: cancellation)
        let process: SpawnedProcess
        do {
            process = try SpawnedProcess.spawn(connection.options.sshExecutable, connection.commandArguments)
        } catch {
            throw .failed(error.description)
        }
        var splitter = TrailerSplitter(boundary: remote.boundary + " ")
        var stdout = LogLines(log: log)
        var stderr = LogLines(log: log)
        var stderrTail: [UInt8] = []
        let session = ProcessSession(
            input: remote.stdin, holdInputOpen: true, deadline: timeout.map { ContinuousClock.now.advanced(by: $0) },
            stopGrace: connection.options.stopGrace)
        let ending = session.run(
            process, cancellation: cancellation,
            onStdout: { stdout.append(splitter.feed($0)) },
            onStderr: { chunk in
                stderr.append(chunk)
                stderrTail = Array((stderrTail + chunk).suffix(8192))
            })
        stdout.append(splitter.finish())
        stdout.flush()
        stderr.flush()

        switch ending {
        case .cancelled(let reason):
            throw StepFailure(cancellation: reason)
        case .deadlinePassed:
            throw .timedOut(after: timeout ?? .zero)
        case .exited(let sshStatus):
            if let (exitCode, outputs) = splitter.parsedTrailer {
                // Reserved `rig.*` outputs (such as `rig.changed=false`) count even when the step
                // declares no outputs, as on the local transport.
                let parsed = OutputLines.parse(outputs)
                return CommandResult(exitCode: exitCode, outputs: collectOutputs ? parsed : parsed.filter { $0.key.hasPrefix("rig.") })
            }
            let diagnostics = String(decoding: stderrTail, as: UTF8.self)
            if sshStatus == 255 {
                connection.markBroken()
                throw connection.failure.classify(diagnostics + "\n" + connection.masterLog(), duringCommand: true)
            }
            throw .commandFailed(exitCode: sshStatus, message: Self.wrapperFailure(diagnostics, host: host))
        }
    }

    /// Why the wrapper stopped before the script ran (sudo refused, a missing tool).
    static func wrapperFailure(_ stderr: String, host: InventoryHost) -> String {
        let last = stderr.split(whereSeparator: \.isNewline).last.map(String.init) ?? ""
        if stderr.contains("a password is required") || stderr.contains("a terminal is required") {
            return
                "sudo on \(host.name) (\(host.address)) asks for a password: give the host `become: {password_secret: NAME}` or allow the ssh user passwordless sudo"
        }
        if stderr.contains("incorrect password") || stderr.contains("Sorry, try again") {
            return "sudo on \(host.name) (\(host.address)) refused the password from the become secret; check the secret's value"
        }
        if stderr.contains("is not in the sudoers file") || stderr.contains("not allowed to") {
            return "the ssh user on \(host.name) (\(host.address)) may not use sudo: \(last)"
        }
        return last.isEmpty ? "the command did not start on \(host.name) (\(host.address))" : last
    }

    private static let ignoreSIGPIPE: Void = {
        // Writing to an ssh that has exited must fail with EPIPE, not kill rig.
        _ = signal(SIGPIPE, SIG_IGN)
    }()
}

/// Writes a stream to the task log in whole lines, so multibyte characters and lines are never
/// split across writes.
struct LogLines {
    let log: any TaskLog
    private var pending: [UInt8] = []

    init(log: any TaskLog) {
        self.log = log
    }

    mutating func append(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        pending += bytes
        guard let lastNewline = pending.lastIndex(of: 10) else {
            if pending.count > 65_536 { flush() }
            return
        }
        log.write(String(decoding: pending[...lastNewline], as: UTF8.self))
        pending.removeSubrange(...lastNewline)
    }

    mutating func flush() {
        guard !pending.isEmpty else { return }
        log.write(String(decoding: pending, as: UTF8.self))
        pending = []
    }
}
