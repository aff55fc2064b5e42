/// Retrying a failed task: `retries: 3` or `retries: {count: 3, backoff: 2s, max_delay: 1m, jitter: true}`.
public struct RetryPolicy: Sendable, Hashable {
    /// Extra attempts after the first.
    public var count: Int
    /// The delay before the first retry; it doubles each time, capped at `maxDelay`.
    public var backoff: Duration
    public var maxDelay: Duration
    /// Spread each delay randomly over [delay/2, delay] so hosts do not retry in lockstep.
    public var jitter: Bool

    public init(count: Int = 0, backoff: Duration = .seconds(1), maxDelay: Duration = .seconds(60), jitter: Bool = true) {
        self.count = count
        self.backoff = backoff
        self.maxDelay = maxDelay
        self.jitter = jitter
    }

    public static let none = RetryPolicy()
}

/// `serial:` on a step: run its hosts in batches, each batch finishing before the next starts.
public enum SerialPolicy: Sendable, Hashable {
    case count(Int)
    case percent(Int)
}

/// A value a step publishes for later steps: `${{ steps.<id>.outputs.<name> }}`.
public struct OutputDeclaration: Sendable, Hashable {
    public var name: String
    /// A secret output (a join token) is never logged or written to the run folder in clear.
    public var secret: Bool
    public var description: String?
    public var location: SourceLocation?

    public init(name: String, secret: Bool = false, description: String? = nil, location: SourceLocation? = nil) {
        self.name = name
        self.secret = secret
        self.description = description
        self.location = location
    }
}

/// One entry of a workflow's `steps:`.
public struct Step: Sendable, Hashable {
    public var id: String
    /// The step type, e.g. `shell`, `tator.nfs-server`, or a plugin's `acme.gpu-driver`.
    public var type: String
    public var description: String?
    public var needs: [String]
    /// Targets as written: `local`, `all`, a role, or host names. Empty means `local`.
    public var on: [String]
    public var with: ParameterNode
    /// A condition; when false the step is skipped on that host.
    public var when: Template?
    /// A guard command; when it succeeds the step is already satisfied and reports "ok".
    public var unless: Template?
    public var retries: RetryPolicy
    public var timeout: Duration?
    public var outputs: [OutputDeclaration]
    /// A named pool (declared in the workflow's `pools:`) bounding how many of its tasks run at once.
    public var pool: String?
    public var serial: SerialPolicy?
    /// Overrides the per-host limit for this step's tasks.
    public var hostConcurrency: Int?
    /// One host's failure fails the whole step at once.
    public var anyErrorsFatal: Bool
    /// Where the step was defined (for a step of an extended workflow: in the base file).
    public var location: SourceLocation?
    /// Where each field was written, keyed by field name (`needs`, `with`, `on`, ...).
    public var fieldLocations: [String: SourceLocation]
    /// Overlay entries that changed this step after the file that defined it (`location`), in order.
    public var changes: [SourceLocation] = []

    public init(
        id: String, type: String, description: String? = nil, needs: [String] = [], on: [String] = [],
        with: ParameterNode = .emptyMap, when: Template? = nil, unless: Template? = nil,
        retries: RetryPolicy = .none, timeout: Duration? = nil, outputs: [OutputDeclaration] = [],
        pool: String? = nil, serial: SerialPolicy? = nil, hostConcurrency: Int? = nil,
        anyErrorsFatal: Bool = false, location: SourceLocation? = nil, fieldLocations: [String: SourceLocation] = [:]
    ) {
        self.id = id
        self.type = type
        self.description = description
        self.needs = needs
        self.on = on
        self.with = with
        self.when = when
        self.unless = unless
        self.retries = retries
        self.timeout = timeout
        self.outputs = outputs
        self.pool = pool
        self.serial = serial
        self.hostConcurrency = hostConcurrency
        self.anyErrorsFatal = anyErrorsFatal
        self.location = location
        self.fieldLocations = fieldLocations
    }
}
