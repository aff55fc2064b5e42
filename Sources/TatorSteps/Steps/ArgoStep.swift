import RigKit
import RigModel

/// `tator.argo`: installs Argo Workflows in the `argo` namespace at the profile's pinned
/// version (the tutorial's `stable` manifest URL moves and its repository was renamed), and the
/// rolebinding that lets Tator's workflows run as `default:default`.
public struct ArgoStep: StepType {
    public init() {}

    public let name = "tator.argo"
    public let summary = "Install Argo Workflows (pinned) and the default-admin rolebinding; wait for its controller"

    public let schema = ParameterSchema([
        CommonParameters.profile,
        .init("manifestURL", .string, default: "", description: "Argo install manifest; empty: the profile's pinned one"),
        .init("readyTimeout", .duration, default: "10m", description: "How long to wait for Argo's pods"),
    ])

    public func plan(_ invocation: StepInvocation) throws -> TaskPlan {
        let p = Parameters(invocation, schema)
        let profile = try CommonParameters.resolvedProfile(p)
        let url = p.string("manifestURL").isEmpty ? profile.argoManifestURL : p.string("manifestURL")
        let ensures = [
            .namespace("argo"),
            .manifest("Argo \(profile.argoVersion) is applied", url: url, marker: "argo-manifest", namespace: "argo"),
            Ensure(
                "workflows may run as default:default (rolebinding default-admin)",
                check: "kubectl get rolebinding default-admin -n default",
                apply: "kubectl create rolebinding default-admin --clusterrole=admin --serviceaccount=default:default -n default"),
            Ensure(
                "Argo's pods are Running and Ready",
                check: "rig_pods_ready -n argo",
                apply: "rig_wait \(p.seconds("readyTimeout")) \"Argo's pods (kubectl -n argo get pods)\" rig_pods_ready -n argo"),
        ]
        return ScriptBuilder.plan(ensures, preamble: [ScriptBuilder.kubeconfig], question: "is Argo installed?", action: "install Argo")
    }
}
