import RigKit
import RigModel

/// Turns what ssh printed when it gave up (exit status 255 and no trailer from the wrapper)
/// into a `StepFailure.unreachable` that says which of connect, authentication or host key
/// failed, and what to check next.
struct SSHFailure {
    var host: InventoryHost
    var port: Int?
    var user: String?
    /// The ssh_config file rig hands ssh (`--ssh-config`, else the host's `ssh_config`).
    var sshConfig: String? = nil

    /// `diagnostics`: ssh's stderr and the master connection's log.
    func classify(_ diagnostics: String, duringCommand: Bool) -> StepFailure {
        let text = diagnostics.lowercased()
        let endpoint = "\(host.address) port \(port.map(String.init) ?? "22 (or the port in your ssh config)")"
        let who = user.map { "user \($0)" } ?? "the ssh user"
        let destination = shellQuote((user.map { "\($0)@" } ?? "") + host.address)
        var options = sshConfig.map { " -F \(shellQuote($0))" } ?? ""
        options += host.identity.map { " -i \(shellQuote($0))" } ?? ""
        options += port.map { " -p \($0)" } ?? ""
        let hand = "try `ssh\(options) \(destination) true` by hand"
        let reason: String
        if text.contains("remote host identification has changed") || text.contains("host key for") && text.contains("has changed") {
            reason =
                "the host key of \(endpoint) has CHANGED since it was recorded in known_hosts; if the machine was reinstalled, remove the old key with `ssh-keygen -R \(shellQuote(knownHostsName))` and connect once to record the new one, otherwise someone may be intercepting the connection"
        } else if text.contains("host key verification failed") || text.contains("no ") && text.contains("host key is known") {
            reason =
                "the host key of \(endpoint) is not in known_hosts and host-key checking is strict; verify the key and add it (`ssh-keyscan -p \(port ?? 22) \(shellQuote(host.address)) >> ~/.ssh/known_hosts`), or run with --accept-new-host-keys to record unknown keys on first contact"
        } else if text.contains("permission denied") || text.contains("too many authentication failures")
            || text.contains("no more authentication methods")
        {
            reason =
                "authentication as \(who) at \(endpoint) was refused (\(firstLine(containing: "permission denied", in: diagnostics) ?? "permission denied")); check the host's `identity` key file, that ssh-agent holds the key, and that its public key is in the user's authorized_keys on the host"
        } else if text.contains("connection refused") {
            reason = "connection refused by \(endpoint): is sshd running there and listening on that port? (\(hand))"
        } else if text.contains("connection timed out") || text.contains("operation timed out")
            || text.contains("timed out during banner exchange")
        {
            reason =
                "connecting to \(endpoint) timed out: check the address, that the host is up, and that no firewall drops port \(port ?? 22)"
        } else if text.contains("no route to host") || text.contains("network is unreachable") {
            reason = "no network route to \(endpoint): check the address and this machine's network"
        } else if text.contains("could not resolve hostname") || text.contains("name or service not known")
            || text.contains("temporary failure in name resolution")
        {
            reason = "the name \(host.address) does not resolve: check the inventory address or DNS"
        } else if duringCommand {
            let detail = lastLine(of: diagnostics).map { " (ssh: \($0))" } ?? ""
            reason =
                "the connection to \(endpoint) was lost while the command ran\(detail); the remote command was stopped with it. Check that the host is still up, then run `rig resume`"
        } else {
            let detail = lastLine(of: diagnostics) ?? "no message"
            reason = "ssh to \(endpoint) failed: \(detail) (\(hand))"
        }
        return .unreachable(host: host.name, address: host.address, reason: reason)
    }

    private var knownHostsName: String {
        port.map { $0 == 22 ? host.address : "[\(host.address)]:\($0)" } ?? host.address
    }

    private func firstLine(containing needle: String, in text: String) -> String? {
        text.split(whereSeparator: \.isNewline).first { $0.lowercased().contains(needle) }.map { String($0) }
    }

    private func lastLine(of text: String) -> String? {
        text.split(whereSeparator: \.isNewline).last { !$0.allSatisfy(\.isWhitespace) }.map { String($0) }
    }
}
