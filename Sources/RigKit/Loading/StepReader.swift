import Foundation
import RigModel
import Yams

/// One entry of `steps:` as written, with what an overlay needs to merge it.
struct StepEntry {
    var step: Step
    /// The keys the entry writes (an overlay's change replaces only these).
    var keys: Set<String> = []
    /// `before: [ID]`: those steps need this one.
    var before: [(String, SourceLocation)] = []
    var disabled = false
}

/// One entry of `steps:`.
extension NodeReader {
    static let stepKeys = [
        "id", "type", "description", "needs", "on", "with", "when", "unless", "retries", "timeout", "outputs",
        "pool", "serial", "host_concurrency", "any_errors_fatal",
    ]
    static let retryKeys = ["count", "backoff", "max_delay", "jitter"]
    static let outputKeys = ["secret", "description"]
    /// Keys only a workflow that `extends:` another may use in a step.
    static let overlayStepKeys = ["before", "disabled"]

    func steps(_ node: Node) -> [Step] {
        stepEntries(node, overlay: false).map(\.step)
    }

    /// The entries of `steps:`. In an overlay (`overlay: true`) an entry may leave out `type`
    /// (it changes a step of the base) and may use `before:` and `disabled:`.
    func stepEntries(_ node: Node, overlay: Bool) -> [StepEntry] {
        guard case .sequence(let items) = node else {
            error("'steps' must be a list of steps, not \(describe(node))", at: node, hint: "start each step with '- id: NAME'")
            return []
        }
        if items.isEmpty, !overlay { error("'steps' is empty", at: node, hint: "add at least one step") }
        return items.compactMap { step($0, overlay: overlay) }
    }

    private func step(_ node: Node, overlay: Bool) -> StepEntry? {
        guard let fields = mapping(node, "a step", hint: "a step is a map with at least 'id' and 'type'") else { return nil }
        if overlay {
            checkKeys(fields, allowed: Self.stepKeys + Self.overlayStepKeys, in: "a step")
        } else {
            for field in fields where Self.overlayStepKeys.contains(field.key) {
                error(
                    "'\(field.key)' is only allowed in a workflow that extends another", at: field.keyNode,
                    hint: field.key == "before"
                        ? "in this file, add this step's id to the `needs:` of the later step instead"
                        : "remove the step, or write an overlay with `extends: \((file.path as NSString).lastPathComponent)` that disables it; see docs/workflow-format.md"
                )
            }
            checkKeys(fields.filter { !Self.overlayStepKeys.contains($0.key) }, allowed: Self.stepKeys, in: "a step")
        }
        let idField = fields.first { $0.key == "id" }
        let typeField = fields.first { $0.key == "type" }
        let id = idField.flatMap { string($0.value, "id") }
        let type = typeField.flatMap { string($0.value, "type") }
        let name = id.map { "step '\($0)'" } ?? "this step"
        if idField == nil { error("\(name) has no 'id'", at: node, hint: "give every step a unique id: `id: install-docker`") }
        if typeField == nil, !overlay {
            error("\(name) has no 'type'", at: node, hint: "give the step type, e.g. `type: shell`; `rig steps` lists them")
        }
        var entry = StepEntry(step: Step(id: id ?? "", type: type ?? "", location: location(node)))
        for field in fields {
            entry.keys.insert(field.key)
            entry.step.fieldLocations[field.key] = location(field.value)
            switch field.key {
            case "before": entry.before = names(field.value, "before") ?? []
            case "disabled": entry.disabled = bool(field.value, "disabled") ?? false
            default: break
            }
        }
        entry.step = stepFields(fields, into: entry.step)
        return id == nil || (type == nil && !overlay) ? nil : entry
    }

