import Foundation
import RigModel

/// What a workflow that `extends:` another writes, before it is merged onto its base.
struct OverlayLayer {
    var file: String
    var name: String?
    var description: String?
    var inputs: [InputDeclaration] = []
    var secrets: [SecretDeclaration] = []
    var pools: [String: Int] = [:]
    var inventory: Inventory?
    var steps: [StepEntry] = []
    /// `disable: [ID, ...]`.
    var disable: [(String, SourceLocation)] = []
}

/// Merges an overlay onto its base workflow: new steps are added (`before:` adds the new step to
/// the later step's `needs`), entries naming a base step change only the fields they write
/// (`with` merged key by key), and disabled steps are removed with the steps that needed them
/// waiting for what the disabled step needed instead. Every problem names the overlay's line.
struct OverlayMerger {
    let problems: DiagnosticCollector

    func merge(_ overlay: OverlayLayer, onto base: Workflow) -> Workflow {
        var workflow = base
        if let name = overlay.name { workflow.name = name }
        if let description = overlay.description { workflow.description = description }
        workflow.inputs = replacingByName(base.inputs, with: overlay.inputs, name: \.name)
        workflow.secrets = replacingByName(base.secrets, with: overlay.secrets, name: \.name)
        workflow.pools.merge(overlay.pools) { _, new in new }
        if let inventory = overlay.inventory { workflow.inventory = inventory }

        let baseIDs = Set(base.steps.map(\.id))
        var added: [String: SourceLocation] = [:]
        var toDisable = overlay.disable
        var befores: [(newStep: String, target: String, at: SourceLocation)] = []
        for entry in overlay.steps {
            let id = entry.step.id
            let here = entry.step.fieldLocations["id"] ?? entry.step.location ?? SourceLocation(file: overlay.file, line: 1, column: 1)
            if let first = added[id] {
                problems.error(
                    "step id '\(id)' is added twice in this overlay", at: here,
                    hint: "step ids must be unique; the first is at line \(first.line)")
                continue
            }
            if entry.disabled {
                toDisable.append((id, entry.step.fieldLocations["disabled"] ?? here))
                continue
            }
            if let index = workflow.steps.firstIndex(where: { $0.id == id }), baseIDs.contains(id) {
                workflow.steps[index] = change(workflow.steps[index], with: entry)
            } else if entry.keys.contains("type") {
                workflow.steps.append(entry.step)
                added[id] = here
            } else {
                let known = base.steps.map(\.id)
                problems.error(
                    "step '\(id)' is not a step of the extended workflow, and as a new step it needs a 'type'", at: here,
                    hint: ReferenceChecks.hint(
                        id, known, orElse: "to change a step of the base, use its id; to add a step, give its `type:`"))
                continue
            }
            for (target, location) in entry.before { befores.append((id, target, location)) }
        }
        for (newStep, target, location) in befores {
            guard let index = workflow.steps.firstIndex(where: { $0.id == target }) else {
                problems.error(
                    "step '\(newStep)' should run before '\(target)', which is not a step", at: location,
                    hint: ReferenceChecks.hint(
                        target, workflow.steps.map(\.id), orElse: "`before:` lists ids of steps that must wait for this one"))
                continue
            }
            var step = workflow.steps[index]
            guard !step.needs.contains(newStep) else { continue }
            step.fieldLocations["needs[\(step.needs.count)]"] = location
            step.needs.append(newStep)
            workflow.steps[index] = step
        }
        disable(toDisable, in: &workflow, file: overlay.file)
        return workflow
    }

