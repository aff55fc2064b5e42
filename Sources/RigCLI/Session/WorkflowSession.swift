import Foundation
import OrderedCollections
import RigKit
import RigModel

/// A workflow loaded, completed with its inventory and inputs, and validated: what every
/// command that reads a workflow starts from.
struct WorkflowSession {
    var workflow: Workflow
    var inputs: OrderedDictionary<String, Value>
    var registry: StepTypeRegistry
    var warnings: [Diagnostic]
    /// The workflow file's absolute path.
    var path: String

    /// Loads and validates; throws `ValidationFailure` with every problem found.
    static func load(_ options: WorkflowOptions, registry: StepTypeRegistry = Toolbox.stepTypes) throws -> WorkflowSession {
        let path = absolutePath(options.file)
        guard FileManager.default.fileExists(atPath: path) else {
            throw CLIError.fileNotFound(options.file, what: "workflow file")
        }
        if let inventory = options.inventory, !FileManager.default.fileExists(atPath: absolutePath(inventory)) {
            throw CLIError.fileNotFound(inventory, what: "inventory file (--inventory)")
        }
        for file in options.inputFiles where !FileManager.default.fileExists(atPath: absolutePath(file)) {
            throw CLIError.fileNotFound(file, what: "inputs file (--inputs)")
        }
        let loader = WorkflowLoader(registry: registry)
        var workflow = try loader.load(workflowAt: path, inventoryAt: options.inventory.map(absolutePath))
        let plugins = PluginRegistrar(locator: PluginLocator(workflow: workflow)).register(for: workflow, into: registry)
        let registry = plugins.registry
        workflow.sourceFiles += plugins.localExecutables
        // Input problems and the workflow's own problems are reported together, in file order.
        var inputs: OrderedDictionary<String, Value>?
        var diagnostics = plugins.diagnostics
        do {
            inputs = try InputResolver.resolve(
                workflow, assignments: options.inputAssignments, files: options.inputFiles.map(absolutePath))
        } catch {
            diagnostics += error.diagnostics
        }
        diagnostics += Validator(registry: registry).validate(workflow, inputs: inputs)
        guard let inputs, !diagnostics.contains(where: { $0.severity == .error }) else {
            throw ValidationFailure(diagnostics.sortedByLocation())
        }
        return WorkflowSession(workflow: workflow, inputs: inputs, registry: registry, warnings: diagnostics, path: path)
    }

    /// Secret values for a run, from the environment, a secrets file or a prompt on a terminal.
    func secrets(_ options: SecretOptions) throws -> SecretValues {
        let prompt: ((String) -> String?)? = Terminal.isInteractive ? { Terminal.readSecret(prompt: $0) } : nil
        return try SecretResolver.resolve(
            workflow, environment: ProcessInfo.processInfo.environment,
            secretsFile: options.secrets.map(absolutePath), prompt: prompt)
    }

    func hosts(for step: Step) -> [InventoryHost] { TargetResolver.hosts(for: step, in: workflow.inventory) }

    var directory: String { (path as NSString).deletingLastPathComponent }

    /// rig's state beside the workflow: runs, logs, the revision store.
    var stateDirectory: String { (directory as NSString).appendingPathComponent(".rig") }
}

func absolutePath(_ path: String) -> String {
    let expanded = (path as NSString).expandingTildeInPath
    if expanded.hasPrefix("/") { return (expanded as NSString).standardizingPath }
    return ((FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(expanded) as NSString).standardizingPath
}

extension WorkflowSession {
    /// The engine's task graph of the whole workflow.
    func taskGraph() throws -> TaskGraph { try TaskGraph(workflow: workflow, hostsForStep: hosts(for:)) }

    /// Every task's definition and fingerprint, for the journal and resume.
    func runDefinitions() throws -> RunDefinitions {
        try RunDefinitions(workflow: workflow, inputs: inputs, registry: registry, graph: try taskGraph())
    }
}
