/// An executable plugin that did not keep to the protocol; the message names the plugin's path.
public struct PluginError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Problem: Error, Sendable, Hashable {
        /// The reply is not one JSON object of the documented shape.
        case malformed(String)
        /// The reply's `protocol` is not the version rig speaks.
        case versionMismatch(String)
        /// The plugin exited non-zero (or was killed by a signal).
        case crashed(exitCode: Int32, stderrTail: String)
        /// It did not answer within its time limit.
        case timedOut(Duration)
        case cannotStart(String)
        /// `describe` answered `"status": "failed"`.
        case failedReply(String)
    }

    public var plugin: String
    public var mode: PluginProtocol.Mode
    public var problem: Problem

    public init(plugin: String, mode: PluginProtocol.Mode, problem: Problem) {
        self.plugin = plugin
        self.mode = mode
        self.problem = problem
    }

    public var description: String {
        let what = "plugin \(plugin) (\(mode.rawValue))"
        switch problem {
        case .malformed(let detail):
            return "\(what) gave a malformed reply: \(detail); see docs/plugins.md for the reply format"
        case .versionMismatch(let version):
            return
                "\(what) speaks protocol \(version), but this rig speaks protocol \(PluginProtocol.version); update the plugin (or rig) so both use the same version"
        case .crashed(let code, let tail):
            let how = code > 128 ? "was killed by signal \(code - 128)" : "exited with status \(code)"
            return "\(what) \(how) without a reply" + (tail.isEmpty ? "" : ": \(tail)")
        case .timedOut(let limit):
            return "\(what) did not answer within \(limit) and was stopped; make it faster, or raise the step's `timeout:`"
        case .cannotStart(let reason):
            return "\(what) could not be started: \(reason); check that it is executable (chmod +x) and its #! line"
        case .failedReply(let message):
            return "\(what) failed: \(message)"
        }
    }
}
