import Foundation
import OrderedCollections
import Testing
import Yams
import RigKit
import RigModel
@testable import TatorSteps

/// The shipped workflow, inventory and site files, read with Yams and checked against the step
/// types' schemas (until the loader lands on main, this is their own lint), then planned on every
/// host with the example inputs.
@Suite struct ExampleWorkflowTests {
    static let folder = ReferenceFiles.repositoryRoot.appendingPathComponent("workflows")

    static func yaml(_ name: String) throws -> [String: Any] {
        let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
        return try #require(try Yams.load(yaml: text) as? [String: Any])
    }

    static func inventory() throws -> Inventory {
        let file = try yaml("inventory.example.yaml")
        let defaults = file["defaults"] as? [String: Any] ?? [:]
        let hosts = try #require(file["hosts"] as? [[String: Any]])
        return Inventory(hosts: hosts.map { h in
            var labels = OrderedDictionary<String, String>()
            for (k, v) in (h["labels"] as? [String: Any] ?? [:]).sorted(by: { $0.key < $1.key }) { labels[k] = "\(v)" }
            return InventoryHost(name: h["name"] as! String, address: h["address"] as! String,
                                 user: (h["user"] ?? defaults["user"]) as? String, roles: h["roles"] as? [String] ?? [], labels: labels)
        })
    }

