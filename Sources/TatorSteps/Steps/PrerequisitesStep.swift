import RigKit
import RigModel

/// `tator.prerequisites`: everything the single-node tutorial installs on each node, for one
/// version profile: swap off, kernel modules and sysctls persisted, FORWARD policy persisted,
/// the container runtime with the registry as an insecure registry, kubeadm/kubelet/kubectl
/// pinned and held, nfs-common; the registry container on the registry host; Helm and the Argo
/// CLI on the master only; the dbServer node's hostPath folders.
public struct PrerequisitesStep: StepType {
    public init() {}

    public let name = "tator.prerequisites"
    public let summary =
        "Install and configure a node's prerequisites (runtime, kubeadm/kubelet/kubectl, NFS client; helm and argo on the master)"

    public let schema = ParameterSchema([
        CommonParameters.profile,
        .init(
            "dockerRegistry", .string, required: true,
            description: "host:port of the image registry; every node trusts it as an insecure (HTTP) registry"),
        .init(
            "kubernetesRepository", .string, default: "",
            description: "Overrides the profile's Kubernetes apt source (`URL SUITE COMPONENT`), e.g. a mirror that still carries 1.17.11"),
        .init("kubernetesKeyURL", .string, default: "", description: "Overrides the signing key URL of that source"),
        .init("kubernetesPackageVersion", .string, default: "", description: "Overrides the kubelet/kubeadm/kubectl package version"),
        .init("runRegistry", .bool, default: "true", description: "Run the `registry:2` container on the host with the registry role"),
        .init("registryRole", .string, default: "registry", description: "Inventory role of the host that runs the registry"),
        .init(
            "manageEtcHosts", .bool, default: "true",
            description: "Keep a block in /etc/hosts naming every inventory host, so `dockerRegistry: master1:5000` resolves on every node"),
        .init(
            "sharePath", .path, default: TatorLayout.share,
            description: "The NFS share path (postgis/elasticsearch hostPath folders are made under it on dbServer nodes)"),
        CommonParameters.masterRole,
    ])

    public func validate(_ step: Step, context: ValidationContext) -> [Diagnostic] {
        let rendered = RenderedParameters(step: step, context: context)
        guard let registry = rendered.string("dockerRegistry") else { return [] }
        if registry.hasPrefix("localhost") || registry.hasPrefix("127.") {
            return [
                .error(
                    "dockerRegistry '\(registry)' names each node's own loopback; pods on other nodes would fail with ImagePullBackOff",
                    at: rendered.location("dockerRegistry"),
                    hint: "use the registry host's LAN name or address, e.g. master1:5000")
            ]
        }
        if !registry.contains(":") {
            return [
                .warning(
                    "dockerRegistry '\(registry)' has no port; the tutorial's registry listens on 5000 (e.g. master1:5000)",
                    at: rendered.location("dockerRegistry"))
            ]
        }
        return []
    }

    public func planHeader(_ step: Step, context: ValidationContext) -> [String] {
        let name = RenderedParameters(step: step, context: context).string("profile") ?? "current"
        return VersionProfile.named(name)?.headerLines ?? []
    }

    public func plan(_ invocation: StepInvocation) throws -> TaskPlan {
        let ensures = try ensures(invocation)
        return ScriptBuilder.plan(
            ensures, preamble: preamble, question: "are the prerequisites in place?", action: "install the prerequisites")
    }

    private let preamble = [". /etc/os-release"]

