/// How a run is carried out.
public struct ExecutionOptions: Sendable, Hashable {
    /// Tasks running at once over all hosts (`--jobs`). The default, 16, is higher than Ansible's
    /// 5 forks because a rig task costs a thread and one ssh or bash process, not a Python
    /// interpreter, and remote tasks mostly wait on the network or the remote CPU; the per-host
    /// limit (one task per remote host) is what protects the machines.
    public var jobs: Int
    /// After a failure, run every branch that does not depend on it (`--keep-going`).
    public var keepGoing: Bool
    /// Each task's output goes to `<logDirectory>/<step>@<host>.log`.
    public var logDirectory: String
    /// Tasks at once on a host reached over SSH, unless the host or step sets its own limit.
    public var defaultRemoteHostLimit: Int
    /// Between SIGTERM and SIGKILL when a task is cancelled or times out; a cancelled run also
    /// stops waiting for a task this long (plus a margin) after asking it to stop.
    public var killGracePeriod: Duration
    /// Past this many bytes, a task's log keeps the first and the last half of its output and
    /// a line saying how much was dropped between them; nil: no cap.
    public var maxLogBytes: Int?

    public static let defaultJobs = 16

    public init(
        jobs: Int = ExecutionOptions.defaultJobs, keepGoing: Bool = false, logDirectory: String,
        defaultRemoteHostLimit: Int = 1, killGracePeriod: Duration = .seconds(5), maxLogBytes: Int? = FileTaskLog.defaultMaxBytes
    ) {
        self.jobs = max(1, jobs)
        self.keepGoing = keepGoing
        self.logDirectory = logDirectory
        self.defaultRemoteHostLimit = max(1, defaultRemoteHostLimit)
        self.killGracePeriod = killGracePeriod
        self.maxLogBytes = maxLogBytes.map { max(2, $0) }
    }
}
