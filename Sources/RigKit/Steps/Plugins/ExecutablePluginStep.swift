import Crypto
import Foundation
import OrderedCollections
import RigModel

/// A step type implemented by an executable `rig-step-TYPE` (docs/plugins.md). The plugin runs on
/// the control machine: `check` first (an `ok` reply skips `apply`), then `apply`; either may
/// return a `script` that rig runs on the target host through the host's transport.
public struct ExecutablePluginStep: StepType {
    public let name: String
    public let path: String
    public let summary: String
    public let schema: ParameterSchema
    /// The secrets the plugin declared in `describe`; only these are sent to it.
    public let secrets: [String]
    /// SHA-256 of the executable when it described itself: part of every task's plan, so a
    /// changed plugin reruns its tasks on resume.
    public let digest: String
    public var implementationVersion: String? { "sha256:" + digest }
    /// How long one check or apply call may take.
    public var callTimeout: Duration
    public var killGracePeriod: Duration

    public static let defaultDescribeTimeout: Duration = .seconds(30)
    public static let defaultCallTimeout: Duration = .seconds(3600)

    public init(
        name: String, path: String, description: PluginProtocol.Description,
        callTimeout: Duration = defaultCallTimeout, killGracePeriod: Duration = .seconds(5)
    ) {
        self.name = name
        self.path = path
        summary = description.summary
        schema = description.schema
        secrets = description.secrets
        digest = (try? PosixFile.read(path)).map { Hex.encode(Array(SHA256.hash(data: $0))) } ?? "unreadable"
        self.callTimeout = callTimeout
        self.killGracePeriod = killGracePeriod
    }

    /// Asks the executable at `path` to describe itself.
    public static func describe(
        name: String, path: String, timeout: Duration = defaultDescribeTimeout, callTimeout: Duration = defaultCallTimeout
    ) throws -> ExecutablePluginStep {
        let request = PluginProtocol.encode(["protocol": PluginProtocol.version, "mode": "describe", "type": name])
        let log = CollectingLog()
        let process = PluginProcess(path: path, timeout: timeout, killGracePeriod: .seconds(2))
        let reply = try process.call(.describe, request: request, log: log, cancellation: CancellationToken())
        do {
            let description = try PluginProtocol.description(from: reply, type: name)
            return ExecutablePluginStep(name: name, path: path, description: description, callTimeout: callTimeout)
        } catch let problem {
            throw PluginError(plugin: path, mode: .describe, problem: problem)
        }
    }

    /// What `rig plan` shows and fingerprints cover: the plugin and its parameters (the plugin
    /// decides what to do only when it runs).
    public func plan(_ invocation: StepInvocation) throws -> TaskPlan {
        let parameters = invocation.parameters.map { key, value in
            let shown = schema.parameter(key)?.secret == true ? "<secret>" : value.text
            return "\(key)=\(shellQuote(shown))"
        }
        let line = ([shellQuote(path), "check|apply"] + parameters).joined(separator: " ")
        return TaskPlan(Command("# runs on this machine: \(line)\n# plugin sha256 \(digest)", summary: "plugin \(name)"))
    }

    public func execute(_ invocation: StepInvocation, context: any TaskContext) throws -> TaskResult {
        let check = try call(.check, invocation, context: context)
        if try isDone(check, invocation: invocation, context: context) {
            return TaskResult(status: .ok, outputs: check.outputs, message: check.message ?? "the plugin's check found nothing to do")
        }
        let apply = try call(.apply, invocation, context: context)
        guard let script = apply.script else {
            return TaskResult(status: apply.status == .ok ? .ok : .changed, outputs: apply.outputs, message: apply.message)
        }
        context.log.write("# script from plugin \(name) (apply)\n")
        let ran = try context.run(
            TaskPlan(Command(ShellStep.bashScript(script), become: apply.become, summary: "plugin \(name): apply script")),
            invocation: Self.collectingOutputs(invocation))
        var outputs = apply.outputs
        for (key, value) in ran.outputs { outputs[key] = value }
        return TaskResult(status: ran.status, outputs: outputs, message: apply.message)
    }

    /// A check reply of `ok` means done; with a `script`, the script decides (exit 0: done).
    private func isDone(_ check: PluginProtocol.Reply, invocation: StepInvocation, context: any TaskContext) throws -> Bool {
        guard let script = check.script else { return check.status == .ok }
        context.log.write("# check script from plugin \(name)\n")
        let result = try context.transport(for: nil).run(
            CommandRequest(
                command: Command(ShellStep.bashScript(script), become: check.become, summary: "plugin \(name): check script"),
                log: context.log, collectOutputs: false),
            cancellation: context.cancellation)
        return result.exitCode == 0
    }

    private func call(_ mode: PluginProtocol.Mode, _ invocation: StepInvocation, context: any TaskContext) throws -> PluginProtocol.Reply {
        var granted: OrderedDictionary<String, String> = [:]
        for secret in secrets {
            if let value = invocation.workflowContext.secrets.value(secret) { granted[secret] = value }
        }
        let request = PluginProtocol.TaskRequest(mode: mode, invocation: invocation, secrets: granted)
        context.log.write("# plugin \(path) \(mode.rawValue)\n")
        let process = PluginProcess(path: path, timeout: callTimeout, killGracePeriod: killGracePeriod)
        let bytes = try process.call(
            mode, request: PluginProtocol.encode(request.json()), log: context.log,
            cancellation: context.cancellation)
        let reply: PluginProtocol.Reply
        do {
            reply = try PluginProtocol.reply(from: bytes)
        } catch let problem {
            throw PluginError(plugin: path, mode: mode, problem: problem)
        }
        if let message = reply.message { context.log.write("# \(mode.rawValue): \(reply.status.rawValue): \(message)\n") }
        if reply.status == .failed {
            throw StepFailure.failed("plugin \(name) (\(path)) reported failure in \(mode.rawValue): \(reply.message ?? "no message")")
        }
        return reply
    }

    /// The plan runner collects `$RIG_OUTPUT` only for steps that declare outputs; a plugin's
    /// script may publish outputs whatever the step declares.
    private static func collectingOutputs(_ invocation: StepInvocation) -> StepInvocation {
        var copy = invocation
        if copy.step.outputs.isEmpty { copy.step.outputs = [OutputDeclaration(name: "rig.plugin")] }
        return copy
    }
}

/// A log kept in memory (describe calls happen before any task log exists).
final class CollectingLog: TaskLog, @unchecked Sendable {
    private let lock = NSLock()
    private var text = ""
    let path = "(describe)"

    func write(_ more: String) { lock.withLock { text += more } }
    var contents: String { lock.withLock { text } }
}
