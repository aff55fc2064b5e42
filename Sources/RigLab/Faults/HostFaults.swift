/// Faults of a whole host: its sshd stopped, its cable pulled.
extension Lab {
    /// Stops the host's sshd and its sessions; `startSSH` brings it back.
    public func stopSSH(_ hostName: String) throws(LabError) {
        try Self.requireRoot()
        let lock = try LabLock(paths)
        defer { withExtendedLifetime(lock) {} }
        let (state, index) = try host(hostName)
        HostSSHServer.stop(state.hosts[index])
    }

    public func startSSH(_ hostName: String) throws(LabError) {
        try Self.requireRoot()
        let lock = try LabLock(paths)
        defer { withExtendedLifetime(lock) {} }
        var (state, index) = try host(hostName)
        let host = state.hosts[index]
        guard let holder = host.holder, holder.isAlive else {
            throw .hostFailed(host: hostName, reason: "its namespaces are gone; remake the lab with `rig lab up --name \(name) --fresh`")
        }
        if host.sshd?.isAlive == true, HostSSHServer.isListening(holder: holder) { return }
        state.hosts[index].sshd = try HostSSHServer.start(host, holder: holder, paths: paths)
        try state.write(paths)
    }

    /// Takes the host's link down (`reachable: false`) or brings it up again.
    public func setReachable(_ hostName: String, _ reachable: Bool) throws(LabError) {
        try Self.requireRoot()
        let lock = try LabLock(paths)
        defer { withExtendedLifetime(lock) {} }
        let (state, index) = try host(hostName)
        try LabNetwork.setLink(state.hosts[index], in: state, up: reachable)
    }

    private func host(_ hostName: String) throws(LabError) -> (LabState, Int) {
        let state = try requireState()
        guard let index = state.hosts.firstIndex(where: { $0.name == hostName }) else {
            throw .unknownHost(hostName, known: state.hosts.map(\.name))
        }
        return (state, index)
    }
}
