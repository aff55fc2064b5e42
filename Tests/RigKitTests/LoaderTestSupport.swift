import Foundation
import OrderedCollections
import RigKit
import RigModel

/// A stand-in for the engine's `shell` type with the same parameters.
struct FakeShell: StepType {
    var name = "shell"
    var summary = "Runs a bash command."
    var schema = ParameterSchema([
        .init("run", .script, required: true, description: "the command or script"),
        .init("env", .map(.string), description: "environment variables"),
        .init("cwd", .path, description: "working directory"),
        .init("shell", .string, description: "another interpreter"),
    ])
    func plan(_ invocation: StepInvocation) throws -> TaskPlan { TaskPlan(Command(invocation.string("run") ?? "")) }
}

/// A join point without parameters, like `noop` and `group`.
struct FakeNoop: StepType {
    var name = "noop"
    var summary = "Does nothing."
    var schema = ParameterSchema.empty
    func plan(_ invocation: StepInvocation) throws -> TaskPlan { TaskPlan(actions: []) }
}

/// `wait`'s parameters, for documentation examples.
struct FakeWait: StepType {
    var name = "wait"
    var summary = "Polls a command until it succeeds."
    var schema = ParameterSchema([
        .init("until", .script, required: true, description: "the command to poll"),
        .init("interval", .duration, default: "2s", description: "time between attempts"),
        .init("timeout", .duration, default: "5m", description: "give up after"),
    ])
    func plan(_ invocation: StepInvocation) throws -> TaskPlan { TaskPlan(Command(invocation.string("until") ?? "")) }
}

/// One parameter of every kind, and a cross-parameter rule in `validate`.
struct FakeKinds: StepType {
    var name = "fake.kinds"
    var summary = "Parameters of every kind."
    var schema = ParameterSchema([
        .init("count", .int, description: "a number"),
        .init("enabled", .bool, default: "false", description: "a flag"),
        .init("port", .port, default: "22", description: "a port"),
        .init("address", .ip, description: "an address"),
        .init("network", .cidr, description: "a range"),
        .init("wait", .duration, description: "a duration"),
        .init("mode", .oneOf(["fast", "safe"]), description: "a choice"),
        .init("packages", .list(.string), default: "", description: "a list"),
        .init("labels", .map(.string), description: "a map"),
        .init(
            "volume",
            .object(
                ParameterSchema([
                    .init("path", .path, required: true, description: "where"),
                    .init("size", .int, default: "10", description: "gigabytes"),
                ])), description: "an object"),
        .init("token", .string, description: "a secret", secret: true),
    ])
    func validate(_ step: Step, context: ValidationContext) -> [Diagnostic] {
        guard let mode = step.with["mode"].flatMap(context.render), mode == .string("fast"),
            let wait = step.with["wait"].flatMap(context.render), wait != .null
        else { return [] }
        return [.error("step '\(step.id)': 'wait' cannot be used with mode fast", at: step.with["wait"]?.location)]
    }
    func plan(_ invocation: StepInvocation) throws -> TaskPlan { TaskPlan(actions: []) }
}

func fakeRegistry() -> StepTypeRegistry {
    var registry = StepTypeRegistry()
    registry.register(FakeShell())
    registry.register(FakeNoop())
    registry.register(FakeNoop(name: "group"))
    registry.register(FakeWait())
    registry.register(FakeKinds())
    registry.register(FactsStep())
    return registry
}

/// A temporary folder, removed when the value is released.
final class TemporaryFolder {
    let path: String

    init() {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("rig-loader-\(UUID().uuidString)").path
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    @discardableResult
    func write(_ name: String, _ text: String, mode: Int = 0o644) -> String {
        let file = (path as NSString).appendingPathComponent(name)
        try! FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: file, contents: Data(text.utf8), attributes: [.posixPermissions: mode])
        return file
    }
}

/// Loads `yaml` as `w.yaml` in a fresh folder; diagnostics name the file `w.yaml` via the
/// folder's path, so tests compare `location.line`/`column`.
func loadWorkflow(_ yaml: String, files: [String: String] = [:], inventory: String? = nil) throws(ValidationFailure) -> Workflow {
    let folder = TemporaryFolder()
    for (name, text) in files { folder.write(name, text) }
    let path = folder.write("w.yaml", yaml)
    return try WorkflowLoader(registry: fakeRegistry()).load(workflowAt: path, inventoryAt: inventory.map { folder.write("inv.yaml", $0) })
}

/// The diagnostics loading `yaml` reports (empty when it loads).
func loadProblems(_ yaml: String, files: [String: String] = [:]) -> [Diagnostic] {
    do {
        _ = try loadWorkflow(yaml, files: files)
        return []
    } catch {
        return error.diagnostics
    }
}

/// Loads and validates; returns the validator's diagnostics (loading must succeed).
func validationProblems(_ yaml: String, inputs: [String: Value]? = nil) throws -> [Diagnostic] {
    let workflow = try loadWorkflow(yaml)
    return Validator(registry: fakeRegistry()).validate(
        workflow,
        inputs: inputs.map { dict in
            OrderedDictionary(uniqueKeysWithValues: dict.sorted { $0.key < $1.key })
        })
}

extension Diagnostic {
    /// `line:column`, for compact expectations.
    var position: String { location.map { "\($0.line):\($0.column)" } ?? "-" }
}
