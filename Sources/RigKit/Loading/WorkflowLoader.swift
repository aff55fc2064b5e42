import Foundation
import RigModel
import Yams

/// Reads a workflow file (and its inventory) into a `Workflow`, reporting every structural
/// problem at once with its file:line:column. Semantic checks (references, cycles, schemas)
/// are the `Validator`'s.
public struct WorkflowLoader {
    public static let workflowKeys = ["name", "description", "inputs", "secrets", "hosts", "pools", "steps"]

    public let registry: StepTypeRegistry

    public init(registry: StepTypeRegistry) {
        self.registry = registry
    }

    /// `inventoryPath` (from `--inventory FILE`) replaces the workflow's own `hosts:`.
    public func load(workflowAt path: String, inventoryAt inventoryPath: String? = nil) throws(ValidationFailure) -> Workflow {
        let problems = DiagnosticCollector()
        let workflow = read(path, inventoryPath: inventoryPath, problems: problems)
        if problems.hasErrors || workflow == nil {
            throw ValidationFailure(problems.diagnostics.sortedByLocation())
        }
        return workflow!
    }

    private func read(_ path: String, inventoryPath: String?, problems: DiagnosticCollector) -> Workflow? {
        var diagnostics: [Diagnostic] = []
        defer { problems.append(contentsOf: diagnostics) }
        guard let file = YAMLFile.read(path, what: "workflow", diagnostics: &diagnostics) else { return nil }
        guard let root = file.compose(diagnostics: &diagnostics) else { return nil }
        let reader = NodeReader(file: file, problems: problems)
        guard let fields = reader.mapping(root, "a workflow file", hint: "a workflow is a map with 'name', 'inputs', 'hosts' and 'steps'; see docs/workflow-format.md") else { return nil }
        reader.checkKeys(fields, allowed: Self.workflowKeys, in: "a workflow")

        var workflow = Workflow(name: Self.defaultName(path), sourceFiles: [path])
        var hostsNode: Node?
        for field in fields {
            switch field.key {
            case "name": workflow.name = reader.string(field.value, "name") ?? workflow.name
            case "description": workflow.description = reader.string(field.value, "description")
            case "inputs": workflow.inputs = reader.inputs(field.value)
            case "secrets": workflow.secrets = reader.secrets(field.value)
            case "pools": workflow.pools = reader.pools(field.value)
            case "steps": workflow.steps = reader.steps(field.value)
            case "hosts": hostsNode = field.value
            default: break
            }
        }
        if !fields.contains(where: { $0.key == "steps" }) {
            problems.error("the workflow has no 'steps'", at: reader.location(root), hint: "add a `steps:` list; see docs/workflow-format.md")
        }

        if let inventoryPath {
            workflow.inventory = readInventory(at: inventoryPath, referencedFrom: nil, problems: problems)
            workflow.sourceFiles.append(inventoryPath)
        } else if let hostsNode {
            if case .scalar(let s) = hostsNode, case .string(let relative) = NodeReader.value(of: s) {
                let inventoryFile = Self.resolve(relative, relativeTo: path)
                workflow.inventory = readInventory(at: inventoryFile, referencedFrom: reader.location(hostsNode), problems: problems)
                workflow.sourceFiles.append(inventoryFile)
            } else {
                workflow.inventory = Inventory(hosts: reader.inventoryHosts(hostsNode))
            }
        }
        return workflow
    }

    private func readInventory(at path: String, referencedFrom reference: SourceLocation?, problems: DiagnosticCollector) -> Inventory {
        var diagnostics: [Diagnostic] = []
        defer { problems.append(contentsOf: diagnostics) }
        guard let file = YAMLFile.read(path, what: "inventory", diagnostics: &diagnostics, at: reference),
              let root = file.compose(diagnostics: &diagnostics) else { return Inventory(file: path) }
        return Inventory(hosts: NodeReader(file: file, problems: problems).inventoryHosts(root), file: path)
    }

    /// A path written in a file, taken relative to that file's folder.
    static func resolve(_ path: String, relativeTo file: String) -> String {
        if path.hasPrefix("/") { return path }
        let folder = (file as NSString).deletingLastPathComponent
        return folder.isEmpty ? path : (folder as NSString).appendingPathComponent(path)
    }

    /// `deploy-tator` for `workflows/deploy-tator.yaml` when the file gives no `name`.
    static func defaultName(_ path: String) -> String {
        ((path as NSString).lastPathComponent as NSString).deletingPathExtension
    }
}
