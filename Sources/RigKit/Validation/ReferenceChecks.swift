import RigModel

/// Every `${{ }}` reference in a step must name something that exists, and a step output must
/// come from a step this one needs (so it has run) and be declared in its `outputs:`.
struct ReferenceChecks {
    let workflow: Workflow
    let graph: StepGraph
    let stepsByID: [String: Step]

    func run(_ step: Step) -> [Diagnostic] {
        var problems: [Diagnostic] = []
        var templates: [Template] = []
        if let when = step.when { templates.append(when) }
        if let unless = step.unless { templates.append(unless) }
        var expressions = templates.flatMap(\.expressions)
        expressions += step.with.expressions
        for expression in expressions {
            for (path, location) in expression.references {
                if let problem = check(path, in: step) {
                    problems.append(
                        .error(problem.message, at: location ?? step.fieldLocations["with"] ?? step.location, hint: problem.hint))
                }
            }
        }
        return problems
    }

    private struct Problem {
        var message: String
        var hint: String?
    }

    private func check(_ path: [String], in step: Step) -> Problem? {
        let dotted = path.joined(separator: ".")
        func malformed(_ form: String) -> Problem { Problem(message: "'\(dotted)' is not a valid reference", hint: "write it as \(form)") }
        switch path[0] {
        case "inputs":
            guard path.count >= 2 else { return malformed("inputs.NAME") }
            guard let input = workflow.input(path[1]) else {
                let names = workflow.inputs.map(\.name)
                return Problem(
                    message: "unknown input '\(path[1])'",
                    hint: Self.hint(path[1], names, orElse: "declare it under the workflow's `inputs:`"))
            }
            if path.count == 2 { return nil }
            if path.count == 3, input.type.isList, Int(path[2]) != nil { return nil }
            return Problem(
                message: "'\(dotted)': input '\(input.name)' is \(input.type.article) \(input.type) and has no part '\(path[2])'",
                hint: input.type.isList ? "pick an item by index: inputs.\(input.name)[0]" : "write inputs.\(input.name)")
        case "secrets":
            guard path.count == 2 else { return malformed("secrets.NAME") }
            guard workflow.secret(path[1]) != nil else {
                return Problem(
                    message: "unknown secret '\(path[1])'",
                    hint: Self.hint(
                        path[1], workflow.secrets.map(\.name),
                        orElse: "declare it under the workflow's `secrets:` (its value never goes in the file)"))
            }
            return nil
        case "hosts":
            guard path.count >= 3 else { return malformed("hosts.NAME.FIELD, e.g. hosts.master.address") }
            guard let host = workflow.inventory.host(named: path[1]) else {
                return Problem(
                    message: "unknown host '\(path[1])'",
                    hint: Self.hint(path[1], workflow.inventory.hosts.map(\.name), orElse: "add it to the inventory (`hosts:`)"))
            }
            return checkField(Array(path[2...]), of: [host], dotted: dotted)
        case "host":
            guard path.count >= 2 else { return malformed("host.FIELD, e.g. host.address") }
            return checkField(Array(path[1...]), of: TargetResolver.hosts(for: step, in: workflow.inventory), dotted: dotted)
        case "roles":
            guard path.count >= 3 else { return malformed("roles.ROLE.FIELD, e.g. roles.master.address") }
            let members = workflow.inventory.hosts(withRole: path[1])
            guard let first = members.first else {
                return Problem(
                    message: "no host has the role '\(path[1])'",
                    hint: Self.hint(
                        path[1], workflow.inventory.roles.sorted(), orElse: "give a host this role in the inventory (`roles: [\(path[1])]`)"
                    ))
            }
            if path[2] == "hosts" || path[2] == "addresses" {
                return path.count == 3 || (path.count == 4 && Int(path[3]) != nil)
                    ? nil
                    : Problem(
                        message: "'\(dotted)': roles.\(path[1]).\(path[2]) is a list",
                        hint: "pick an item by index: roles.\(path[1]).\(path[2])[0]")
            }
            return checkField(Array(path[2...]), of: [first], dotted: dotted)
        case "steps":
            guard path.count == 4, path[2] == "outputs" else { return malformed("steps.ID.outputs.NAME") }
            return checkOutput(step: path[1], name: path[3], usedBy: step)
        case "workflow":
            return path == ["workflow", "name"] ? nil : malformed("workflow.name")
        case "run":
            return path == ["run", "id"] ? nil : malformed("run.id")
        default:
            return Problem(
                message: "unknown name '\(path[0])' in '\(dotted)'",
                hint: Self.hint(
                    path[0], Evaluation.namespaces, orElse: "references start with " + Evaluation.namespaces.joined(separator: ", ")))
        }
    }

