import Foundation
import RigKit

/// `rig lab files DIR`: what `rig run` needs to deploy onto the lab. inventory.yaml (the hosts,
/// root with the lab's key, `ssh_config: ssh_config`), ssh_config (reaching the hosts through
/// the lab's LAN namespace, with no interface in the machine's own namespace), known_hosts,
/// site.yaml (the Tator inputs for the lab), secrets.yaml (the lab's DuckDNS token, mode 0600)
/// and tator-standin/ (the stand-in checkout handed over as `tatorSource`).
public struct LabFiles: Sendable {
    public let lab: Lab
    public let state: LabState

    public init(lab: Lab, state: LabState) {
        self.lab = lab
        self.state = state
    }

    /// Writes the files into `directory` (made if missing); returns the paths written.
    @discardableResult
    public func write(to directory: String) throws(LabError) -> [String] {
        let dir = Self.absolute(directory)
        try lab.makeDirectory(dir, mode: 0o755)
        let standIn = "\(dir)/tator-standin"
        try copyStandIn(to: standIn)
        let token = try lab.read(lab.paths.duckdnsTokenFile).trimmingCharacters(in: .whitespacesAndNewlines)
        let files: [(String, String, mode_t)] = [
            ("inventory.yaml", inventory, 0o644),
            ("ssh_config", sshConfig(knownHosts: "\(dir)/known_hosts"), 0o644),
            ("known_hosts", KnownHosts.text(state), 0o644),
            ("site.yaml", site(tatorSource: standIn), 0o644),
            (
                "secrets.yaml",
                "# The lab's DuckDNS token (only the lab's curl stand-in accepts it). Keep this file private.\nduckdnsToken: \(Self.quoted(token))\n",
                0o600
            ),
        ]
        for (name, text, mode) in files { try lab.write("\(dir)/\(name)", text, mode: mode) }
        return files.map { "\(dir)/\($0.0)" } + [standIn]
    }

    var inventory: String {
        var lines = [
            "# The hosts of rig lab '\(state.name)' (\(state.subnet)), written by `rig lab files`.",
            "# They are reached through the lab's own network namespace (see ssh_config).",
            "defaults:",
            "  user: \(state.loginUser)",
            // As on a real cloud image: the login user has passwordless sudo, and steps that change
            // the system (shell steps included) run under it.
            "  become: true",
            "  identity: \(Self.quoted(lab.paths.identity))",
            "  ssh_config: ssh_config",
            "hosts:",
        ]
        for host in state.hosts {
            lines += [
                "  - name: \(host.name)",
                "    address: \(host.address)",
                "    roles: [\(host.roles.joined(separator: ", "))]",
                "    labels: {\(host.labels.map { "\($0.name): \(Self.quoted($0.value))" }.joined(separator: ", "))}",
            ]
        }
        return lines.joined(separator: "\n") + "\n"
    }

    func sshConfig(knownHosts: String) -> String {
        """
        # How rig (and you: ssh -F THIS_FILE \(state.loginUser)@\(state.hosts[0].address)) reaches the hosts of rig lab '\(state.name)':
        # through its LAN namespace, so the machine's own network gets no interface, address or route.
        Host \(hostPattern)
          User \(state.loginUser)
          IdentityFile \(lab.paths.identity)
          IdentitiesOnly yes
          UserKnownHostsFile \(knownHosts)
          GlobalKnownHostsFile /dev/null
          ProxyCommand ip netns exec \(state.lanNamespace) nc %h %p

        """
    }

    /// The ssh_config Host pattern covering every address of the LAN.
    var hostPattern: String {
        state.hosts.map(\.address).contains { !$0.hasPrefix(state.networkPrefix + ".") }
            ? state.hosts.map(\.address).joined(separator: " ") : "\(state.networkPrefix).*"
    }

    func site(tatorSource: String) -> String {
        let prefix = state.networkPrefix
        let length = state.prefixLength
        let (start, stop) = LabTopology.metallbRange(prefix, length: length)
        return """
            # The inputs of workflows/tator-multinode.yaml for rig lab '\(state.name)', written by `rig lab files`.
            domain: \(Self.quoted("rig-\(state.name).duckdns.org"))
            lanCIDR: \(state.subnet)
            dockerRegistry: "master1:5000"
            dockerUsername: ""
            nfsServer: ""
            loadBalancerIp: \(LabTopology.loadBalancer(prefix, length: length))
            metallbRangeStart: \(start)
            metallbRangeStop: \(stop)
            dhcpRange: \(LabTopology.dhcpRange(prefix, length: length))
            profile: current
            # The project's stand-in checkout (no network in the lab).
            tatorSource: \(Self.quoted(tatorSource))

            """
    }

    private func copyStandIn(to target: String) throws(LabError) {
        guard let source = LabResources.tatorStandIn else { throw .missingResources("tator-standin") }
        try? FileManager.default.removeItem(atPath: target)
        do {
            try FileManager.default.copyItem(atPath: source, toPath: target)
        } catch {
            throw .system("cannot copy the Tator stand-in to \(target): \(error.localizedDescription)")
        }
    }

    static func absolute(_ path: String) -> String {
        let full = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return URL(fileURLWithPath: full).standardizedFileURL.path
    }

    /// A YAML double-quoted scalar.
    static func quoted(_ s: String) -> String {
        "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
