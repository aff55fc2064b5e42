import CRigSpawn
import Foundation

/// Runs a plugin executable once on this machine: the request on stdin, the reply read from its
/// stdout (kept in a file in memory, as it may hold secret outputs), stderr streamed to the task's log.
struct PluginProcess: Sendable {
    let path: String
    /// How long one call may take before the plugin is stopped.
    let timeout: Duration
    let killGracePeriod: Duration

    /// A reply larger than this is refused.
    static let replyLimit = 16 << 20

    func call(
        _ mode: PluginProtocol.Mode, request: [UInt8], log: any TaskLog, cancellation: CancellationToken,
        processStarted: (@Sendable (Int32) -> Void)? = nil
    ) throws -> [UInt8] {
        let replyFD = rig_memfd_cloexec("rig-plugin-reply")
        guard replyFD >= 0 else { throw StepFailure.failed("cannot create a file in memory for plugin \(path)'s reply: \(errnoText())") }
        defer { close(replyFD) }

        let lines = LineWriter(log: log)
        var child = ChildProcess.Request(
            executable: path, arguments: [path], environment: Self.environment(), workingDirectory: nil, input: request,
            output: .stream { lines.append($0) }, grace: killGracePeriod)
        if let fd = (log as? any DirectOutputLog)?.directOutputDescriptor { child.output = .descriptor(fd) }
        child.standardOutput = replyFD
        child.timeout = timeout

        let termination: ChildProcess.Termination
        do {
            termination = try ChildProcess.run(child, cancellation: cancellation) { pid in processStarted?(pid) }
        } catch {
            throw PluginError(plugin: path, mode: mode, problem: .cannotStart("\(error)"))
        }
        lines.flush()
        switch termination.stoppedBecause {
        case .timedOut(let limit)?: throw PluginError(plugin: path, mode: mode, problem: .timedOut(limit))
        case .some(let reason): throw StepFailure(stoppedBecause: reason)
        case nil: break
        }
        guard termination.exitCode == 0 else {
            let tail =
                (log as? FileTaskLog)?.tail(lines: 5)
                ?? (log as? CollectingLog).map { $0.contents.split(separator: "\n").suffix(5).joined(separator: "\n") } ?? ""
            throw PluginError(plugin: path, mode: mode, problem: .crashed(exitCode: termination.exitCode, stderrTail: tail))
        }
        let size = Int(lseek(replyFD, 0, SEEK_END))
        guard size <= Self.replyLimit else {
            throw PluginError(plugin: path, mode: mode, problem: .malformed("the reply is \(size) bytes; the limit is \(Self.replyLimit)"))
        }
        var reply = [UInt8](repeating: 0, count: max(size, 0))
        let n = reply.withUnsafeMutableBytes { pread(replyFD, $0.baseAddress, $0.count, 0) }
        return n > 0 ? Array(reply[0..<n]) : []
    }

    /// rig's environment without secrets (`RIG_SECRET_*`), plus the protocol version: a plugin
    /// gets only the secrets it declares, in the request.
    static func environment() -> [String] {
        var environment = SecretEnvironment.withoutSecrets(ProcessInfo.processInfo.environment)
        environment["RIG_PLUGIN_PROTOCOL"] = String(PluginProtocol.version)
        return environment.map { "\($0.key)=\($0.value)" }.sorted()
    }
}
