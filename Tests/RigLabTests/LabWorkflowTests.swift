import Foundation
import Testing

@testable import RigLab

/// The `rig` binary beside this test bundle and the repository's workflows.
enum WorkflowRun {
    /// `rig run` of a copy of workflows/tator-multinode.yaml (so its .rig state stays in the
    /// fixture's folder) with the lab's inventory, inputs and secrets.
    static func command(_ fixture: LabFixture) throws -> [String] {
        for name in ["tator-multinode.yaml", "inventory.example.yaml"] {
            try FileManager.default.copyItem(atPath: "\(workflows)/\(name)", toPath: "\(fixture.folder)/\(name)")
        }
        let files = fixture.files
        return [
            rig, "run", "\(fixture.folder)/tator-multinode.yaml", "--inventory", "\(files)/inventory.yaml",
            "--inputs", "\(files)/site.yaml", "--secrets", "\(files)/secrets.yaml",
        ]
    }

    static var rig: String {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? ""
        var folder = (exe as NSString).deletingLastPathComponent
        while !folder.isEmpty, folder != "/", !FileManager.default.isExecutableFile(atPath: folder + "/rig") {
            folder = (folder as NSString).deletingLastPathComponent
        }
        return folder + "/rig"
    }

    static let canRun = LabTestSupport.canRunLabs && LabResources.hasTools && FileManager.default.isExecutableFile(atPath: rig)

    /// The repository's workflows folder (this file is Tests/RigLabTests/LabWorkflowTests.swift).
    static let workflows = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("workflows").path
}

/// The README's main job on a real lab: workflows/tator-multinode.yaml run by the `rig` binary
/// beside this test bundle, onto three lab hosts with the simulated tools.
@Suite(
    "Tator on the lab", .serialized,
    .enabled(if: WorkflowRun.canRun, "needs root, ip netns, the lab's simulated tools in RigLab's resources and the built rig"))
