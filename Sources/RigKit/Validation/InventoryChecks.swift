import Foundation
import RigModel

/// Hosts that cannot be told apart or reached as written.
struct InventoryChecks {
    let workflow: Workflow

    func run() -> [Diagnostic] {
        var problems: [Diagnostic] = []
        var byName: [String: InventoryHost] = [:]
        var byAddress: [String: InventoryHost] = [:]
        let declaredSecrets = workflow.secrets.map(\.name)
        var missingConfigs: Set<String> = []
        for host in workflow.inventory.hosts {
            let here = host.location ?? workflow.inventory.file.map { SourceLocation(file: $0, line: 1, column: 1) }
            if let first = byName[host.name] {
                problems.append(
                    .error(
                        "host '\(host.name)' is defined twice", at: here,
                        hint: "host names must be unique" + Self.firstAt(first.location)))
            } else {
                byName[host.name] = host
            }
            if TargetResolver.reservedTargets.contains(host.name) {
                problems.append(
                    .error(
                        "'\(host.name)' cannot be a host name", at: here,
                        hint: "'local' and 'all' are reserved `on:` targets; rename the host"))
            } else if host.name.range(of: #"^[A-Za-z0-9_][A-Za-z0-9_.-]*$"#, options: .regularExpression) == nil {
                problems.append(
                    .error(
                        "'\(host.name)' is not a valid host name", at: here,
                        hint: "host names use letters, digits, '_', '-' and '.'"))
            }
            for role in host.roles where TargetResolver.reservedTargets.contains(role) {
                problems.append(
                    .error(
                        "host '\(host.name)' has the role '\(role)', which is reserved", at: here,
                        hint: "'local' and 'all' are `on:` targets of their own; rename the role"))
            }
            if !NetworkSyntax.isAddress(host.address) {
                problems.append(
                    .error(
                        "host '\(host.name)': '\(host.address)' is neither an IP address nor a valid host name", at: here,
                        hint: "write an IPv4 address (192.168.1.10), an IPv6 address (fd00::10) or a DNS name"))
            }
            if let port = host.port, !NetworkSyntax.isPort(port) {
                problems.append(
                    .error("host '\(host.name)': port \(port) is out of range", at: here, hint: "ports are 1 to 65535; SSH uses 22"))
            }
            if host.connection == .ssh {
                let endpoint = "\(host.address.lowercased()):\(host.port ?? 22)"
                if let first = byAddress[endpoint], first.name != host.name {
                    problems.append(
                        .error(
                            "hosts '\(first.name)' and '\(host.name)' have the same address \(host.address) and port \(host.port ?? 22)",
                            at: here,
                            hint: "each host must be a different machine; fix the address or give a different port"
                                + Self.firstAt(first.location)))
                } else {
                    byAddress[endpoint] = host
                }
            }
            if let config = host.sshConfig, !config.hasPrefix("~"), !FileManager.default.fileExists(atPath: config),
                missingConfigs.insert(config).inserted
            {
                problems.append(
                    .error(
                        "host '\(host.name)': its ssh_config file \(config) does not exist", at: here,
                        hint:
                            "fix the path (relative paths start from the inventory file's folder), or remove `ssh_config` to use ~/.ssh/config"
                    ))
            }
            if let secret = host.become?.passwordSecret, !declaredSecrets.contains(secret) {
                problems.append(
                    .error(
                        "host '\(host.name)': become.password_secret names '\(secret)', which is not a declared secret", at: here,
                        hint: (Suggestion.didYouMean(secret, in: declaredSecrets).map { $0 + " " } ?? "")
                            + "declare it under the workflow's `secrets:`"))
            }
        }
        return problems
    }

    static func firstAt(_ location: SourceLocation?) -> String {
        location.map { "; the first is at \($0)" } ?? ""
    }
}
