import OrderedCollections

/// A bash script to run on a host. Scripts travel to the host on standard input, never on a
/// command line, so their contents (and any secret in them) never show in `ps`.
public struct Command: Sendable, Hashable {
    public var script: String
    /// Exported before the script runs (sent inside the script, not in the process environment of ssh).
    public var environment: OrderedDictionary<String, String>
    /// Run under sudo as the host's `become` user.
    public var become: Bool
    /// Run under a pseudo-terminal (tools such as `docker run -it` need one).
    public var pseudoTerminal: Bool
    public var workingDirectory: String?
    /// Run on another inventory host instead of the task's own (e.g. a worker's join asks the master).
    public var delegateTo: String?
    /// Overrides the step's timeout for this command.
    public var timeout: Duration?
    /// A short human description for `rig plan`.
    public var summary: String?

    public init(
        _ script: String, environment: OrderedDictionary<String, String> = [:], become: Bool = false,
        pseudoTerminal: Bool = false, workingDirectory: String? = nil, delegateTo: String? = nil,
        timeout: Duration? = nil, summary: String? = nil
    ) {
        self.script = script
        self.environment = environment
        self.become = become
        self.pseudoTerminal = pseudoTerminal
        self.workingDirectory = workingDirectory
        self.delegateTo = delegateTo
        self.timeout = timeout
        self.summary = summary
    }
}

/// A file to write on a host: written to a temporary name and renamed into place.
public struct FileUpload: Sendable, Hashable {
    public var path: String
    public var content: [UInt8]
    /// Permission bits, e.g. `0o600`.
    public var mode: UInt16
    public var owner: String?
    public var group: String?
    public var become: Bool
    /// The content holds a secret: `rig plan` shows its size, not its bytes.
    public var secret: Bool
    public var delegateTo: String?

    public init(
        path: String, content: [UInt8], mode: UInt16 = 0o644, owner: String? = nil, group: String? = nil,
        become: Bool = false, secret: Bool = false, delegateTo: String? = nil
    ) {
        self.path = path
        self.content = content
        self.mode = mode
        self.owner = owner
        self.group = group
        self.become = become
        self.secret = secret
        self.delegateTo = delegateTo
    }

    public init(
        path: String, text: String, mode: UInt16 = 0o644, owner: String? = nil, group: String? = nil,
        become: Bool = false, secret: Bool = false, delegateTo: String? = nil
    ) {
        self.init(
            path: path, content: Array(text.utf8), mode: mode, owner: owner, group: group,
            become: become, secret: secret, delegateTo: delegateTo)
    }
}

/// What a task does on its host, in order. Most step types only build a plan; the engine runs it
/// through the host's transport, and `rig plan` prints it.
public struct TaskPlan: Sendable, Hashable {
    public enum Action: Sendable, Hashable {
        case run(Command)
        case upload(FileUpload)
    }

    /// Exits 0 when the task is already done; then the actions are skipped and the task reports "ok".
    public var check: Command?
    public var actions: [Action]

    public init(check: Command? = nil, actions: [Action]) {
        self.check = check
        self.actions = actions
    }

    public init(check: Command? = nil, _ command: Command) {
        self.init(check: check, actions: [.run(command)])
    }
}
