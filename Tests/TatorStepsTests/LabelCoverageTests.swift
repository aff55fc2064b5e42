import RigKit
import RigModel
import Testing

@testable import TatorSteps

@Suite struct LabelCoverageTests {
    func node(_ name: String, gpu: String = "no", cpu: String = "yes", web: String = "yes", db: String = "no") -> LabelCoverage.Node {
        .init(name: name, labels: ["gpuWorker": gpu, "cpuWorker": cpu, "webServer": web, "dbServer": db])
    }

    @Test func acceptsTheExampleCluster() {
        let found = LabelCoverage.diagnostics([node("master", db: "yes"), node("worker1"), node("worker2", gpu: "yes", web: "no")])
        #expect(found.isEmpty)
    }

    @Test(arguments: ["webServer", "cpuWorker", "dbServer"])
    func failsWhenNoNodeCarriesARequiredLabel(label: String) {
        var nodes = [node("a", db: "yes"), node("b")]
        for i in nodes.indices { nodes[i].labels[label] = "no" }
        let errors = LabelCoverage.diagnostics(nodes).filter { $0.severity == .error }
        #expect(errors.count == 1)
        #expect(errors.first?.message.contains("no node has \(label)=yes") == true)
    }

    @Test func warnsWhenSeveralNodesAreDatabaseServers() {
        let found = LabelCoverage.diagnostics([node("a", db: "yes"), node("b", db: "yes")])
        #expect(found.count == 1)
        #expect(found.first?.severity == .warning)
        #expect(found.first?.message.contains("a, b") == true)
    }

    @Test func readsYAMLBooleansAsYesAndNoAndRejectsOtherValues() {
        #expect(LabelCoverage.isYes("true") && LabelCoverage.isYes("Yes") && !LabelCoverage.isYes("no") && !LabelCoverage.isYes(nil))
        #expect(LabelCoverage.normalized("true") == "yes" && LabelCoverage.normalized(nil) == "no")
        let found = LabelCoverage.diagnostics([node("a", cpu: "maybe", db: "true"), node("b", web: "false")])
        #expect(found.filter { $0.severity == .error }.map(\.message) == ["node a has cpuWorker=maybe; Tator's chart matches only \"yes\""])
    }

    @Test func warnsAboutMissingLabelsAndTreatsThemAsNo() {
        let found = LabelCoverage.diagnostics([.init(name: "a", labels: ["cpuWorker": "yes", "webServer": "yes", "dbServer": "yes"])])
        #expect(found.map(\.severity) == [.warning])
        #expect(found.first?.message.contains("no gpuWorker label") == true)
    }

    @Test func labelStepValidatesTheWorkflowsInventory() {
        var inventory = Fixtures.inventory
        inventory.hosts[0].labels["dbServer"] = "no"
        let workflow = Workflow(name: "t", inventory: inventory, steps: [Step(id: "label", type: "tator.label", on: ["master"])])
        let found = LabelStep().validate(workflow.steps[0], context: ValidationContext(workflow: workflow, render: { _ in nil }))
        #expect(found.contains { $0.severity == .error && $0.message.contains("dbServer=yes") })
    }
}
