import OrderedCollections
import RigModel

/// Checks a loaded workflow against its step types, inventory and inputs, reporting every
/// problem at once, sorted by file and line.
public struct Validator {
    public let registry: StepTypeRegistry

    public init(registry: StepTypeRegistry) {
        self.registry = registry
    }

    /// `inputs` are the resolved values when known (`rig run`); nil checks with the declared defaults.
    public func validate(_ workflow: Workflow, inputs: OrderedDictionary<String, Value>?) -> [Diagnostic] {
        let graph = StepGraph(workflow)
        let stepsByID = Dictionary(workflow.steps.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let resolved = inputs ?? Self.defaults(of: workflow)
        let context = RenderContext(workflow: workflow, inputs: resolved)
        let validation = ValidationContext(workflow: workflow, inputs: resolved)
        let references = ReferenceChecks(workflow: workflow, graph: graph, stepsByID: stepsByID)
        let parameters = ParameterChecks(context: context)
        var problems = InventoryChecks(workflow: workflow).run()
        problems += identityProblems(workflow)
        problems += NameLengthChecks.run(workflow)
        problems += cycleProblems(graph: graph, stepsByID: stepsByID)
        for step in workflow.steps {
            problems += needsProblems(step, stepsByID: stepsByID, allIDs: { workflow.steps.map(\.id) })
            problems += targetProblems(step, inventory: workflow.inventory)
            problems += references.run(step)
            problems += stepSettingsProblems(step, workflow: workflow)
            if let type = registry.type(named: step.type) {
                problems += parameters.run(step, type: type)
                problems += type.validate(step, context: validation)
            } else {
                problems.append(
                    .error(
                        "step '\(step.id)' has the unknown type '\(step.type)'",
                        at: step.fieldLocations["type"] ?? step.location,
                        hint: (Suggestion.didYouMean(step.type, in: registry.names).map { $0 + " " } ?? "")
                            + "`rig steps` lists the step types"
                            + (step.type.contains(".")
                                ? "; a plugin type needs an executable `plugins/rig-step-\(step.type)` beside the workflow or on PATH" : "")
                    ))
            }
        }
        return problems.sortedByLocation()
    }

    static func defaults(of workflow: Workflow) -> OrderedDictionary<String, Value> {
        var values = OrderedDictionary<String, Value>()
        for input in workflow.inputs {
            if let value = input.defaultValue { values[input.name] = value }
        }
        return values
    }

    private func identityProblems(_ workflow: Workflow) -> [Diagnostic] {
        var problems: [Diagnostic] = []
        var first: [String: Step] = [:]
        for step in workflow.steps {
            let here = step.fieldLocations["id"] ?? step.location
            if let earlier = first[step.id] {
                problems.append(
                    .error(
                        "step id '\(step.id)' is used twice", at: here,
                        hint: "step ids must be unique" + InventoryChecks.firstAt(earlier.fieldLocations["id"] ?? earlier.location)))
            } else {
                first[step.id] = step
            }
            if step.id.range(of: #"^[A-Za-z0-9_][A-Za-z0-9_-]*$"#, options: .regularExpression) == nil {
                problems.append(
                    .error(
                        "'\(step.id)' is not a valid step id", at: here,
                        hint: "step ids use letters, digits, '_' and '-' (no dots or spaces), so `steps.ID.outputs.NAME` can name them"))
            }
        }
        return problems
    }

    private func needsProblems(_ step: Step, stepsByID: [String: Step], allIDs: () -> [String]) -> [Diagnostic] {
        var problems: [Diagnostic] = []
        for (i, name) in step.needs.enumerated() where stepsByID[name] == nil {
            problems.append(
                .error(
                    "step '\(step.id)' needs '\(name)', which is not a step",
                    at: step.fieldLocations["needs[\(i)]"] ?? step.fieldLocations["needs"] ?? step.location,
                    hint: ReferenceChecks.hint(name, allIDs(), orElse: "`needs:` lists ids of other steps in this workflow")))
        }
        return problems
    }

    private func cycleProblems(graph: StepGraph, stepsByID: [String: Step]) -> [Diagnostic] {
        graph.cycles().map { cycle in
            let step = stepsByID[cycle[0]]
            let location = Self.overlayEdge(in: cycle, stepsByID: stepsByID) ?? step?.fieldLocations["needs"] ?? step?.location
            return .error(
                "steps form a cycle: \(cycle.joined(separator: " -> "))", at: location,
                hint: "each arrow means 'needs'; a step cannot wait for itself, so remove one of these needs")
        }
    }

    /// In a cycle of a workflow built from overlays, the `needs` (or `before`) entry written in
    /// another file than the step it belongs to: the overlay line that closed the loop.
    private static func overlayEdge(in cycle: [String], stepsByID: [String: Step]) -> SourceLocation? {
        for (i, id) in cycle.enumerated() {
            guard let step = stepsByID[id], let next = cycle.dropFirst(i + 1).first ?? cycle.first,
                let index = step.needs.firstIndex(of: next),
                let location = step.fieldLocations["needs[\(index)]"], location.file != step.location?.file
            else { continue }
            return location
        }
        return nil
    }

    private func targetProblems(_ step: Step, inventory: Inventory) -> [Diagnostic] {
        let hostNames = inventory.hosts.map(\.name)
        let roles = inventory.roles
        var problems: [Diagnostic] = []
        for (i, target) in step.on.enumerated() {
            let here = step.fieldLocations["on[\(i)]"] ?? step.fieldLocations["on"] ?? step.location
            if TargetResolver.reservedTargets.contains(target) { continue }
            let isHost = hostNames.contains(target)
            let isRole = roles.contains(target)
            if isHost && isRole {
                problems.append(
                    .error(
                        "step '\(step.id)': '\(target)' is both a host and a role", at: here,
                        hint: "rename the host or the role so `on: \(target)` means one thing"))
            } else if !isHost && !isRole {
                let known =
                    "targets are local, all, a role" + (roles.isEmpty ? "" : " (\(roles.sorted().joined(separator: ", ")))")
                    + " or a host name" + (hostNames.isEmpty ? " (the inventory is empty)" : " (\(hostNames.joined(separator: ", ")))")
                problems.append(
                    .error(
                        "step '\(step.id)' runs on '\(target)', which is neither a role nor a host", at: here,
                        hint: Suggestion.didYouMean(target, in: Array(roles) + hostNames + TargetResolver.reservedTargets)
                            .map { "\($0) \(known)" } ?? known))
            }
        }
        if step.on.contains("all"), inventory.hosts.isEmpty {
            problems.append(
                .warning(
                    "step '\(step.id)' runs on all hosts, but the inventory has none", at: step.fieldLocations["on"] ?? step.location,
                    hint: "add hosts under `hosts:` or pass --inventory FILE"))
        }
        return problems
    }

    private func stepSettingsProblems(_ step: Step, workflow: Workflow) -> [Diagnostic] {
        var problems: [Diagnostic] = []
        if let pool = step.pool, workflow.pools[pool] == nil {
            let pools = workflow.pools.keys.sorted()
            problems.append(
                .error(
                    "step '\(step.id)' uses the pool '\(pool)', which is not declared", at: step.fieldLocations["pool"] ?? step.location,
                    hint: ReferenceChecks.hint(pool, pools, orElse: "declare it with its depth: `pools: {\(pool): 1}`")))
        }
        if let timeout = step.timeout, timeout <= .zero {
            problems.append(
                .error(
                    "step '\(step.id)': timeout must be longer than zero", at: step.fieldLocations["timeout"] ?? step.location,
                    hint: "remove `timeout:` for no limit, or write a duration such as 10m"))
        }
        var outputs = Set<String>()
        for output in step.outputs where !outputs.insert(output.name).inserted {
            problems.append(
                .error(
                    "step '\(step.id)' declares the output '\(output.name)' twice", at: output.location ?? step.location,
                    hint: "remove one of them"))
        }
        return problems
    }
}
