import OrderedCollections
import RigModel

/// Prepares a workflow's tasks with the expression renderer: `when`, `unless` and `with:` are
/// rendered against inputs, secrets, the inventory and the outputs known when the task starts.
public struct WorkflowTaskPreparer: TaskPreparer {
    public var workflow: Workflow
    public var inputs: OrderedDictionary<String, Value>
    public var secrets: SecretValues
    public var registry: StepTypeRegistry
    public var runID: String?
    /// Tasks whose step declares secret outputs, with those output names.
    private let secretProducers: [(task: TaskID, names: [String])]

    public init(
        workflow: Workflow, inputs: OrderedDictionary<String, Value>, secrets: SecretValues,
        registry: StepTypeRegistry, runID: String?
    ) {
        self.workflow = workflow
        self.inputs = inputs
        self.secrets = secrets
        self.registry = registry
        self.runID = runID
        secretProducers = workflow.steps.flatMap { step -> [(task: TaskID, names: [String])] in
            let names = step.outputs.filter(\.secret).map(\.name)
            guard !names.isEmpty else { return [] }
            return TargetResolver.hosts(for: step, in: workflow.inventory).map { (TaskID(step: step.id, host: $0.name), names) }
        }
    }

    public enum Failure: Error, CustomStringConvertible {
        case unknownType(step: String, type: String)

        public var description: String {
            switch self {
            case .unknownType(let step, let type): return "step '\(step)' has unknown type '\(type)'"
            }
        }
    }

    public func context(for host: InventoryHost, outputs: StepOutputs, mode: StepInvocation.Mode) -> RenderContext {
        RenderContext(
            inputs: inputs, secrets: mode == .execute ? secrets : nil, inventory: workflow.inventory, host: host,
            outputs: outputs, mode: mode, workflowName: workflow.name, runID: runID)
    }

    public func prepare(_ task: TaskID, step: Step, host: InventoryHost, outputs: StepOutputs) throws -> PreparedTask {
        guard let type = registry.type(named: step.type) else {
            throw Failure.unknownType(step: step.id, type: step.type)
        }
        let context = context(for: host, outputs: outputs, mode: .execute)
        let rendered = try TaskRenderer.render(step, schema: type.schema, in: context)
        var invocation = StepInvocation(
            step: step, task: task, host: host, parameters: rendered.parameters, inventory: workflow.inventory,
            mode: .execute)
        var upstream: OrderedDictionary<String, OrderedDictionary<String, String>> = [:]
        for need in step.needs { upstream[need] = outputs.outputs(ofStep: need, host: host.name) ?? [:] }
        invocation.workflowContext = InvocationContext(
            workflowName: workflow.name, inputs: inputs, secrets: secrets, upstreamOutputs: upstream)
        return PreparedTask(
            invocation: invocation, runs: rendered.runs,
            guardCommand: rendered.guardScript.map { Command($0, summary: "unless") },
            redactions: secrets.allValues + secretOutputValues(outputs))
    }

    /// Values of secret outputs published so far: scrubbed from every later task's log.
    private func secretOutputValues(_ outputs: StepOutputs) -> [String] {
        secretProducers.flatMap { producer -> [String] in
            guard let published = outputs.outputs(of: producer.task) else { return [] }
            return producer.names.compactMap { published[$0] }.filter { !$0.isEmpty }
        }
    }
}
