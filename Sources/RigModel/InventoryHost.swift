import OrderedCollections

/// How rig reaches a host.
public enum Connection: String, Sendable, Hashable, Codable {
    /// Commands run as child processes of rig on this machine.
    case local
    /// Commands run over the system OpenSSH client.
    case ssh
}

/// Running commands as another user with sudo.
public struct Become: Sendable, Hashable {
    public var user: String
    /// The name of a secret holding the sudo password; without one, sudo runs with `-n`.
    public var passwordSecret: String?

    public init(user: String = "root", passwordSecret: String? = nil) {
        self.user = user
        self.passwordSecret = passwordSecret
    }
}

/// A machine in the inventory.
public struct InventoryHost: Sendable, Hashable {
    public var name: String
    public var address: String
    public var port: Int?
    public var user: String?
    /// Path of an SSH private key.
    public var identity: String?
    /// An ssh_config file for this host (ssh's `-F`), used when rig gets no `--ssh-config`;
    /// absolute, or resolved from the inventory file's folder when it is read.
    public var sshConfig: String?
    public var become: Become?
    public var connection: Connection
    public var roles: [String]
    /// Node labels, e.g. the four Tator labels `gpuWorker`, `cpuWorker`, `webServer`, `dbServer`.
    public var labels: OrderedDictionary<String, String>
    public var vars: OrderedDictionary<String, Value>
    /// How many tasks may run on this host at once; nil means the default
    /// (one for remote hosts, `--jobs` for local ones).
    public var maxConcurrentTasks: Int?
    public var location: SourceLocation?

    public init(
        name: String, address: String, port: Int? = nil, user: String? = nil, identity: String? = nil,
        sshConfig: String? = nil, become: Become? = nil, connection: Connection = .ssh, roles: [String] = [],
        labels: OrderedDictionary<String, String> = [:], vars: OrderedDictionary<String, Value> = [:],
        maxConcurrentTasks: Int? = nil, location: SourceLocation? = nil
    ) {
        self.name = name
        self.address = address
        self.port = port
        self.user = user
        self.identity = identity
        self.sshConfig = sshConfig
        self.become = become
        self.connection = connection
        self.roles = roles
        self.labels = labels
        self.vars = vars
        self.maxConcurrentTasks = maxConcurrentTasks
        self.location = location
    }

    /// The implicit host that `on: local` targets: this machine.
    public static let local = InventoryHost(name: "local", address: "127.0.0.1", connection: .local)

    public func hasRole(_ role: String) -> Bool { roles.contains(role) }
}

/// The machines a workflow runs on: inline in the workflow or from `--inventory FILE`.
public struct Inventory: Sendable, Hashable {
    public var hosts: [InventoryHost]
    /// The file the inventory came from, when it is not inline.
    public var file: String?

    public init(hosts: [InventoryHost] = [], file: String? = nil) {
        self.hosts = hosts
        self.file = file
    }

    public func host(named name: String) -> InventoryHost? {
        if name == InventoryHost.local.name, !hosts.contains(where: { $0.name == name }) { return .local }
        return hosts.first { $0.name == name }
    }

    public func hosts(withRole role: String) -> [InventoryHost] { hosts.filter { $0.hasRole(role) } }

    public var roles: Set<String> { Set(hosts.flatMap(\.roles)) }
}
