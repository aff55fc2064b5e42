/// The known_hosts lines of a lab: each host's address with its own sshd key.
enum KnownHosts {
    static func text(_ state: LabState) -> String {
        state.hosts.compactMap { host in host.hostKey.map { "\(host.address) \($0)" } }.joined(separator: "\n") + "\n"
    }
}