    private func stepFields(_ fields: [MappingEntry], into step: Step) -> Step {
        var step = step
        for field in fields {
            let value = field.value
            switch field.key {
            case "description": step.description = string(value, "description")
            case "needs": step.needs = namesRecordingLocations(value, "needs", into: &step)
            case "on": step.on = namesRecordingLocations(value, "on", into: &step)
            case "with":
                if case .scalar(let s) = value, Self.value(of: s) == .null { break }
                guard case .mapping = value else {
                    error("'with' must be a map of parameters, not \(describe(value))", at: value, hint: "write `with: {run: echo hello}`")
                    break
                }
                step.with = parameterNode(value)
            case "when": step.when = condition(value, "when")
            case "unless": step.unless = template(value, "unless")
            case "retries": step.retries = retries(value) ?? .none
            case "timeout": step.timeout = duration(value, "timeout")
            case "outputs": step.outputs = outputs(value)
            case "pool": step.pool = string(value, "pool")
            case "serial": step.serial = serial(value)
            case "host_concurrency": step.hostConcurrency = int(value, "host_concurrency", minimum: 1)
            case "any_errors_fatal": step.anyErrorsFatal = bool(value, "any_errors_fatal") ?? false
            default: break
            }
        }
        return step
    }

    /// Records `needs[0]`, `needs[1]`, ... in the step's field locations so each name can be pointed at.
    private func namesRecordingLocations(_ node: Node, _ field: String, into step: inout Step) -> [String] {
        let entries = names(node, field) ?? []
        for (i, entry) in entries.enumerated() { step.fieldLocations["\(field)[\(i)]"] = entry.1 }
        return entries.map(\.0)
    }

    private func retries(_ node: Node) -> RetryPolicy? {
        if case .scalar = node {
            return int(node, "retries", minimum: 0).map { RetryPolicy(count: $0) }
        }
        guard
            let fields = mapping(
                node, "'retries'", hint: "write `retries: 3` or `retries: {count: 3, backoff: 2s, max_delay: 1m, jitter: true}`")
        else { return nil }
        checkKeys(fields, allowed: Self.retryKeys, in: "'retries'")
        var policy = RetryPolicy()
        if !fields.contains(where: { $0.key == "count" }) {
            error("'retries' needs a 'count'", at: node, hint: "the number of extra attempts: `count: 3`")
        }
        for field in fields {
            switch field.key {
            case "count": policy.count = int(field.value, "count", minimum: 0) ?? 0
            case "backoff": policy.backoff = duration(field.value, "backoff") ?? policy.backoff
            case "max_delay": policy.maxDelay = duration(field.value, "max_delay") ?? policy.maxDelay
            case "jitter": policy.jitter = bool(field.value, "jitter") ?? policy.jitter
            default: break
            }
        }
        return policy
    }

    private func outputs(_ node: Node) -> [OutputDeclaration] {
        switch node {
        case .sequence(let items):
            return items.compactMap { item in
                string(item, "an output name").map { OutputDeclaration(name: $0, location: location(item)) }
            }
        case .mapping:
            return (mapping(node, "'outputs'") ?? []).map { entry in
                var output = OutputDeclaration(name: entry.key, location: location(entry.keyNode))
                if case .scalar(let s) = entry.value, Self.value(of: s) == .null { return output }
                guard let fields = mapping(entry.value, "output '\(entry.key)'") else { return output }
                checkKeys(fields, allowed: Self.outputKeys, in: "output '\(entry.key)'")
                for field in fields {
                    switch field.key {
                    case "secret": output.secret = bool(field.value, "secret") ?? false
                    case "description": output.description = string(field.value, "description")
                    default: break
                    }
                }
                return output
            }
        default:
            error("'outputs' must be a list of names or a map of names to {secret, description}, not \(describe(node))", at: node)
            return []
        }
    }

    /// `serial: 2` or `serial: "30%"`.
    private func serial(_ node: Node) -> SerialPolicy? {
        if case .scalar(let s) = node {
            switch Self.value(of: s) {
            case .int(let n) where n >= 1:
                return .count(n)
            case .string(let t) where t.hasSuffix("%"):
                if let p = Int(t.dropLast()), (1...100).contains(p) { return .percent(p) }
            default:
                break
            }
        }
        error("'serial' must be a number of hosts (at least 1) or a percentage such as \"30%\", not \(describe(node))", at: node)
        return nil
    }
}