    /// A base step with the fields an overlay entry writes: `with` merged over the base's, every
    /// other field written replaced.
    private func change(_ base: Step, with entry: StepEntry) -> Step {
        var step = base
        let new = entry.step
        if entry.keys.contains("type"), new.type != base.type {
            problems.error(
                "step '\(base.id)' is a '\(base.type)' step in \(Self.fileName(base.location)); an overlay cannot change its type to '\(new.type)'",
                at: new.fieldLocations["type"] ?? new.location,
                hint: "disable it (`disabled: true`) and add a step with a new id and the type you want")
            return base
        }
        for key in entry.keys {
            switch key {
            case "id", "type", "before", "disabled": continue
            case "description": step.description = new.description
            case "needs":
                step.needs = new.needs
                for name in step.fieldLocations.keys where name.hasPrefix("needs[") { step.fieldLocations[name] = nil }
                for (name, location) in new.fieldLocations where name.hasPrefix("needs[") { step.fieldLocations[name] = location }
            case "on":
                step.on = new.on
                for name in step.fieldLocations.keys where name.hasPrefix("on[") { step.fieldLocations[name] = nil }
                for (name, location) in new.fieldLocations where name.hasPrefix("on[") { step.fieldLocations[name] = location }
            case "with": step.with = Self.merged(base.with, new.with)
            case "when": step.when = new.when
            case "unless": step.unless = new.unless
            case "retries": step.retries = new.retries
            case "timeout": step.timeout = new.timeout
            case "outputs": step.outputs = new.outputs
            case "pool": step.pool = new.pool
            case "serial": step.serial = new.serial
            case "host_concurrency": step.hostConcurrency = new.hostConcurrency
            case "any_errors_fatal": step.anyErrorsFatal = new.anyErrorsFatal
            default: continue
            }
            step.fieldLocations[key] = new.fieldLocations[key]
        }
        if let location = new.location { step.changes.append(location) }
        return step
    }

    /// `overlay` over `base`: maps merge key by key (recursively), anything else is replaced.
    static func merged(_ base: ParameterNode, _ overlay: ParameterNode) -> ParameterNode {
        guard case .map(var entries, let location) = base, case .map(let changes, _) = overlay else { return overlay }
        for (key, value) in changes {
            entries[key] = entries[key].map { merged($0, value) } ?? value
        }
        return .map(entries, location)
    }

    /// Removes disabled steps; a step that needed one now needs what the disabled step needed.
    private func disable(_ requests: [(String, SourceLocation)], in workflow: inout Workflow, file: String) {
        var disabled: [String: Step] = [:]
        for (id, location) in requests {
            guard let step = workflow.step(id) else {
                if workflow.disabledSteps[id] == nil {
                    problems.error(
                        "cannot disable '\(id)': it is not a step of the extended workflow", at: location,
                        hint: ReferenceChecks.hint(id, workflow.steps.map(\.id), orElse: "list ids of the base's steps"))
                }
                continue
            }
            disabled[id] = step
            workflow.disabledSteps[id] = location
        }
        guard !disabled.isEmpty else { return }
        func replacement(_ id: String, seen: Set<String>) -> [String] {
            guard let step = disabled[id] else { return [id] }
            guard !seen.contains(id) else { return [] }
            return step.needs.flatMap { replacement($0, seen: seen.union([id])) }
        }
        workflow.steps.removeAll { disabled[$0.id] != nil }
        for index in workflow.steps.indices {
            var step = workflow.steps[index]
            guard step.needs.contains(where: { disabled[$0] != nil }) else { continue }
            var needs: [String] = []
            var locations: [String: SourceLocation] = [:]
            for (i, name) in step.needs.enumerated() {
                for replaced in replacement(name, seen: []) where !needs.contains(replaced) {
                    locations["needs[\(needs.count)]"] = step.fieldLocations["needs[\(i)]"]
                    needs.append(replaced)
                }
            }
            for name in step.fieldLocations.keys where name.hasPrefix("needs[") { step.fieldLocations[name] = nil }
            step.fieldLocations.merge(locations) { _, new in new }
            step.needs = needs
            workflow.steps[index] = step
        }
    }

    private func replacingByName<T>(_ base: [T], with overlay: [T], name: (T) -> String) -> [T] {
        var result = base
        for item in overlay {
            if let index = result.firstIndex(where: { name($0) == name(item) }) { result[index] = item } else { result.append(item) }
        }
        return result
    }

    static func fileName(_ location: SourceLocation?) -> String {
        location.map { ($0.file as NSString).lastPathComponent } ?? "the base"
    }
}
