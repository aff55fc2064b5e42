import Foundation
import OrderedCollections
import RigModel
import Yams

/// Hosts, inline in the workflow's `hosts:` or in an inventory file.
extension NodeReader {
    static let hostKeys = [
        "name", "address", "port", "user", "identity", "ssh_config", "become", "connection", "roles", "labels", "vars", "max_tasks",
    ]
    static let defaultsKeys = hostKeys.filter { $0 != "name" && $0 != "address" }
    static let becomeKeys = ["user", "password_secret"]

    /// A list of hosts, or `{defaults: {...}, hosts: [...]}`.
    func inventoryHosts(_ node: Node) -> [InventoryHost] {
        switch node {
        case .sequence:
            return hostList(node, defaults: InventoryHost(name: "", address: ""))
        case .mapping:
            guard let fields = mapping(node, "the inventory") else { return [] }
            checkKeys(fields, allowed: ["defaults", "hosts"], in: "the inventory")
            var defaults = InventoryHost(name: "", address: "")
            if let entry = fields.first(where: { $0.key == "defaults" }), let entries = mapping(entry.value, "'defaults'") {
                checkKeys(entries, allowed: Self.defaultsKeys, in: "'defaults'")
                for field in entries { apply(field, to: &defaults, who: "'defaults'") }
            }
            guard let hosts = fields.first(where: { $0.key == "hosts" }) else {
                error(
                    "the inventory has no 'hosts' list", at: node, hint: "list the machines under `hosts:`, each with a name and an address"
                )
                return []
            }
            return hostList(hosts.value, defaults: defaults)
        default:
            error(
                "the inventory must be a list of hosts or a map with 'defaults' and 'hosts', not \(describe(node))", at: node,
                hint: "see docs/inventory.md")
            return []
        }
    }

    /// `defaults` holds the fields of `defaults:`, read once; each host starts from it.
    private func hostList(_ node: Node, defaults: InventoryHost) -> [InventoryHost] {
        guard case .sequence(let items) = node else {
            error("'hosts' must be a list of hosts, not \(describe(node))", at: node, hint: "start each host with '- name: NAME'")
            return []
        }
        let hosts = items.compactMap { host($0, defaults: defaults) }
        // Clashes between hosts come with the file's other problems, not in a later round.
        problems.append(contentsOf: InventoryChecks.acrossHosts(hosts, fallback: location(node), checkingFiles: checksHostFiles))
        return hosts
    }

    private func host(_ node: Node, defaults: InventoryHost) -> InventoryHost? {
        guard let fields = mapping(node, "a host", hint: "a host is a map with at least a name: `- {name: master, address: 192.168.1.10}`")
        else { return nil }
        checkKeys(fields, allowed: Self.hostKeys, in: "a host")
        guard let nameField = fields.first(where: { $0.key == "name" }) else {
            error("this host has no 'name'", at: node, hint: "give every host a unique name: `name: master`")
            return nil
        }
        guard let name = string(nameField.value, "name") else { return nil }
        // The host's own fields override the defaults; labels and vars merge key by key, roles add up.
        var host = defaults
        host.name = name
        host.address = name
        host.location = location(nameField.value)
        for field in fields { apply(field, to: &host, who: "host '\(name)'") }
        if !fields.contains(where: { $0.key == "address" }) {
            report(InventoryChecks.addressProblem(host.address, who: "host '\(name)'"), at: nameField.value)
        }
        return host
    }

    /// `who` names the host in messages.
    private func apply(_ field: MappingEntry, to host: inout InventoryHost, who: String) {
        let value = field.value
        switch field.key {
        case "address":
            host.address = string(value, "address") ?? host.address
            report(InventoryChecks.addressProblem(host.address, who: who), at: value)
        case "port":
            host.port = int(value, "port")
            report(host.port.flatMap { InventoryChecks.portProblem($0, who: who) }, at: value)
        case "user":
            host.user = string(value, "user")
            report(host.user.flatMap { InventoryChecks.userProblem($0, field: "user", who: who) }, at: value)
        case "identity": host.identity = string(value, "identity")
        case "ssh_config":
            // Relative to the file that names it, so an inventory and its ssh_config travel together.
            host.sshConfig = string(value, "ssh_config").map { Self.absolutePath($0, relativeTo: location(value).file) }
        case "become": host.become = become(value, who: who)
        case "connection":
            guard let text = string(value, "connection") else { break }
            guard let connection = Connection(rawValue: text) else {
                error("unknown connection '\(text)'", at: value, hint: "connection is ssh (the default) or local")
                break
            }
            host.connection = connection
        case "roles":
            for (role, _) in names(value, "roles") ?? [] where !host.roles.contains(role) { host.roles.append(role) }
        case "labels":
            for entry in mapping(value, "'labels'", hint: "labels map names to values: `gpuWorker: \"yes\"`") ?? [] {
                guard case .scalar(let s) = entry.value else {
                    error("label '\(entry.key)' must be a text value, not \(describe(entry.value))", at: entry.value)
                    continue
                }
                host.labels[entry.key] = s.string
            }
        case "vars":
            for entry in mapping(value, "'vars'") ?? [] { host.vars[entry.key] = Self.value(of: entry.value) }
        case "max_tasks": host.maxConcurrentTasks = int(value, "max_tasks", minimum: 1)
        default: break
        }
    }

    private func report(_ problem: InventoryChecks.FieldProblem?, at node: Node) {
        if let problem { problems.append(problem.diagnostic(at: location(node))) }
    }

    /// `~/...` is left for ssh to expand; other relative paths are made absolute from `file`'s folder.
    static func absolutePath(_ path: String, relativeTo file: String) -> String {
        if path.hasPrefix("~") { return path }
        let resolved = WorkflowLoader.resolve(path, relativeTo: file)
        return resolved.hasPrefix("/") ? resolved : FileManager.default.currentDirectoryPath + "/" + resolved
    }

    /// `become: true`, `become: deploy` (a user) or `become: {user: root, password_secret: sudo_password}`.
    private func become(_ node: Node, who: String) -> Become? {
        if case .scalar(let s) = node {
            switch Self.value(of: s) {
            case .bool(let b): return b ? Become() : nil
            case .string(let t) where ["yes", "on"].contains(t.lowercased()): return Become()
            case .string(let t) where ["no", "off"].contains(t.lowercased()): return nil
            case .string(let user):
                report(InventoryChecks.userProblem(user, field: "become.user", who: who), at: node)
                return Become(user: user)
            default:
                error("'become' must be true, false, a user name or {user, password_secret}, not \(describe(node))", at: node)
                return nil
            }
        }
        guard let fields = mapping(node, "'become'") else { return nil }
        checkKeys(fields, allowed: Self.becomeKeys, in: "'become'")
        var become = Become()
        for field in fields {
            switch field.key {
            case "user":
                become.user = string(field.value, "user") ?? become.user
                report(InventoryChecks.userProblem(become.user, field: "become.user", who: who), at: field.value)
            case "password_secret": become.passwordSecret = string(field.value, "password_secret")
            default: break
            }
        }
        return become
    }
}
