import Foundation
import RigKit
import RigModel
import Testing
import Yams

/// Every ```yaml block of the format docs (workflow-format.md, inventory.md), and
/// workflows/example.yaml, must load and validate with generic step types. RigCLITests checks
/// every doc with the step types the executable ships (Tator, plugins).
/// A block starting with `# file: NAME` is a file other blocks refer to (an inventory): it is
/// written to the test folder first and must be valid YAML.
@Suite struct LoaderDocsExamples {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .path

    static func yamlBlocks(in markdown: String) -> [String] {
        var blocks: [String] = []
        var current: [String]?
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            if current == nil, line.trimmingCharacters(in: .whitespaces) == "```yaml" {
                current = []
            } else if current != nil, line.trimmingCharacters(in: .whitespaces) == "```" {
                blocks.append(current!.joined(separator: "\n") + "\n")
                current = nil
            } else {
                current?.append(String(line))
            }
        }
        return blocks
    }

    static var documents: [String] {
        let docs = root + "/docs"
        return ["inventory.md", "workflow-format.md"].map { docs + "/" + $0 }
    }

    @Test func theDocsHaveExamples() {
        #expect(Self.documents.map { ($0 as NSString).lastPathComponent }.contains("workflow-format.md"))
        #expect(Self.documents.map { ($0 as NSString).lastPathComponent }.contains("inventory.md"))
    }

    @Test(arguments: documents.map { ($0 as NSString).lastPathComponent })
    func everyYAMLExampleLoadsAndValidates(_ name: String) throws {
        let text = try String(contentsOfFile: Self.root + "/docs/" + name, encoding: .utf8)
        let blocks = Self.yamlBlocks(in: text)
        let folder = TemporaryFolder()
        let (files, workflows) = (blocks.filter { $0.hasPrefix("# file: ") }, blocks.filter { !$0.hasPrefix("# file: ") })
        for block in files {
            let fileName = String(block.dropFirst("# file: ".count).prefix { $0 != "\n" })
            #expect(throws: Never.self, "\(name): \(fileName)") { _ = try Yams.compose(yaml: block) }
            folder.write(fileName, block)
        }
        for (i, block) in workflows.enumerated() {
            let path = folder.write("example-\(i).yaml", block)
            try expectValid(path, label: "\(name), YAML example \(i + 1 + files.count)")
        }
    }

    @Test func theExampleWorkflowLoadsAndValidates() throws {
        try expectValid(Self.root + "/workflows/example.yaml", label: "workflows/example.yaml")
        let workflow = try WorkflowLoader(registry: fakeRegistry()).load(workflowAt: Self.root + "/workflows/example.yaml")
        let used = Set(workflow.steps.map(\.type))
        #expect(used == ["shell"], "the example uses local shell steps only")
        #expect(workflow.steps.allSatisfy { $0.on.isEmpty })
        #expect(workflow.steps.contains { $0.when != nil } && workflow.steps.contains { $0.unless != nil })
        #expect(workflow.steps.contains { $0.retries.count > 0 } && workflow.steps.contains { $0.timeout != nil })
    }

    @Test func theExampleGreetingReachesTheCommandLiterally() throws {
        let workflow = try WorkflowLoader(registry: fakeRegistry()).load(workflowAt: Self.root + "/workflows/example.yaml")
        let inputs = try InputResolver.resolve(workflow, assignments: [], files: [])
        let greet = try #require(workflow.step("greet"))
        let values = try ParameterBinder.bind(
            greet, schema: FakeShell().schema, in: RenderContext(workflow: workflow, inputs: inputs, mode: .execute))
        let script = try #require(values["run"]?.stringValue)
        #expect(script.hasPrefix(#"printf '%s\n' 'It'\''s "rig" -- $(not a command) `nor this`' > /tmp/rig-example/greeting.txt"#))
    }

    private func expectValid(_ path: String, label: String) throws {
        let registry = fakeRegistry()
        let workflow: Workflow
        do {
            workflow = try WorkflowLoader(registry: registry).load(workflowAt: path)
        } catch {
            Issue.record("\(label) does not load:\n\(error)")
            return
        }
        let problems = Validator(registry: registry).validate(workflow, inputs: nil)
        #expect(problems.isEmpty, "\(label):\n\(problems.map(\.description).joined(separator: "\n"))")
    }
}
