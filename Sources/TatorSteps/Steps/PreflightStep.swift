import RigKit
import RigModel

/// `tator.preflight`: on every host, before anything is installed: Ubuntu version, CPU, memory,
/// disk, swap (turned off), the host's address static and on the LAN, the master and NFS
/// server reachable, kubeadm's ports free, and (on the master) the load-balancer IP not already
/// answering. At load time its `validate` checks the LAN plan with `NetworkValidator`.
public struct PreflightStep: StepType {
    public init() {}

    public let name = "tator.preflight"
    public let summary = "Check a host is fit for the cluster (OS, resources, swap, static LAN address, reachability, ports, free LB IP)"

    public let schema = ParameterSchema([
        .init("lanCIDR", .cidr, required: true, description: "The LAN, e.g. 192.168.1.0/24; every node's address must be in it"),
        .init("loadBalancerIp", .ip, required: true, description: "metallb.loadBalancerIp: where NGINX receives requests"),
        .init("metallbRangeStart", .string, default: "", description: "metallb.ipRangeStart; empty: the load-balancer IP"),
        .init("metallbRangeStop", .string, default: "", description: "metallb.ipRangeStop; empty: the load-balancer IP"),
        .init("dhcpRange", .string, default: "", description: "The router's DHCP pool, `a-b`; the MetalLB range must stay outside it"),
        CommonParameters.nfsServer,
        .init("ubuntuVersions", .list(.string), default: "22.04,24.04", description: "Accepted Ubuntu VERSION_IDs"),
        CommonParameters.profile,
        .init(
            "checkSources", .bool, default: "true",
            description:
                "Check that every download source of the profile this host will use answers within 5 s (apt, chart and image repositories)"),
        .init("minCPUs", .int, default: "2", description: "Minimum CPU count (kubeadm needs 2 on the master)"),
        .init("minMemoryMB", .int, default: "3500", description: "Minimum memory in MiB"),
        .init("minDiskGB", .int, default: "20", description: "Minimum free space on /var in GiB (images and etcd live there)"),
        .init("disableSwap", .bool, default: "true", description: "Turn swap off (and comment it out of /etc/fstab) instead of failing"),
        CommonParameters.masterRole, CommonParameters.nfsRole, CommonParameters.nodeRoles,
    ])

    public func validate(_ step: Step, context: ValidationContext) -> [Diagnostic] {
        let rendered = RenderedParameters(step: step, context: context)
        guard let lan = rendered.string("lanCIDR"), let lb = rendered.string("loadBalancerIp") else { return [] }
        let masterRole = rendered.string("masterRole") ?? "master"
        let nodeRoles = step.with["nodeRoles"].flatMap { context.render($0)?.listValue?.map(\.text) } ?? ["master", "worker"]
        let nodes = context.workflow.inventory.hosts
            .filter { host in nodeRoles.contains { host.hasRole($0) } }
            .map { NetworkPlan.Node(name: $0.name, address: $0.address, isMaster: $0.hasRole(masterRole)) }
        let plan = NetworkPlan(
            lanCIDR: lan, rangeStart: rendered.string("metallbRangeStart") ?? "", rangeStop: rendered.string("metallbRangeStop") ?? "",
            loadBalancerIp: lb, dhcpRange: rendered.string("dhcpRange") ?? "", nfsServer: rendered.string("nfsServer") ?? "",
            nodes: nodes)
        return NetworkValidator.problems(in: plan).map { problem in
            return Diagnostic(
                problem.isWarning ? .warning : .error, problem.description, at: rendered.location(problem.input),
                hint: "network check of step '\(step.id)': change the workflow input '\(problem.input)' (in your --inputs file)")
        }
    }

