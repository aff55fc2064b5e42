import Foundation
import RigModel
import Yams

/// Reads a workflow file (and its inventory) into a `Workflow`, reporting every structural
/// problem at once with its file:line:column. Semantic checks (references, cycles, schemas)
/// are the `Validator`'s.
public struct WorkflowLoader {
    public static let workflowKeys = ["name", "description", "extends", "disable", "inputs", "secrets", "hosts", "pools", "steps"]

    public let registry: StepTypeRegistry
    /// Whether files the inventory names (ssh_config) must exist here. Off when loading a
    /// recorded revision away from the machine it ran on, to describe it rather than run it.
    public var checksHostFiles: Bool

    public init(registry: StepTypeRegistry, checksHostFiles: Bool = true) {
        self.registry = registry
        self.checksHostFiles = checksHostFiles
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
        guard var workflow = readLayers(path, chain: [], hostsReplaced: inventoryPath != nil, problems: problems) else { return nil }
        if let inventoryPath {
            workflow.inventory = readInventory(at: inventoryPath, referencedFrom: nil, problems: problems)
            workflow.sourceFiles.append(inventoryPath)
        }
        return workflow
    }

    /// Reads `path`; when it `extends:` another workflow, reads that first (recursively) and
    /// merges this file over it. `chain` holds the files that extend this one, to catch loops.
    /// With `hostsReplaced` (`--inventory`, or an overlay's own `hosts:`), `hosts:` is not read.
    private func readLayers(
        _ path: String, chain: [(file: String, at: SourceLocation)], hostsReplaced: Bool, problems: DiagnosticCollector
    ) -> Workflow? {
        var diagnostics: [Diagnostic] = []
        defer { problems.append(contentsOf: diagnostics) }
        guard let file = YAMLFile.read(path, what: "workflow", diagnostics: &diagnostics, at: chain.last?.at) else { return nil }
        var composing: [Diagnostic] = []
        guard let root = file.compose(diagnostics: &composing) else {
            diagnostics += composing
            return nil
        }
        // Until the file shows a workflow's shape, nothing written in it is quoted: `extends:` or
        // a command line may name any readable file (/etc/shadow).
        if let notAWorkflow = Self.notAWorkflow(root, path: path, reference: chain.last?.at) {
            diagnostics.append(notAWorkflow)
            return nil
        }
        diagnostics += composing
        let reader = NodeReader(file: file, problems: problems, checksHostFiles: checksHostFiles)
        guard
            let fields = reader.mapping(
                root, "a workflow file", hint: "a workflow is a map with 'name', 'inputs', 'hosts' and 'steps'; see docs/workflow-format.md"
            )
        else { return nil }
        reader.checkKeys(fields, allowed: Self.workflowKeys, in: "a workflow")

        if let extendsField = fields.first(where: { $0.key == "extends" }) {
            return readOverlay(
                file, fields: fields, extends: extendsField, reader: reader, chain: chain,
                hostsReplaced: hostsReplaced, problems: problems)
        }
        if let disable = fields.first(where: { $0.key == "disable" }) {
            reader.error(
                "'disable' is only allowed in a workflow that extends another", at: disable.keyNode,
                hint: "add `extends: FILE` naming the workflow whose steps you disable, or remove the steps here")
        }

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
            problems.error(
                "the workflow has no 'steps'", at: reader.location(root), hint: "add a `steps:` list; see docs/workflow-format.md")
        }
        if let hostsNode, !hostsReplaced, let inventory = hosts(hostsNode, reader: reader, file: path, problems: problems) {
            workflow.inventory = inventory.inventory
            workflow.sourceFiles += inventory.file.map { [$0] } ?? []
        }
        return workflow
    }

    /// An error naming no content when `root` is not a map with at least one workflow key.
    private static func notAWorkflow(_ root: Node, path: String, reference: SourceLocation?) -> Diagnostic? {
        let hint =
            reference == nil
            ? "give the path of a workflow file: a map with 'name', 'inputs', 'hosts' and 'steps'; see docs/workflow-format.md"
            : "`extends:` names the workflow this file builds on: a map with 'name', 'inputs', 'hosts' and 'steps'; see docs/workflow-format.md"
        let shape: String
        switch root {
        case .mapping(let mapping):
            if mapping.keys.contains(where: { $0.scalar.map { workflowKeys.contains($0.string) } ?? false }) { return nil }
            shape = "a map without any workflow key (" + workflowKeys.joined(separator: ", ") + ")"
        case .sequence: shape = "a list"
        case .scalar: shape = "a single value"
        case .alias: shape = "an alias"
        }
        let at = reference ?? SourceLocation(file: path, line: 1, column: 1)
        guard reference != nil || shape.hasPrefix("a map") else {
            return .error("a workflow file must be a map, not \(shape)", at: at, hint: hint)
        }
        let name = reference == nil ? "'\(path)'" : "'\(path)' (extends)"
        return .error("\(name) is not a workflow: it is \(shape)", at: at, hint: hint)
    }

    private func readOverlay(
        _ file: YAMLFile, fields: [MappingEntry], extends extendsField: MappingEntry, reader: NodeReader,
        chain: [(file: String, at: SourceLocation)], hostsReplaced: Bool, problems: DiagnosticCollector
    ) -> Workflow? {
        let path = file.path
        guard let reference = reader.string(extendsField.value, "extends") else { return nil }
        let here = reader.location(extendsField.value)
        guard let basePath = ExtendsResolver.resolve(reference, from: path) else {
            problems.error(
                "'\(reference)' (extends) is neither a file relative to this one nor a workflow in a 'workflows' folder", at: here,
                hint:
                    "write a path relative to this file (`extends: ../workflows/tator-multinode.yaml`) or the name of a file in the `workflows/` folder beside this file or above it; see docs/workflow-format.md"
            )
            return nil
        }
        let links = chain + [(path, here)]
        if let loopStart = links.firstIndex(where: { ExtendsResolver.same($0.file, basePath) }) {
            let names = (links[loopStart...].map(\.file) + [basePath]).map { ($0 as NSString).lastPathComponent }
            problems.error(
                "workflows extend each other in a loop: \(names.joined(separator: " -> "))", at: here,
                hint: "each arrow means 'extends'; remove the `extends:` that closes the loop")
            return nil
        }
        // An overlay's own `hosts:` replaces the base's, so the base's inventory is never read.
        let overlayHasHosts = fields.contains { $0.key == "hosts" }
        guard let base = readLayers(basePath, chain: links, hostsReplaced: hostsReplaced || overlayHasHosts, problems: problems)
        else { return nil }

        var layer = OverlayLayer(file: path)
        var inventoryFile: String?
        for field in fields {
            switch field.key {
            case "name": layer.name = reader.string(field.value, "name")
            case "description": layer.description = reader.string(field.value, "description")
            case "inputs": layer.inputs = reader.inputs(field.value)
            case "secrets": layer.secrets = reader.secrets(field.value)
            case "pools": layer.pools = reader.pools(field.value)
            case "steps": layer.steps = reader.stepEntries(field.value, overlay: true)
            case "disable": layer.disable = reader.names(field.value, "disable") ?? []
            case "hosts" where !hostsReplaced:
                if let inventory = hosts(field.value, reader: reader, file: path, problems: problems) {
                    layer.inventory = inventory.inventory
                    inventoryFile = inventory.file
                }
            default: break
            }
        }
        var merged = OverlayMerger(problems: problems).merge(layer, onto: base)
        merged.sourceFiles.append(path)
        if let inventoryFile { merged.sourceFiles.append(inventoryFile) }
        return merged
    }

    /// `hosts:` inline, or the path of an inventory file.
    private func hosts(_ node: Node, reader: NodeReader, file path: String, problems: DiagnosticCollector) -> (
        inventory: Inventory, file: String?
    )? {
        if case .scalar(let s) = node, case .string(let relative) = NodeReader.value(of: s) {
            let inventoryFile = Self.resolve(relative, relativeTo: path)
            return (readInventory(at: inventoryFile, referencedFrom: reader.location(node), problems: problems), inventoryFile)
        }
        return (Inventory(hosts: reader.inventoryHosts(node)), nil)
    }

    private func readInventory(at path: String, referencedFrom reference: SourceLocation?, problems: DiagnosticCollector) -> Inventory {
        var diagnostics: [Diagnostic] = []
        defer { problems.append(contentsOf: diagnostics) }
        guard let file = YAMLFile.read(path, what: "inventory", diagnostics: &diagnostics, at: reference) else {
            return Inventory(file: path)
        }
        var composing: [Diagnostic] = []
        guard let root = file.compose(diagnostics: &composing) else {
            diagnostics += composing
            return Inventory(file: path)
        }
        if let notAnInventory = Self.notAnInventory(root, path: path, reference: reference) {
            diagnostics.append(notAnInventory)
            return Inventory(file: path)
        }
        diagnostics += composing
        return Inventory(
            hosts: NodeReader(file: file, problems: problems, checksHostFiles: checksHostFiles).inventoryHosts(root), file: path)
    }

    /// An error naming no content when `root` is neither a list holding a map nor a map with
    /// `hosts` or `defaults`: `hosts:` or `--inventory` may name any readable file.
    private static func notAnInventory(_ root: Node, path: String, reference: SourceLocation?) -> Diagnostic? {
        let shape: String
        switch root {
        case .mapping(let mapping):
            if mapping.keys.contains(where: { ["hosts", "defaults"].contains($0.scalar?.string) }) { return nil }
            shape = "a map without 'hosts' or 'defaults'"
        case .sequence(let items):
            if items.contains(where: { $0.mapping != nil }) { return nil }
            shape = "a list without any host map"
        case .scalar: shape = "a single value"
        case .alias: shape = "an alias"
        }
        return .error(
            "'\(path)' is not an inventory: it is \(shape)", at: reference ?? SourceLocation(file: path, line: 1, column: 1),
            hint:
                "an inventory is a list of hosts, or a map with `defaults:` and `hosts:`: `- {name: master, address: 192.168.1.10}`; see docs/inventory.md"
        )
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
