import OrderedCollections
import RigModel

/// Everything a step type needs to build or run one task: the step, its target host and its
/// rendered parameters (schema defaults applied, expressions evaluated).
public struct StepInvocation: Sendable {
    public enum Mode: Sendable, Hashable {
        /// Real values: secrets and upstream outputs are filled in.
        case execute
        /// For `rig plan` and fingerprints: secrets and unknown outputs are placeholders.
        case display
    }

    public var step: Step
    public var task: TaskID
    public var host: InventoryHost
    public var parameters: OrderedDictionary<String, Value>
    public var inventory: Inventory
    public var mode: Mode
    /// What the run knows beyond the step's parameters; filled in by the engine when it runs a task.
    public var workflowContext = InvocationContext()

    public init(
        step: Step, task: TaskID, host: InventoryHost, parameters: OrderedDictionary<String, Value>,
        inventory: Inventory, mode: Mode
    ) {
        self.step = step
        self.task = task
        self.host = host
        self.parameters = parameters
        self.inventory = inventory
        self.mode = mode
    }

    public func string(_ name: String) -> String? { parameters[name]?.stringValue }
    public func int(_ name: String) -> Int? { parameters[name]?.intValue }
    public func bool(_ name: String) -> Bool? { parameters[name]?.boolValue }
}

/// The run around one task, for step types that hand it on (executable plugins).
public struct InvocationContext: Sendable {
    public var workflowName: String
    public var inputs: OrderedDictionary<String, Value>
    /// The run's secrets (`.execute` mode only); a step type passes on only those it declares.
    public var secrets: SecretValues
    /// Outputs of the steps this step needs, by step id (of the task on the same host, else the
    /// step's first host by name).
    public var upstreamOutputs: OrderedDictionary<String, OrderedDictionary<String, String>>

    public init(
        workflowName: String = "", inputs: OrderedDictionary<String, Value> = [:], secrets: SecretValues = SecretValues(),
        upstreamOutputs: OrderedDictionary<String, OrderedDictionary<String, String>> = [:]
    ) {
        self.workflowName = workflowName
        self.inputs = inputs
        self.secrets = secrets
        self.upstreamOutputs = upstreamOutputs
    }
}

/// How a finished task went, when it did not fail.
public struct TaskResult: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable, Codable {
        /// Nothing needed doing (a check or guard found it done).
        case ok
        /// The task changed the host.
        case changed
    }

    public var status: Status
    public var outputs: OrderedDictionary<String, String>
    public var message: String?

    public init(status: Status, outputs: OrderedDictionary<String, String> = [:], message: String? = nil) {
        self.status = status
        self.outputs = outputs
        self.message = message
    }
}

/// Why a task failed, with the next thing for the user to check.
public enum StepFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// The command ran and exited non-zero (or was killed by a signal).
    case commandFailed(exitCode: Int32, message: String)
    /// The host could not be reached: connection, authentication or host key.
    case unreachable(host: String, address: String, reason: String)
    case timedOut(after: Duration)
    case cancelled
    /// The step type itself refused (bad parameters it could only see at run time, a failed precondition).
    case failed(String)

    /// One line for progress output: for a failed command, its status and the last line it
    /// printed (where the error usually is); otherwise the first line of the description.
    public var headline: String {
        if case .commandFailed(let code, let message) = self,
            let last = message.split(whereSeparator: \.isNewline).last(where: { !$0.allSatisfy(\.isWhitespace) })
        {
            return "command exited with status \(code): \(last.trimmingCharacters(in: .whitespaces))"
        }
        return String(description.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
    }

    public var description: String {
        switch self {
        case .commandFailed(let code, let message):
            return message.isEmpty ? "command exited with status \(code)" : "command exited with status \(code): \(message)"
        case .unreachable(let host, let address, let reason):
            return "host \(host) (\(address)) is unreachable: \(reason)"
        case .timedOut(let after):
            return "timed out after \(after)"
        case .cancelled:
            return "cancelled"
        case .failed(let message):
            return message
        }
    }
}