    /// `name`, `address`, ..., `labels.K`, `vars.K` on every host the reference may be evaluated on.
    private func checkField(_ rest: [String], of hosts: [InventoryHost], dotted: String) -> Problem? {
        let field = rest[0]
        guard Evaluation.hostFields.contains(field) else {
            return Problem(
                message: "'\(dotted)': hosts have no field '\(field)'",
                hint: Self.hint(field, Evaluation.hostFields, orElse: "fields are " + Evaluation.hostFields.joined(separator: ", ")))
        }
        switch field {
        case "labels", "vars":
            guard rest.count >= 2 else { return nil }
            for host in hosts {
                let keys = field == "labels" ? Array(host.labels.keys) : Array(host.vars.keys)
                if !keys.contains(rest[1]) {
                    return Problem(
                        message: "'\(dotted)': host '\(host.name)' has no \(field == "labels" ? "label" : "var") '\(rest[1])'",
                        hint: Self.hint(rest[1], keys, orElse: "add it to the host's `\(field):` in the inventory"))
                }
            }
            return nil
        case "roles":
            return rest.count == 1 || (rest.count == 2 && Int(rest[1]) != nil)
                ? nil
                : Problem(message: "'\(dotted)': roles is a list", hint: "pick an item by index, e.g. roles[0]")
        default:
            return rest.count == 1 ? nil : Problem(message: "'\(dotted)': '\(field)' has no parts", hint: "end the reference at '\(field)'")
        }
    }

    private func checkOutput(step id: String, name: String, usedBy step: Step) -> Problem? {
        guard let producer = stepsByID[id] else {
            if let disabled = workflow.disabledSteps[id] {
                return Problem(
                    message: "step '\(step.id)' uses steps.\(id).outputs.\(name), but '\(id)' is disabled at \(disabled)",
                    hint: "keep '\(id)' (remove it from `disable`), or change '\(step.id)' in the overlay so it does not use that output")
            }
            return Problem(
                message: "unknown step '\(id)' in steps.\(id).outputs.\(name)",
                hint: Self.hint(id, workflow.steps.map(\.id), orElse: nil))
        }
        if id == step.id {
            return Problem(
                message: "step '\(id)' uses its own output '\(name)'",
                hint: "a step's outputs exist only after it has run; use them in a later step that needs it")
        }
        if !graph.isAncestor(id, of: step.id) {
            return Problem(
                message: "step '\(step.id)' uses an output of '\(id)' but does not need it",
                hint: "add '\(id)' to the `needs:` of '\(step.id)' so it has run first")
        }
        let declared = producer.outputs.map(\.name)
        if !declared.contains(name) {
            return Problem(
                message: "step '\(id)' declares no output '\(name)'",
                hint: Self.hint(name, declared, orElse: "list it in the `outputs:` of '\(id)'"))
        }
        return nil
    }

    static func hint(_ name: String, _ candidates: [String], orElse fallback: String?) -> String? {
        let suggestion = Suggestion.didYouMean(name, in: candidates)
        switch (suggestion, fallback) {
        case let (s?, f?): return "\(s) Otherwise \(f)."
        case let (s?, nil): return s
        case let (nil, f?): return f
        case (nil, nil): return nil
        }
    }
}
