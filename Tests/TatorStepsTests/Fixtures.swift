import Foundation
import OrderedCollections
import RigKit
import RigModel

@testable import TatorSteps

/// The 3-node inventory of the docs: a master that is also the NFS server and the registry, two workers.
enum Fixtures {
    static let inventory = Inventory(hosts: [
        InventoryHost(
            name: "master1", address: "192.168.1.10", user: "ubuntu", roles: ["master", "nfs", "registry"],
            labels: ["gpuWorker": "no", "cpuWorker": "yes", "webServer": "yes", "dbServer": "yes"]),
        InventoryHost(
            name: "worker1", address: "192.168.1.11", user: "ubuntu", roles: ["worker"],
            labels: ["gpuWorker": "no", "cpuWorker": "yes", "webServer": "yes", "dbServer": "no"]),
        InventoryHost(
            name: "worker2", address: "192.168.1.12", user: "ubuntu", roles: ["worker"],
            labels: ["gpuWorker": "yes", "cpuWorker": "yes", "webServer": "no", "dbServer": "no"]),
    ])

    /// A secret value that must never show in a plan.
    static let dockerPassword = "hunter2-registry-password"
    /// What the renderer shows for a secret in display mode (the exact form is the engine's business).
    static let tokenPlaceholder = "<secret:duckdnsToken>"

    static let site: OrderedDictionary<String, Value> = [
        "domain": .string("mysite.duckdns.org"),
        "lanCIDR": .string("192.168.1.0/24"),
        "dockerRegistry": .string("master1:5000"),
        "dockerUsername": .string(""),
        "nfsServer": .string(""),
        "metallbRangeStart": .string("192.168.1.240"),
        "metallbRangeStop": .string("192.168.1.250"),
        "loadBalancerIp": .string("192.168.1.240"),
        "dhcpRange": .string("192.168.1.100-192.168.1.199"),
        "profile": .string("current"),
    ]

    /// Each step of workflows/tator-multinode.yaml: id, type, hosts, the parameters it passes.
    static func steps(profile: String = "current") -> [(
        id: String, type: any StepType, hosts: [String], with: OrderedDictionary<String, Value>
    )] {
        func pick(_ keys: String...) -> OrderedDictionary<String, Value> {
            var out: OrderedDictionary<String, Value> = [:]
            for k in keys { out[k] = site[k] }
            if keys.contains("profile") { out["profile"] = .string(profile) }
            return out
        }
        var values = pick(
            "domain", "dockerRegistry", "dockerUsername", "nfsServer", "metallbRangeStart", "metallbRangeStop", "loadBalancerIp")
        values["dockerPassword"] = .string(dockerPassword)
        var duck = pick("domain", "loadBalancerIp")
        duck["token"] = .string(tokenPlaceholder)
        return [
            (
                "preflight", PreflightStep(), ["master1", "worker1", "worker2"],
                pick("lanCIDR", "loadBalancerIp", "metallbRangeStart", "metallbRangeStop", "dhcpRange", "nfsServer", "profile")
            ),
            ("prerequisites", PrerequisitesStep(), ["master1", "worker1", "worker2"], pick("profile", "dockerRegistry")),
            ("nfs-server", NFSServerStep(), ["master1"], pick("lanCIDR", "nfsServer")),
            ("master-init", MasterInitStep(), ["master1"], pick("profile")),
            ("argo", ArgoStep(), ["master1"], pick("profile")),
            ("nfs-provisioner", NFSProvisionerStep(), ["master1"], pick("profile", "nfsServer")),
            ("join", JoinStep(), ["worker1", "worker2"], pick("profile")),
            ("label", LabelStep(), ["master1"], pick("profile")),
            (
                "checkout", CheckoutStep(), ["master1"],
                [
                    "repository": .string("https://github.com/cvisionai/tator.git"),
                    "ref": .string(profile == "tutorial" ? "0.2.12" : "1.0.5"),
                ]
            ),
            ("values", ValuesStep(), ["master1"], values),
            ("chart-dependencies", ChartDependenciesStep(), ["master1"], [:]),
            ("duckdns", DuckDNSStep(), ["master1"], duck),
            ("build", BuildStep(), ["master1"], pick("domain", "loadBalancerIp")),
        ]
    }

    static func invocation(
        _ id: String, _ type: any StepType, host: String, with parameters: OrderedDictionary<String, Value>,
        mode: StepInvocation.Mode = .display, inventory: Inventory = Fixtures.inventory
    ) -> StepInvocation {
        StepInvocation(
            step: Step(id: id, type: type.name), task: TaskID(step: id, host: host), host: inventory.host(named: host)!,
            parameters: parameters, inventory: inventory, mode: mode)
    }
}

/// Renders a plan the way a reader checks it: each command's flags, summary and script; each upload's
/// path, mode and content (a secret upload shows only its size).
enum PlanText {
    static func render(_ plan: TaskPlan) -> String {
        var out: [String] = []
        if let check = plan.check { out.append(render(command: check, as: "check")) }
        for action in plan.actions {
            switch action {
            case .run(let command): out.append(render(command: command, as: "run"))
            case .upload(let file):
                var head = "upload \(file.path) mode \(String(file.mode, radix: 8))"
                if let owner = file.owner { head += " owner \(owner):\(file.group ?? "")" }
                if file.become { head += " [become]" }
                if file.secret {
                    out.append(head + " [secret: \(file.content.count) bytes, not shown]")
                } else {
                    out.append(head + "\n" + indent(String(decoding: file.content, as: UTF8.self)))
                }
            }
        }
        return out.joined(separator: "\n") + "\n"
    }

    static func render(command: Command, as kind: String) -> String {
        var flags: [String] = []
        if command.become { flags.append("become") }
        if command.pseudoTerminal { flags.append("pty") }
        if let d = command.delegateTo { flags.append("on \(d)") }
        if let cwd = command.workingDirectory { flags.append("cwd \(cwd)") }
        if let t = command.timeout { flags.append("timeout \(t)") }
        let head = "\(kind)\(flags.isEmpty ? "" : " [" + flags.joined(separator: ", ") + "]"): \(command.summary ?? "")"
        return head + "\n" + indent(command.script)
    }

    static func indent(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : "    " + $0 }.joined(separator: "\n")
    }

    static func scripts(_ plan: TaskPlan) -> [String] {
        (plan.check.map { [$0.script] } ?? [])
            + plan.actions.compactMap { if case .run(let c) = $0 { return c.script } else { return nil } }
    }
}
