import Foundation
import Testing

@testable import RigLab

/// Proof that the strict lab bites (issue 12, item 7): each class of bug the old Tator steps had
/// on real 2026 hosts is put back as a `shell` step holding a copy of the old script fragment
/// (PrerequisitesStep, BuildStep and ScriptBuilder's `rig_apt`/`rig_fail` at 869045d), and the
/// lab run fails at exactly that task with the message that names the cause.
///
/// One lab of four hosts (master1 24.04, worker1 22.04, worker2 and worker3 24.04), one `rig run
/// --keep-going` of independent steps; every test below reads the same captured run (the lab is
/// already down by then, whatever happened).
enum BitesRun {
    struct Captured: Sendable {
        var status: Int32
        var output: String
        /// Task log text by `step@host`.
        var logs: [String: String]
        /// master1's /etc/containerd/config.toml after the run.
        var containerdConfig: String
    }

    static let captured: Result<Captured, any Error> = Result { try run() }

    /// The steps: each fragment as the old steps had it. Root steps run through `sudo -n bash`
    /// because a `shell` step runs as the login user (inventory `become` applies to step types
    /// that ask for it, such as the Tator stages, not to `shell`); the last one deliberately not.
    static let workflow = #"""
        name: lab-bites
        steps:
          # (a) PrerequisitesStep's base packages, the first apt-get call on a fresh host
          - id: install-before-update
            type: shell
            on: worker2
            with:
              shell: sudo -n bash
              run: |
                set -euo pipefail
                rig_apt() { DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 -y -q "$@"; }
                rig_apt install --allow-downgrades --allow-change-held-packages apt-transport-https ca-certificates curl gnupg nfs-common

          # (b) BuildStep's pip tools, on a 24.04 and a 22.04 host
          - id: pip-into-system-python
            type: shell
            on: [master1, worker1]
            with:
              shell: sudo -n bash
              run: |
                set -euo pipefail
                rig_apt() { DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 -y -q "$@"; }
                rig_apt update
                rig_apt install python3-pip
                pip3 install mako

          # (c) PrerequisitesStep's Docker repository, containerd.io and its config sed, then its check
          - id: containerd-sed
            type: shell
            on: master1
            with:
              shell: sudo -n bash
              run: |
                set -euo pipefail
                rig_fail() { printf 'rig: error: %s\n' "$*" >&2; exit 1; }
                rig_apt() { DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 -y -q "$@"; }
                . /etc/os-release
                arch=$(dpkg --print-architecture)
                install -d -m 0755 /etc/apt/keyrings
                curl -fsSL https://download.docker.com/linux/ubuntu/gpg -o /etc/apt/keyrings/docker.asc
                chmod a+r /etc/apt/keyrings/docker.asc
                echo "deb [arch=$arch signed-by=/etc/apt/keyrings/docker.asc] https://download.docker.com/linux/ubuntu $VERSION_CODENAME stable" > /etc/apt/sources.list.d/docker.list
                rig_apt update
                rig_apt install --allow-downgrades --allow-change-held-packages containerd.io
                install -d -m 0755 /etc/containerd
                containerd config default > /etc/containerd/config.toml.rig
                sed -i -e 's/SystemdCgroup = false/SystemdCgroup = true/' \
                  -e 's|config_path = ""|config_path = "/etc/containerd/certs.d"|' /etc/containerd/config.toml.rig
                mv -f /etc/containerd/config.toml.rig /etc/containerd/config.toml
                systemctl restart containerd
                { grep -q 'SystemdCgroup = true' /etc/containerd/config.toml && grep -q 'config_path = "/etc/containerd/certs.d"' /etc/containerd/config.toml && ! grep -Eq '^disabled_plugins.*"cri"' /etc/containerd/config.toml; } \
                  || rig_fail 'containerd uses the systemd cgroup driver and the CRI plugin, and reads registry settings from /etc/containerd/certs.d: still not so after applying it'

          # (d) a chart of the Tator 0.2.12 era: RBAC v1beta1, removed in Kubernetes 1.22
          - id: removed-api
            type: shell
            on: master1
            with:
              shell: sudo -n bash
              run: |
                set -euo pipefail
                rm -rf /tmp/old-chart && mkdir -p /tmp/old-chart/templates
                printf 'apiVersion: v2\nname: old-chart\nversion: 0.1.0\n' > /tmp/old-chart/Chart.yaml
                cat > /tmp/old-chart/templates/rbac.yaml <<'YAML'
                apiVersion: rbac.authorization.k8s.io/v1beta1
                kind: ClusterRoleBinding
                metadata:
                  name: old-binding
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
                subjects: [{kind: ServiceAccount, name: default, namespace: default}]
                YAML
                helm install old-chart /tmp/old-chart

