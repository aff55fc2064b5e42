import Foundation
import RigKit
import RigModel
import Testing

@testable import RigLab

/// What `rig lab files` writes, checked without making a lab.
@Suite struct LabFilesTests {
    static func state(_ paths: LabPaths) -> LabState {
        var hosts = LabTopology.hosts(count: 3, networkPrefix: "10.213.7", paths: paths)
        for i in hosts.indices { hosts[i].hostKey = "ssh-ed25519 AAAAkey\(i)" }
        return LabState(
            format: 1, name: paths.name, subnet: "10.213.7.0/24", networkPrefix: "10.213.7", lanNamespace: paths.lanNamespace,
            namespaces: [], hosts: hosts)
    }

    @Test func inventoryLoadsWithRolesLabelsAndTheSSHConfigBesideIt() throws {
        let root = LabTestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let lab = try Lab(name: "files", root: root)
        try FileManager.default.createDirectory(atPath: lab.paths.shared, withIntermediateDirectories: true)
        try "0123abcd\n".write(toFile: lab.paths.duckdnsTokenFile, atomically: true, encoding: .utf8)
        let dir = root + "/out"
        try LabFiles(lab: lab, state: Self.state(lab.paths)).write(to: dir)

        let workflow = root + "/w.yaml"
        try "steps:\n  - {id: s, type: shell, on: all, with: {run: 'true'}}\n".write(toFile: workflow, atomically: true, encoding: .utf8)
        let loaded = try WorkflowLoader(registry: StepTypeRegistry()).load(workflowAt: workflow, inventoryAt: dir + "/inventory.yaml")
        let hosts = loaded.inventory.hosts
        #expect(hosts.map(\.name) == ["master1", "worker1", "worker2"])
        #expect(hosts.map(\.address) == ["10.213.7.10", "10.213.7.11", "10.213.7.12"])
        #expect(hosts[0].roles == ["master", "nfs", "registry"])
        #expect(hosts.allSatisfy { $0.user == "root" && $0.identity == lab.paths.identity && $0.sshConfig == dir + "/ssh_config" })
        #expect(hosts.map { $0.labels["webServer"] } == ["yes", "yes", "no"])
        #expect(hosts.map { $0.labels["dbServer"] } == ["yes", "no", "no"])

        let sshConfig = try String(contentsOfFile: dir + "/ssh_config", encoding: .utf8)
        #expect(sshConfig.contains("ProxyCommand ip netns exec \(lab.paths.lanNamespace) nc %h %p"))
        #expect(sshConfig.contains("UserKnownHostsFile \(dir)/known_hosts"))
        #expect(try String(contentsOfFile: dir + "/known_hosts", encoding: .utf8).contains("10.213.7.11 ssh-ed25519 AAAAkey1"))

        let site = try String(contentsOfFile: dir + "/site.yaml", encoding: .utf8)
        #expect(site.contains("lanCIDR: 10.213.7.0/24"))
        #expect(site.contains("loadBalancerIp: 10.213.7.240"))
        #expect(site.contains("tatorSource: \"\(dir)/tator-standin\""))
        #expect(FileManager.default.fileExists(atPath: dir + "/tator-standin"))

        let secrets = try FileManager.default.attributesOfItem(atPath: dir + "/secrets.yaml")
        #expect((secrets[.posixPermissions] as? Int) == 0o600)
        #expect(try String(contentsOfFile: dir + "/secrets.yaml", encoding: .utf8).contains("duckdnsToken: \"0123abcd\""))
    }

    @Test func faultPlanHasTheShapeTheToolsRead() throws {
        let root = LabTestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let paths = LabPaths(name: "faults", root: root)
        try FileManager.default.createDirectory(atPath: paths.shared, withIntermediateDirectories: true)
        let faults = LabFaults(paths: paths)
        try faults.add(ToolFault(host: "worker1", tool: "kubeadm", match: "join", nth: 1, exitCode: 1, message: "boom"))
        try faults.keepNotReady("worker2", seconds: 30)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: paths.faultsFile))) as? [String: Any]
        let fault = (json?["faults"] as? [[String: Any]])?.first
        #expect(fault?["host"] as? String == "worker1")
        #expect(fault?["tool"] as? String == "kubeadm")
        #expect(fault?["match"] as? String == "join")
        #expect(fault?["nth"] as? Int == 1)
        #expect(fault?["exitCode"] as? Int == 1)
        #expect(fault?["message"] as? String == "boom")
        #expect((json?["notReady"] as? [String: Any])?["worker2"] as? Int == 30)
        try faults.clear()
        #expect(try faults.read() == FaultPlan())
    }

    @Test func subnetAvoidsRoutesAndOtherLabs() throws {
        let routes = SubnetPicker.networks(
            inRoutes: "default via 10.0.0.1 dev eth0\n10.213.0.0/16 dev x\nlocal 127.0.0.1 dev lo table local\n")
        let candidate = try #require(SubnetPicker.Network(cidr: "10.213.5.0/24"))
        #expect(routes.contains { $0.overlaps(candidate) })
        #expect(!SubnetPicker.networks(inAddresses: "2: eth0    inet 192.168.1.5/24 brd x").contains { $0.overlaps(candidate) })
        #expect(SubnetPicker.Network(cidr: "10.213.5.77/32")!.overlaps(candidate))
    }

    @Test func badNamesAreRefusedWithTheRule() {
        for bad in ["", "Demo", "1lab", "a/b", "a.b", "much-too-long-lab-name"] {
            #expect(throws: LabError.self) { try Lab(name: bad) }
        }
        #expect(LabError.notRoot.description.contains("needs root"))
    }
}
