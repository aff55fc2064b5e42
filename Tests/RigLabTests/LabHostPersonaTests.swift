import Foundation
import Testing

@testable import RigLab

/// The strict host tools (apt, pip3, containerd, lspci/nvidia-*) on sandboxed hosts of the
/// default persona (Ubuntu 24.04; `asJammy` turns one into 22.04), without the lab's network.
@Suite(.enabled(if: ToolLab.available, "needs root, unshare and python3"), .serialized)
struct LabStrictHostToolsTests {
    static let asJammy =
        "sed -i 's/noble/jammy/g; s/24.04/22.04/; s/3.12/3.10/' /etc/apt/sources.list /etc/rig-lab/host.env\n"
    static let dockerRepo =
        "echo 'deb [arch=amd64 signed-by=/etc/apt/keyrings/docker.asc] https://download.docker.com/linux/ubuntu noble stable' > /etc/apt/sources.list.d/docker.list\n"

    @Test func aFreshHostInstallsNothingBeforeAptGetUpdate() throws {
        let lab = try ToolLab()
        let before = try lab.run("master1", "apt-get install -y nfs-common")
        #expect(before.status == 100)
        #expect(before.output.contains("E: Unable to locate package nfs-common"))
        let after = try lab.run("master1", "apt-get update >/dev/null && apt-get install -y nfs-common && dpkg-query -W nfs-common")
        #expect(after.status == 0, "\(after.output)")
        #expect(after.output.contains("nfs-common\t1:2.6.4-3ubuntu5.1"))
    }

    @Test func unknownNamesAndVersionsFailAsRealAptDoes() throws {
        let lab = try ToolLab()
        let name = try lab.run("master1", "apt-get update >/dev/null; apt-get install -y docker-engine")
        #expect(name.status == 100 && name.output.contains("E: Unable to locate package docker-engine"))
        let version = try lab.run("master1", "apt-get install -y make=4.2.1-1.2")
        #expect(version.status == 100 && version.output.contains("E: Version '4.2.1-1.2' for 'make' was not found"))
    }

    @Test func aRepositoryIsUnknownUntilTheNextUpdateAndNeedsItsKey() throws {
        let lab = try ToolLab()
        let added = try lab.run("master1", "apt-get update >/dev/null; \(Self.dockerRepo)apt-get install -y containerd.io")
        #expect(added.status == 100 && added.output.contains("E: Unable to locate package containerd.io"))
        let noKey = try lab.run("master1", "apt-get update")
        #expect(noKey.status == 100)
        #expect(noKey.output.contains("NO_PUBKEY 7EA0A9C3F273FCD8"))
        let withKey = try lab.run(
            "master1",
            "echo key > /etc/apt/keyrings/docker.asc; apt-get update >/dev/null && apt-get install -y containerd.io && containerd --version"
        )
        #expect(withKey.status == 0, "\(withKey.output)")
        #expect(withKey.output.contains("containerd containerd.io 2.2.1"))
        let gone = try lab.run(
            "worker1",
            "echo 'deb https://apt.kubernetes.io/ kubernetes-xenial main' > /etc/apt/sources.list.d/kubernetes.list; apt-get update")
        #expect(gone.status == 100 && gone.output.contains("does not have a Release file"))
    }

    @Test func toolsThatNeedRootRefuseTheLoginUser() throws {
        let lab = try ToolLab()
        _ = try lab.run("master1", "true")
        let result = try ToolLab.process(
            [ToolLab.support.appendingPathComponent("lab-host").path, lab.root.path, "master1", "192.168.1.10", "/", "ubuntu"],
            input: "apt-get update; echo apt=$?; systemctl restart ssh; echo systemctl=$?")
        #expect(result.1.contains("Unable to lock directory /var/lib/apt/lists/"))
        #expect(result.1.contains("apt=100"))
        #expect(result.1.contains("Interactive authentication required"))
    }

