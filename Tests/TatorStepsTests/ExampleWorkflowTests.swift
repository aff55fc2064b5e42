import Foundation
import OrderedCollections
import RigKit
import RigModel
import Testing

@testable import TatorSteps

/// The shipped workflow, inventory and site files through the real loader, validator and
/// parameter binder, as `rig plan workflows/tator-multinode.yaml --inventory ... --inputs ...` does.
@Suite struct ExampleWorkflowTests {
    static let folder = ReferenceFiles.repositoryRoot.appendingPathComponent("workflows").path

    static var registry: StepTypeRegistry {
        var registry = StepTypeRegistry()
        TatorSteps.register(into: &registry)
        return registry
    }

    static func load() throws -> Workflow {
        try WorkflowLoader(registry: registry).load(
            workflowAt: folder + "/tator-multinode.yaml",
            inventoryAt: folder + "/inventory.example.yaml")
    }

    static func inputs(_ workflow: Workflow, _ assignments: [String] = []) throws -> OrderedDictionary<String, Value> {
        try InputResolver.resolve(workflow, assignments: assignments, files: [folder + "/site.example.yaml"])
    }

    @Test func theExampleLoadsValidatesAndPlansEveryTaskWithoutSecrets() throws {
        let workflow = try Self.load()
        let inputs = try Self.inputs(workflow)
        let problems = Validator(registry: Self.registry).validate(workflow, inputs: inputs)
        #expect(problems.isEmpty, "\(problems.map(\.description).joined(separator: "\n"))")
        var tasks = 0
        for step in workflow.steps {
            let type = try #require(Self.registry.type(named: step.type))
            for host in TargetResolver.hosts(for: step, in: workflow.inventory) {
                let context = RenderContext(workflow: workflow, inputs: inputs, host: host, mode: .display)
                let parameters = try ParameterBinder.bind(step, schema: type.schema, in: context)
                let plan = try type.plan(
                    StepInvocation(
                        step: step, task: TaskID(step: step.id, host: host.name), host: host,
                        parameters: parameters, inventory: workflow.inventory, mode: .display))
                #expect(plan.check != nil || !plan.actions.isEmpty, "\(step.id)@\(host.name) plans nothing")
                tasks += 1
            }
        }
        // 3 preflight + 3 prerequisites + nfs-server, master-init, argo, nfs-provisioner + 2 joins + label,
        // checkout, values, chart-dependencies, duckdns, build.
        #expect(tasks == 18)
    }

    @Test func theDAGRunsIndependentStagesSideBySide() throws {
        let workflow = try Self.load()
        func needs(_ id: String) -> Set<String> { Set(workflow.step(id)?.needs ?? []) }
        #expect(needs("nfs-server") == ["prerequisites"] && needs("master-init") == ["prerequisites"])
        #expect(needs("join") == ["master-init"] && workflow.step("join")?.on == ["worker"])
        #expect(needs("nfs-provisioner") == ["master-init", "nfs-server"])
        #expect(needs("build") == ["label", "argo", "nfs-provisioner", "chart-dependencies", "duckdns"])
        #expect(needs("chart-dependencies") == ["values", "prerequisites"])
        #expect(workflow.step("prerequisites")?.on == ["all"])
        for name in [
            "domain", "lanCIDR", "dockerRegistry", "dockerUsername", "nfsServer", "metallbRangeStart", "metallbRangeStop",
            "loadBalancerIp", "dhcpRange", "profile", "tatorRepository", "tatorRef", "tatorSource",
        ] {
            #expect(workflow.input(name) != nil, "input \(name) missing")
        }
        #expect(workflow.secrets.map(\.name) == ["dockerPassword", "duckdnsToken"])
        #expect(workflow.secrets.allSatisfy { $0.optional })
    }

    @Test func aBadSiteIsRefusedAtLoadTimeWithTheInputToChange() throws {
        let workflow = try Self.load()
        let bad = try Self.inputs(
            workflow, ["loadBalancerIp=192.168.1.11", "dockerRegistry=localhost:5000", "dhcpRange=192.168.1.200-192.168.1.254"])
        let errors = Validator(registry: Self.registry).validate(workflow, inputs: bad).filter { $0.severity == .error }
        let text = errors.map(\.description).joined(separator: "\n")
        #expect(text.contains("address of node worker1"))
        #expect(text.contains("overlaps the router's DHCP pool"))
        #expect(text.contains("localhost:5000"))
        #expect(errors.allSatisfy { $0.location?.file.hasSuffix("tator-multinode.yaml") == true })
    }

    @Test func labelsWithoutADatabaseNodeAreRefused() throws {
        var workflow = try Self.load()
        for i in workflow.inventory.hosts.indices { workflow.inventory.hosts[i].labels["dbServer"] = "no" }
        let errors = Validator(registry: Self.registry).validate(workflow, inputs: try Self.inputs(workflow)).filter {
            $0.severity == .error
        }
        #expect(errors.contains { $0.message.contains("no node has dbServer=yes") })
    }
}