    public func plan(_ invocation: StepInvocation) throws -> TaskPlan {
        let p = Parameters(invocation, schema)
        let cluster = CommonParameters.cluster(p)
        let host = invocation.host
        let isMaster = host.hasRole(cluster.masterRole)
        let q = Shell.quote
        var lines: [String] = [
            "problems=()",
            "changed=false",
            "problem() { problems+=(\"$*\"); }",
            "",
            "# Ubuntu release",
            ". /etc/os-release",
            "accepted=\(q(" " + p.list("ubuntuVersions").joined(separator: " ") + " "))",
            #"if [ "${ID:-}" != ubuntu ] || [[ "$accepted" != *" ${VERSION_ID:-} "* ]]; then"#,
            #"  problem "this is ${PRETTY_NAME:-an unknown OS}; the deployment is tested on Ubuntu$accepted(set ubuntuVersions to accept others)""#,
            "fi",
            "",
            "# CPU, memory, disk",
            "cpus=$(nproc)",
            "[ \"$cpus\" -ge \(p.int("minCPUs")) ] || problem \"only $cpus CPUs; at least \(p.int("minCPUs")) are needed\"",
            "mem_mb=$(( $(awk '/^MemTotal:/ { print $2 }' /proc/meminfo) / 1024 ))",
            "[ \"$mem_mb\" -ge \(p.int("minMemoryMB")) ] || problem \"only ${mem_mb} MiB of memory; at least \(p.int("minMemoryMB")) MiB are needed\"",
            "disk_gb=$(( $(df -Pk /var | awk 'NR == 2 { print $4 }') / 1048576 ))",
            "[ \"$disk_gb\" -ge \(p.int("minDiskGB")) ] || problem \"only ${disk_gb} GiB free on /var; at least \(p.int("minDiskGB")) GiB are needed\"",
            "",
            "# swap (kubelet refuses to run with swap on)",
            "if [ -n \"$(swapon --show --noheadings 2>/dev/null)\" ] || grep -Eq '^[^#].*[[:space:]]swap[[:space:]]' /etc/fstab; then",
        ]
        if p.bool("disableSwap") {
            lines += [
                "  swapoff -a",
                "  sed -ri 's/^([^#].*[[:space:]]swap[[:space:]].*)$/# disabled by rig: \\1/' /etc/fstab",
                "  changed=true",
                "  echo 'rig: turned swap off and commented it out of /etc/fstab'",
            ]
        } else {
            lines.append("  problem 'swap is on; turn it off (swapoff -a) and comment it out of /etc/fstab, or set disableSwap: true'")
        }
        lines += [
            "fi",
            "",
            "# a static address on the LAN",
            "address=\(q(host.address))",
            "if [[ $address =~ ^[0-9.]+$ ]]; then",
            "  line=$(ip -o -4 addr show | awk -v a=\"$address\" '{ split($4, p, \"/\"); if (p[1] == a) print }')",
            "  if [ -z \"$line\" ]; then",
            "    problem \"the inventory address $address is not configured on any interface of this host; fix the inventory\"",
            "  elif [[ $line == *dynamic* ]]; then",
            "    problem \"$address was leased by DHCP (dynamic); give this host a static address (netplan) so the cluster survives a lease change\"",
            "  fi",
            "fi",
        ]
        var targets: [(String, InventoryHost)] = []
        if let master = cluster.master, master.name != host.name { targets.append(("the master", master)) }
        if let nfs = cluster.nfsHost, nfs.name != host.name, !targets.contains(where: { $0.1.name == nfs.name }) {
            targets.append(("the NFS server", nfs))
        }
        if !targets.isEmpty {
            lines += ["", "# reach the master and the NFS server"]
            for (role, target) in targets {
                let port = Cluster.sshPort(target)
                lines.append(
                    "timeout 5 bash -c ': </dev/tcp/\(target.address)/\(port)' 2>/dev/null || problem \(q("cannot reach \(role) \(target.name) at \(target.address):\(port) from here; check cabling, routes and firewalls"))"
                )
            }
        }
        let isGPU = LabelCoverage.isYes(host.labels["gpuWorker"])
        if isGPU {
            lines += [
                "",
                "# a GPU worker needs an NVIDIA device",
                "if ! lspci 2>/dev/null | grep -qi nvidia; then",
                "  problem 'this host is labelled gpuWorker=yes but lspci shows no NVIDIA device; fix the label in the inventory (gpuWorker: no) or the hardware (is the card seated, passed through to this VM?)'",
                "fi",
            ]
        }
        if p.bool("checkSources") {
            let profile = try CommonParameters.resolvedProfile(p)
            let sources = profile.sources.filter { (!$0.masterOnly || isMaster) && (!$0.gpuOnly || isGPU) }
            lines += [
                "",
                "# every download source this host will use answers within 5 s (all at once), so a blocked",
                "# or moved source fails here and not in a 60-minute helm timeout",
                "sources=$(mktemp -d)",
                "trap 'rm -rf \"$sources\"' EXIT",
                "check_source() { # check_source N WHAT URL: a line in $sources/N when URL does not answer",
                "  local code status=0",
                "  code=$(curl -sSIL --max-time 5 -o /dev/null -w '%{http_code}' \"$3\" 2>/dev/null) || status=$?",
                "  if [ \"$status\" != 0 ]; then",
                "    echo \"unreachable: $2 at $3 (curl exit $status; 6: name not resolved, 7: connection refused, 28: no answer in 5 s); check DNS, proxy and firewall, or use a mirror\" > \"$sources/$1\"",
                "  elif [[ $3 != */v2/ ]] && [ \"$code\" -ge 400 ]; then",
                "    echo \"$2 at $3 answers HTTP $code: it may have moved\" > \"$sources/$1\"",
                "  fi",
                "}",
            ]
            for (index, source) in sources.enumerated() {
                lines.append("check_source \(index + 1) \(q(source.what)) \(q(source.url)) &")
            }
            lines += [
                "wait",
                "for f in \"$sources\"/*; do",
                "  if [ -e \"$f\" ]; then problem \"$(cat \"$f\")\"; fi",
                "done",
            ]
        }
        let ports = isMaster ? TatorLayout.masterPorts : TatorLayout.workerPorts
        lines += [
            "",
            "# ports kubeadm needs (only before this node joins a cluster)",
            "if [ ! -f /etc/kubernetes/kubelet.conf ]; then",
            "  ports=(\(ports.map(String.init).joined(separator: " ")))",
            "  for port in \"${ports[@]}\"; do",
            "    if ss -Hltn \"sport = :$port\" 2>/dev/null | grep -q .; then",
            "      problem \"port $port is already in use ($(ss -Hltnp \"sport = :$port\" 2>/dev/null | grep -o 'users:.*' | head -1)); stop that program or reset the old cluster (kubeadm reset)\"",
            "    fi",
            "  done",
            "fi",
        ]
        if isMaster {
            let lb = p.string("loadBalancerIp")
            if !lb.isEmpty, lb != host.address {
                lines += [
                    "",
                    "# the load-balancer IP must be free (before MetalLB takes it)",
                    "lb=\(q(lb))",
                    "if [ ! -f /etc/kubernetes/admin.conf ]; then",
                    "  if ping -c 2 -W 1 \"$lb\" >/dev/null 2>&1 || ip neigh show to \"$lb\" 2>/dev/null | grep -q lladdr; then",
                    "    problem \"loadBalancerIp $lb already answers on the LAN; another machine uses it. Pick a free address outside the DHCP pool\"",
                    "  fi",
                    "fi",
                ]
            }
        }
        lines += [
            "",
            "if [ ${#problems[@]} -gt 0 ]; then",
            "  printf 'rig: error: host \(host.name) (\(host.address)) is not ready:\\n' >&2",
            "  printf '  - %s\\n' \"${problems[@]}\" >&2",
            "  exit 1",
            "fi",
            "[ \"$changed\" = true ] || echo 'rig.changed=false' >> \"${RIG_OUTPUT:-/dev/null}\"",
        ]
        return TaskPlan(
            Command(
                ScriptBuilder.script(lines.joined(separator: "\n")), become: true,
                summary: "preflight checks on \(host.name)"))
    }
}