    func ensures(_ invocation: StepInvocation) throws -> [Ensure] {
        let p = Parameters(invocation, schema)
        var profile = try CommonParameters.resolvedProfile(p)
        if !p.string("kubernetesRepository").isEmpty { profile.kubernetesRepository = p.string("kubernetesRepository") }
        if !p.string("kubernetesKeyURL").isEmpty { profile.kubernetesKeyURL = p.string("kubernetesKeyURL") }
        if !p.string("kubernetesPackageVersion").isEmpty { profile.kubernetesPackageVersion = p.string("kubernetesPackageVersion") }
        let host = invocation.host
        let registry = try p.required("dockerRegistry")
        let isMaster = host.hasRole(p.string("masterRole"))
        let isRegistry = host.hasRole(p.string("registryRole"))
        // The master builds and pushes Tator's images with docker; the registry host runs registry:2.
        let needsDocker = profile.runtime == .docker || isMaster || isRegistry
        let q = Shell.quote

        var list: [Ensure] = [
            Ensure(
                "swap is off and out of /etc/fstab",
                checks: ["[ -z \"$(swapon --show --noheadings)\" ]", "! grep -Eq '^[^#].*[[:space:]]swap[[:space:]]' /etc/fstab"],
                apply: "swapoff -a\nsed -ri 's/^([^#].*[[:space:]]swap[[:space:]].*)$/# disabled by rig: \\1/' /etc/fstab"),
            .file(
                "/etc/modules-load.d/rig-kubernetes.conf", content: "overlay\nbr_netfilter\n",
                then: "modprobe overlay\nmodprobe br_netfilter"),
            Ensure(
                "the overlay and br_netfilter modules are loaded",
                checks: ["lsmod | grep -qw overlay", "lsmod | grep -qw br_netfilter"],
                apply: "modprobe overlay\nmodprobe br_netfilter"),
            .file(
                "/etc/sysctl.d/99-rig-kubernetes.conf",
                content: "net.bridge.bridge-nf-call-iptables = 1\nnet.bridge.bridge-nf-call-ip6tables = 1\nnet.ipv4.ip_forward = 1\n",
                then: "sysctl --system >/dev/null"),
            Ensure(
                "bridged traffic passes iptables and forwarding is on",
                checks: ["[ \"$(sysctl -n net.bridge.bridge-nf-call-iptables)\" = 1 ]", "[ \"$(sysctl -n net.ipv4.ip_forward)\" = 1 ]"],
                apply: "sysctl --system >/dev/null"),
            .packages(
                "the base packages and the NFS client are installed",
                ["apt-transport-https", "ca-certificates", "curl", "gnupg", "nfs-common"]),
            Ensure(
                "distribution container packages that conflict with Docker's are removed",
                check: "[ -z \"$(for p in docker docker-engine docker.io containerd runc; do rig_has_pkg \"$p\" && echo \"$p\"; done)\" ]",
                apply:
                    "for p in docker docker-engine docker.io containerd runc; do if rig_has_pkg \"$p\"; then rig_apt remove \"$p\"; fi; done"
            ),
            Ensure(
                "Docker's apt repository is configured",
                checks: [
                    "[ -s /etc/apt/keyrings/docker.asc ]",
                    "grep -qF \"https://download.docker.com/linux/ubuntu $VERSION_CODENAME stable\" /etc/apt/sources.list.d/docker.list",
                ],
                apply: """
                    install -d -m 0755 /etc/apt/keyrings
                    curl -fsSL https://download.docker.com/linux/ubuntu/gpg -o /etc/apt/keyrings/docker.asc
                    chmod a+r /etc/apt/keyrings/docker.asc
                    echo "deb [arch=$(dpkg --print-architecture) signed-by=/etc/apt/keyrings/docker.asc] https://download.docker.com/linux/ubuntu $VERSION_CODENAME stable" > /etc/apt/sources.list.d/docker.list
                    rig_apt update
                    """),
        ]

        let daemonJSON = """
            {
              "exec-opts": ["native.cgroupdriver=systemd"],
              "log-driver": "json-file",
              "log-opts": { "max-size": "100m" },
              "storage-driver": "overlay2",
              "insecure-registries": [\(jsonString(registry))]
            }

            """
        if profile.runtime == .containerd {
            list.append(.packages("containerd is installed", ["containerd.io"]))
            list.append(
                Ensure(
                    "containerd's configuration (config.toml for the installed major: SystemdCgroup for runc, registries from \(ContainerdConfig.certsDirectory)) is in effect",
                    check: ContainerdConfig.check, apply: ContainerdConfig.apply))
            list.append(
                .file(
                    "/etc/containerd/certs.d/\(registry)/hosts.toml",
                    content: """
                        server = "http://\(registry)"

                        [host."http://\(registry)"]
                          capabilities = ["pull", "resolve", "push"]
                          skip_verify = true

                        """, then: "systemctl restart containerd"))
            list.append(
                Ensure(
                    "containerd is running", check: "systemctl is-active --quiet containerd",
                    apply: "systemctl enable --now containerd"))
        }
        if needsDocker {
            let version = profile.dockerPackageVersion
            list.append(
                .packages(
                    "Docker Engine is installed" + (version.map { " at \($0)" } ?? ""),
                    ["docker-ce" + (version.map { "=\($0)" } ?? ""), "docker-ce-cli" + (version.map { "=\($0)" } ?? ""), "containerd.io"],
                    hold: version == nil ? [] : ["docker-ce", "docker-ce-cli"]))
            list.append(
                .file(
                    "/etc/docker/daemon.json", content: daemonJSON,
                    then: "systemctl daemon-reload\nsystemctl restart docker"))
            list.append(Ensure("Docker is running", check: "systemctl is-active --quiet docker", apply: "systemctl enable --now docker"))
            if let user = host.user, user != "root" {
                list.append(
                    Ensure("\(user) may use docker", check: "id -nG \(q(user)) | grep -qw docker", apply: "usermod -aG docker \(q(user))"))
            }
        }

        if LabelCoverage.isYes(host.labels["gpuWorker"]), let gpu = profile.gpu {
            list += gpuEnsures(gpu)
        }

        let keyPath = profile.kubernetesKeyPath
        let versionSuffix = profile.kubernetesPackageVersion.map { "=\($0)" } ?? ""
        let kubePackages = ["kubelet", "kubeadm", "kubectl"]
        let sourceLine = "deb [signed-by=\(keyPath)] \(profile.kubernetesRepository)"
        let unavailable =
            profile.name == "tutorial" && p.string("kubernetesRepository").isEmpty
            ? "The tutorial profile installs Kubernetes \(profile.kubernetesPackageVersion ?? "") from apt.kubernetes.io, which was frozen on 13 September 2023 and went away on 4 March 2024 (kubernetes.io blog, 2023-08-31). Use profile: current (Kubernetes \(VersionProfile.current.kubernetesMinor) from pkgs.k8s.io with containerd), or set kubernetesRepository to a mirror that still carries it."
            : "The Kubernetes packages\(versionSuffix.isEmpty ? "" : " at version " + profile.kubernetesPackageVersion!) are not available from \(profile.kubernetesRepository); check the repository and version (kubernetesRepository, kubernetesPackageVersion)."
        list.append(
            Ensure(
                "the Kubernetes apt repository is configured",
                checks: ["[ -s \(q(keyPath)) ]", "grep -qxF \(q(sourceLine)) /etc/apt/sources.list.d/kubernetes.list"],
                apply: """
                    install -d -m 0755 /etc/apt/keyrings
                    curl -fsSL \(q(profile.kubernetesKeyURL)) -o \(q(keyPath)) || rig_fail \(q("could not download the Kubernetes signing key from \(profile.kubernetesKeyURL). " + unavailable))
                    chmod a+r \(q(keyPath))
                    echo \(q(sourceLine)) > /etc/apt/sources.list.d/kubernetes.list
                    update_log=$(rig_apt update 2>&1) || true
                    apt-cache madison kubeadm 2>/dev/null | grep -q \(q(profile.kubernetesPackageVersion ?? "|")) \\
                      || rig_fail \(q(unavailable)) "apt-get update said:" "$(printf '%s' "$update_log" | grep -E '^(E|W|Err):' | tail -3)"
                    """))
        list.append(
            .packages(
                "kubelet, kubeadm and kubectl are installed" + (versionSuffix.isEmpty ? "" : " at \(profile.kubernetesPackageVersion!)")
                    + " and held",
                kubePackages.map { $0 + versionSuffix }, hold: kubePackages))
        list.append(
            .file(
                "/etc/systemd/system/rig-iptables-forward.service",
                content: """
                    [Unit]
                    Description=Accept forwarded traffic for Kubernetes pods (rig, Tator tutorial)
                    After=network-online.target docker.service containerd.service

                    [Service]
                    Type=oneshot
                    ExecStart=/usr/sbin/iptables -P FORWARD ACCEPT
                    RemainAfterExit=yes

                    [Install]
                    WantedBy=multi-user.target

                    """, then: "systemctl daemon-reload"))
        list.append(
            Ensure(
                "the iptables FORWARD policy is ACCEPT, now and after reboots",
                checks: [
                    "systemctl is-enabled --quiet rig-iptables-forward.service",
                    "iptables -S FORWARD | head -1 | grep -qx -- '-P FORWARD ACCEPT'",
                ],
                apply: "systemctl enable rig-iptables-forward.service\niptables -P FORWARD ACCEPT"))

        if p.bool("manageEtcHosts") {
            let block = invocation.inventory.hosts
                .filter { IPv4Address($0.address) != nil }
                .map { "\($0.address) \($0.name)" + (Cluster.nodeName($0) != $0.name ? " \(Cluster.nodeName($0))" : "") }
            if !block.isEmpty {
                let content = (["# BEGIN rig tator hosts"] + block + ["# END rig tator hosts"]).joined(separator: "\n") + "\n"
                list.append(
                    Ensure(
                        "/etc/hosts names every inventory host",
                        check: Shell.heredoc("cmp -s - <(awk '/^# BEGIN rig tator hosts$/,/^# END rig tator hosts$/' /etc/hosts)", content),
                        apply: """
                            tmp=$(mktemp /etc/hosts.rig.XXXXXX)
                            awk '/^# BEGIN rig tator hosts$/,/^# END rig tator hosts$/ { next } { print }' /etc/hosts > "$tmp"
                            \(Shell.heredoc("cat >> \"$tmp\"", content))
                            chmod 0644 "$tmp"
                            cat "$tmp" > /etc/hosts
                            rm -f "$tmp"
                            """))
            }
        }

        if isRegistry, p.bool("runRegistry") {
            let port = registry.split(separator: ":").last.flatMap { Int($0) } ?? 5000
            list.append(
                Ensure(
                    "the registry:2 container serves port \(port)",
                    check: "[ \"$(docker inspect -f '{{.State.Running}}' registry 2>/dev/null)\" = true ]",
                    apply: "docker start registry 2>/dev/null || docker run -d -p \(port):5000 --restart=always --name registry registry:2")
            )
        }
        if isMaster {
            let helm = profile.helmVersion
            list.append(
                Ensure(
                    "Helm \(helm) is installed",
                    checks: ["command -v helm", "helm version --short | grep -Eq \(q("^v" + ereEscape(helm) + "([+]|$)"))"],
                    apply: """
                        tmp=$(mktemp -d)
                        arch=$(dpkg --print-architecture)
                        curl -fsSL "https://get.helm.sh/helm-v\(helm)-linux-$arch.tar.gz" -o "$tmp/helm.tgz"
                        tar -xzf "$tmp/helm.tgz" -C "$tmp"
                        install -m 0755 "$tmp/linux-$arch/helm" /usr/local/bin/helm
                        rm -rf "$tmp"
                        """))
            let compressed = profile.argoCLIURL.hasSuffix(".gz")
            let url = profile.argoCLIURL.replacingFirst("ARCH", with: "$(dpkg --print-architecture)")
            list.append(
                Ensure(
                    "the argo CLI is installed",
                    check: "command -v argo",
                    apply: compressed
                        ? "curl -fsSL \"\(url)\" | gunzip > /usr/local/bin/argo.rig\nchmod 0755 /usr/local/bin/argo.rig\nmv -f /usr/local/bin/argo.rig /usr/local/bin/argo"
                        : "curl -fsSL \"\(url)\" -o /usr/local/bin/argo.rig\nchmod 0755 /usr/local/bin/argo.rig\nmv -f /usr/local/bin/argo.rig /usr/local/bin/argo"
                ))
        }
        if LabelCoverage.isYes(host.labels["dbServer"]) {
            let share = p.string("sharePath")
            let dirs = TatorLayout.dbServerFolders.map { q(share + "/" + $0) }.joined(separator: " ")
            list.append(
                Ensure(
                    "the database hostPath folders exist on this dbServer node (nobody:nogroup, 777)",
                    check:
                        "[ -z \"$(for d in \(dirs); do [ -d \"$d\" ] && [ \"$(stat -c '%U:%G %a' \"$d\")\" = 'nobody:nogroup 777' ] || echo \"$d\"; done)\" ]",
                    apply: "mkdir -p \(dirs)\nchown nobody:nogroup \(dirs)\nchmod 777 \(dirs)"))
        }
        return list
    }