    @Test func theDpkgLockIsHonouredAndTimeoutWaits() throws {
        let lab = try ToolLab()
        let result = try lab.run(
            "master1",
            """
            apt-get update >/dev/null
            (flock /var/lib/dpkg/lock-frontend sleep 2) & sleep 0.3
            apt-get install -y make; echo held=$?
            apt-get -o DPkg::Lock::Timeout=10 install -y make >/dev/null; echo waited=$?
            """)
        #expect(result.output.contains("E: Could not get lock /var/lib/dpkg/lock-frontend"))
        #expect(result.output.contains("held=100"))
        #expect(result.output.contains("waited=0"))
    }

    @Test func pip3InstallIsRefusedOn2404ButNotOn2204() throws {
        let lab = try ToolLab()
        let noble = try lab.run("master1", "apt-get update >/dev/null; apt-get install -y python3-pip >/dev/null; pip3 install pyyaml")
        #expect(noble.status == 1)
        #expect(noble.output.contains("error: externally-managed-environment"))
        #expect(noble.output.contains("hint: See PEP 668 for the detailed specification."))
        let jammy = try lab.run(
            "worker1", Self.asJammy + "apt-get update >/dev/null; apt-get install -y python3-pip >/dev/null; pip3 install pyyaml")
        #expect(jammy.status == 0, "\(jammy.output)")
    }

    @Test func containerdPrintsAndReadsTheFormatOfItsVersion() throws {
        let lab = try ToolLab()
        let setup = "apt-get update >/dev/null; \(Self.dockerRepo)echo k > /etc/apt/keyrings/docker.asc; apt-get update >/dev/null\n"
        let two = try lab.run(
            "master1",
            setup + """
                apt-get install -y containerd.io >/dev/null
                containerd config default | grep -c "plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc.options"
                containerd config default | sed 's/SystemdCgroup = false/SystemdCgroup = true/' > /etc/containerd/config.toml
                systemctl restart containerd && containerd config dump | grep -A12 "runtimes.runc.options" | grep SystemdCgroup
                # a v2-style section in a version 3 file has no effect on 2.x
                printf 'version = 3\\n[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]\\n  SystemdCgroup = true\\n' > /etc/containerd/config.toml
                containerd config dump | grep -A12 "cri.v1.runtime'.containerd.runtimes.runc.options" | grep SystemdCgroup
                # a version 2 file is migrated
                printf 'version = 2\\n[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]\\n  SystemdCgroup = true\\n' > /etc/containerd/config.toml
                containerd config dump | grep -A3 "cri.v1.runtime'.containerd.runtimes.runc.options" | grep SystemdCgroup
                printf 'version = 4\\n' > /etc/containerd/config.toml
                systemctl restart containerd; echo restart=$?
                """)
        let lines = two.output.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(lines.first == "1", "\(two.output)")
        #expect(
            Array(lines.filter { $0.hasPrefix("SystemdCgroup") }) == [
                "SystemdCgroup = true", "SystemdCgroup = false", "SystemdCgroup = true",
            ])
        #expect(two.output.contains("restart=1"))
        let one = try lab.run(
            "worker1",
            setup + """
                apt-get install -y containerd.io=1.7.28-1~ubuntu.24.04~noble >/dev/null
                containerd config default | grep -c '"io.containerd.grpc.v1.cri".containerd.runtimes.runc.options'
                containerd config default | sed 's/SystemdCgroup = false/SystemdCgroup = true/' > /etc/containerd/config.toml
                containerd config dump | grep SystemdCgroup
                """)
        #expect(one.output.contains("1\n"), "\(one.output)")
        #expect(one.output.contains("SystemdCgroup = true"))
    }

    @Test func onlyAGPUHostListsAnNvidiaDeviceAndNvidiaSmiNeedsTheDriver() throws {
        let lab = try ToolLab()
        let plain = try lab.run("worker1", "lspci | grep -i nvidia; echo rc=$?")
        #expect(plain.output.contains("rc=1"))
        let gpu = try lab.run(
            "worker2",
            """
            sed -i 's/RIG_LAB_GPU=0/RIG_LAB_GPU=1/' /etc/rig-lab/host.env
            lspci | grep -ci nvidia; nvidia-smi -L; echo smi=$?
            apt-get update >/dev/null; apt-get install -y nvidia-driver-570-server >/dev/null; nvidia-smi -L
            """)
        #expect(gpu.output.contains("1\n"))
        #expect(gpu.output.contains("smi=127"))
        #expect(gpu.output.contains("GPU 0: Tesla T4"))
    }
}

