import Foundation
import OrderedCollections
import RigModel

/// Runs commands as child processes of rig on this machine.
///
/// A script goes to `bash` on stdin (never on the command line, so `ps` does not show it or its
/// secrets); a fixed wrapper (`exec 3<&0 0</dev/null; . /dev/fd/3`) reads it whole and gives the
/// script's commands /dev/null as stdin, so a command that reads stdin cannot eat the rest of the
/// script. A script that is one plain command with no environment is exec'd directly, as GNU make
/// does. Every child runs in a new session and process group with PR_SET_PDEATHSIG(SIGKILL).
/// Output goes straight to the log file when nothing needs redacting, otherwise through a pipe
/// read line by line. `pseudoTerminal` uses openpty(3), not script(1).
public struct LocalTransport: Transport {
    public let host: InventoryHost
    public var killGracePeriod: Duration
    /// A folder only rig's user may enter (a run's `OutputFolder`) for `$RIG_OUTPUT` files;
    /// nil: /dev/shm.
    public var outputDirectory: String?

    public init(host: InventoryHost = .local, killGracePeriod: Duration = .seconds(5), outputDirectory: String? = nil) {
        self.host = host
        self.killGracePeriod = killGracePeriod
        self.outputDirectory = outputDirectory
    }

    public func run(_ request: CommandRequest, cancellation: CancellationToken) throws(StepFailure) -> CommandResult {
        if let reason = cancellation.cancellationReason { throw StepFailure(stoppedBecause: reason) }
        let command = request.command
        let runtime = LocalRuntime.shared
        let outputPath = runtime.newOutputPath(in: outputDirectory)
        defer { unlink(outputPath) }
        var outputFD: Int32 = -1
        defer { if outputFD >= 0 { close(outputFD) } }

        var child: ChildProcess.Request
        if command.environment.isEmpty, !command.become, !command.pseudoTerminal,
            let words = ShellSyntax.simpleCommandWords(command.script), let program = runtime.executable(named: words[0])
        {
            child = ChildProcess.Request(
                executable: program, arguments: words, environment: runtime.environment + ["RIG_OUTPUT=\(outputPath)"],
                workingDirectory: command.workingDirectory, input: nil, output: .descriptor(-1), grace: killGracePeriod)
        } else {
            let becomeUser = command.become ? (host.become?.user ?? "root") : nil
            outputFD = try runtime.createOutputFile(outputPath, owner: becomeUser)
            // Another user cannot enter rig's private folder: the script gets the file as
            // descriptor 4 (handed over as stdout, which sudo keeps) and reopens it through /dev/fd.
            let handOver = outputDirectory != nil && becomeUser.map { !runtime.isCurrentUser($0) } == true
            let script = try Self.prologue(command, outputPath: handOver ? "/dev/fd/4" : outputPath) + command.script
            let wrapper =
                switch (command.pseudoTerminal, handOver) {
                case (false, false): "exec 3<&0 0</dev/null; . /dev/fd/3"
                case (true, false): "exec 3<&0 0<&1; . /dev/fd/3"
                case (false, true): "exec 3<&0 4>&1 1>&2 0</dev/null; . /dev/fd/3"
                case (true, true): "exec 3<&0 4>&1 0<&2 1>&2; . /dev/fd/3"
                }
            var arguments = [runtime.bash, "-c", wrapper, "rig"]
            var executable = runtime.bash
            var inputReader: uid_t?
            if let user = becomeUser, !runtime.isCurrentUser(user) {
                guard let uid = UserDatabase.userID(user) else {
                    throw .failed("become names the user '\(user)', who does not exist on this machine")
                }
                inputReader = uid
                guard let sudo = runtime.executable(named: "sudo") else {
                    throw .failed("become needs sudo, which is not installed on this machine")
                }
                arguments = [sudo, "-n", "-u", user, "--"] + arguments
                executable = sudo
            }
            child = ChildProcess.Request(
                executable: executable, arguments: arguments, environment: runtime.environment,
                workingDirectory: command.workingDirectory, input: Array(script.utf8), inputReader: inputReader,
                output: .descriptor(-1), pseudoTerminal: command.pseudoTerminal, grace: killGracePeriod)
            if handOver { child.standardOutput = outputFD }
        }
        child.timeout = command.timeout

        let lines = LineWriter(log: request.log)
        if !command.pseudoTerminal, let fd = (request.log as? any DirectOutputLog)?.directOutputDescriptor {
            child.output = .descriptor(fd)
        } else {
            child.output = .stream { lines.append($0) }
        }
        let termination = try ChildProcess.run(child, cancellation: cancellation) { pid in
            request.processStarted?(pid)
        }
        lines.flush()
        if let reason = termination.stoppedBecause { throw StepFailure(stoppedBecause: reason) }

        var outputs = OutputFile.parse(runtime.readOutputFile(outputPath))
        if !request.collectOutputs { outputs = outputs.filter { $0.key.hasPrefix("rig.") } }
        return CommandResult(exitCode: termination.exitCode, outputs: Dictionary(uniqueKeysWithValues: outputs.map { ($0.key, $0.value) }))
    }

