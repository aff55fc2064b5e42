/// The pinned versions and package sources of a deployment. `tutorial` is what the 2020 tutorial
/// used (Docker 19.03.12, Kubernetes 1.17.11 from apt.kubernetes.io, Cilium 1.6, Helm 3.2.3,
/// Argo 2.8.1, stable/nfs-client-provisioner); its Kubernetes package source went away on
/// 4 March 2024. `current` uses today's sources: containerd, Kubernetes from pkgs.k8s.io (1.24,
/// the oldest release there and the newest whose APIs Tator 0.2.x charts still use), Cilium by
/// Helm, Argo 3.4 and nfs-subdir-external-provisioner.
public struct VersionProfile: Sendable, Hashable {
    public enum Runtime: String, Sendable, Hashable {
        /// Docker Engine as the kubelet's runtime (dockershim, Kubernetes < 1.24).
        case docker
        case containerd
    }

    public enum CNI: Sendable, Hashable {
        /// `kubectl apply -f URL`.
        case manifest(url: String)
        /// `helm install cilium cilium/cilium --version V` from `https://helm.cilium.io/`.
        case ciliumHelm(version: String)
    }

    public struct Provisioner: Sendable, Hashable {
        public var repositoryName: String
        public var repositoryURL: String
        public var chart: String
        public var release: String
    }

    public var name: String
    public var runtime: Runtime
    /// Docker Engine package version (`apt-get install docker-ce=<this>`), nil for the newest.
    public var dockerPackageVersion: String?
    /// `deb` line of the Kubernetes apt repository (without `[signed-by=...]`).
    public var kubernetesRepository: String
    public var kubernetesKeyURL: String
    /// Where the key is stored; `.asc` for an ASCII-armoured key, `.gpg` for a binary keyring.
    public var kubernetesKeyPath: String
    /// Package version for kubelet/kubeadm/kubectl (`=<this>`), nil for the newest in the repository.
    public var kubernetesPackageVersion: String?
    /// The kubeadm configuration API for `JoinConfiguration`.
    public var kubeadmAPIVersion: String
    /// Control-plane taints kubeadm puts on the master (removed when untainting).
    public var controlPlaneTaints: [String]
    /// The CRI socket kubeadm is told to use (nil: kubeadm detects it).
    public var criSocket: String?
    public var cni: CNI
    public var helmVersion: String
    public var argoVersion: String
    public var argoManifestURL: String
    /// The argo CLI download; `.gz` when compressed. `ARCH` is replaced on the host.
    public var argoCLIURL: String
    public var provisioner: Provisioner

    public static let tutorial = VersionProfile(
        name: "tutorial",
        runtime: .docker,
        dockerPackageVersion: "5:19.03.12~3-0~ubuntu-focal",
        kubernetesRepository: "https://apt.kubernetes.io/ kubernetes-xenial main",
        kubernetesKeyURL: "https://packages.cloud.google.com/apt/doc/apt-key.gpg",
        kubernetesKeyPath: "/etc/apt/keyrings/kubernetes-legacy.gpg",
        kubernetesPackageVersion: "1.17.11-00",
        kubeadmAPIVersion: "kubeadm.k8s.io/v1beta2",
        controlPlaneTaints: ["node-role.kubernetes.io/master"],
        criSocket: nil,
        cni: .manifest(url: "https://raw.githubusercontent.com/cilium/cilium/v1.6/install/kubernetes/quick-install.yaml"),
        helmVersion: "3.2.3",
        argoVersion: "v2.8.1",
        argoManifestURL: "https://raw.githubusercontent.com/argoproj/argo-workflows/v2.8.1/manifests/install.yaml",
        argoCLIURL: "https://github.com/argoproj/argo-workflows/releases/download/v2.8.1/argo-linux-ARCH",
        provisioner: Provisioner(
            repositoryName: "stable", repositoryURL: "https://charts.helm.sh/stable",
            chart: "stable/nfs-client-provisioner", release: "nfs-client-provisioner")
    )

    public static let current = VersionProfile(
        name: "current",
        runtime: .containerd,
        dockerPackageVersion: nil,
        kubernetesRepository: "https://pkgs.k8s.io/core:/stable:/v1.24/deb/ /",
        kubernetesKeyURL: "https://pkgs.k8s.io/core:/stable:/v1.24/deb/Release.key",
        kubernetesKeyPath: "/etc/apt/keyrings/kubernetes-apt-keyring.asc",
        kubernetesPackageVersion: nil,
        kubeadmAPIVersion: "kubeadm.k8s.io/v1beta3",
        controlPlaneTaints: ["node-role.kubernetes.io/master", "node-role.kubernetes.io/control-plane"],
        // The master also runs Docker Engine (to build images); name containerd's socket explicitly.
        criSocket: "unix:///var/run/containerd/containerd.sock",
        cni: .ciliumHelm(version: "1.14.5"),
        helmVersion: "3.14.4",
        argoVersion: "v3.4.11",
        argoManifestURL: "https://github.com/argoproj/argo-workflows/releases/download/v3.4.11/install.yaml",
        argoCLIURL: "https://github.com/argoproj/argo-workflows/releases/download/v3.4.11/argo-linux-ARCH.gz",
        provisioner: Provisioner(
            repositoryName: "nfs-subdir-external-provisioner",
            repositoryURL: "https://kubernetes-sigs.github.io/nfs-subdir-external-provisioner/",
            chart: "nfs-subdir-external-provisioner/nfs-subdir-external-provisioner",
            release: "nfs-subdir-external-provisioner")
    )

    public static let names = ["tutorial", "current"]

    public static func named(_ name: String) -> VersionProfile? {
        switch name {
        case "tutorial": return .tutorial
        case "current": return .current
        default: return nil
        }
    }
}
