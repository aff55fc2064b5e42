/// A named, dated set of versions and package sources that a deployment installs. Every fact
/// behind a profile, with its source, is in docs/tator.md ("Version profiles").
///
/// - `current` (2026-12): Ubuntu 22.04/24.04, Kubernetes v1.36 from pkgs.k8s.io, containerd.io 2.x
///   from Docker's repository configured with config version 3, Cilium 1.19 by Helm, Argo
///   Workflows 3.7, Helm 4.2.3, Tator 1.0.5, kubeadm API v1beta4, NVIDIA container toolkit on GPU
///   workers.
/// - `tutorial` (2020-09): what Tator's multi-node tutorial used (Docker 19.03.12 for focal,
///   Kubernetes 1.17.11 from apt.kubernetes.io, Cilium 1.6, Helm 3.2.3, Argo 2.8.1). Kept so the
///   tutorial can be read against rig, but not installable on a fresh machine today.
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

    /// What GPU workers (label gpuWorker=yes) get.
    public struct GPU: Sendable, Hashable {
        /// The NVIDIA driver package from the Ubuntu archive.
        public var driverPackage: String
        /// `deb` line of the NVIDIA container toolkit repository (`$(ARCH)` is literal: apt expands it).
        public var toolkitRepository: String
        public var toolkitKeyURL: String
        public var toolkitKeyPath: String
        public var devicePluginRepositoryURL: String
        public var devicePluginChart: String
        public var devicePluginVersion: String
    }

    public var name: String
    /// When the versions were chosen (YYYY-MM).
    public var date: String
    /// One line: what the profile is.
    public var summary: String
    /// Why it cannot be installed on a fresh machine today; nil when it can.
    public var notInstallable: String?
    /// Ubuntu releases (VERSION_ID) the profile is for.
    public var ubuntuVersions: [String]
    public var runtime: Runtime
    /// Docker Engine package version (`apt-get install docker-ce=<this>`), nil for the newest.
    public var dockerPackageVersion: String?
    /// The containerd major version expected from Docker's repository (`containerd.io`), for the
    /// plan header; the configuration written follows the major actually installed.
    public var containerdLine: String
    /// `deb` line of the Kubernetes apt repository (without `[signed-by=...]`).
    public var kubernetesRepository: String
    public var kubernetesKeyURL: String
    /// Where the key is stored; `.asc` for an ASCII-armoured key, `.gpg` for a binary keyring.
    public var kubernetesKeyPath: String
    /// The Kubernetes minor, e.g. `1.36`.
    public var kubernetesMinor: String
    /// Package version for kubelet/kubeadm/kubectl (`=<this>`), nil for the newest in the repository.
    public var kubernetesPackageVersion: String?
    /// The kubeadm configuration API of `InitConfiguration`/`JoinConfiguration`.
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
    /// The Tator ref the profile was checked with (the workflow's tatorRef default).
    public var tatorRef: String
    public var gpu: GPU?

    /// Lines for the header of `rig plan`.
    public var headerLines: [String] {
        var lines = ["profile \(name) (\(date)): \(summary)"]
        if let notInstallable { lines.append("  NOT INSTALLABLE on a fresh machine today: \(notInstallable)") }
        let cniText: String =
            switch cni {
            case .manifest(let url): "CNI manifest \(url)"
            case .ciliumHelm(let version): "Cilium \(version) (helm.cilium.io)"
            }
        lines.append(
            "  Ubuntu \(ubuntuVersions.joined(separator: ", ")); Kubernetes \(kubernetesPackageVersion ?? "v\(kubernetesMinor) (newest patch)") from \(kubernetesRepository.split(separator: " ").first ?? "")"
        )
        lines.append(
            "  runtime: "
                + (runtime == .docker
                    ? "Docker Engine \(dockerPackageVersion ?? "newest")"
                    : "containerd.io \(containerdLine) (Docker's apt repository), config written for the installed major")
                + "; kubeadm API \(kubeadmAPIVersion.split(separator: "/").last ?? "")")
        lines.append("  \(cniText); Helm \(helmVersion); Argo Workflows \(argoVersion); \(provisioner.chart)")
        if let gpu {
            lines.append(
                "  GPU workers: \(gpu.driverPackage), nvidia-container-toolkit, \(gpu.devicePluginChart) \(gpu.devicePluginVersion)")
        }
        lines.append("  Tator ref checked with this profile: \(tatorRef)")
        return lines
    }

    /// Where the hosts must be able to download from (reachability preflight), by what needs it.
    public struct Source: Sendable, Hashable {
        public var what: String
        public var url: String
        /// Only the master needs it (helm, argo, charts, images it builds).
        public var masterOnly: Bool
        /// Only GPU workers need it.
        public var gpuOnly: Bool

        public init(_ what: String, _ url: String, masterOnly: Bool = false, gpuOnly: Bool = false) {
            self.what = what
            self.url = url
            self.masterOnly = masterOnly
            self.gpuOnly = gpuOnly
        }
    }

    /// Every download source the profile uses, for the reachability preflight.
    public var sources: [Source] {
        var list: [Source] = [
            Source("Docker's apt repository", "https://download.docker.com/linux/ubuntu/gpg"),
            Source("the Kubernetes apt repository", kubernetesKeyURL),
            Source("Docker Hub (registry:2, Bitnami legacy images)", "https://registry-1.docker.io/v2/"),
            Source("registry.k8s.io (control-plane images)", "https://registry.k8s.io/v2/"),
            Source("Helm's download site", "https://get.helm.sh/helm-v\(helmVersion)-linux-amd64.tar.gz.sha256sum", masterOnly: true),
            Source("Argo Workflows' release", argoManifestURL, masterOnly: true),
            Source("the NFS provisioner's chart repository", provisioner.repositoryURL + "index.yaml", masterOnly: true),
            Source("GitHub (Tator's source)", "https://github.com/cvisionai/tator.git/info/refs?service=git-upload-pack", masterOnly: true),
            Source(
                "Bitnami's archived chart index (metallb, redis)", ChartDependencyFixes.bitnamiArchiveIndex + "/index.yaml",
                masterOnly: true),
            Source("Elastic's chart repository", "https://helm.elastic.co/index.yaml", masterOnly: true),
            Source("MinIO's chart repository", ChartDependencyFixes.minioRepository + "index.yaml", masterOnly: true),
            Source(
                "the prometheus-community chart repository", "https://prometheus-community.github.io/helm-charts/index.yaml",
                masterOnly: true),
            Source("npm's registry (Tator's UI build)", "https://registry.npmjs.org/", masterOnly: true),
        ]
        if case .ciliumHelm = cni {
            list.append(Source("Cilium's chart repository", "https://helm.cilium.io/index.yaml", masterOnly: true))
            list.append(Source("quay.io (Cilium and Argo images)", "https://quay.io/v2/"))
        }
        if let gpu {
            list.append(Source("NVIDIA's container toolkit repository", gpu.toolkitKeyURL, gpuOnly: true))
            list.append(Source("NVIDIA's device plugin chart repository", gpu.devicePluginRepositoryURL + "/index.yaml", masterOnly: true))
            list.append(Source("nvcr.io (the device plugin image)", "https://nvcr.io/v2/"))
        }
        return list
    }

    public static let tutorial = VersionProfile(
        name: "tutorial",
        date: "2020-09",
        summary: "the versions of Tator's multi-node tutorial (Docker 19.03.12, Kubernetes 1.17.11, Cilium 1.6, Helm 3.2.3, Argo 2.8.1)",
        notInstallable:
            "apt.kubernetes.io, its only source of Kubernetes 1.17.11, went away on 4 March 2024; docker-ce 19.03.12 exists for Ubuntu 20.04 (focal) only; Tator 0.2.12's chart uses APIs removed in Kubernetes 1.22/1.25. Use profile current.",
        ubuntuVersions: ["20.04"],
        runtime: .docker,
        dockerPackageVersion: "5:19.03.12~3-0~ubuntu-focal",
        containerdLine: "1.x",
        kubernetesRepository: "https://apt.kubernetes.io/ kubernetes-xenial main",
        kubernetesKeyURL: "https://packages.cloud.google.com/apt/doc/apt-key.gpg",
        kubernetesKeyPath: "/etc/apt/keyrings/kubernetes-legacy.gpg",
        kubernetesMinor: "1.17",
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
            repositoryName: "stable", repositoryURL: "https://charts.helm.sh/stable/",
            chart: "stable/nfs-client-provisioner", release: "nfs-client-provisioner"),
        tatorRef: "0.2.12",
        gpu: nil
    )

    public static let current = VersionProfile(
        name: "current",
        date: "2026-12",
        summary: "Kubernetes 1.36 on containerd 2.x for Ubuntu 22.04/24.04, Tator 1.0.5",
        notInstallable: nil,
        ubuntuVersions: ["22.04", "24.04"],
        runtime: .containerd,
        dockerPackageVersion: nil,
        containerdLine: "2.x",
        kubernetesRepository: "https://pkgs.k8s.io/core:/stable:/v1.36/deb/ /",
        kubernetesKeyURL: "https://pkgs.k8s.io/core:/stable:/v1.36/deb/Release.key",
        kubernetesKeyPath: "/etc/apt/keyrings/kubernetes-apt-keyring.asc",
        kubernetesMinor: "1.36",
        kubernetesPackageVersion: nil,
        kubeadmAPIVersion: "kubeadm.k8s.io/v1beta4",
        controlPlaneTaints: ["node-role.kubernetes.io/control-plane"],
        // The master also runs Docker Engine (to build images); name containerd's socket explicitly.
        criSocket: "unix:///var/run/containerd/containerd.sock",
        cni: .ciliumHelm(version: "1.19.8"),
        helmVersion: "4.2.3",
        argoVersion: "v3.7.18",
        argoManifestURL: "https://github.com/argoproj/argo-workflows/releases/download/v3.7.18/install.yaml",
        argoCLIURL: "https://github.com/argoproj/argo-workflows/releases/download/v3.7.18/argo-linux-ARCH.gz",
        provisioner: Provisioner(
            repositoryName: "nfs-subdir-external-provisioner",
            repositoryURL: "https://kubernetes-sigs.github.io/nfs-subdir-external-provisioner/",
            chart: "nfs-subdir-external-provisioner/nfs-subdir-external-provisioner",
            release: "nfs-subdir-external-provisioner"),
        tatorRef: "1.0.5",
        gpu: GPU(
            driverPackage: "nvidia-driver-570-server",
            toolkitRepository: "https://nvidia.github.io/libnvidia-container/stable/deb/$(ARCH) /",
            toolkitKeyURL: "https://nvidia.github.io/libnvidia-container/gpgkey",
            toolkitKeyPath: "/etc/apt/keyrings/nvidia-container-toolkit.gpg",
            devicePluginRepositoryURL: "https://nvidia.github.io/k8s-device-plugin",
            devicePluginChart: "nvdp/nvidia-device-plugin",
            devicePluginVersion: "0.18.2")
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