    public func upload(_ file: FileUpload, log: any TaskLog, cancellation: CancellationToken) throws(StepFailure) {
        if let reason = cancellation.cancellationReason { throw StepFailure(stoppedBecause: reason) }
        let runtime = LocalRuntime.shared
        log.write("upload \(file.path) (\(file.content.count) bytes, mode \(String(file.mode, radix: 8)))\n")
        let user = host.become?.user ?? "root"
        guard file.become, !runtime.isCurrentUser(user) else {
            return try UserDatabase.writeFile(file.content, to: file.path, mode: file.mode, owner: file.owner, group: file.group)
        }
        // Another user's file: the bytes travel inside the script (on a pipe, base64 in a quoted
        // here-document), are written beside the target as that user, then renamed into place.
        // Nothing is staged on this machine's disks, and no folder of rig's needs to be shared.
        let q = ShellSyntax.quote
        let temporary = q(file.path + ".rig-upload")
        let delimiter = "RIG_UPLOAD_END"  // base64 has no "_"
        let encoded = Data(file.content).base64EncodedString(options: .lineLength76Characters)
        var install = "rm -f -- \(temporary) && (umask 077 && set -C && base64 -d > \(temporary) <<'\(delimiter)'\n"
        install += encoded.replacingOccurrences(of: "\r\n", with: "\n") + "\n\(delimiter)\n)"
        if file.owner != nil || file.group != nil {
            install += " && chown -- \(q((file.owner ?? "") + (file.group.map { ":" + $0 } ?? ""))) \(temporary)"
        }
        install += " && chmod \(String(file.mode & 0o7777, radix: 8)) \(temporary) && sync -- \(temporary)"
        install += " && mv -f -- \(temporary) \(q(file.path))"
        let result = try run(
            CommandRequest(command: Command(install, become: true, summary: "upload \(file.path)"), log: log, collectOutputs: false),
            cancellation: cancellation)
        guard result.exitCode == 0 else {
            throw .commandFailed(exitCode: result.exitCode, message: "could not install \(file.path) with sudo")
        }
    }

    /// Closes the script's descriptor, exports the command's environment and `RIG_OUTPUT`, all on
    /// the script's first line so bash's line numbers in error messages stay those of the script.
    static func prologue(_ command: Command, outputPath: String) throws(StepFailure) -> String {
        var line = "exec 3<&-; export RIG_OUTPUT=\(ShellSyntax.quote(outputPath))"
        for (name, value) in command.environment {
            guard isVariableName(name) else {
                throw .failed("'\(name)' is not a valid environment variable name (letters, digits and _, not starting with a digit)")
            }
            line += " \(name)=\(ShellSyntax.quote(value))"
        }
        return line + "; "
    }

    static func isVariableName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic) else {
            return false
        }
        return name.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
    }
}

/// Makes the local transport for local hosts. SSH hosts need the SSH transport: this provider
/// reports them unreachable (the CLI composes both).
public struct LocalTransportProvider: TransportProvider {
    public var killGracePeriod: Duration
    public var outputDirectory: String?

    public init(killGracePeriod: Duration = .seconds(5), outputDirectory: String? = nil) {
        self.killGracePeriod = killGracePeriod
        self.outputDirectory = outputDirectory
    }

    public func transport(for host: InventoryHost) throws(StepFailure) -> any Transport {
        guard host.connection == .local else {
            throw .unreachable(host: host.name, address: host.address, reason: "no SSH transport is configured in this run")
        }
        return LocalTransport(host: host, killGracePeriod: killGracePeriod, outputDirectory: outputDirectory)
    }
}

extension StepFailure {
    /// The failure a transport reports when its command was stopped.
    public init(stoppedBecause reason: CancellationToken.Reason) {
        if case .timedOut(let after) = reason { self = .timedOut(after: after) } else { self = .cancelled }
    }
}

/// Hands a stream of output to a log in whole lines, so redaction sees each secret in one piece.
final class LineWriter {
    private let log: any TaskLog
    private var pending: [UInt8] = []

    init(log: any TaskLog) { self.log = log }

    func append(_ chunk: UnsafeRawBufferPointer) {
        // What is pending already holds no newline: look only at the new bytes.
        let start = pending.count
        pending.append(contentsOf: chunk)
        let lastNewline = pending.withUnsafeBufferPointer { bytes -> Int? in
            var i = bytes.count
            while i > start {
                i -= 1
                if bytes[i] == UInt8(ascii: "\n") { return i }
            }
            return nil
        }
        if let newline = lastNewline {
            log.write(String(decoding: pending[...newline], as: UTF8.self))
            pending.removeSubrange(...newline)
        }
        if pending.count > 1 << 20 { flush() }
    }

    func flush() {
        guard !pending.isEmpty else { return }
        log.write(String(decoding: pending, as: UTF8.self))
        pending.removeAll()
    }
}