          # (e) the tutorial-era kubeadm init (--experimental-upload-certs went away in 1.16)
          - id: kubeadm-old-flag
            type: shell
            on: master1
            with:
              shell: sudo -n bash
              run: kubeadm init --pod-network-cidr=10.244.0.0/16 --experimental-upload-certs

          # (f) a root-only command run as the login user, without sudo
          - id: root-without-become
            type: shell
            on: worker3
            with:
              run: |
                set -euo pipefail
                rig_apt() { DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 -y -q "$@"; }
                rig_apt update

        """#

    /// The lab's hosts as `ubuntu` with the lab key; `become: true` on the hosts whose steps need
    /// root, none on worker3 (case f).
    static func inventory(_ fixture: LabFixture, _ state: LabState) -> String {
        var lines = [
            "defaults:", "  user: ubuntu", "  identity: \"\(fixture.lab.paths.identity)\"", "  ssh_config: \"\(fixture.files)/ssh_config\"",
            "hosts:",
        ]
        for host in state.hosts {
            lines += ["  - name: \(host.name)", "    address: \(host.address)", "    roles: [\(host.roles.joined(separator: ", "))]"]
            if host.name != "worker3" { lines.append("    become: true") }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func run() throws -> Captured {
        let fixture = try LabFixture()
        let (state, _) = try fixture.lab.up(hosts: 4, options: LabOptions(ubuntu: ["24.04", "22.04", "24.04"]))
        try LabFiles(lab: fixture.lab, state: state).write(to: fixture.files)
        guard let master = state.hosts.first(where: { $0.name == "master1" }), let holder = master.holder else {
            throw LabError.system("the lab has no master1")
        }

        // (d) and (e) need a cluster: the same v1.36 cluster state, kubeconfig, kubeadm package
        // and downloaded helm as the cluster-tool tests give their hosts.
        let prepared = try LabTestSupport.ssh(fixture.files, master.address, ClusterToolsFixture.prepared)
        guard prepared.succeeded else { throw LabError.system("preparing master1's cluster: \(prepared.output)") }

        let workflowFile = "\(fixture.folder)/bites.yaml"
        let inventoryFile = "\(fixture.folder)/inventory.yaml"
        try workflow.write(toFile: workflowFile, atomically: true, encoding: .utf8)
        try inventory(fixture, state).write(toFile: inventoryFile, atomically: true, encoding: .utf8)
        let run = try SystemCommand.run([
            "timeout", "300", WorkflowRun.rig, "run", workflowFile, "--inventory", inventoryFile, "--keep-going",
        ])

        let stateFolder = "\(fixture.folder)/.rig"
        let id = try String(contentsOfFile: "\(stateFolder)/latest", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let logFolder = "\(stateFolder)/runs/\(id)/logs"
        var logs: [String: String] = [:]
        for name in (try? FileManager.default.contentsOfDirectory(atPath: logFolder)) ?? [] where name.hasSuffix(".log") {
            logs[String(name.dropLast(4))] = try String(contentsOfFile: "\(logFolder)/\(name)", encoding: .utf8)
        }
        let config =
            (try? String(contentsOfFile: "/proc/\(holder.pid)/root/etc/containerd/config.toml", encoding: .utf8)) ?? ""
        return Captured(status: run.status, output: run.output, logs: logs, containerdConfig: config)
    }
}

@Suite(
    "The strict lab bites", .serialized,
    .enabled(if: WorkflowRun.canRun, "needs root, ip netns, the lab's simulated tools in RigLab's resources and the built rig"))
struct LabBitesTests {
    func captured() throws -> BitesRun.Captured { try BitesRun.captured.get() }

    func log(_ task: String) throws -> String {
        let run = try captured()
        return try #require(run.logs[task], "no log for \(task); run output: \(run.output.suffix(3000))")
    }

    /// The run fails (exit 1), each bug at its own task, and the one healthy task (pip on 22.04) passes.
    @Test func theRunFailsExactlyAtTheSixBuggyTasks() throws {
        let run = try captured()
        #expect(run.status == 1, "\(run.output.suffix(3000))")
        for task in [
            "install-before-update@worker2", "pip-into-system-python@master1", "containerd-sed@master1", "removed-api@master1",
            "kubeadm-old-flag@master1", "root-without-become@worker3",
        ] {
            #expect(run.output.contains("✗ \(task)  failed"), "\(task): \(run.output.suffix(3000))")
        }
        #expect(run.output.contains("✓ pip-into-system-python@worker1"), "\(run.output.suffix(3000))")
        #expect(run.output.contains("6 failed"), "\(run.output.suffix(3000))")
    }

    /// (a) No package lists on a fresh host: the first `apt-get install` cannot find anything.
    @Test func aptGetInstallBeforeAnyUpdateCannotLocateThePackage() throws {
        let log = try log("install-before-update@worker2")
        #expect(log.contains("E: Unable to locate package apt-transport-https"), "\(log)")
        let run = try captured()
        #expect(run.output.contains("✗ install-before-update@worker2  failed: command exited with status 100: E: Unable to locate package"))
    }

    /// (b) PEP 668: pip3 into the system Python is refused on 24.04, and the same script passes on 22.04.
    @Test func pip3InstallIntoTheSystemPythonIsRefusedOn2404Only() throws {
        let noble = try log("pip-into-system-python@master1")
        #expect(noble.contains("error: externally-managed-environment"), "\(noble)")
        #expect(
            noble.contains("--break-system-packages") && noble.contains("hint: See PEP 668 for the detailed specification."), "\(noble)")
        let jammy = try log("pip-into-system-python@worker1")
        #expect(!jammy.contains("externally-managed-environment"), "\(jammy)")
        #expect(jammy.contains("Successfully installed mako"), "\(jammy)")
    }

    /// (c) containerd.io 2.2 from Docker's repository prints the version 3 config: its
    /// `SystemdCgroup = false` line (2.2+) still matches the first sed, but the registry's
    /// `config_path = ''` is single-quoted, so the second sed matches nothing and the old check fails.
    @Test func theOldContainerdSedCannotMatchContainerd2sSingleQuotedConfigPath() throws {
        let log = try log("containerd-sed@master1")
        #expect(log.contains("Setting up containerd.io (2.2."), "\(log)")
        #expect(
            log.contains(
                "rig: error: containerd uses the systemd cgroup driver and the CRI plugin, and reads registry settings from /etc/containerd/certs.d: still not so after applying it"
            ), "\(log)")
        let config = try captured().containerdConfig
        #expect(config.contains("version = 3"), "\(config)")
        #expect(config.contains("[plugins.'io.containerd.cri.v1.images'.registry]\n      config_path = ''"), "\(config)")
        #expect(!config.contains("/etc/containerd/certs.d"), "\(config)")
        #expect(config.contains("SystemdCgroup = true"), "the first sed still matches on 2.2: \(config)")
    }

    /// (d) A chart with `rbac.authorization.k8s.io/v1beta1` on a Kubernetes 1.36 cluster: refused
    /// by the lab's helm (the real helm's rendering), naming the object and the API.
    @Test(.enabled(if: ClusterToolsFixture.hasRealHelm, ClusterToolsFixture.noRealHelm))
    func aChartWithARemovedApiIsRefusedNamingTheObject() throws {
        let log = try log("removed-api@master1")
        #expect(log.contains("Error: INSTALLATION FAILED: unable to build kubernetes objects from release manifest"), "\(log)")
        #expect(log.contains(#"no matches for kind "ClusterRoleBinding" in version "rbac.authorization.k8s.io/v1beta1""#), "\(log)")
        #expect(log.contains("not served since Kubernetes 1.22") && log.contains("ClusterRoleBinding/old-binding"), "\(log)")
    }

    /// (e) The tutorial's `kubeadm init --experimental-upload-certs`: kubeadm 1.36 has no such flag.
    @Test func anUnknownKubeadmFlagIsRefused() throws {
        let log = try log("kubeadm-old-flag@master1")
        #expect(
            log.contains("unknown flag: --experimental-upload-certs\nTo see the stack trace of this error execute with --v=5 or higher"),
            "\(log)")
    }

    /// (f) `apt-get update` as `ubuntu` without sudo: apt's permission error on its lock.
    @Test func aRootOnlyCommandWithoutBecomeFailsOnAptsLock() throws {
        let log = try log("root-without-become@worker3")
        #expect(log.contains("E: Could not open lock file /var/lib/apt/lists/lock - open (13: Permission denied)"), "\(log)")
        #expect(log.contains("E: Unable to lock directory /var/lib/apt/lists/"), "\(log)")
    }
}
