import Foundation
import Testing

/// A lab of sandboxed hosts for the simulated tools, without the lab's network: each host is
/// `Support/lab-host` (private overlays of /etc, /var, /opt, /root, /home, the tools as
/// /usr/local/bin, an empty network namespace), all sharing one `shared` folder. Nothing reaches
/// the machine's real /etc or /var; the temporary folder goes when the test ends.
final class ToolLab {
    static let support = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Support")
    static let addresses = ["master1": "192.168.1.10", "worker1": "192.168.1.11", "worker2": "192.168.1.12"]
    static var available: Bool {
        getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare")
            && FileManager.default.isExecutableFile(atPath: "/usr/bin/python3")
    }

    static let duckdnsToken = "lab-duckdns-token"
    /// `printf %s lab-duckdns-token | sha256sum`
    static let duckdnsTokenSHA256 = "b8bdeab6ad70825bd582ace10cacf9221d2c66821fdb8e879d5dc1b7b2b0df61"

    let root = FileManager.default.temporaryDirectory.appendingPathComponent("rig-labtools-\(UUID().uuidString)")
    var shared: URL { root.appendingPathComponent("shared") }

    init(faults: String = #"{"readyDelaySeconds": 0}"#) throws {
        try FileManager.default.createDirectory(at: shared, withIntermediateDirectories: true)
        // As `rig lab up` writes them (Lab.writeSharedFiles): the token, readable by root only, and
        // the SHA-256 of it that the lab's DuckDNS checks requests against.
        let token = shared.appendingPathComponent("duckdns-token")
        try "\(Self.duckdnsToken)\n".write(to: token, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: token.path)
        let digest = shared.appendingPathComponent("duckdns-token.sha256")
        try "\(Self.duckdnsTokenSHA256)\n".write(to: digest, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: digest.path)
        try setFaults(faults)
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    func setFaults(_ json: String) throws {
        try json.write(to: shared.appendingPathComponent("faults.json"), atomically: true, encoding: .utf8)
        try? FileManager.default.removeItem(at: shared.appendingPathComponent("fault-counts.json"))
    }

    /// Runs `script` with bash as root on lab host `host`; stdout and stderr together.
    func run(_ host: String, _ script: String) throws -> (status: Int32, output: String) {
        try Self.process([Self.support.appendingPathComponent("lab-host").path, root.path, host, Self.addresses[host]!], input: script)
    }

    /// Runs the workflow's real step scripts (Support/run-workflow); one result per step and host.
    func workflow(_ steps: [String] = [], profile: String = "current") throws -> (status: Int32, results: [StepResult]) {
        var arguments = [Self.support.appendingPathComponent("run-workflow").path, root.path]
        if !steps.isEmpty { arguments.append(steps.joined(separator: ",")) }
        let (status, output) = try Self.process(
            arguments, input: "", environment: ["DUCKDNS_TOKEN": "lab-duckdns-token", "PROFILE": profile], mergeErrors: false)
        let results = output.split(separator: "\n").compactMap { line in
            try? JSONDecoder().decode(StepResult.self, from: Data(line.utf8))
        }
        return (status, results)
    }

    func cluster() throws -> [String: Any] {
        let data = try Data(contentsOf: shared.appendingPathComponent("cluster.json"))
        return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }

    static func process(_ arguments: [String], input: String, environment: [String: String] = [:], mergeErrors: Bool = true) throws -> (
        Int32, String
    ) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: arguments[0])
        process.arguments = Array(arguments.dropFirst())
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("rig-labtools-out-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: output) }
        let handle = try FileHandle(forWritingTo: output)
        process.standardOutput = handle
        process.standardError = mergeErrors ? handle : FileHandle.nullDevice
        let pipe = Pipe()
        process.standardInput = pipe
        try process.run()
        pipe.fileHandleForWriting.write(Data(input.utf8))
        try pipe.fileHandleForWriting.close()
        process.waitUntilExit()
        try handle.close()
        return (process.terminationStatus, try String(contentsOf: output, encoding: .utf8))
    }
}

struct StepResult: Decodable {
    let step: String
    let host: String
    let result: String
    let output: String
}

