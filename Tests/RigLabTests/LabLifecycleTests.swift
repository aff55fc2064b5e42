import Foundation
import Testing

@testable import RigLab

/// Real labs: namespaces, overlays and sshd made and removed on this machine.
@Suite("rig lab up and down", .serialized, .enabled(if: LabTestSupport.canRunLabs, LabTestSupport.reason))
struct LabLifecycleTests {
    @Test func hostsAreReachableWithOwnAddressesAndPrivateEtcAndDownLeavesNothing() throws {
        let fixture = try LabFixture()
        let (lab, files) = (fixture.lab, fixture.files)
        let linksBefore = LabTestSupport.links()
        let state = try fixture.up(hosts: 2)
        #expect(LabTestSupport.links() == linksBefore, "the machine's own namespace got no interface")

        let probe = "/etc/rig-lab-probe-\(lab.name)"
        for host in state.hosts {
            let result = try LabTestSupport.ssh(
                files, host.address,
                #"set -- $SSH_CONNECTION; echo "$3"; hostname; . /etc/os-release; echo "$ID $VERSION_ID"; cat /etc/rig-lab/host.env"#,
                sudo: false)
            #expect(result.succeeded, "ssh to \(host.name): \(result.output)")
            let lines = result.output.split(separator: "\n").map(String.init)
            #expect(lines.first == host.address, "the command arrived at the host's own address")
            #expect(lines.dropFirst().first == host.name)
            #expect(lines.contains("ubuntu 24.04"))
            #expect(lines.contains("RIG_LAB_HOST=\(host.name)"))
            #expect(lines.contains("RIG_LAB_SHARED=/var/lib/rig-lab/shared"))
        }
        let (a, b) = (state.hosts[0], state.hosts[1])
        #expect(try LabTestSupport.ssh(files, a.address, "echo from-a > \(probe) && cat \(probe)").output.contains("from-a"))
        #expect(try LabTestSupport.ssh(files, b.address, "test ! -e \(probe)").succeeded, "host B does not see host A's /etc")
        #expect(!FileManager.default.fileExists(atPath: probe), "the real /etc is untouched")
        // The shared folder is one folder for every host, on the real disk.
        #expect(try LabTestSupport.ssh(files, a.address, "echo shared > /var/lib/rig-lab/shared/probe").succeeded)
        #expect(try LabTestSupport.ssh(files, b.address, "cat /var/lib/rig-lab/shared/probe").output.contains("shared"))
        #expect(FileManager.default.fileExists(atPath: lab.paths.shared + "/probe"))

        #expect(try lab.down())
        #expect(LabTestSupport.leftovers(of: lab, processes: state.processes) == [])
        #expect(LabTestSupport.links() == linksBefore)
        #expect(try lab.down() == false, "a second down finds nothing")
    }

    @Test func upAfterACrashRemovesTheLeftoversAndMakesTheLabAgain() throws {
        let fixture = try LabFixture()
        let (lab, files) = (fixture.lab, fixture.files)
        let (first, _) = try lab.up(hosts: 2)
        // A crash: the holders die (their namespaces' mounts with them), sshd is left running, the state file stays.
        LabProcesses.terminate(first.hosts.compactMap { $0.holder?.pid })
        #expect(first.hosts.allSatisfy { $0.holder?.isAlive == false })
        #expect(lab.health(first).allSatisfy { !$0.isHealthy })

        let (second, made) = try lab.up(hosts: 2)
        #expect(made, "an unhealthy lab is made again")
        #expect(first.processes.allSatisfy { !$0.isAlive }, "every process of the crashed lab is gone")
        try LabFiles(lab: lab, state: second).write(to: files)
        for host in second.hosts {
            #expect(try LabTestSupport.ssh(files, host.address, "hostname").output.contains(host.name))
        }
        // Up again on a healthy lab keeps it.
        let (third, remade) = try lab.up(hosts: 2)
        #expect(!remade)
        #expect(third.processes == second.processes)

        #expect(try lab.down())
        #expect(LabTestSupport.leftovers(of: lab, processes: first.processes + second.processes) == [])
    }

    @Test func downRemovesALabWhoseHostsAreAlreadyPartlyGone() throws {
        let fixture = try LabFixture()
        let lab = fixture.lab
        // Its processes killed and a host namespace deleted behind its back; the LAN namespace remains.
        let (made, _) = try lab.up(hosts: 1)
        LabProcesses.terminate(made.processes.map(\.pid))
        try SystemCommand.check(["ip", "netns", "del", made.hosts[0].namespace], "test: delete a host namespace")
        #expect(LabNetwork.namespaceExists(made.lanNamespace))
        try lab.down()
        #expect(LabTestSupport.leftovers(of: lab, processes: made.processes) == [])
    }

    @Test func stoppedSSHAndPulledCableAreSeenAndUndone() throws {
        let fixture = try LabFixture()
        let (lab, files) = (fixture.lab, fixture.files)
        let state = try fixture.up(hosts: 2)
        let worker = state.hosts[1]

        try lab.stopSSH(worker.name)
        #expect(try !LabTestSupport.ssh(files, worker.address, "true").succeeded)
        #expect(try lab.health(lab.requireState())[1].sshdAlive == false)
        try lab.startSSH(worker.name)
        #expect(try LabTestSupport.ssh(files, worker.address, "true").succeeded)

        try lab.setReachable(worker.name, false)
        #expect(try !LabTestSupport.ssh(files, worker.address, "true").succeeded)
        #expect(
            try LabTestSupport.ssh(files, state.hosts[0].address, "! timeout 3 bash -c ': </dev/tcp/\(worker.address)/22' 2>/dev/null")
                .succeeded)
        try lab.setReachable(worker.name, true)
        #expect(try LabTestSupport.ssh(files, worker.address, "true").succeeded)
        #expect(try lab.health(lab.requireState()).allSatisfy { $0.isHealthy })
    }
}
