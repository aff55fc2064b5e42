import Foundation
import RigKit
import Testing

@testable import TatorSteps

/// Runs a step's real scripts as root inside a private mount namespace where /etc is an overlay
/// and /media a folder of the test's own, with stub system tools first on the PATH. Nothing
/// reaches this machine's real /etc or /media. Skipped when not root or without unshare.
final class Sandbox {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("rig-sandbox-\(UUID().uuidString)")
    var path: String { root.path }

    static var available: Bool {
        getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare")
    }

    init() throws {
        for dir in ["bin", "etc-upper", "etc-work", "media", "state"] {
            try FileManager.default.createDirectory(at: root.appendingPathComponent(dir), withIntermediateDirectories: true)
        }
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    func stub(_ name: String, _ body: String) throws {
        let url = root.appendingPathComponent("bin/\(name)")
        try "#!/bin/bash\nS=\(path)/state\n\(body)\n".write(to: url, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
    }

    /// A file as an upload would leave it, in the /etc overlay.
    func writeEtc(_ name: String, _ content: [UInt8], mode: UInt16) throws {
        let url = root.appendingPathComponent("etc-upper/\(name)")
        try Data(content).write(to: url)
        try FileManager.default.setAttributes([.posixPermissions: Int(mode)], ofItemAtPath: url.path)
    }

    func run(_ script: String) throws -> (Int32, String) {
        let file = root.appendingPathComponent("script.sh")
        try script.write(to: file, atomically: true, encoding: .utf8)
        let wrapper = """
            set -e
            mount -t overlay overlay -o lowerdir=/etc,upperdir=\(path)/etc-upper,workdir=\(path)/etc-work /etc
            mount --bind \(path)/media /media
            export PATH=\(path)/bin:$PATH RIG_OUTPUT=\(path)/state/outputs
            exec bash \(file.path)
            """
        return try Bash.run(["unshare", "-m", "--propagation", "private", "bash", "-c", wrapper])
    }
}

@Suite(.enabled(if: Sandbox.available, "needs root and unshare"))
struct SandboxedStepTests {
    /// apt, dpkg, systemctl and the NFS tools as the scripts see them.
    func nfsStubs(_ box: Sandbox) throws {
        try box.stub(
            "apt-get",
            #"echo "apt-get $*" >> "$S/apt.log"; for a in "$@"; do case "$a" in -*|install|update|remove|DPkg*) ;; *) touch "$S/pkg-${a%%=*}";; esac; done"#
        )
        try box.stub("dpkg-query", #"p="${@: -1}"; [ -f "$S/pkg-$p" ] || exit 1; printf 'install ok installed 1:1.3.4'"#)
        try box.stub("systemctl", #"echo "systemctl $*" >> "$S/systemctl.log""#)
        try box.stub("exportfs", #"echo "exportfs $*" >> "$S/exportfs.log""#)
        try box.stub(
            "showmount",
            #"[ -f "$S/pkg-nfs-kernel-server" ] || exit 1; echo "Export list for $2:"; awk '$1 !~ /^#/ && NF { split($2, c, "("); print $1 " " c[1] }' /etc/exports"#
        )
    }

    func runPlan(_ plan: TaskPlan, in box: Sandbox) throws -> [String] {
        var outputs: [String] = []
        for action in plan.actions {
            switch action {
            case .run(let command):
                let (status, output) = try box.run(command.script)
                #expect(status == 0, "\(command.summary ?? ""): \(output)")
                outputs.append(output)
            case .upload(let file):
                #expect(file.path.hasPrefix("/etc/"))
                try box.writeEtc(String(file.path.dropFirst("/etc/".count)), file.content, mode: file.mode)
            }
        }
        return outputs
    }

    @Test func nfsServerScriptsMakeTheShareAndExportsThenFindEverythingDone() throws {
        let box = try Sandbox()
        try nfsStubs(box)
        try box.writeEtc("exports", Array("# keep me\n/srv/old 10.0.0.0/8(ro)\n".utf8), mode: 0o644)
        let step = NFSServerStep()
        let with = Fixtures.steps().first { $0.id == "nfs-server" }!.with
        let invocation = Fixtures.invocation("nfs-server", step, host: "master1", with: with, mode: .execute)
        let current = try String(contentsOfFile: box.path + "/etc-upper/exports", encoding: .utf8)
        let plan = try step.plan(invocation, currentExports: current)

        #expect(try box.run(plan.check!.script).0 == 1)
        let outputs = try runPlan(plan, in: box)
        #expect(outputs[0].contains("rig: making sure the NFS server is installed"))
        #expect(
            try String(contentsOfFile: box.path + "/etc-upper/exports", encoding: .utf8) == """
                # keep me
                /srv/old 10.0.0.0/8(ro)
                /media/kubernetes_share 192.168.1.0/24(rw,async,no_subtree_check)
                /media/kubernetes_share/scratch 192.168.1.0/24(rw,async,no_subtree_check)

                """)
        for folder in ["", "/scratch", "/postgis", "/postgres"] {
            let attributes = try FileManager.default.attributesOfItem(atPath: box.path + "/media/kubernetes_share" + folder)
            #expect(attributes[.posixPermissions] as? Int == 0o777)
            #expect(attributes[.ownerAccountID] as? Int == 65534)
        }
        #expect(try String(contentsOfFile: box.path + "/state/systemctl.log", encoding: .utf8).contains("restart nfs-kernel-server"))

        // Second run: the check passes, and re-editing changes nothing.
        let again = try step.plan(invocation, currentExports: String(contentsOfFile: box.path + "/etc-upper/exports", encoding: .utf8))
        let (status, output) = try box.run(again.check!.script)
        #expect(status == 0, "\(output)")
        guard case .run(let first) = again.actions[0] else { return }
        #expect(!(try box.run(first.script).1.contains("making sure")))
    }

    @Test func labelScriptsLabelEveryNodeAndVerifyTheLabels() throws {
        let box = try Sandbox()
        // kubectl keeps each node's labels in a file: `label` writes them, `get node -o json` shows them.
        try box.stub(
            "kubectl",
            #"""
            case "$1 $2" in
              "label nodes") node=$3; shift 3
                for kv in "$@"; do [ "$kv" = --overwrite ] && continue
                  grep -v "^${kv%%=*}=" "$S/labels-$node" 2>/dev/null > "$S/tmp" || true; echo "$kv" >> "$S/tmp"; mv "$S/tmp" "$S/labels-$node"
                done;;
              "get node") [ -f "$S/labels-$3" ] || touch "$S/labels-$3"
                printf '{"metadata": {"name": "%s", "labels": {' "$3"
                awk -F= '{ printf "%s\"%s\": \"%s\"", (NR > 1 ? ", " : ""), $1, $2 }' "$S/labels-$3"; echo '}}}';;
              *) exit 1;;
            esac
            """#)
        let step = LabelStep()
        // Profile tutorial has no GPU stack: the sandbox has no helm; the device plugin part is in the goldens.
        let plan = try step.plan(
            Fixtures.invocation("label", step, host: "master1", with: ["profile": .string("tutorial")], mode: .execute))
        #expect(try box.run(plan.check!.script).0 == 1)
        _ = try runPlan(plan, in: box)
        #expect(
            try String(contentsOfFile: box.path + "/state/labels-worker2", encoding: .utf8)
                == "gpuWorker=yes\ncpuWorker=yes\nwebServer=no\ndbServer=no\n")
        #expect(try box.run(plan.check!.script).0 == 0)
        // A label changed by hand is put back.
        try "gpuWorker=yes\ncpuWorker=yes\nwebServer=no\ndbServer=yes\n".write(
            toFile: box.path + "/state/labels-worker2", atomically: true, encoding: .utf8)
        #expect(try box.run(plan.check!.script).0 == 1)
        _ = try runPlan(plan, in: box)
        #expect(try box.run(plan.check!.script).0 == 0)
    }

    /// Preflight's tools, answering as a healthy Ubuntu node would; nothing touches the network.
    func preflightStubs(_ box: Sandbox, address: String, dynamic: Bool = false, reachable: Bool = true, swap: Bool = false) throws {
        try box.writeEtc(
            "os-release",
            Array("NAME=\"Ubuntu\"\nVERSION_ID=\"20.04\"\nID=ubuntu\nPRETTY_NAME=\"Ubuntu 20.04.6 LTS\"\nVERSION_CODENAME=focal\n".utf8),
            mode: 0o644)
        try box.writeEtc("fstab", Array("UUID=1 / ext4 defaults 0 1\n\(swap ? "/swap.img none swap sw 0 0\n" : "")".utf8), mode: 0o644)
        try box.stub("nproc", "echo 4")
        try box.stub("df", "echo 'Filesystem 1024-blocks Used Available Capacity Mounted on'; echo '/dev/sda1 100000000 1 90000000 1% /'")
        try box.stub("ip", "echo '2: eth0    inet \(address)/24 brd 192.168.1.255 scope global \(dynamic ? "dynamic " : "")eth0'")
        try box.stub("ss", "exit 0")
        try box.stub("ping", "exit 1")
        try box.stub("timeout", reachable ? "exit 0" : "exit 1")
        try box.stub("swapon", swap ? #"[ -f "$S/swapoff" ] || echo '/swap.img file 2G 0B -2'"# : "exit 0")
        try box.stub("swapoff", #"touch "$S/swapoff""#)
    }

    func preflight(_ host: String) throws -> TaskPlan {
        let step = PreflightStep()
        var with = Fixtures.steps().first { $0.id == "preflight" }!.with
        // The sandbox has no network: the reachability checks are the lab's to test.
        with["checkSources"] = .bool(false)
        with["ubuntuVersions"] = .list([.string("20.04"), .string("22.04"), .string("24.04")])
        return try step.plan(Fixtures.invocation("preflight", step, host: host, with: with, mode: .execute))
    }

    @Test func preflightPassesAHealthyNodeAndReportsNoChange() throws {
        let box = try Sandbox()
        try preflightStubs(box, address: "192.168.1.11")
        _ = try runPlan(try preflight("worker1"), in: box)
        #expect(try String(contentsOfFile: box.path + "/state/outputs", encoding: .utf8) == "rig.changed=false\n")
    }

    @Test func preflightTurnsSwapOffAndListsEveryProblemOfAHost() throws {
        let box = try Sandbox()
        try preflightStubs(box, address: "192.168.1.11", dynamic: true, reachable: false, swap: true)
        guard case .run(let command) = try preflight("worker1").actions[0] else { return }
        let (status, output) = try box.run(command.script)
        #expect(status == 1)
        #expect(output.contains("rig: turned swap off"))
        #expect(
            try String(contentsOfFile: box.path + "/etc-upper/fstab", encoding: .utf8).contains("# disabled by rig: /swap.img none swap"))
        #expect(output.contains("host worker1 (192.168.1.11) is not ready"))
        #expect(output.contains("leased by DHCP"))
        #expect(output.contains("cannot reach the master master1 at 192.168.1.10:22"))
        #expect(!output.contains("swap is on"))
    }

    @Test func masterInitInitialisesOnceKeepsTheBootstrapTokenOutOfItsOutputAndUntaints() throws {
        let box = try Sandbox()
        let token = "abcdef.0123456789abcdef"
        try box.stub(
            "kubeadm",
            #"""
            echo "kubeadm $*" >> "$S/kubeadm.log"
            [ "$1" = init ] || exit 1
            mkdir -p /etc/kubernetes && touch /etc/kubernetes/admin.conf
            echo 'Your Kubernetes control-plane has initialized successfully!'
            echo 'kubeadm join 192.168.1.10:6443 --token abcdef.0123456789abcdef \'
            echo '    --discovery-token-ca-cert-hash sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef'
            """#)
        try box.stub(
            "kubectl",
            #"""
            [ -f /etc/kubernetes/admin.conf ] || exit 1
            case "$1 $2" in
              "get nodes") echo 'NAME STATUS ROLES AGE VERSION'; [ -f "$S/cni" ] && echo 'master1 Ready control-plane 1m v1.24.17' || echo 'master1 NotReady control-plane 1m v1.24.17';;
              "get node") [ -f "$S/untainted" ] && echo '{"spec": {}}' || echo '{"spec": {"taints": [{"effect": "NoSchedule", "key": "node-role.kubernetes.io/control-plane"}]}}';;
              "taint nodes") touch "$S/untainted";;
              *) exit 1;;
            esac
            """#)
        try box.stub(
            "helm",
            #"""
            case "$1" in
              list) cat "$S/releases" 2>/dev/null;;
              repo) [ "$2" = list ] && cat "$S/repos" 2>/dev/null; [ "$2" = add ] && echo "$3 $4" >> "$S/repos"; exit 0;;
              install) echo "$2" >> "$S/releases"; touch "$S/cni";;
            esac
            """#)
        let step = MasterInitStep()
        let plan = try step.plan(
            Fixtures.invocation(
                "master-init", step, host: "master1",
                with: ["profile": .string("current"), "adminUser": .string("root")], mode: .execute))
        #expect(try box.run(plan.check!.script).0 == 1)
        let output = try runPlan(plan, in: box).joined()
        #expect(!output.contains(token))
        #expect(output.contains("--token <redacted>"))
        let log = try String(contentsOfFile: box.path + "/state/kubeadm.log", encoding: .utf8)
        #expect(log == "kubeadm init --config /var/lib/rig/tator/kubeadm-init.yaml --skip-token-print\n")
        #expect(try String(contentsOfFile: box.path + "/state/releases", encoding: .utf8) == "cilium\n")
        #expect(FileManager.default.fileExists(atPath: box.path + "/state/untainted"))
        #expect(try box.run(plan.check!.script).0 == 0)
        // A second apply initialises nothing again.
        _ = try runPlan(plan, in: box)
        #expect(try String(contentsOfFile: box.path + "/state/kubeadm.log", encoding: .utf8) == log)
    }

    @Test func prerequisiteFilesAreWrittenOnceWithTheirModes() throws {
        let box = try Sandbox()
        let ensures: [Ensure] = [
            .file("/etc/sysctl.d/99-rig-test.conf", content: "net.ipv4.ip_forward = 1\n"),
            .file("/etc/rig-test/secret.conf", mode: "0600", content: "a\n"),
        ]
        let (status, output) = try box.run(ScriptBuilder.apply(ensures))
        #expect(status == 0, "\(output)")
        #expect(output.contains("rig: wrote /etc/sysctl.d/99-rig-test.conf"))
        let attributes = try FileManager.default.attributesOfItem(atPath: box.path + "/etc-upper/rig-test/secret.conf")
        #expect(attributes[.posixPermissions] as? Int == 0o600)
        #expect(try box.run(ScriptBuilder.check(ensures)).0 == 0)
        let (_, second) = try box.run(ScriptBuilder.apply(ensures))
        #expect(!second.contains("wrote"))
        #expect(!FileManager.default.fileExists(atPath: "/etc/rig-test"), "the real /etc was touched")
    }
}
