import OrderedCollections
import RigModel

/// What `${{ }}` expressions can see when a step's parameters are rendered.
public struct RenderContext: Sendable {
    public var inputs: OrderedDictionary<String, Value>
    /// Nil when secrets were not resolved (`rig plan`); `.execute` mode then fails on a secret.
    public var secrets: SecretValues?
    public var inventory: Inventory
    /// The task's own host (`host.*`).
    public var host: InventoryHost?
    public var outputs: StepOutputs
    public var mode: StepInvocation.Mode
    public var workflowName: String
    public var runID: String?

    public init(
        inputs: OrderedDictionary<String, Value> = [:], secrets: SecretValues? = nil, inventory: Inventory = Inventory(),
        host: InventoryHost? = nil, outputs: StepOutputs = StepOutputs(), mode: StepInvocation.Mode = .display,
        workflowName: String = "", runID: String? = nil
    ) {
        self.inputs = inputs
        self.secrets = secrets
        self.inventory = inventory
        self.host = host
        self.outputs = outputs
        self.mode = mode
        self.workflowName = workflowName
        self.runID = runID
    }

    /// A context for one of `workflow`'s tasks.
    public init(
        workflow: Workflow, inputs: OrderedDictionary<String, Value>, secrets: SecretValues? = nil,
        host: InventoryHost? = nil, outputs: StepOutputs = StepOutputs(), mode: StepInvocation.Mode = .display,
        runID: String? = nil
    ) {
        self.init(
            inputs: inputs, secrets: secrets, inventory: workflow.inventory, host: host, outputs: outputs,
            mode: mode, workflowName: workflow.name, runID: runID)
    }
}
