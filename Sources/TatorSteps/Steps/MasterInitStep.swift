import RigKit
import RigModel

/// `tator.master-init`: `kubeadm init` with the master's LAN address and the pod CIDR Cilium
/// expects, a kubeconfig for the admin user, the CNI, the control-plane taint removed when the
/// master should run Tator's pods, and the master Ready. Skipped when admin.conf exists, the API
/// answers and all of that is already so.
public struct MasterInitStep: StepType {
    public init() {}

    public let name = "tator.master-init"
    public let summary = "kubeadm init on the master's LAN address, admin kubeconfig, CNI (Cilium), optional untaint; wait Ready"

    public let schema = ParameterSchema([
        CommonParameters.profile,
        .init(
            "advertiseAddress", .string, default: "",
            description: "API server address; empty: the master's inventory address (must be its LAN IP)"),
        .init(
            "podCIDR", .cidr, default: "10.217.0.0/16", description: "Pod network; Cilium as the tutorial sets it up expects 10.217.0.0/16"),
        .init(
            "adminUser", .string, default: "",
            description: "User who gets ~/.kube/config; empty: the inventory user of the master (none when root)"),
        .init(
            "untaint", .oneOf(["auto", "yes", "no"]), default: "auto",
            description: "Allow pods on the master; auto: when any of its labels is yes (it then serves Tator pods)"),
        .init("cniManifest", .string, default: "", description: "A CNI manifest URL to apply instead of the profile's Cilium"),
        .init("readyTimeout", .duration, default: "10m", description: "How long to wait for the master to become Ready"),
    ])

    public func plan(_ invocation: StepInvocation) throws -> TaskPlan {
        let p = Parameters(invocation, schema)
        let profile = try CommonParameters.resolvedProfile(p)
        let host = invocation.host
        let node = Cluster.nodeName(host)
        let q = Shell.quote
        let address = p.string("advertiseAddress").isEmpty ? host.address : p.string("advertiseAddress")
        let podCIDR = p.string("podCIDR")
        let adminUser = p.string("adminUser").isEmpty ? (host.user ?? "root") : p.string("adminUser")
        let untaint: Bool =
            switch p.string("untaint") {
            case "yes": true
            case "no": false
            default: TatorLayout.labels.contains { LabelCoverage.isYes(host.labels[$0]) }
            }
        let timeout = p.seconds("readyTimeout")

        let nodeIP = IPv4Address(address) != nil ? address : nil
        var initConfig = """
            apiVersion: \(profile.kubeadmAPIVersion)
            kind: InitConfiguration
            localAPIEndpoint:
              advertiseAddress: "\(address)"
              bindPort: \(TatorLayout.apiPort)
            nodeRegistration:
              name: "\(node)"

            """
        if let socket = profile.criSocket { initConfig += "  criSocket: \"\(socket)\"\n" }
        if let nodeIP { initConfig += JoinCommand.kubeletExtraArgs(["node-ip": nodeIP], apiVersion: profile.kubeadmAPIVersion) }
        initConfig += """
            ---
            apiVersion: \(profile.kubeadmAPIVersion)
            kind: ClusterConfiguration
            networking:
              podSubnet: "\(podCIDR)"
            ---
            apiVersion: kubelet.config.k8s.io/v1beta1
            kind: KubeletConfiguration
            cgroupDriver: systemd

            """
        let configPath = "\(TatorLayout.stateDirectory)/kubeadm-init.yaml"
        var ensures: [Ensure] = [
            Ensure(
                "the control plane is initialised and its API answers",
                checks: ["[ -f /etc/kubernetes/admin.conf ]", "kubectl get nodes"],
                apply: """
                    \(Shell.heredoc("rig_put \(configPath) 0600", initConfig))
                    if [ ! -f /etc/kubernetes/admin.conf ]; then
                      # --skip-token-print and the filter keep the bootstrap token out of the log; workers get fresh tokens.
                      kubeadm init --config \(configPath) --skip-token-print 2>&1 \\
                        | sed -E 's/(--token|--certificate-key|--discovery-token-ca-cert-hash)([ =])(<value withheld>|[^ ]+)/\\1\\2<redacted>/g'
                    fi
                    rig_wait 300 'the API server on \(address):\(TatorLayout.apiPort) to answer' kubectl get nodes
                    """)
        ]
        if adminUser != "root" {
            ensures.append(
                Ensure(
                    "\(adminUser) has a kubeconfig",
                    checks: [
                        "home=$(getent passwd \(q(adminUser)) | cut -d: -f6)", "cmp -s /etc/kubernetes/admin.conf \"$home/.kube/config\"",
                    ],
                    apply: """
                        home=$(getent passwd \(q(adminUser)) | cut -d: -f6)
                        [ -n "$home" ] || rig_fail 'adminUser \(adminUser) does not exist on \(host.name)'
                        install -d -m 0700 -o \(q(adminUser)) -g "$(id -gn \(q(adminUser)))" "$home/.kube"
                        install -m 0600 -o \(q(adminUser)) -g "$(id -gn \(q(adminUser)))" /etc/kubernetes/admin.conf "$home/.kube/config"
                        """))
        }
        var cni = Ensure("the pod network (CNI) is installed", check: "true", apply: "")
        if !p.string("cniManifest").isEmpty
            || {
                if case .manifest = profile.cni { return true }
                return false
            }()
        {
            var url = p.string("cniManifest")
            if url.isEmpty, case .manifest(let u) = profile.cni { url = u }
            cni = .manifest("the pod network (CNI) is installed", url: url, marker: "cni-applied")
        } else if case .ciliumHelm(let version) = profile.cni {
            cni.checks = ["helm list -n kube-system --short | grep -qx cilium"]
            cni.apply = """
                helm repo list 2>/dev/null | awk '{ print $1 }' | grep -qx cilium || helm repo add cilium https://helm.cilium.io/
                helm repo update cilium >/dev/null 2>&1 || helm repo update
                helm install cilium cilium/cilium --version \(q(version)) --namespace kube-system --set ipam.mode=kubernetes
                """
        }
        ensures.append(cni)
        if untaint {
            let pattern = profile.controlPlaneTaints.map { ereEscape($0) }.joined(separator: "|")
            ensures.append(
                Ensure(
                    "pods may run on the master (control-plane taint removed)",
                    check: "! kubectl get node \(q(node)) -o json | grep -Eq '\"key\": *\"(\(pattern))\"'",
                    apply: profile.controlPlaneTaints.map { "kubectl taint nodes \(q(node)) \($0)- 2>/dev/null || true" }.joined(
                        separator: "\n")))
        }
        ensures.append(
            Ensure(
                "the master node \(node) is Ready",
                check: "rig_node_ready \(q(node))",
                apply:
                    "rig_wait \(timeout) 'node \(node) to become Ready (it waits for the CNI pods: kubectl -n kube-system get pods)' rig_node_ready \(q(node))"
            ))

        return ScriptBuilder.plan(
            ensures, preamble: [ScriptBuilder.kubeconfig], question: "is the control plane up?",
            action: "initialise the control plane")
    }
}

/// Escapes a literal for an extended regular expression.
func ereEscape(_ text: String) -> String {
    var out = ""
    for c in text {
        if "\\^$.|?*+()[]{}".contains(c) { out.append("\\") }
        out.append(c)
    }
    return out
}
