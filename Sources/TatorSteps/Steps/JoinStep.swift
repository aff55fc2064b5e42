import RigKit
import RigModel

/// `tator.join`: on each worker, concurrently. Asks the master (delegated) whether the node is
/// already in `kubectl get nodes`; if not, gets a fresh join command from the master
/// (`kubeadm token create --print-join-command`, written only to `$RIG_OUTPUT`) and hands the
/// token straight to the worker's join script, which writes it to a 0600 `JoinConfiguration`
/// for `kubeadm join --config`. The token is never logged, returned as an output, put on a
/// command line, or shown by `rig plan`. Then waits for the node to be Ready.
public struct JoinStep: StepType {
    public init() {}

    public let name = "tator.join"
    public let summary = "Join a worker with a fresh token from the master (never logged); wait until the node is Ready"

    public let schema = ParameterSchema([
        CommonParameters.profile, CommonParameters.masterRole,
        .init("readyTimeout", .duration, default: "10m", description: "How long to wait for the node to become Ready"),
        .init("tokenTTL", .duration, default: "1h", description: "Lifetime of the fresh bootstrap token (kubeadm token create --ttl)"),
    ])

    /// Stands for the token in the join script that `rig plan` shows.
    static let tokenPlaceholder = "<fresh join token from the master, never shown>"

    public func plan(_ invocation: StepInvocation) throws -> TaskPlan {
        let parts = try parts(invocation)
        return TaskPlan(check: parts.check, actions: [.run(parts.tokenCreate), .run(parts.join(nil)), .run(parts.waitReady)])
    }

    public func execute(_ invocation: StepInvocation, context: any TaskContext) throws -> TaskResult {
        let parts = try parts(invocation)
        let master = parts.master.name
        func run(_ command: Command, on host: String?, log: any TaskLog, outputs: Bool = false) throws -> CommandResult {
            try context.transport(for: host).run(
                CommandRequest(command: command, log: log, collectOutputs: outputs),
                cancellation: context.cancellation)
        }
        if try run(parts.check, on: master, log: context.log).exitCode == 0 {
            let ready = try run(parts.waitReady, on: master, log: context.log)
            guard ready.exitCode == 0 else { throw StepFailure.commandFailed(exitCode: ready.exitCode, message: parts.notReady) }
            return TaskResult(status: .ok, message: "\(parts.node) is already in the cluster")
        }
        // From here on the token exists: every log line passes through a redactor that knows it.
        let created = try run(parts.tokenCreate, on: master, log: context.log, outputs: true)
        guard created.exitCode == 0, let output = created.outputs["join"], let join = JoinCommand(output) else {
            throw StepFailure.commandFailed(
                exitCode: created.exitCode == 0 ? 1 : created.exitCode,
                message:
                    "the master \(master) did not print a usable join command (kubeadm token create --print-join-command); is the control plane up?"
            )
        }
        let log = RedactingLog(base: context.log, secrets: [output, join.token])
        let joined = try run(parts.join(join), on: nil, log: log)
        guard joined.exitCode == 0 else {
            throw StepFailure.commandFailed(
                exitCode: joined.exitCode,
                message:
                    "kubeadm join on \(invocation.host.name) failed; see the log. If it joined an old cluster before, run `kubeadm reset` on it first"
            )
        }
        let ready = try run(parts.waitReady, on: master, log: context.log)
        guard ready.exitCode == 0 else { throw StepFailure.commandFailed(exitCode: ready.exitCode, message: parts.notReady) }
        return TaskResult(status: .changed, message: "\(parts.node) joined and is Ready")
    }

    struct Parts {
        var master: InventoryHost
        var node: String
        var check: Command
        var tokenCreate: Command
        var waitReady: Command
        var notReady: String
        var join: (JoinCommand?) -> Command
    }

    func parts(_ invocation: StepInvocation) throws -> Parts {
        let p = Parameters(invocation, schema)
        let profile = try CommonParameters.resolvedProfile(p)
        let master = try CommonParameters.master(p)
        let host = invocation.host
        let node = Cluster.nodeName(host)
        let q = Shell.quote
        let kube = [ScriptBuilder.kubeconfig]
        let timeout = p.seconds("readyTimeout")
        let ttl = max(p.seconds("tokenTTL"), 60)
        let nodeIP = IPv4Address(host.address) != nil ? host.address : nil
        let notReady =
            "node \(node) joined but did not become Ready within \(timeout)s: see `kubectl describe node \(node)` on the master (the CNI pods on it, swap, and the sysctl settings are the usual causes)"
        return Parts(
            master: master,
            node: node,
            check: Command(
                ScriptBuilder.script("rig_node_known \(q(node))", preamble: kube), become: true, delegateTo: master.name,
                summary: "is \(node) already a node? (asked on \(master.name))"),
            tokenCreate: Command(
                ScriptBuilder.script(
                    """
                    # The join command carries a secret: it goes to $RIG_OUTPUT only, never to the log.
                    join=$(kubeadm token create --ttl \(ttl)s --print-join-command 2>/dev/null) || rig_fail 'kubeadm token create failed on \(master.name)'
                    printf 'join=%s\\n' "$join" >> "${RIG_OUTPUT:?rig did not set RIG_OUTPUT}"
                    """, preamble: kube), become: true, delegateTo: master.name, summary: "create a fresh join token on \(master.name)"),
            waitReady: Command(
                ScriptBuilder.script("rig_wait \(timeout) 'node \(node) to become Ready' rig_node_ready \(q(node))", preamble: kube),
                become: true, delegateTo: master.name, timeout: .seconds(timeout + 60),
                summary: "wait until \(node) is Ready (asked on \(master.name))"),
            notReady: notReady,
            join: { join in
                let config =
                    join?.configuration(apiVersion: profile.kubeadmAPIVersion, nodeName: node, nodeIP: nodeIP, criSocket: profile.criSocket)
                        ?? """
                        apiVersion: \(profile.kubeadmAPIVersion)
                        kind: JoinConfiguration
                        discovery:
                          bootstrapToken:
                            apiServerEndpoint: "\(master.address):\(TatorLayout.apiPort)"
                            token: "\(Self.tokenPlaceholder)"
                            caCertHashes:
                              - "<the master's CA hash>"
                        nodeRegistration:
                          name: "\(node)"
                        """ + (profile.criSocket.map { "\n  criSocket: \"\($0)\"" } ?? "")
                    + "\n" + (nodeIP.map { JoinCommand.kubeletExtraArgs(["node-ip": $0], apiVersion: profile.kubeadmAPIVersion) } ?? "")
                return Command(
                    ScriptBuilder.script(
                        """
                        if [ -f /etc/kubernetes/kubelet.conf ]; then
                          rig_fail 'this host already belongs to a cluster (/etc/kubernetes/kubelet.conf exists) but the master does not list \(node); run `kubeadm reset` here first'
                        fi
                        umask 077
                        config=$(mktemp /root/.rig-join.XXXXXX)
                        trap 'rm -f "$config"' EXIT
                        \(Shell.heredoc("cat > \"$config\"", config))
                        kubeadm join --config "$config"
                        """), become: true, summary: "join \(node) to the cluster at \(master.address)")
            })
    }
}
