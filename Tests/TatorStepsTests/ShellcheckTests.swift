import Foundation
import OrderedCollections
import RigKit
import RigModel
import Testing

@testable import TatorSteps

/// Every task script of workflows/tator-multinode.yaml, for both profiles and both Ubuntu
/// releases, on a 5-host inventory (a GPU worker, a separate NFS host, a /22 LAN), through
/// Debian's `shellcheck -S warning` and `bash -n` (issue 12, item 6). A suppression must be
/// written in the script as `# shellcheck disable=SCxxxx # reason`.
@Suite struct ShellcheckTests {
    /// master1 (master, registry; not NFS), worker1, worker2 (GPU), worker3, nfs1 (NFS only), on 10.20.0.0/22.
    static let inventory = Inventory(hosts: [
        InventoryHost(
            name: "master1", address: "10.20.0.10", user: "ubuntu", roles: ["master", "registry"],
            labels: ["gpuWorker": "no", "cpuWorker": "yes", "webServer": "yes", "dbServer": "yes"]),
        InventoryHost(
            name: "worker1", address: "10.20.1.11", user: "ubuntu", roles: ["worker"],
            labels: ["gpuWorker": "no", "cpuWorker": "yes", "webServer": "yes", "dbServer": "no"]),
        InventoryHost(
            name: "worker2", address: "10.20.2.12", user: "ubuntu", roles: ["worker"],
            labels: ["gpuWorker": "yes", "cpuWorker": "yes", "webServer": "no", "dbServer": "no"]),
        InventoryHost(
            name: "worker3", address: "10.20.3.13", user: "ubuntu", roles: ["worker"],
            labels: ["gpuWorker": "no", "cpuWorker": "yes", "webServer": "no", "dbServer": "no"]),
        InventoryHost(name: "nfs1", address: "10.20.3.200", user: "ubuntu", roles: ["nfs"]),
    ])

    static let site: OrderedDictionary<String, Value> = [
        "lanCIDR": .string("10.20.0.0/22"),
        "loadBalancerIp": .string("10.20.3.240"),
        "metallbRangeStart": .string("10.20.3.240"),
        "metallbRangeStop": .string("10.20.3.250"),
        "dhcpRange": .string("10.20.2.100-10.20.2.199"),
        "nfsServer": .string(""),
    ]

    /// Where each step of the workflow runs on the 5-host inventory.
    static func hosts(of id: String) -> [String] {
        switch id {
        case "preflight", "prerequisites": ["master1", "worker1", "worker2", "worker3", "nfs1"]
        case "nfs-server": ["nfs1"]
        case "join": ["worker1", "worker2", "worker3"]
        default: ["master1"]
        }
    }

    static func scripts(profile: String, ubuntu: String) throws -> [(name: String, script: String)] {
        var out: [(String, String)] = []
        for step in Fixtures.steps(profile: profile) {
            var with = step.with
            for (key, value) in site where with[key] != nil { with[key] = value }
            if step.id == "preflight" { with["ubuntuVersions"] = .list([.string(ubuntu)]) }
            for host in hosts(of: step.id) {
                let invocation = Fixtures.invocation(step.id, step.type, host: host, with: with, inventory: inventory)
                let plan = try step.type.plan(invocation)
                for (index, script) in PlanText.scripts(plan).enumerated() {
                    out.append(("\(profile)/\(ubuntu)/\(step.id)@\(host)#\(index)", script))
                }
            }
        }
        return out
    }

    @Test func theFixtureStepsAreTheWorkflowsSteps() throws {
        let workflow = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("workflows/tator-multinode.yaml")
        let text = try String(contentsOf: workflow, encoding: .utf8)
        let ids = text.matches(of: /\n  - id: ([a-z-]+)/).map { String($0.output.1) }
        #expect(Set(ids) == Set(Fixtures.steps().map(\.id)))
    }

    @Test(arguments: ["current", "tutorial"], ["22.04", "24.04"])
    func everyScriptPassesShellcheckAndBashN(profile: String, ubuntu: String) throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/shellcheck") else {
            Issue.record("shellcheck is not installed (apt-get install shellcheck; scripts/install-deps installs it)")
            return
        }
        let rendered = try Self.scripts(profile: profile, ubuntu: ubuntu)
        #expect(rendered.count > 20)
        for (name, script) in rendered {
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("rig-shellcheck-\(UUID().uuidString).sh")
            try ("#!/bin/bash\n" + script + "\n").write(to: file, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(at: file) }
            let (syntax, syntaxErrors) = try Bash.run(["bash", "-n", file.path])
            #expect(syntax == 0, "\(name): bash -n says: \(syntaxErrors)")
            let (status, findings) = try Bash.run(["shellcheck", "-S", "warning", "-s", "bash", "-f", "gcc", file.path])
            #expect(status == 0, "\(name): shellcheck -S warning:\n\(findings)")
            for line in script.split(separator: "\n") where line.contains("shellcheck disable=") {
                #expect(line.contains(" # "), "\(name): a shellcheck suppression without its reason: \(line)")
            }
        }
    }
}