    /// The site's inputs over the workflow's defaults.
    static func inputs() throws -> [String: Value] {
        let workflow = try yaml("tator-multinode.yaml")
        var values: [String: Value] = [:]
        for (name, spec) in try #require(workflow["inputs"] as? [String: Any]) {
            if let d = (spec as? [String: Any])?["default"] { values[name] = value(d) }
        }
        for (name, v) in try yaml("site.example.yaml") { values[name] = value(v) }
        return values
    }

    static func value(_ any: Any) -> Value {
        switch any {
        case let b as Bool: return .bool(b)
        case let i as Int: return .int(i)
        case let l as [Any]: return .list(l.map(value))
        default: return .string("\(any)")
        }
    }

    /// `${{ inputs.X }}` and `${{ secrets.X | default('') }}` as the renderer would show them in a plan.
    static func render(_ text: String, inputs: [String: Value]) -> Value {
        if let m = text.wholeMatch(of: /\$\{\{ inputs\.([A-Za-z]+) \}\}/) { return inputs[String(m.1)] ?? .null }
        if let m = text.wholeMatch(of: /\$\{\{ secrets\.([A-Za-z]+) \| default\(''\) \}\}/) { return .string("<secret:\(m.1)>") }
        return .string(text)
    }

    static func steps() throws -> [[String: Any]] { try #require(try yaml("tator-multinode.yaml")["steps"] as? [[String: Any]]) }

    @Test func everyStepUsesARegisteredTypeKnownParametersAndDeclaredNames() throws {
        var registry = StepTypeRegistry()
        TatorSteps.register(into: &registry)
        let workflow = try Self.yaml("tator-multinode.yaml")
        let inputs = Set((workflow["inputs"] as? [String: Any] ?? [:]).keys)
        let secrets = Set((workflow["secrets"] as? [String: Any] ?? [:]).keys)
        let roles = try Self.inventory().roles.union(["all"])
        let steps = try Self.steps()
        let ids = steps.compactMap { $0["id"] as? String }
        #expect(Set(ids).count == ids.count)
        for step in steps {
            let id = step["id"] as? String ?? "?"
            let type = try #require(registry.type(named: step["type"] as? String ?? ""), "step \(id): unknown type")
            let with = step["with"] as? [String: Any] ?? [:]
            for key in with.keys { #expect(type.schema.parameter(key) != nil, "step \(id): \(type.name) has no parameter \(key)") }
            for p in type.schema.parameters where p.required && p.defaultValue == nil {
                #expect(with[p.name] != nil, "step \(id): required parameter \(p.name) missing")
            }
            let needs = (step["needs"] as? [String]) ?? (step["needs"] as? String).map { [$0] } ?? []
            for n in needs { #expect(ids.contains(n), "step \(id) needs unknown \(n)") }
            #expect(roles.contains(step["on"] as? String ?? ""), "step \(id): on: is not a role")
            for case let text as String in with.values {
                for m in text.matches(of: /inputs\.([A-Za-z]+)/) { #expect(inputs.contains(String(m.1)), "step \(id): unknown input \(m.1)") }
                for m in text.matches(of: /secrets\.([A-Za-z]+)/) { #expect(secrets.contains(String(m.1)), "step \(id): unknown secret \(m.1)") }
            }
        }
        for required in ["domain", "lanCIDR", "dockerRegistry", "dockerUsername", "nfsServer", "metallbRangeStart", "metallbRangeStop",
                         "loadBalancerIp", "dhcpRange", "profile", "tatorRepository", "tatorRef", "tatorSource"] {
            #expect(inputs.contains(required), "input \(required) missing")
        }
        #expect(secrets == ["dockerPassword", "duckdnsToken"])
    }

    @Test func theExampleSitePassesEveryStepsValidationAndPlansOnEveryHost() throws {
        var registry = StepTypeRegistry()
        TatorSteps.register(into: &registry)
        let inventory = try Self.inventory()
        let inputs = try Self.inputs()
        let model = try Self.steps().map { step -> Step in
            var with = OrderedDictionary<String, ParameterNode>()
            for (k, v) in (step["with"] as? [String: Any] ?? [:]) { with[k] = .template(Template(literal: "\(v)")) }
            return Step(id: step["id"] as! String, type: step["type"] as! String, on: [step["on"] as! String], with: .map(with, nil))
        }
        let workflow = Workflow(name: "tator-multinode", inventory: inventory, steps: model)
        let context = ValidationContext(workflow: workflow) { node in
            if case .template(let t) = node { return Self.render(t.source, inputs: inputs) }
            return nil
        }
        for step in model {
            let type = try #require(registry.type(named: step.type))
            let found = type.validate(step, context: context)
            #expect(found.isEmpty, "step \(step.id): \(found)")
            let hosts = step.on == ["all"] ? inventory.hosts : inventory.hosts(withRole: step.on[0])
            #expect(!hosts.isEmpty)
            for host in hosts {
                var parameters = OrderedDictionary<String, Value>()
                if case .map(let with, _) = step.with {
                    for (k, v) in with { if case .template(let t) = v { parameters[k] = Self.render(t.source, inputs: inputs) } }
                }
                let invocation = StepInvocation(step: step, task: TaskID(step: step.id, host: host.name), host: host,
                                                parameters: parameters, inventory: inventory, mode: .display)
                _ = try type.plan(invocation)
            }
        }
    }

    @Test func networkValidationCatchesABadSiteAtLoadTime() throws {
        let inventory = try Self.inventory()
        var inputs = try Self.inputs()
        inputs["loadBalancerIp"] = .string("192.168.1.11")  // worker1's address
        inputs["dhcpRange"] = .string("192.168.1.200-192.168.1.254")
        let step = Step(id: "preflight", type: "tator.preflight", on: ["all"], with: .map([
            "lanCIDR": .template(Template(literal: "${{ inputs.lanCIDR }}")),
            "loadBalancerIp": .template(Template(literal: "${{ inputs.loadBalancerIp }}")),
            "dhcpRange": .template(Template(literal: "${{ inputs.dhcpRange }}")),
        ], nil))
        let site = inputs
        let context = ValidationContext(workflow: Workflow(name: "t", inventory: inventory, steps: [step])) { node in
            if case .template(let t) = node { return Self.render(t.source, inputs: site) }
            return nil
        }
        let errors = PreflightStep().validate(step, context: context).filter { $0.severity == .error }
        #expect(errors.count == 1)
        #expect(errors.first?.message.contains("worker1") == true)
    }
}
