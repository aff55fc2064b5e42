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
                "Install the tutorial's build tools on the master (git, make, python3 with PyYAML, sphinx, node/npm; pip: mako, progressbar2, sphinx-rtd-theme, recommonmark)"
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
            let deps: [Ensure] = [
                .packages(
                    "the build tools are installed", ["git", "make", "python3-pip", "python3-yaml", "python3-sphinx", "nodejs", "npm"]),
                Ensure(
                    "the Python build modules are installed",
                    check: "pip3 show mako progressbar2 sphinx-rtd-theme recommonmark",
                    apply: "pip3 install mako progressbar2 sphinx-rtd-theme recommonmark"),
            ]
            actions.append(.run(Command(ScriptBuilder.apply(deps), become: true, summary: "install the build tools")))
        }
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
}
