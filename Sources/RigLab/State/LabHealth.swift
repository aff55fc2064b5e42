/// How one lab host is doing, for `rig lab status` and for `up` to keep a healthy lab.
public struct HostHealth: Sendable, Hashable {
    public var host: LabHost
    public var namespaceExists: Bool
    public var holderAlive: Bool
    public var sshdAlive: Bool
    public var linkUp: Bool

    public var isHealthy: Bool { namespaceExists && holderAlive && sshdAlive && linkUp }

    public var summary: String {
        if !namespaceExists { return "gone (no network namespace)" }
        if !holderAlive { return "gone (its namespace holder died)" }
        var parts: [String] = []
        parts.append(sshdAlive ? "sshd up" : "sshd stopped")
        parts.append(linkUp ? "reachable" : "unreachable (link down)")
        return parts.joined(separator: ", ")
    }
}

extension Lab {
    public func health(_ state: LabState) -> [HostHealth] {
        state.hosts.map { host in
            let holderAlive = host.holder?.isAlive ?? false
            return HostHealth(
                host: host, namespaceExists: LabNetwork.namespaceExists(host.namespace), holderAlive: holderAlive,
                sshdAlive: holderAlive && (host.sshd?.isAlive ?? false) && (host.holder.map(HostSSHServer.isListening) ?? false),
                linkUp: LabNetwork.linkIsUp(host))
        }
    }
}