struct LabWorkflowTests {
    @Test func fullDeploymentSucceedsAndTheClusterIsAsTheInventorySays() throws {
        let fixture = try LabFixture()
        let (lab, state, command) = (fixture.lab, try fixture.up(hosts: 3), try WorkflowRun.command(fixture))

        let first = try SystemCommand.run(["timeout", "900"] + command)
        #expect(first.succeeded, "the first run: \(first.output.suffix(3000))")

        let summary = try LabSummary.read(lab)
        let nodes = try #require(summary.nodes, "kubectl: \(summary.nodesProblem ?? "")")
        #expect(nodes.map(\.name).sorted() == state.hosts.map(\.name).sorted())
        #expect(nodes.allSatisfy { $0.ready })
        for host in state.hosts {
            let node = nodes.first { $0.name == host.name }
            for label in host.labels { #expect(node?.labels[label.name] == label.value, "\(host.name) \(label.name)") }
        }
        let releases = (summary.releases ?? []).map(\.name)
        #expect(releases.contains("tator"))
        #expect(releases.contains("nfs-subdir-external-provisioner"))
        #expect(summary.exports.contains { $0.contains("/media/kubernetes_share") && $0.contains(state.subnet) })
        let values = try String(contentsOfFile: "/proc/\(state.hosts[0].holder!.pid)/root\(LabSummary.valuesPath)", encoding: .utf8)
        #expect(values.contains("rig-\(lab.name).duckdns.org"))
        #expect(values.contains("master1:5000"))

        let second = try SystemCommand.run(["timeout", "900"] + command)
        #expect(second.succeeded, "the second run: \(second.output.suffix(3000))")
        // A second run of a finished deployment changes nothing: every step's check finds it done.
        #expect(!second.output.contains(" changed"), "\(second.output.suffix(1500))")
    }

    @Test func aFaultOnOneWorkersJoinFailsTheRunThere() throws {
        let fixture = try LabFixture()
        let (lab, _, command) = (fixture.lab, try fixture.up(hosts: 3), try WorkflowRun.command(fixture))
        try LabFaults(paths: lab.paths).add(
            ToolFault(host: "worker1", tool: "kubeadm", match: "join", nth: 1, message: "simulated join failure"))
        let run = try SystemCommand.run(["timeout", "900"] + command)
        #expect(run.status == 1)
        #expect(run.output.contains("✗ join@worker1"))
        #expect(!run.output.contains("✗ join@worker2"))
        #expect(!run.output.contains("✗ master-init"))

        // The fault hit only the first join; a resume reruns worker1's join and what needs it,
        // never a task that finished in the first run (which ones did depends on timing).
        let finished = run.output.split(separator: "\n").compactMap { line -> String? in
            let words = line.split(separator: " ")
            guard words.count >= 4, words[1] == "✓" || words[1] == "=" else { return nil }
            return String(words[2])
        }
        #expect(finished.contains("master-init@master1") && finished.contains("preflight@worker1"), "\(run.output.suffix(2000))")
        let resume = try SystemCommand.run([
            "timeout", "900", WorkflowRun.rig, "resume", "\(fixture.folder)/tator-multinode.yaml",
            "--secrets", "\(fixture.files)/secrets.yaml",
        ])
        #expect(resume.status == 0, "\(resume.output.suffix(2000))")
        #expect(resume.output.contains("start  join@worker1"))
        for done in finished {
            #expect(!resume.output.contains("start  \(done)\n"), "resume reran \(done), which had finished")
        }
        #expect(resume.output.contains("start  label@master1"))
    }

    /// What a new user does: `rig init`, the lab's files into that folder, `rig run`; then an
    /// edit of their own workflow, run again.
    @Test func aFolderFromRigInitDeploysWithItsOwnStepAndAnEditIsANewRevision() throws {
        let fixture = try LabFixture()
        let state = try fixture.up(hosts: 3)
        let site = "\(fixture.folder)/site"
        let initialized = try SystemCommand.run([WorkflowRun.rig, "init", site])
        #expect(initialized.succeeded, "\(initialized.output)")
        try LabFiles(lab: fixture.lab, state: state).write(to: site)  // what `rig lab files` writes
        let command = [
            "timeout", "900", WorkflowRun.rig, "run", "\(site)/workflow.yaml", "--inputs", "\(site)/site.yaml",
            "--secrets", "\(site)/secrets.yaml",
        ]
        let first = try SystemCommand.run(command)
        #expect(first.succeeded, "\(first.output.suffix(2000))")
        #expect(first.output.contains("Recorded revision"))
        let label = try #require(first.output.range(of: "start  label@master1"))
        let values = try #require(first.output.range(of: "start  values@master1"))
        for host in state.hosts {
            let note = try #require(first.output.range(of: "start  site-note@\(host.name)"))
            #expect(label.lowerBound < note.lowerBound && note.lowerBound < values.lowerBound)
            let motd = try String(contentsOfFile: "/proc/\(host.holder!.pid)/root/etc/motd", encoding: .utf8)
            #expect(motd.contains("Node of the Tator cluster rig-\(fixture.lab.name).duckdns.org"), "\(host.name): \(motd)")
        }

        let workflow = try String(contentsOfFile: "\(site)/workflow.yaml", encoding: .utf8)
        let banner = """
              - id: site-banner
                type: shell
                on: master
                before: values
                with: {run: "echo 'rig lab' >> /etc/motd"}

            """
        try (workflow + banner).write(toFile: "\(site)/workflow.yaml", atomically: true, encoding: .utf8)
        let second = try SystemCommand.run(command)
        #expect(second.succeeded, "\(second.output.suffix(2000))")
        #expect(second.output.contains("Recorded revision") && second.output.contains("add step site-banner"))
        let bannerStart = try #require(second.output.range(of: "start  site-banner@master1"))
        let valuesAgain = try #require(second.output.range(of: "start  values@master1"))
        #expect(bannerStart.lowerBound < valuesAgain.lowerBound)
        let history = try SystemCommand.run([WorkflowRun.rig, "history", "--folder", site])
        #expect(history.output.contains("add step site-banner"), "\(history.output)")
        let secrets = try SystemCommand.run([WorkflowRun.rig, "show", "HEAD:secrets.yaml", "--folder", site])
        #expect(!secrets.succeeded, "the secrets file must never be part of a revision")
    }

    /// The README demo's lab: Ubuntu 22.04 and 24.04 hosts reached as ubuntu with sudo, a GPU
    /// worker, a separate NFS host and a /22 LAN, every simulated tool strict.
    @Test func theStrictFiveHostLabWithAGPUWorkerAndASeparateNFSHostDeploysTator() throws {
        let fixture = try LabFixture()
        let options = LabOptions(
            ubuntu: ["22.04", "22.04", "24.04"], rootLogin: false, gpuHosts: ["worker2"], separateNFS: true, lanPrefixLength: 22)
        let state = try fixture.up(hosts: 4, options: options)
        let run = try SystemCommand.run(["timeout", "900"] + (try WorkflowRun.command(fixture)))
        #expect(run.succeeded, "\(run.output.suffix(3000))")

        let summary = try LabSummary.read(fixture.lab)
        let nodes = try #require(summary.nodes, "kubectl: \(summary.nodesProblem ?? "")")
        #expect(nodes.map(\.name).sorted() == ["master1", "worker1", "worker2", "worker3"], "nfs1 serves NFS only")
        #expect(nodes.allSatisfy { $0.ready })
        let releases = (summary.releases ?? []).map(\.name)
        #expect(releases.contains("tator") && releases.contains("nvdp"), "\(releases)")
        #expect(summary.exports.contains { $0.hasPrefix("nfs1:") && $0.contains(state.subnet) && state.subnet.hasSuffix("/22") })

        let master = try #require(state.hosts.first { $0.name == "master1" })
        let gpu = try LabTestSupport.ssh(
            fixture.files, master.address,
            "kubectl --kubeconfig /etc/kubernetes/admin.conf get node worker2 -o jsonpath='{.status.allocatable.nvidia\\.com/gpu}'")
        #expect(gpu.output.trimmingCharacters(in: .whitespacesAndNewlines) == "1", "\(gpu.output)")
        let images = try LabTestSupport.ssh(
            fixture.files, master.address,
            "kubectl --kubeconfig /etc/kubernetes/admin.conf get nodes -o jsonpath='{.items}' | grep -o 'Ubuntu 2[24].04[.0-9]* LTS' | sort -u"
        )
        #expect(images.output.contains("Ubuntu 22.04") && images.output.contains("Ubuntu 24.04"), "\(images.output)")
    }

    /// An unreachable source fails the run at preflight, before any host changes, naming it.
    @Test func anUnreachableChartRepositoryFailsThePreflightNamingIt() throws {
        let fixture = try LabFixture()
        _ = try fixture.up(hosts: 2)
        try LabFaults(paths: fixture.lab.paths).add(
            ToolFault(
                host: "*", tool: "curl", match: "helm.cilium.io", exitCode: 6, message: "curl: (6) Could not resolve host: helm.cilium.io"))
        let run = try SystemCommand.run(["timeout", "300"] + (try WorkflowRun.command(fixture)))
        #expect(run.status == 1)
        #expect(run.output.contains("✗ preflight@master1"), "\(run.output.suffix(2000))")
        #expect(run.output.contains("unreachable: Cilium's chart repository at https://helm.cilium.io/index.yaml"))
        #expect(!run.output.contains("start  prerequisites@"), "nothing may change on a host before the sources answer")
    }
}
