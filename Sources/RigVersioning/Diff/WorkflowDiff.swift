/// What changed between two versions of a workflow, in the workflow's own terms (steps,
/// parameters, inputs, hosts, secrets) rather than lines of YAML.
public struct WorkflowDiff: Sendable, Hashable {
    /// One changed field. `field` is written as in YAML (`with.run`, `labels.gpuWorker`,
    /// `needs`); `old`/`new` are display text, nil where the field or element is absent. For
    /// set-like fields (`needs`, `on`, `roles`, `outputs`) there is one change per element added
    /// (`old == nil`) or removed (`new == nil`).
    public struct FieldChange: Sendable, Hashable {
        public var field: String
        public var old: String?
        public var new: String?

        public init(field: String, old: String?, new: String?) {
            self.field = field
            self.old = old
            self.new = new
        }
    }

    /// The changed fields of something present on both sides (a step, input or host).
    public struct EntryChange: Sendable, Hashable {
        public var name: String
        public var changes: [FieldChange]

        public init(name: String, changes: [FieldChange]) {
            self.name = name
            self.changes = changes
        }

        /// Distinct top-level fields changed, in order (`with.run`, `with.env.A` → `with.run`, `with.env.A`;
        /// `labels.x`, `labels.y` → `labels.x`, `labels.y`).
        public var fields: [String] {
            var seen = Set<String>()
            return changes.map(\.field).filter { seen.insert($0).inserted }
        }
    }

    /// An added or removed step, with its type.
    public struct StepEntry: Sendable, Hashable {
        public var id: String
        public var type: String
    }

    /// An added or removed host, with what identifies it to a reader.
    public struct HostEntry: Sendable, Hashable {
        public var name: String
        public var address: String
        public var roles: [String]
    }

    /// An added or removed input.
    public struct InputEntry: Sendable, Hashable {
        public var name: String
        public var type: String
        public var defaultValue: String?
    }

    public var stepsAdded: [StepEntry] = []
    public var stepsRemoved: [StepEntry] = []
    public var stepsChanged: [EntryChange] = []
    public var inputsAdded: [InputEntry] = []
    public var inputsRemoved: [InputEntry] = []
    public var inputsChanged: [EntryChange] = []
    public var hostsAdded: [HostEntry] = []
    public var hostsRemoved: [HostEntry] = []
    public var hostsChanged: [EntryChange] = []
    public var secretsAdded: [String] = []
    public var secretsRemoved: [String] = []
    /// Workflow-level fields: `name`, `description`, `pools.<name>`.
    public var workflowChanges: [FieldChange] = []

    public init() {}

    /// True when the two workflows mean the same thing (they may still differ in comments,
    /// formatting or key order).
    public var isEmpty: Bool {
        stepsAdded.isEmpty && stepsRemoved.isEmpty && stepsChanged.isEmpty
            && inputsAdded.isEmpty && inputsRemoved.isEmpty && inputsChanged.isEmpty
            && hostsAdded.isEmpty && hostsRemoved.isEmpty && hostsChanged.isEmpty
            && secretsAdded.isEmpty && secretsRemoved.isEmpty && workflowChanges.isEmpty
    }
}