/// Enough of a host for kubeadm, as on a real Ubuntu host (the persona's codename for Docker's
/// repository): the Kubernetes v1.36 and Docker repositories with their keys, `apt-get update`
/// before installing, kubelet, kubeadm and kubectl (kubeadm's package does not pull in kubelet)
/// and containerd with CRI on, the bridge module and forwarding — what tator.prerequisites
/// leaves behind for profile current.
let preparedNode = """
    set -e
    . /etc/os-release
    install -d -m 0755 /etc/apt/keyrings
    curl -fsSL https://pkgs.k8s.io/core:/stable:/v1.36/deb/Release.key -o /etc/apt/keyrings/kubernetes-apt-keyring.asc
    echo 'deb [signed-by=/etc/apt/keyrings/kubernetes-apt-keyring.asc] https://pkgs.k8s.io/core:/stable:/v1.36/deb/ /' > /etc/apt/sources.list.d/kubernetes.list
    curl -fsSL https://download.docker.com/linux/ubuntu/gpg -o /etc/apt/keyrings/docker.asc
    echo "deb [signed-by=/etc/apt/keyrings/docker.asc] https://download.docker.com/linux/ubuntu $VERSION_CODENAME stable" > /etc/apt/sources.list.d/docker.list
    apt-get update >/dev/null
    apt-get install -y containerd.io kubelet kubeadm kubectl >/dev/null
    containerd config default > /etc/containerd/config.toml
    systemctl restart containerd
    modprobe br_netfilter
    sysctl -w net.ipv4.ip_forward=1 >/dev/null

    """

@Suite(.enabled(if: ToolLab.available, "needs root, unshare and /usr/bin/python3"), .serialized)
struct LabToolsTests {
    @Test func theWorkflowsStepScriptsDeployTatorAndASecondRunChangesNothing() throws {
        let lab = try ToolLab()
        let (status, results) = try lab.workflow()
        let failures = results.filter { $0.result == "failed" }.map { "\($0.step)@\($0.host):\n\($0.output)" }
        #expect(status == 0, "\(failures.joined(separator: "\n"))")
        #expect(results.count == 15, "prerequisites on three hosts, join on two, ten steps on the master")
        // The checkout's chart (1.0.5's dependencies) resolves only after the step's transformations.
        let dependencies = try #require(results.first { $0.step == "chart-dependencies" })
        #expect(dependencies.result == "changed" && dependencies.output.contains("$ helm dependency update /opt/tator/helm/tator"))

        let initOutput = try #require(results.first { $0.step == "master-init" }?.output)
        #expect(initOutput.contains("kubeadm join 192.168.1.10:6443 --token <redacted> \\"))
        #expect(!initOutput.contains("<redacted> withheld>"))

        let cluster = try lab.cluster()
        let nodes = try #require(cluster["nodes"] as? [String: [String: Any]])
        #expect(Set(nodes.keys) == ["master1", "worker1", "worker2"])
        let labels = nodes["worker1"]?["labels"] as? [String: String]
        #expect(labels?["webServer"] == "yes" && labels?["dbServer"] == "no" && labels?["cpuWorker"] == "yes")
        let releases = try #require(cluster["releases"] as? [String: Any])
        #expect(Set(releases.keys) == ["kube-system/cilium", "provisioner/nfs-subdir-external-provisioner", "default/tator"])
        #expect((cluster["storageclasses"] as? [String: Any])?.keys.contains("nfs-client") == true)
        // nfs-provisioner's test claim is deleted again; Tator's chart has its own claim on nfs-client.
        let pvcs = try #require(cluster["pvcs"] as? [String: [String: Any]])
        #expect(Set(pvcs.keys) == ["default/main-pv-claim"])
        #expect(pvcs["default/main-pv-claim"]?["storageClassName"] as? String == "nfs-client")
        let exports = (cluster["exports"] as? [String: [String: Any]])?["192.168.1.10"]?["exports"] as? [[String: Any]]
        #expect(exports?.compactMap { $0["path"] as? String }.sorted() == ["/media/kubernetes_share", "/media/kubernetes_share/scratch"])
        #expect((cluster["duckdns"] as? [String: String])?["mysite.duckdns.org"] == "192.168.1.240")
        // No secret was on any tool's command line (calls.log records every argv).
        let calls = try String(contentsOf: lab.shared.appendingPathComponent("calls.log"), encoding: .utf8)
        let tokens = (cluster["tokens"] as? [[String: Any]] ?? []).compactMap { $0["token"] as? String }
        #expect(tokens.count >= 3, "init's token and one per worker")
        for secret in tokens + ["lab-duckdns-token"] { #expect(!calls.contains(secret)) }
        #expect(calls.contains(#""tool": "kubeadm", "argv": ["join", "--config""#))

        let again = try lab.workflow()
        #expect(again.status == 0)
        let changed = again.results.filter { $0.result != "ok" }.map { "\($0.step)@\($0.host): \($0.result)" }
        #expect(changed.isEmpty, "\(changed)")
    }

    @Test func anInjectedJoinFailureHitsOnlyThatWorkersNthJoin() throws {
        let lab = try ToolLab(
            faults: """
                {"readyDelaySeconds": 0, "faults": [{"host": "worker1", "tool": "kubeadm", "match": "join", "nth": 1,
                 "exitCode": 3, "message": "error execution phase kubelet-start: injected"}]}
                """)
        _ = try lab.workflow(["prerequisites", "master-init"])
        let first = try lab.workflow(["join"])
        #expect(first.status == 1)
        #expect(first.results.first { $0.host == "worker1" }?.result == "failed")
        #expect(first.results.first { $0.host == "worker1" }?.output.contains("error execution phase kubelet-start: injected") == true)
        #expect(first.results.first { $0.host == "worker2" }?.result == "changed")
        // The fault was for the first matching call only: the rerun joins worker1, and worker2 is done.
        let second = try lab.workflow(["join"])
        #expect(second.status == 0)
        #expect(second.results.map(\.result) == ["changed", "ok"])
    }

    /// The tutorial profile cannot be installed on a host of today: on Ubuntu 24.04 it stops at its
    /// first pin that is gone, docker-ce 19.03.12, which Docker built for 20.04 (focal) only, so the
    /// noble repository has no such version (apt's own error). A real host stops there too, before
    /// the Kubernetes repository; that one (apt.kubernetes.io) is gone as well, as apt says on update.
    @Test func theTutorialProfileStopsWhereItsPackagesAreGone() throws {
        let lab = try ToolLab()
        let (status, results) = try lab.workflow(["prerequisites"], profile: "tutorial")
        #expect(status == 1)
        #expect(results.count == 3 && results.allSatisfy { $0.step == "prerequisites" })
        let master = try #require(results.first { $0.host == "master1" })
        #expect(master.result == "failed")
        #expect(master.output.contains("Get:4 https://download.docker.com/linux/ubuntu noble InRelease"))
        #expect(master.output.contains("rig: making sure Docker Engine is installed at 5:19.03.12~3-0~ubuntu-focal"))
        #expect(master.output.contains("E: Version '5:19.03.12~3-0~ubuntu-focal' for 'docker-ce' was not found"))
        #expect(!master.output.contains("Setting up docker-ce"))
        #expect(!master.output.contains("apt.kubernetes.io"), "the step stops before the Kubernetes repository")

        let kubernetes = try lab.run(
            "master1",
            """
            echo 'deb [signed-by=/etc/apt/keyrings/kubernetes-legacy.gpg] https://apt.kubernetes.io/ kubernetes-xenial main' > /etc/apt/sources.list.d/kubernetes.list
            apt-get update
            """)
        #expect(kubernetes.status == 100)
        #expect(
            kubernetes.output.contains(
                "E: The repository 'https://apt.kubernetes.io kubernetes-xenial Release' does not have a Release file."))
    }