/// Hosts as rig reaches them: the persona, the `ubuntu` login with passwordless sudo, root refused.
@Suite(.enabled(if: LabTestSupport.canRunLabs, LabTestSupport.reason), .serialized)
struct LabPersonaTests {
    @Test func hostsAreUbuntuReachedAsUbuntuWithSudoAndRootIsRefused() throws {
        let fixture = try LabFixture()
        let clock = ContinuousClock()
        var state: LabState?
        let elapsed = try clock.measure {
            state = try fixture.lab.up(hosts: 3, options: LabOptions(ubuntu: ["22.04", "24.04"], gpuHosts: ["worker2"])).state
        }
        let lab = try #require(state)
        #expect(elapsed < .seconds(2), "rig lab up of 3 hosts took \(elapsed)")
        try LabFiles(lab: fixture.lab, state: lab).write(to: fixture.files)
        let inventory = try String(contentsOfFile: fixture.files + "/inventory.yaml", encoding: .utf8)
        #expect(inventory.contains("user: ubuntu"))
        let master = try LabTestSupport.ssh(
            fixture.files, lab.hosts[0].address, ". /etc/os-release; echo $VERSION_ID; . /etc/rig-lab/host.env; echo $RIG_LAB_CODENAME",
            user: "ubuntu",
            sudo: false)
        #expect(master.output.contains("22.04\njammy"), "\(master.output)")
        let worker = try LabTestSupport.ssh(
            fixture.files, lab.hosts[1].address, "id -un; sudo -n id -u; grep -c NVIDIA <(lspci); cat /etc/lsb-release", user: "ubuntu",
            sudo: false)
        #expect(worker.output.contains("ubuntu\n0\n0\n"), "\(worker.output)")
        #expect(worker.output.contains("DISTRIB_CODENAME=noble"))
        let gpu = try LabTestSupport.ssh(fixture.files, lab.hosts[2].address, "lspci | grep -c NVIDIA", user: "ubuntu", sudo: false)
        #expect(gpu.output.hasPrefix("1"))
        let root = try LabTestSupport.ssh(fixture.files, lab.hosts[0].address, "true", user: "root", sudo: false)
        #expect(!root.succeeded, "root login is refused")
    }

    @Test func rootLoginSeparateNFSAndASlash22() throws {
        let fixture = try LabFixture()
        let (state, _) = try fixture.lab.up(hosts: 2, options: LabOptions(rootLogin: true, separateNFS: true, lanPrefixLength: 22))
        try LabFiles(lab: fixture.lab, state: state).write(to: fixture.files)
        #expect(state.hosts.map(\.name) == ["master1", "worker1", "nfs1"])
        #expect(state.hosts[0].roles == ["master", "registry"] && state.hosts[2].roles == ["nfs"])
        #expect(state.subnet.hasSuffix("/22"))
        let site = try String(contentsOfFile: fixture.files + "/site.yaml", encoding: .utf8)
        let lastBlock = LabTopology.lastBlock(state.networkPrefix, length: 22)
        #expect(site.contains("loadBalancerIp: \(lastBlock).240"))
        let root = try LabTestSupport.ssh(
            fixture.files, state.hosts[2].address, "id -u; ip -o -4 addr show eth0", user: "root", sudo: false)
        #expect(root.output.hasPrefix("0\n") && root.output.contains("/22"), "\(root.output)")
    }
}
