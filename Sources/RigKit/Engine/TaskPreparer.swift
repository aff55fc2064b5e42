import OrderedCollections
import RigModel

/// A task made ready to run: parameters rendered with the outputs known when it starts.
public struct PreparedTask: Sendable {
    public var invocation: StepInvocation
    /// The step's `when` condition; false skips the task as `.skipped(.conditionFalse)`.
    public var runs: Bool
    /// The step's `unless` guard: when it exits 0 the task is `.okByGuard` and its plan is not run.
    public var guardCommand: Command?
    /// Identifies what the task would do, so a resumed run can tell whether it changed.
    public var fingerprint: String?
    /// Secret strings to scrub from the task's log.
    public var redactions: [String]

    public init(
        invocation: StepInvocation, runs: Bool = true, guardCommand: Command? = nil,
        fingerprint: String? = nil, redactions: [String] = []
    ) {
        self.invocation = invocation
        self.runs = runs
        self.guardCommand = guardCommand
        self.fingerprint = fingerprint
        self.redactions = redactions
    }
}

/// Turns a task into a `PreparedTask` right before it starts. The expression renderer plugs in
/// here; the executor knows nothing of expressions.
public protocol TaskPreparer: Sendable {
    /// Called on the task's own thread, once per attempt.
    func prepare(_ task: TaskID, step: Step, host: InventoryHost, outputs: StepOutputs) throws -> PreparedTask
}

/// A preparer for workflows without expressions (tests, the benchmark): parameters are taken from
/// literal values, schema defaults filled in; any `${{ }}` is an error.
public struct LiteralTaskPreparer: TaskPreparer {
    public enum Failure: Error, CustomStringConvertible {
        case expression(step: String, source: String)

        public var description: String {
            switch self {
            case .expression(let step, let source):
                return "step '\(step)' uses the expression '\(source)', which the literal preparer cannot evaluate"
            }
        }
    }

    public var inventory: Inventory
    public var registry: StepTypeRegistry

    public init(inventory: Inventory = Inventory(), registry: StepTypeRegistry = .builtIns) {
        self.inventory = inventory
        self.registry = registry
    }

    public func prepare(_ task: TaskID, step: Step, host: InventoryHost, outputs: StepOutputs) throws -> PreparedTask {
        var parameters: OrderedDictionary<String, Value> = [:]
        if case .map(let entries, _) = step.with {
            for (key, node) in entries { parameters[key] = try literal(node, step: step) }
        }
        if let schema = registry.type(named: step.type)?.schema {
            for parameter in schema.parameters where parameters[parameter.name] == nil {
                if let text = parameter.defaultValue { parameters[parameter.name] = Self.defaultValue(text, parameter.kind) }
            }
        }
        let runs = try step.when.map { try text($0, step: step) }.map { Value.string($0).isTruthy } ?? true
        let guardCommand = try step.unless.map { Command(try text($0, step: step), summary: "guard") }
        let invocation = StepInvocation(
            step: step, task: task, host: host, parameters: parameters, inventory: inventory, mode: .execute)
        return PreparedTask(invocation: invocation, runs: runs, guardCommand: guardCommand)
    }

    private func literal(_ node: ParameterNode, step: Step) throws -> Value {
        switch node {
        case .literal(let value, _): return value
        case .template(let template): return .string(try text(template, step: step))
        case .list(let items, _): return .list(try items.map { try literal($0, step: step) })
        case .map(let entries, _):
            var values: OrderedDictionary<String, Value> = [:]
            for (key, child) in entries { values[key] = try literal(child, step: step) }
            return .map(values)
        }
    }

    private func text(_ template: Template, step: Step) throws -> String {
        guard template.expressions.isEmpty else { throw Failure.expression(step: step.id, source: template.source) }
        return template.source
    }

    static func defaultValue(_ text: String, _ kind: ParameterSchema.Kind) -> Value {
        switch kind {
        case .int, .port: return Int(text).map(Value.int) ?? .string(text)
        case .bool: return Bool(text).map(Value.bool) ?? .string(text)
        default: return .string(text)
        }
    }
}