    @Test func joinAcceptsOnlyATokenAndCAHashTheMasterIssued() throws {
        let lab = try ToolLab()
        #expect(
            try lab.run(
                "master1",
                preparedNode + "kubeadm init --apiserver-advertise-address=192.168.1.10 --node-name=master1 --skip-token-print >/dev/null"
            ).status == 0)
        let (status, joinLine) = try lab.run("master1", "kubeadm token create --ttl 3600s --print-join-command")
        #expect(status == 0)
        let words = joinLine.split(whereSeparator: \.isWhitespace).map(String.init)
        #expect(words.count == 7 && words[0...1] == ["kubeadm", "join"] && words[2] == "192.168.1.10:6443")
        let token = words[4]
        let hash = words[6]
        #expect(token.range(of: #"^[a-z0-9]{6}\.[a-z0-9]{16}$"#, options: .regularExpression) != nil)

        func join(_ token: String, _ hash: String) throws -> (Int32, String) {
            try lab.run(
                "worker1",
                preparedNode + """
                    cat > /root/join.yaml <<EOF
                    apiVersion: kubeadm.k8s.io/v1beta4
                    kind: JoinConfiguration
                    discovery:
                      bootstrapToken:
                        apiServerEndpoint: "192.168.1.10:6443"
                        token: "\(token)"
                        caCertHashes:
                          - "\(hash)"
                    nodeRegistration:
                      name: "worker1"
                      criSocket: "unix:///var/run/containerd/containerd.sock"
                    EOF
                    kubeadm join --config /root/join.yaml
                    """)
        }
        let forged = try join("abcdef.0123456789abcdef", hash)
        #expect(forged.0 == 1 && forged.1.contains(#"could not find a JWS signature in the cluster-info ConfigMap for token ID "abcdef""#))
        let wrongCA = try join(token, "sha256:" + String(repeating: "0", count: 64))
        #expect(wrongCA.0 == 1 && wrongCA.1.contains("none of the public keys"))
        let good = try join(token, hash)
        #expect(good.0 == 0 && good.1.contains("This node has joined the cluster"))
        let again = try lab.run("worker1", "kubeadm join --config /root/join.yaml")
        #expect(again.status == 1 && again.output.contains("/etc/kubernetes/kubelet.conf already exists"))
    }

    @Test func nodesAreReadyOnlyWithACNIAndAfterTheirNotReadyTime() throws {
        let lab = try ToolLab(faults: #"{"readyDelaySeconds": 0, "notReady": {"worker2": 3600}}"#)
        let master = try lab.run(
            "master1",
            preparedNode + """
                kubeadm init --apiserver-advertise-address=192.168.1.10 --node-name=master1 >/dev/null
                export KUBECONFIG=/etc/kubernetes/admin.conf
                kubectl get nodes
                """)
        #expect(master.status == 0)
        #expect(master.output.contains("master1   NotReady   control-plane"))
        let cni = try lab.run(
            "master1",
            "KUBECONFIG=/etc/kubernetes/admin.conf kubectl apply -f https://raw.githubusercontent.com/cilium/cilium/v1.6/install/kubernetes/quick-install.yaml"
        )
        #expect(cni.status == 0 && cni.output.contains("daemonset.apps/cilium created"))
        let join = try lab.run("master1", "kubeadm token create --print-join-command").output.trimmingCharacters(
            in: .whitespacesAndNewlines)
        #expect(try lab.run("worker1", preparedNode + join).status == 0)
        // kubeadm's preflight refuses a node with swap on.
        let swapped = try lab.run("worker2", preparedNode + "echo '/swap.img none swap sw 0 0' >> /etc/fstab\n" + join)
        #expect(swapped.status == 1 && swapped.output.contains("[ERROR Swap]: running with swap on is not supported"))
        #expect(try lab.run("worker2", "swapoff -a\n" + join).status == 0)
        let nodes = try lab.run("master1", "KUBECONFIG=/etc/kubernetes/admin.conf kubectl get nodes").output
        #expect(nodes.contains("master1   Ready      control-plane"))
        #expect(nodes.contains("worker1   Ready      <none>"))
        #expect(nodes.contains("worker2   NotReady   <none>"))
    }

    @Test func duckDNSAcceptsOnlyTheLabsTokenAndTheLoginPageNeedsTator() throws {
        let lab = try ToolLab()
        let ok = try lab.run(
            "master1",
            #"printf 'url = "%s"\n' 'https://www.duckdns.org/update?domains=mysite&token=lab-duckdns-token&ip=192.168.1.240&verbose=true' | curl -sS --max-time 30 -K -"#
        )
        #expect(ok.output == "OK\n192.168.1.240\n\nUPDATED")
        let again = try lab.run(
            "worker1", #"curl -sS 'https://www.duckdns.org/update?domains=mysite&token=lab-duckdns-token&ip=192.168.1.240&verbose=true'"#)
        #expect(again.output.hasSuffix("NOCHANGE"))
        let wrong = try lab.run("master1", #"curl -sS 'https://www.duckdns.org/update?domains=mysite&token=guess&ip=192.168.1.240'"#)
        #expect(wrong.output == "KO")
        let page = try lab.run(
            "master1", "curl -sSL --max-time 20 --resolve mysite.duckdns.org:80:192.168.1.240 http://mysite.duckdns.org/")
        #expect(page.status == 7 && page.output.contains("Failed to connect to mysite.duckdns.org port 80"))
        let internet = try lab.run("master1", "curl -fsSL https://example.com/x -o /tmp/x")
        #expect(internet.status == 6)
    }

    @Test func theHelmTarballAndArgoDownloadsAreWorkingStandIns() throws {
        let lab = try ToolLab()
        let (status, output) = try lab.run(
            "master1",
            """
            set -e
            tmp=$(mktemp -d)
            curl -fsSL https://get.helm.sh/helm-v3.14.4-linux-amd64.tar.gz -o "$tmp/helm.tgz"
            tar -xzf "$tmp/helm.tgz" -C "$tmp"
            install -m 0755 "$tmp/linux-amd64/helm" /usr/local/bin/helm
            curl -fsSL https://github.com/argoproj/argo-workflows/releases/download/v3.4.11/argo-linux-amd64.gz | gunzip > /usr/local/bin/argo
            chmod 0755 /usr/local/bin/argo
            helm version --short
            argo version | head -1
            helm list 2>&1 || true
            """)
        #expect(status == 0, "\(output)")
        #expect(output.contains("v3.14.4+g"))
        #expect(output.contains("argo: v3.4.11"))
        #expect(output.contains("Error: Kubernetes cluster unreachable"))
    }
}
