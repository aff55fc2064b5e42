import Foundation
import RigKit
import RigModel
import Testing

@testable import RigCLI

/// Every ```yaml block in README.md and docs/**/*.md that is a workflow (it has `steps:`) must
/// load and validate with the step types the `rig` executable ships. A block starting with
/// `# file: NAME` is a file the others refer to (an inventory, an extended workflow).
@Suite struct DocsExamplesTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var documents: [String] {
        var paths = ["README.md"]
        let docs = root.appendingPathComponent("docs")
        if let walker = FileManager.default.enumerator(atPath: docs.path) {
            for case let path as String in walker where path.hasSuffix(".md") && !path.contains(".build") {
                paths.append("docs/" + path)
            }
        }
        return paths.sorted()
    }

    static func yamlBlocks(in markdown: String) -> [(line: Int, text: String)] {
        var blocks: [(Int, String)] = []
        var current: [String]?
        var start = 0
        for (index, line) in markdown.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if current == nil, trimmed == "```yaml" {
                current = []
                start = index + 2
            } else if current != nil, trimmed == "```" {
                blocks.append((start, current!.joined(separator: "\n") + "\n"))
                current = nil
            } else {
                current?.append(String(line))
            }
        }
        return blocks
    }

    /// Load and validation errors, except missing required inputs (examples need not give them).
    static func problems(inWorkflowAt path: String) -> [String] {
        let workflow: Workflow
        do {
            workflow = try WorkflowLoader(registry: .standard).load(workflowAt: path)
        } catch {
            return error.diagnostics.map(\.description)
        }
        // Plugin types resolve as in `rig`, with the shipped example plugins in the search path.
        let plugins = PluginRegistrar(
            locator: PluginLocator(
                folders: PluginLocator(workflow: workflow).folders + [root.appendingPathComponent("docs/examples/plugins").path],
                searchPath: [])
        ).register(for: workflow, into: .standard)
        return (plugins.diagnostics + Validator(registry: plugins.registry).validate(workflow, inputs: nil))
            .filter { $0.severity == .error && !$0.message.contains("required input") }
            .map(\.description)
    }

    @Test(arguments: documents)
    func everyWorkflowExampleValidates(_ document: String) throws {
        let text = try String(contentsOf: Self.root.appendingPathComponent(document), encoding: .utf8)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rig-docs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        // Examples may extend the shipped workflows by name or refer to files beside them.
        for name in (try? FileManager.default.contentsOfDirectory(atPath: Self.root.appendingPathComponent("workflows").path)) ?? [] {
            try? FileManager.default.copyItem(
                at: Self.root.appendingPathComponent("workflows/\(name)"), to: folder.appendingPathComponent(name))
        }
        let blocks = Self.yamlBlocks(in: text)
        for (_, block) in blocks where block.hasPrefix("# file: ") {
            let name = String(block.dropFirst("# file: ".count).prefix { $0 != "\n" })
            try block.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        for (line, block) in blocks where !block.hasPrefix("# file: ") && (block.hasPrefix("steps:") || block.contains("\nsteps:")) {
            let path = folder.appendingPathComponent("example-line-\(line).yaml").path
            try block.write(toFile: path, atomically: true, encoding: .utf8)
            let problems = Self.problems(inWorkflowAt: path)
            #expect(problems.isEmpty, "\(document):\(line): \(problems.joined(separator: "\n"))")
        }
    }
}
