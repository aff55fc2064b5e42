import Foundation
import RigModel

/// A request to run one command on a host.
public struct CommandRequest: Sendable {
    public var command: Command
    /// The task's log, which receives the command's stdout and stderr (redacted).
    public var log: any TaskLog
    /// Collect `key=value` lines the script writes to `$RIG_OUTPUT`. Without it a transport
    /// still returns the reserved `rig.*` outputs (`rig.changed=false`).
    public var collectOutputs: Bool
    /// Called with the process group id of a local child right after it starts (the engine
    /// records it so leftovers can be killed after a crash). Remote transports may ignore it.
    public var processStarted: (@Sendable (Int32) -> Void)?

    public init(
        command: Command, log: any TaskLog, collectOutputs: Bool, processStarted: (@Sendable (Int32) -> Void)? = nil
    ) {
        self.command = command
        self.log = log
        self.collectOutputs = collectOutputs
        self.processStarted = processStarted
    }
}

/// How a command ended.
public struct CommandResult: Sendable, Hashable {
    /// The exit status, or 128 + signal number when it was killed.
    public var exitCode: Int32
    public var outputs: [String: String]

    public init(exitCode: Int32, outputs: [String: String] = [:]) {
        self.exitCode = exitCode
        self.outputs = outputs
    }
}

/// Moves commands and files to one host. Calls block the calling thread (the engine gives every
/// running task a thread of its own) and must return promptly when `cancellation` fires,
/// having killed everything the command started.
public protocol Transport: Sendable {
    func run(_ request: CommandRequest, cancellation: CancellationToken) throws(StepFailure) -> CommandResult
    /// Writes a file atomically (temp + rename) with its mode and owner.
    func upload(_ file: FileUpload, log: any TaskLog, cancellation: CancellationToken) throws(StepFailure)
}

/// Makes the transport for each host; the CLI composes local and SSH.
public protocol TransportProvider: Sendable {
    func transport(for host: InventoryHost) throws(StepFailure) -> any Transport
}
