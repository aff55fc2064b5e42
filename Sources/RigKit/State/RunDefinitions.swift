import OrderedCollections
import RigModel

/// What the journal and a resume need to know about a loaded workflow's tasks: their
/// definitions, fingerprints, and which secret outputs they produce and read. Computed once per
/// run (or resume plan) from the engine's task graph.
public struct RunDefinitions: Sendable {
    public var definitions: [TaskDefinition]
    public var fingerprints: [TaskID: Fingerprint]
    /// Secret outputs each task reads, by producer.
    public var secretUses: [TaskID: [SecretOutputUse]]
    /// Step id → its outputs declared secret.
    public var secretOutputs: [String: Set<String>]

    public enum Failure: Error, Sendable, CustomStringConvertible {
        case render(RenderError)
        case graph(FingerprintTable.Failure)

        public var description: String {
            switch self {
            case .render(let error): return "cannot render a task's definition for its fingerprint: \(error)"
            case .graph(let failure): return failure.description
            }
        }
    }

    public init(workflow: Workflow, inputs: OrderedDictionary<String, Value>, registry: StepTypeRegistry, graph: TaskGraph)
        throws(Failure)
    {
        let needs = Self.taskNeeds(graph)
        do {
            definitions = try TaskDefinitionBuilder.definitions(
                workflow: workflow, inputs: inputs, registry: registry, tasks: graph.tasks, needs: { needs[$0] ?? [] })
        } catch { throw .render(error) }
        do { fingerprints = try FingerprintTable.compute(definitions) } catch { throw .graph(error) }
        secretUses = TaskDefinitionBuilder.secretOutputUses(workflow: workflow, tasks: graph.tasks)
        var secret: [String: Set<String>] = [:]
        for step in workflow.steps {
            let names = step.outputs.filter(\.secret).map(\.name)
            if !names.isEmpty { secret[step.id, default: []].formUnion(names) }
        }
        secretOutputs = secret
    }

    /// Every task's needs as the engine has them: every task of every step its step needs.
    static func taskNeeds(_ graph: TaskGraph) -> [TaskID: [TaskID]] {
        var result: [TaskID: [TaskID]] = [:]
        result.reserveCapacity(graph.taskCount)
        for node in graph.steps {
            let upstream = node.needs.flatMap { graph.steps[$0].tasks.map { graph.tasks[$0] } }
            for t in node.tasks { result[graph.tasks[t]] = upstream }
        }
        return result
    }

    /// The tasks as the resume planner takes them.
    public var plannerTasks: [ResumePlanner.Task] {
        definitions.map {
            ResumePlanner.Task(id: $0.task, needs: $0.needs, fingerprint: fingerprints[$0.task]!, secretInputs: secretUses[$0.task] ?? [])
        }
    }

    /// The run's `workflow.resolved`.
    public func resolved(
        workflow: Workflow, path: String, cacheKey: CacheKey, inputs: OrderedDictionary<String, Value>
    ) throws(FingerprintTable.Failure) -> ResolvedWorkflow {
        try ResolvedWorkflow(
            name: workflow.name, workflowPath: path, cacheKey: cacheKey, inputs: inputs, secrets: workflow.secrets.map(\.name),
            definitions: definitions, fingerprints: fingerprints, secretInputs: secretUses)
    }
}
