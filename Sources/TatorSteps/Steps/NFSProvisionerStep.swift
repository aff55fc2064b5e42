import RigKit
import RigModel

/// `tator.nfs-provisioner`: the dynamic PV provisioner on the `scratch` export, giving the
/// `nfs-client` storage class Tator's workflows use; then the tutorial's test: a 1Mi
/// ReadWriteMany claim must become Bound, and is deleted again.
public struct NFSProvisionerStep: StepType {
    public init() {}

    public let name = "tator.nfs-provisioner"
    public let summary = "Install the NFS provisioner (storage class nfs-client) and prove a PVC binds"

    public let schema = ParameterSchema([
        CommonParameters.profile, CommonParameters.nfsServer, CommonParameters.nfsRole,
        .init("sharePath", .path, default: TatorLayout.share, description: "The NFS share; the provisioner uses its scratch folder"),
        .init("bindTimeout", .duration, default: "3m", description: "How long the test claim may take to bind"),
    ])

    static let testClaim = """
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata:
          name: nfs-test
        spec:
          accessModes:
            - ReadWriteMany
          storageClassName: nfs-client
          resources:
            requests:
              storage: 1Mi

        """

    public func plan(_ invocation: StepInvocation) throws -> TaskPlan {
        let p = Parameters(invocation, schema)
        let profile = try CommonParameters.resolvedProfile(p)
        let chart = profile.provisioner
        let server = try CommonParameters.nfsAddress(p)
        let q = Shell.quote
        let scratch = p.string("sharePath") + "/scratch"
        let claimFile = "\(TatorLayout.stateDirectory)/nfs-test.yaml"
        let ensures = [
            .namespace("provisioner"),
            Ensure(
                "the Helm repository \(chart.repositoryName) is known",
                check: "helm repo list | awk '{ print $1 }' | grep -qx \(q(chart.repositoryName))",
                apply: "helm repo add \(q(chart.repositoryName)) \(q(chart.repositoryURL))\nhelm repo update"),
            Ensure(
                "the \(chart.release) release serves \(server):\(scratch)",
                check: "helm list -n provisioner --short | grep -qx \(q(chart.release))",
                apply: """
                    helm install -n provisioner \(q(chart.release)) \(q(chart.chart)) \\
                      --set nfs.server=\(q(server)) --set nfs.path=\(q(scratch)) --set storageClass.archiveOnDelete=false
                    """),
            Ensure(
                "the nfs-client storage class exists", check: "kubectl get storageclass \(TatorLayout.storageClass)",
                apply: "rig_wait 120 'the nfs-client storage class' kubectl get storageclass \(TatorLayout.storageClass)"),
        ]
        let bindTest = ScriptBuilder.script(
            """
            \(Shell.heredoc("rig_put \(claimFile) 0644", Self.testClaim))
            kubectl delete pvc nfs-test --ignore-not-found >/dev/null 2>&1 || true
            kubectl apply -f \(claimFile)
            bound() { kubectl get pvc nfs-test | awk 'NR > 1 && $2 == "Bound" { ok = 1 } END { exit !ok }'; }
            if ! rig_wait \(p.seconds("bindTimeout")) 'the test claim nfs-test to bind' bound; then
              kubectl get pvc nfs-test >&2 || true
              kubectl delete pvc nfs-test --ignore-not-found >/dev/null 2>&1 || true
              rig_fail "the test claim did not bind: check that \(server) exports \(scratch) (showmount -e \(server)) and the provisioner's pod (kubectl -n provisioner get pods)"
            fi
            kubectl delete pvc nfs-test
            echo 'rig: the test claim bound; the nfs-client storage class works'
            """, preamble: [ScriptBuilder.kubeconfig])
        let preamble = [ScriptBuilder.kubeconfig]
        return TaskPlan(
            check: Command(ScriptBuilder.check(ensures, preamble: preamble), become: true, summary: "is the provisioner installed?"),
            actions: [
                .run(Command(ScriptBuilder.apply(ensures, preamble: preamble), become: true, summary: "install the NFS provisioner")),
                .run(Command(bindTest, become: true, summary: "prove a ReadWriteMany claim binds")),
            ])
    }
}
