/// The values.yaml settings the multi-node tutorial says to change, applied with `ValuesEditor`.
public struct TatorValues: Sendable, Hashable {
    public var domain: String
    public var dockerRegistry: String
    /// Defaults to `dockerRegistry`: with `localhost:5000` pods on other nodes could not pull.
    public var systemImageRepo: String
    public var dockerUsername: String
    public var dockerPassword: String
    public var nfsServer: String
    public var ipRangeStart: String
    public var ipRangeStop: String
    public var loadBalancerIp: String
    /// Replaces `microk8s-hostpath` for Prometheus's claim when that key exists (a kubeadm cluster
    /// has no such class); empty leaves it.
    public var prometheusStorageClass: String

    public init(
        domain: String, dockerRegistry: String, systemImageRepo: String = "", dockerUsername: String, dockerPassword: String,
        nfsServer: String, ipRangeStart: String, ipRangeStop: String, loadBalancerIp: String,
        prometheusStorageClass: String = "nfs-client"
    ) {
        self.domain = domain
        self.dockerRegistry = dockerRegistry
        self.systemImageRepo = systemImageRepo.isEmpty ? dockerRegistry : systemImageRepo
        self.dockerUsername = dockerUsername
        self.dockerPassword = dockerPassword
        self.nfsServer = nfsServer
        self.ipRangeStart = ipRangeStart.isEmpty ? loadBalancerIp : ipRangeStart
        self.ipRangeStop = ipRangeStop.isEmpty ? loadBalancerIp : ipRangeStop
        self.loadBalancerIp = loadBalancerIp
        self.prometheusStorageClass = prometheusStorageClass
    }

    public static let prometheusStorageClassPath =
        ["kube-prometheus-stack", "prometheus", "prometheusSpec", "storageSpec", "volumeClaimTemplate", "spec", "storageClassName"]

    /// Key path → value, in the order they are set.
    public var settings: [(path: [String], value: String)] {
        [
            (["domain"], domain),
            (["dockerRegistry"], dockerRegistry),
            (["systemImageRepo"], systemImageRepo),
            (["dockerUsername"], dockerUsername),
            (["dockerPassword"], dockerPassword),
            (["pv", "nfsServer"], nfsServer),
            (["metallb", "ipRangeStart"], ipRangeStart),
            (["metallb", "ipRangeStop"], ipRangeStop),
            (["metallb", "loadBalancerIp"], loadBalancerIp),
        ]
    }

    /// The text with every setting applied; everything else is left as written.
    public func apply(to text: String) throws(ValuesEditError) -> String {
        var editor = ValuesEditor(text)
        for (path, value) in settings { try editor.set(path: path, to: value) }
        if !prometheusStorageClass.isEmpty, editor.contains(path: Self.prometheusStorageClassPath) {
            try editor.set(path: Self.prometheusStorageClassPath, to: prometheusStorageClass)
        }
        return editor.text
    }
}
