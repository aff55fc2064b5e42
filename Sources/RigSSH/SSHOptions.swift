/// How rig runs the OpenSSH client (`--ssh-config`, `--accept-new-host-keys` and friends).
public struct SSHOptions: Sendable, Hashable {
    /// Handed to ssh as `-F`; nil means the user's own `~/.ssh/config` (and the system one).
    public var sshConfig: String?
    /// Record unknown host keys on first contact (`StrictHostKeyChecking=accept-new`); a changed
    /// key is still refused. Off by default: unknown keys are refused.
    public var acceptNewHostKeys: Bool
    public var connectTimeout: Duration
    /// Where the master connections' sockets live. nil: a fresh private folder
    /// `/tmp/rig-<uid>-<random>` (mode 0700), short enough for the Unix socket path limit.
    public var controlDirectory: String?
    /// How long an idle master connection stays up after rig's last command.
    public var controlPersist: Duration
    /// Keep-alive probes on the master connection; a host silent for interval × count is gone.
    public var serverAliveInterval: Duration
    public var serverAliveCountMax: Int
    /// The client to run; found on PATH unless it has a slash.
    public var sshExecutable: String
    /// After a cancellation, how long the remote wrapper gets to stop the remote command and
    /// close the session before the local ssh is killed.
    public var stopGrace: Duration

    public init(
        sshConfig: String? = nil, acceptNewHostKeys: Bool = false, connectTimeout: Duration = .seconds(10),
        controlDirectory: String? = nil, controlPersist: Duration = .seconds(60),
        serverAliveInterval: Duration = .seconds(15), serverAliveCountMax: Int = 3,
        sshExecutable: String = "ssh", stopGrace: Duration = .seconds(5)
    ) {
        self.sshConfig = sshConfig
        self.acceptNewHostKeys = acceptNewHostKeys
        self.connectTimeout = connectTimeout
        self.controlDirectory = controlDirectory
        self.controlPersist = controlPersist
        self.serverAliveInterval = serverAliveInterval
        self.serverAliveCountMax = serverAliveCountMax
        self.sshExecutable = sshExecutable
        self.stopGrace = stopGrace
    }
}