    /// A GPU worker: the NVIDIA driver (from the Ubuntu archive), the NVIDIA container toolkit
    /// (from NVIDIA's repository) and containerd's `nvidia` runtime as the default, so the device
    /// plugin's pods and Tator's GPU jobs see the GPUs.
    func gpuEnsures(_ gpu: VersionProfile.GPU) -> [Ensure] {
        let q = Shell.quote
        let line = "deb [signed-by=\(gpu.toolkitKeyPath)] \(gpu.toolkitRepository)"
        return [
            .packages("the NVIDIA driver (\(gpu.driverPackage)) is installed", [gpu.driverPackage]),
            Ensure(
                "nvidia-smi sees this host's GPU",
                check: "nvidia-smi -L | grep -q '^GPU '",
                apply: """
                    modprobe nvidia 2>/dev/null || true
                    nvidia-smi -L | grep -q '^GPU ' \\
                      || rig_fail 'nvidia-smi sees no GPU after installing \(gpu.driverPackage): reboot this host so the new kernel module loads (check Secure Boot: an unsigned module is refused), then run rig again'
                    """),
            Ensure(
                "NVIDIA's container toolkit repository is configured",
                checks: ["[ -s \(q(gpu.toolkitKeyPath)) ]", "grep -qxF \(q(line)) /etc/apt/sources.list.d/nvidia-container-toolkit.list"],
                apply: """
                    install -d -m 0755 /etc/apt/keyrings
                    curl -fsSL \(q(gpu.toolkitKeyURL)) | gpg --batch --yes --dearmor -o \(q(gpu.toolkitKeyPath)) \\
                      || rig_fail \(q("could not download NVIDIA's signing key from \(gpu.toolkitKeyURL)"))
                    chmod a+r \(q(gpu.toolkitKeyPath))
                    echo \(q(line)) > /etc/apt/sources.list.d/nvidia-container-toolkit.list
                    rig_apt update
                    """),
            .packages("the NVIDIA container toolkit is installed", ["nvidia-container-toolkit"]),
            Ensure(
                "containerd's default runtime is nvidia",
                checks: [
                    "dump=$(containerd config dump 2>/dev/null)",
                    "grep -q 'runtimes.nvidia\\]' <<< \"$dump\"",
                    "grep -Eq \"default_runtime_name = [\\\"']nvidia[\\\"']\" <<< \"$dump\"",
                ],
                apply: """
                    nvidia-ctk runtime configure --runtime=containerd --set-as-default
                    systemctl restart containerd
                    """),
        ]
    }

    private func jsonString(_ s: String) -> String {
        "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
