import OrderedCollections
import RigModel

/// Builds every task's `TaskDefinition` from a loaded workflow, for fingerprints.
///
/// Parameters, guard and condition are rendered in display mode with the run's inputs and
/// inventory but *no* secrets, *no* step outputs and *no* run id: secrets stay `<secret:NAME>`,
/// outputs stay `<steps.X.outputs.Y>` (what a task receives from upstream is covered by the
/// upstream fingerprints), and the same workflow with the same inputs always gives the same
/// definitions — before the run, during it and at the next resume.
public enum TaskDefinitionBuilder {
    /// - Parameters:
    ///   - tasks: every task (step × host), e.g. the engine's task graph.
    ///   - needs: the tasks a task waits for (the engine's: every task of every step it needs).
    public static func definitions(
        workflow: Workflow, inputs: OrderedDictionary<String, Value>, registry: StepTypeRegistry, tasks: [TaskID],
        needs: (TaskID) -> [TaskID]
    ) throws(RenderError) -> [TaskDefinition] {
        var stepsByID: [String: Step] = [:]
        for step in workflow.steps where stepsByID[step.id] == nil { stepsByID[step.id] = step }
        var definitions: [TaskDefinition] = []
        definitions.reserveCapacity(tasks.count)
        for task in tasks {
            guard let step = stepsByID[task.step] else { continue }
            let host =
                workflow.inventory.host(named: task.host)
                ?? InventoryHost(name: task.host, address: task.host, connection: task.host == "local" ? .local : .ssh)
            let context = RenderContext(workflow: workflow, inputs: inputs, host: host, mode: .display)
            let schema = registry.type(named: step.type)?.schema ?? ParameterSchema([], allowsOtherKeys: true)
            let invocation = StepInvocation(
                step: step, task: task, host: host, parameters: try ParameterBinder.bind(step, schema: schema, in: context),
                inventory: workflow.inventory, mode: .display)
            var definition = TaskDefinition(
                invocation: invocation, schema: schema, needs: needs(task),
                guardCommand: try step.unless.map { (t) throws(RenderError) in try Renderer.renderText(t, in: context) },
                condition: try step.when.map { (t) throws(RenderError) in try Renderer.renderText(t, in: context) })
            if let version = registry.type(named: step.type)?.implementationVersion { definition.stepType += "@" + version }
            definitions.append(definition)
        }
        return definitions
    }

    /// The secret outputs each task reads through `${{ steps.P.outputs.N }}` (in `with`, `unless`
    /// or `when`), with the producing task resolved as the engine resolves it: the producer on
    /// the reader's own host if there is one, else the producer's first host by name.
    public static func secretOutputUses(workflow: Workflow, tasks: [TaskID]) -> [TaskID: [SecretOutputUse]] {
        var secretOutputs: [String: Set<String>] = [:]
        for step in workflow.steps {
            let names = step.outputs.filter(\.secret).map(\.name)
            if !names.isEmpty { secretOutputs[step.id, default: []].formUnion(names) }
        }
        guard !secretOutputs.isEmpty else { return [:] }
        var hostsByStep: [String: [String]] = [:]
        for task in tasks { hostsByStep[task.step, default: []].append(task.host) }
        var stepsByID: [String: Step] = [:]
        for step in workflow.steps where stepsByID[step.id] == nil { stepsByID[step.id] = step }

        var uses: [TaskID: [SecretOutputUse]] = [:]
        for task in tasks {
            guard let step = stepsByID[task.step] else { continue }
            let expressions = step.with.expressions + (step.unless?.expressions ?? []) + (step.when?.expressions ?? [])
            var found: [SecretOutputUse] = []
            for (path, _) in expressions.flatMap(\.references) {
                guard path.count == 4, path[0] == "steps", path[2] == "outputs",
                    secretOutputs[path[1]]?.contains(path[3]) == true,
                    let hosts = hostsByStep[path[1]], let first = hosts.min()
                else { continue }
                let producer = TaskID(step: path[1], host: hosts.contains(task.host) ? task.host : first)
                let use = SecretOutputUse(producer: producer, output: path[3])
                if !found.contains(use) { found.append(use) }
            }
            if !found.isEmpty { uses[task] = found }
        }
        return uses
    }
}
