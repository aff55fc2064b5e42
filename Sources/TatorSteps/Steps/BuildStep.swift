import RigKit
import RigModel

/// `tator.build`: `make cluster` in the checkout on the master, under a pseudo-terminal (several
/// targets run `docker run -it` / `kubectl exec -it`), with a long timeout; known failures in its
/// output are explained. Then every pod must be Ready and the login page must answer on the
/// domain at the load-balancer IP. Skipped when the release exists and both checks pass.
public struct BuildStep: StepType {
    public init() {}

    public let name = "tator.build"
    public let summary = "make cluster under a pseudo-terminal; then all pods Ready and the login page answers"

    public let schema = ParameterSchema([
        CommonParameters.tatorDir,
        .init("domain", .string, required: true, description: "The domain Tator serves"),
        .init("loadBalancerIp", .ip, required: true, description: "Where the login page must answer"),
        .init("release", .string, default: "tator", description: "The Helm release make cluster installs"),
        .init("buildTimeout", .duration, default: "3h", description: "Time limit of make cluster (image builds dominate)"),
        .init("podsReadyTimeout", .duration, default: "30m", description: "How long pods may take to become Ready"),
        .init("loginPath", .string, default: "/", description: "Path requested to see the login page"),
        .init(
            "buildDependencies", .bool, default: "true",
            description:
                "Install the build tools on the master from apt (git, make, python3-yaml, python3-setuptools, python3-wheel, nodejs, npm); never pip into the system Python"
        ),
    ])

    public func plan(_ invocation: StepInvocation) throws -> TaskPlan {
        let p = Parameters(invocation, schema)
        let q = Shell.quote
        let dir = p.string("tatorDir")
        let domain = try p.required("domain")
        let ip = try p.required("loadBalancerIp")
        let release = p.string("release")
        let kube = [ScriptBuilder.kubeconfig]
        let login =
            "curl -sSL --max-time 20 --resolve \(q("\(domain):80:\(ip)")) \(q("http://\(domain)\(p.string("loginPath"))")) | grep -qi login"
        let verified = [
            Ensure("the Helm release \(release) is installed", check: "helm list --short | grep -qx \(q(release))", apply: ""),
            Ensure("every pod is Running and Ready", check: "rig_pods_ready --all-namespaces", apply: ""),
            Ensure("the login page answers at http://\(domain)/ on \(ip)", check: login, apply: ""),
        ]
        var actions: [TaskPlan.Action] = []
        if p.bool("buildDependencies") {
            // From apt only: pip3 into the system Python is refused on 24.04 (PEP 668).
            let deps: [Ensure] = [
                .packages(
                    "the build tools are installed (from apt)",
                    ["git", "make", "python3-yaml", "python3-setuptools", "python3-wheel", "nodejs", "npm"])
            ]
            actions.append(.run(Command(ScriptBuilder.apply(deps), become: true, summary: "install the build tools")))
        }
        actions.append(.run(renderCheck(dir: dir, release: release)))
        let log = "\(TatorLayout.stateDirectory)/make-cluster.log"
        let build = ScriptBuilder.script(
            """
            explain() {
            \(BuildDiagnosis.script)
            }
            if helm list --short | grep -qx \(q(release)); then
              echo 'rig: the Helm release \(release) exists already; not running make cluster again (make clean in \(dir) to rebuild)'
            else
              mkdir -p \(TatorLayout.stateDirectory)
              cd \(q(dir))
              # The UI image copies ui/dist: 1.0.5's webpack target runs npm install itself, 0.2.x's does not.
              if [ -f ui/package.json ] && ! grep -q 'cd ui && npm install' Makefile; then
                (cd ui && npm install)
              fi
              status=0
              make cluster 2>&1 | tee \(log) || status=$?
              if [ "$status" != 0 ]; then
                explain \(log)
                rig_fail "make cluster failed with status $status; its output is in \(log) on \(invocation.host.name)"
              fi
            fi
            """, preamble: kube)
        actions.append(
            .run(
                Command(
                    build, become: true, pseudoTerminal: true, workingDirectory: dir,
                    timeout: .seconds(max(p.seconds("buildTimeout"), 60)), summary: "make cluster in \(dir)")))
        let verify = ScriptBuilder.script(
            """
            if ! rig_wait \(p.seconds("podsReadyTimeout")) 'every pod to be Running and Ready' rig_pods_ready --all-namespaces; then
              kubectl get pods --all-namespaces -o wide >&2 || true
              echo 'rig: hint: Pending pods usually lack a node with the label they select (webServer/dbServer/cpuWorker=yes) or an unbound claim (check the nfs-client storage class); ImagePullBackOff means a node cannot pull from the registry (insecure registry entry, dockerRegistry/systemImageRepo not localhost)' >&2
              rig_fail 'not every pod became Ready'
            fi
            rig_wait 300 'the login page at http://\(domain)/ on \(ip)' bash -c \(q(login)) \\
              || rig_fail 'the login page does not answer at http://\(domain)/ on \(ip): check the nginx-svc service got \(ip) (kubectl get svc nginx-svc) and that MetalLB runs'
            echo 'rig: Tator answers at http://\(domain)/'
            """, preamble: kube)
        actions.append(
            .run(
                Command(
                    verify, become: true, timeout: .seconds(p.seconds("podsReadyTimeout") + 600),
                    summary: "verify the pods and the login page")))
        return TaskPlan(
            check: Command(ScriptBuilder.check(verified, preamble: kube), become: true, summary: "is Tator already up?"),
            actions: actions)
    }

