import RigKit
import RigModel

/// `tator.label`: on the master, applies the four Tator labels from each node's inventory
/// labels (`kubectl label --overwrite`) and verifies them. `validate` fails early when no node
/// is a webServer, cpuWorker or dbServer, and warns about several dbServers.
public struct LabelStep: StepType {
    public init() {}

    public let name = "tator.label"
    public let summary = "Label every node gpuWorker/cpuWorker/webServer/dbServer from the inventory and verify"

    public let schema = ParameterSchema([
        CommonParameters.nodeRoles, CommonParameters.profile,
        .init("gpuTimeout", .duration, default: "5m", description: "How long GPU nodes may take to show nvidia.com/gpu as allocatable"),
    ])

    public func validate(_ step: Step, context: ValidationContext) -> [Diagnostic] {
        let roles = step.with["nodeRoles"].flatMap { context.render($0)?.listValue?.map(\.text) } ?? ["master", "worker"]
        let nodes = context.workflow.inventory.hosts.filter { host in roles.contains { host.hasRole($0) } }
        return LabelCoverage.diagnostics(
            nodes.map { LabelCoverage.Node(name: $0.name, labels: Dictionary(uniqueKeysWithValues: $0.labels.map { ($0.key, $0.value) })) },
            at: step.location)
    }

    public func plan(_ invocation: StepInvocation) throws -> TaskPlan {
        let p = Parameters(invocation, schema)
        let nodes = CommonParameters.cluster(p).nodes
        var ensures = nodes.map { host -> Ensure in
            let node = Cluster.nodeName(host)
            let pairs = TatorLayout.labels.map { "\($0)=\(LabelCoverage.normalized(host.labels[$0]))" }
            return Ensure(
                "node \(node) is labelled \(pairs.joined(separator: " "))",
                checks: ["json=$(kubectl get node \(Shell.quote(node)) -o json)"]
                    + pairs.map { pair -> String in
                        let kv = pair.split(separator: "=").map(String.init)
                        return "grep -Eq '\"\(kv[0])\": *\"\(kv[1])\"' <<< \"$json\""
                    },
                apply: "kubectl label nodes \(Shell.quote(node)) \(pairs.joined(separator: " ")) --overwrite")
        }
        let gpuNodes = nodes.filter { LabelCoverage.isYes($0.labels["gpuWorker"]) }
        if !gpuNodes.isEmpty, let gpu = try CommonParameters.resolvedProfile(p).gpu {
            let q = Shell.quote
            ensures.append(
                Ensure(
                    "the NVIDIA device plugin \(gpu.devicePluginVersion) runs on the gpuWorker nodes",
                    check: "helm list -n nvidia-device-plugin --short | grep -qx nvdp",
                    apply: """
                        helm repo list 2>/dev/null | awk '{ print $1 }' | grep -qx nvdp || helm repo add nvdp \(q(gpu.devicePluginRepositoryURL))
                        helm repo update nvdp
                        helm upgrade --install nvdp \(q(gpu.devicePluginChart)) --version \(q(gpu.devicePluginVersion)) \\
                          --namespace nvidia-device-plugin --create-namespace --set-string nodeSelector.gpuWorker=yes
                        """))
            for host in gpuNodes {
                let node = Cluster.nodeName(host)
                let allocatable =
                    "[ \"$(kubectl get node \(q(node)) -o jsonpath='{.status.allocatable.nvidia\\.com/gpu}')\" -gt 0 ] 2>/dev/null"
                ensures.append(
                    Ensure(
                        "node \(node) has nvidia.com/gpu allocatable",
                        check: allocatable,
                        apply:
                            "rig_wait \(p.seconds("gpuTimeout")) 'nvidia.com/gpu to become allocatable on \(node) (kubectl -n nvidia-device-plugin get pods -o wide; nvidia-smi and containerd config dump on the node)' bash -c \(q(allocatable))"
                    ))
            }
        }
        return ScriptBuilder.plan(
            ensures, preamble: [ScriptBuilder.kubeconfig], question: "are the nodes labelled (and GPUs allocatable)?",
            action: "label the nodes")
    }
}
