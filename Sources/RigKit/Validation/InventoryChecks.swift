import Foundation
import RigModel

/// Hosts that cannot be told apart or reached as written. The loader runs the field and
/// across-host checks while it reads an inventory, so one pass reports them all with the
/// other problems of the file; `run` repeats them for workflows built in code.
struct InventoryChecks {
    let workflow: Workflow

    func run() -> [Diagnostic] {
        var problems: [Diagnostic] = []
        let declaredSecrets = workflow.secrets.map(\.name)
        for host in workflow.inventory.hosts {
            let here = host.location ?? workflow.inventory.file.map { SourceLocation(file: $0, line: 1, column: 1) }
            problems += Self.fieldProblems(of: host).map { $0.diagnostic(at: here) }
            if let secret = host.become?.passwordSecret, !declaredSecrets.contains(secret) {
                problems.append(
                    .error(
                        "host '\(host.name)': become.password_secret names '\(secret)', which is not a declared secret", at: here,
                        hint: (Suggestion.didYouMean(secret, in: declaredSecrets).map { $0 + " " } ?? "")
                            + "declare it under the workflow's `secrets:`"))
            }
        }
        problems += Self.acrossHosts(
            workflow.inventory.hosts, fallback: workflow.inventory.file.map { SourceLocation(file: $0, line: 1, column: 1) },
            checkingFiles: true)
        return problems
    }

    /// A problem with one field of a host, placed by the caller (the field's own line when read).
    struct FieldProblem {
        var field: String
        var message: String
        var hint: String

        func diagnostic(at location: SourceLocation?) -> Diagnostic { .error(message, at: location, hint: hint) }
    }

    /// `who` names the host in messages (`host 'w1'`, or `'defaults'`).
    static func fieldProblems(of host: InventoryHost, who: String? = nil) -> [FieldProblem] {
        let who = who ?? "host '\(host.name)'"
        var problems: [FieldProblem] = []
        if !host.address.isEmpty, let problem = addressProblem(host.address, who: who) { problems.append(problem) }
        if let port = host.port, let problem = portProblem(port, who: who) { problems.append(problem) }
        if let user = host.user, let problem = userProblem(user, field: "user", who: who) { problems.append(problem) }
        if let user = host.become?.user, let problem = userProblem(user, field: "become.user", who: who) { problems.append(problem) }
        return problems
    }

    static func addressProblem(_ address: String, who: String) -> FieldProblem? {
        guard !NetworkSyntax.isAddress(address) else { return nil }
        return FieldProblem(
            field: "address", message: "\(who): '\(address)' is neither an IP address nor a valid host name",
            hint: "write an IPv4 address (192.168.1.10), an IPv6 address (fd00::10) or a DNS name")
    }

    static func portProblem(_ port: Int, who: String) -> FieldProblem? {
        guard !NetworkSyntax.isPort(port) else { return nil }
        return FieldProblem(field: "port", message: "\(who): port \(port) is out of range", hint: "ports are 1 to 65535; SSH uses 22")
    }

    static func userProblem(_ user: String, field: String, who: String) -> FieldProblem? {
        guard !NetworkSyntax.isLoginName(user) else { return nil }
        return FieldProblem(
            field: field, message: "\(who): \(field) '\(user)' is not a valid login name",
            hint:
                "a login name starts with a letter or '_' and has letters, digits, '_', '.' and '-' (at most 32, an optional final '$'), optionally followed by @domain: `\(field == "user" ? "user" : "become"): ubuntu`"
        )
    }

    /// Names and addresses that clash between hosts, reserved names, and (`checkingFiles`)
    /// missing ssh_config files.
    static func acrossHosts(_ hosts: [InventoryHost], fallback: SourceLocation?, checkingFiles: Bool) -> [Diagnostic] {
        var problems: [Diagnostic] = []
        var byName: [String: InventoryHost] = [:]
        var byAddress: [String: InventoryHost] = [:]
        var missingConfigs: Set<String> = []
        for host in hosts {
            let here = host.location ?? fallback
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
            if checkingFiles, let config = host.sshConfig, !config.hasPrefix("~"), !FileManager.default.fileExists(atPath: config),
                missingConfigs.insert(config).inserted
            {
                problems.append(
                    .error(
                        "host '\(host.name)': its ssh_config file \(config) does not exist", at: here,
                        hint:
                            "fix the path (relative paths start from the inventory file's folder), or remove `ssh_config` to use ~/.ssh/config"
                    ))
            }
        }
        return problems
    }

    static func firstAt(_ location: SourceLocation?) -> String {
        location.map { "; the first is at \($0)" } ?? ""
    }
}
