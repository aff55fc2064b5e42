/// Known ways `make cluster` fails, recognised in its output, with what to do about each.
/// Turned into a bash `case`-free chain of `grep`s run over the build log after a failure.
enum BuildDiagnosis {
    struct Known: Sendable, Hashable {
        /// An extended regular expression matched against the build log.
        var pattern: String
        var explanation: String
    }

    static let known: [Known] = [
        Known(
            pattern: "kubernetes-charts.storage.googleapis.com",
            explanation:
                "the chart still names the Helm 'stable' repository at kubernetes-charts.storage.googleapis.com, deleted on 13 Nov 2020; use a Tator ref from after Nov 2020 (tatorRef) or change the URL in helm/tator/Chart.yaml to https://charts.helm.sh/stable"
        ),
        Known(
            pattern: "(no chart version found|can't get a valid version|could not find).*(metallb|redis|metrics-server)",
            explanation:
                "Bitnami's default chart index keeps only recent versions, so the pinned metallb/redis cannot be resolved there; tator.chart-dependencies points them at https://raw.githubusercontent.com/bitnami/charts/archive-full-index/bitnami: check that step ran, or vendor the charts into helm/tator/charts"
        ),
        Known(
            pattern: "helm.min.io",
            explanation:
                "MinIO's legacy chart repository helm.min.io is deprecated (the chart moved to charts.min.io, which tator.chart-dependencies uses); if minio 8.0.8 cannot be resolved, vendor the chart into helm/tator/charts or disable minio in values.yaml"
        ),
        Known(
            pattern: "input device is not a TTY|Unable to use a TTY",
            explanation:
                "a make target needs a terminal (docker run -it / kubectl exec -it); rig runs make cluster under a pseudo-terminal, so check that the transport allocated one"
        ),
        Known(
            pattern: "PersistentVolumeClaim is not bound|Service does not have IP address",
            explanation:
                "helm waited for storage or the load balancer and rolled back: check the NFS exports (showmount -e <nfsServer>), pv.nfsServer in values.yaml, and that loadBalancerIp lies in the MetalLB range and is free on the LAN"
        ),
        Known(
            pattern: "no matches for kind .* in version",
            explanation:
                "the chart uses Kubernetes APIs this cluster no longer serves: Tator 0.2.12's chart uses rbac.authorization.k8s.io/v1beta1 (removed in 1.22) and batch/v1beta1 CronJobs (removed in 1.25); use tatorRef 1.0.5 (RBAC v1, batch/v1)"
        ),
        Known(
            pattern: "denied: requested access|connection refused.*5000|http: server gave HTTP response to HTTPS client",
            explanation:
                "pushing to the registry failed: the registry must run on the registry host and be listed as insecure on this node (tator.prerequisites does both); check dockerRegistry"
        ),
        Known(
            pattern: "No module named|ModuleNotFoundError",
            explanation:
                "a Python module the Makefile needs is missing on the master (PyYAML: python3-yaml): keep buildDependencies on; install Python modules from apt or a virtualenv, not pip3 into the system Python (refused on Ubuntu 24.04, PEP 668)"
        ),
    ]

    /// Bash that prints every matching explanation for the log at `$1`.
    static var script: String {
        known.map { "grep -Eq \(Shell.quote($0.pattern)) \"$1\" && echo \(Shell.quote("rig: hint: " + $0.explanation)) >&2" }
            .map { $0 + " || true" }
            .joined(separator: "\n")
    }
}