/// What the engine lends a running task. A protocol so step types can be tested with a fake.
public protocol TaskContext: Sendable {
    /// The transport of an inventory host (`nil` name: the task's own host).
    func transport(for hostName: String?) throws -> any Transport
    /// The task's log; text written here is redacted of secrets before it reaches the file.
    var log: any TaskLog { get }
    var cancellation: CancellationToken { get }
    /// Runs a plan the standard way: check, then each action in order; parses outputs.
    func run(_ plan: TaskPlan, invocation: StepInvocation) throws -> TaskResult
    /// OS, CPUs, memory, disk, primary IPv4 address and swap of an inventory host (`nil` name:
    /// the task's own host), gathered through its transport; the engine caches them per run.
    func facts(of hostName: String?) throws -> HostFacts
}

extension TaskContext {
    /// Gathers the facts afresh each call (contexts without a per-run cache, such as test fakes).
    public func facts(of hostName: String?) throws -> HostFacts {
        try HostFactsCache.gather(
            from: hostName ?? "the task's host", through: transport(for: hostName), log: log, cancellation: cancellation)
    }
}

/// A task's log file.
public protocol TaskLog: Sendable {
    func write(_ text: String)
    var path: String { get }
}

/// The extension point for every kind of step: built-in (`shell`), Tator stages, Swift packages
/// and executable plugins all conform and register in a `StepTypeRegistry`.
public protocol StepType: Sendable {
    /// The `type:` name, e.g. `shell` or `tator.nfs-server`.
    var name: String { get }
    /// One line for `rig steps`.
    var summary: String { get }
    var schema: ParameterSchema { get }
    /// Identifies the implementation when it can change without rig changing (a plugin's
    /// executable digest): part of every task's fingerprint, so a new version reruns on resume.
    var implementationVersion: String? { get }
    /// Checks beyond the schema (rules across parameters); parameters are rendered where they
    /// can be at load time (`context.render`).
    func validate(_ step: Step, context: ValidationContext) -> [Diagnostic]
    /// Lines this step adds to the header of `rig plan`, e.g. the versions it will install;
    /// parameters are rendered as for `validate`. The same line from several steps is shown once.
    func planHeader(_ step: Step, context: ValidationContext) -> [String]
    /// What the task will do on its host. Also called in `.display` mode for `rig plan`.
    func plan(_ invocation: StepInvocation) throws -> TaskPlan
    /// Runs the task. The default runs `plan(_:)` through the context.
    func execute(_ invocation: StepInvocation, context: any TaskContext) throws -> TaskResult
}

extension StepType {
    public var implementationVersion: String? { nil }

    public func validate(_ step: Step, context: ValidationContext) -> [Diagnostic] { [] }

    public func planHeader(_ step: Step, context: ValidationContext) -> [String] { [] }

    public func execute(_ invocation: StepInvocation, context: any TaskContext) throws -> TaskResult {
        try context.run(plan(invocation), invocation: invocation)
    }
}

/// What a step type's `validate` can see.
public struct ValidationContext: Sendable {
    public var workflow: Workflow
    /// Renders a parameter with what is known before running (inputs, hosts); nil when it
    /// depends on something only known at run time (step outputs, secrets).
    public var render: @Sendable (ParameterNode) -> Value?

    public init(workflow: Workflow, render: @escaping @Sendable (ParameterNode) -> Value?) {
        self.workflow = workflow
        self.render = render
    }

    /// Renders with the workflow's inputs as resolved so far: what `rig validate` and `rig plan` know.
    public init(workflow: Workflow, inputs: OrderedDictionary<String, Value>) {
        let context = RenderContext(workflow: workflow, inputs: inputs)
        self.init(workflow: workflow) { node in Renderer.renderIfKnown(node, in: context) }
    }
}