    /// Before `make cluster` (whose `helm install --atomic --timeout 60m` reports a broken chart
    /// only after an hour): the chart rendered as the Makefile installs it, dry-run on the live
    /// API server, and every image it names that the build does not push checked as pullable.
    func renderCheck(dir: String, release: String) -> Command {
        let q = Shell.quote
        let state = TatorLayout.stateDirectory
        let script = ScriptBuilder.script(
            """
            if helm list --short | grep -qx \(q(release)); then exit 0; fi
            cd \(q(dir))
            mkdir -p \(state)
            rendered=\(state)/rendered.yaml
            errors=\(state)/render-errors.txt
            kube_version=$(kubectl version 2>/dev/null | awk '/^Server Version:/ { print $3 }')
            [ -n "$kube_version" ] || rig_fail 'kubectl version shows no server version: is the control plane up?'
            revision=$(git rev-parse HEAD 2>/dev/null || echo rig-check)
            if ! helm template \(q(release)) helm/tator --include-crds --set gitRevision="$revision" --kube-version "$kube_version" > "$rendered" 2> "$errors"; then
              cat "$errors" >&2
              rig_fail "helm template of helm/tator fails on Kubernetes $kube_version (above). A removed API: use tatorRef 1.0.5; a missing value: set it in helm/tator/values.yaml"
            fi
            # Custom resources of CRDs the chart itself installs cannot be dry-run before the CRDs exist.
            crd_kinds=$(awk '/^kind: CustomResourceDefinition/ { c = 1 } /^---/ { c = 0 } c && /^    kind: / { print $2 }' "$rendered" | sort -u)
            if ! kubectl apply --dry-run=server -f "$rendered" > /dev/null 2> "$errors"; then
              bad=$(grep -v -e 'ensure CRDs are installed first' -e 'namespaces ".*" not found' "$errors" | while IFS= read -r line; do
                kind=$(printf '%s\\n' "$line" | sed -n 's/.*no matches for kind "\\([^"]*\\)".*/\\1/p')
                if [ -n "$kind" ] && grep -qx "$kind" <<< "$crd_kinds"; then continue; fi
                printf '%s\\n' "$line"
              done)
              if [ -n "$bad" ]; then
                printf '%s\\n' "$bad" >&2
                rig_fail "the API server (Kubernetes $kube_version) refuses objects of the chart (above): 'no matches for kind X in version V' is an API this Kubernetes no longer serves: use a Tator ref whose chart uses current APIs (tatorRef 1.0.5) or a profile with an older Kubernetes"
              fi
            fi
            registry=$(python3 -c 'import yaml; print(yaml.safe_load(open("helm/tator/values.yaml"))["dockerRegistry"])')
            unpullable=()
            for image in $(sed -n 's/^[[:space:]-]*image:[[:space:]]*//p' "$rendered" | tr -d '"'"'" | sort -u); do
              case "$image" in "$registry"/*) continue;; esac  # built and pushed by make cluster
              docker manifest inspect "$image" > /dev/null 2>&1 || unpullable+=("$image")
            done
            if [ ${#unpullable[@]} -gt 0 ]; then
              printf 'rig: cannot pull: %s\\n' "${unpullable[@]}" >&2
              rig_fail "${#unpullable[@]} image(s) of the chart cannot be pulled (above). Bitnami images moved to bitnamilegacy/ (tator.chart-dependencies sets the subcharts it knows); otherwise set that image's repository in helm/tator/values.yaml, or push it to $registry"
            fi
            echo "rig: the chart renders and dry-runs on Kubernetes $kube_version; every image outside $registry can be pulled"
            """, preamble: [ScriptBuilder.kubeconfig])
        return Command(
            script, become: true, workingDirectory: dir, timeout: .seconds(600),
            summary: "render the chart, dry-run it on the API server, check its images")
    }
}
