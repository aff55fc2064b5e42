import OrderedCollections
import RigModel

/// A task's definition normalized for its fingerprint.
///
/// In: the step type; the parameters rendered in *display* mode (secrets are `<secret:NAME>`
/// placeholders, so no secret value is ever hashed) and only those whose schema says
/// `affectsResult`; the target host's identity (name, address, port, connection); the guard
/// (`unless`) and condition (`when`) text; the declared outputs; the tasks it needs with their
/// fingerprints. Out: description, retries, timeout, pools, display-only parameters, the git
/// revision, secret values (a parameter the schema marks `secret` counts by presence only).
public struct TaskDefinition: Sendable, Hashable {
    /// What identifies the target host for a fingerprint; how rig logs in (user, key, sudo) does not.
    public struct HostIdentity: Sendable, Hashable {
        public var name: String
        public var address: String
        public var port: Int?
        public var connection: Connection

        public init(name: String, address: String, port: Int? = nil, connection: Connection) {
            self.name = name
            self.address = address
            self.port = port
            self.connection = connection
        }

        public init(_ host: InventoryHost) {
            self.init(name: host.name, address: host.address, port: host.port, connection: host.connection)
        }
    }

    /// What stands in for the value of a parameter the schema marks secret.
    public static let secretParameterPlaceholder = "<secret parameter>"

    public var task: TaskID
    public var stepType: String
    /// Display-mode parameters that affect the result.
    public var parameters: OrderedDictionary<String, Value>
    public var host: HostIdentity
    public var guardCommand: String?
    public var condition: String?
    /// Declared outputs: name → secret.
    public var outputs: OrderedDictionary<String, Bool>
    /// The tasks this one needs (its direct upstream).
    public var needs: [TaskID]

    public init(
        task: TaskID, stepType: String, parameters: OrderedDictionary<String, Value>, host: HostIdentity,
        guardCommand: String? = nil, condition: String? = nil, outputs: OrderedDictionary<String, Bool> = [:],
        needs: [TaskID] = []
    ) {
        self.task = task
        self.stepType = stepType
        self.parameters = parameters
        self.host = host
        self.guardCommand = guardCommand
        self.condition = condition
        self.outputs = outputs
        self.needs = needs
    }

    /// Normalizes a display-mode invocation with its step type's schema. `guardCommand` and
    /// `condition` default to the templates as written; pass their display renderings when known.
    public init(
        invocation: StepInvocation, schema: ParameterSchema, needs: [TaskID],
        guardCommand: String? = nil, condition: String? = nil
    ) {
        precondition(invocation.mode == .display, "fingerprints are computed from display-mode renderings only")
        var parameters: OrderedDictionary<String, Value> = [:]
        for (name, value) in invocation.parameters {
            let declared = schema.parameter(name)
            if let declared, !declared.affectsResult { continue }
            parameters[name] = declared?.secret == true ? .string(Self.secretParameterPlaceholder) : value
        }
        var outputs: OrderedDictionary<String, Bool> = [:]
        for output in invocation.step.outputs { outputs[output.name] = output.secret }
        self.init(
            task: invocation.task, stepType: invocation.step.type, parameters: parameters,
            host: HostIdentity(invocation.host), guardCommand: guardCommand ?? invocation.step.unless?.source,
            condition: condition ?? invocation.step.when?.source, outputs: outputs, needs: needs)
    }

    /// The fingerprint, given the fingerprints of the tasks in `needs`.
    public func fingerprint(upstream: [TaskID: Fingerprint]) -> Fingerprint {
        var fields: [(name: String, bytes: [UInt8])] = [
            ("type", CanonicalEncoding.bytes(stepType)),
            ("host", hostBytes),
            ("outputs", outputBytes),
            ("needs", needsBytes(upstream)),
        ]
        for (name, value) in parameters { fields.append(("with.\(name)", CanonicalEncoding.bytes(value))) }
        if let guardCommand { fields.append(("unless", CanonicalEncoding.bytes(guardCommand))) }
        if let condition { fields.append(("when", CanonicalEncoding.bytes(condition))) }
        return Fingerprint.combine(fields)
    }

    private var hostBytes: [UInt8] {
        var w = ByteWriter()
        w.string(host.name)
        w.string(host.address)
        w.signed(Int64(host.port ?? -1))
        w.string(host.connection.rawValue)
        return w.bytes
    }

    private var outputBytes: [UInt8] {
        var w = ByteWriter()
        w.varint(outputs.count)
        for (name, secret) in CanonicalEncoding.sortedByUTF8(outputs) {
            w.string(name)
            w.u8(secret ? 1 : 0)
        }
        return w.bytes
    }

    /// The needed tasks with their digests; an unknown upstream fingerprint counts as 32 zero bytes.
    private func needsBytes(_ upstream: [TaskID: Fingerprint]) -> [UInt8] {
        let sorted = needs.sorted {
            let a = (Array($0.step.utf8), Array($0.host.utf8))
            let b = (Array($1.step.utf8), Array($1.host.utf8))
            return a.0 == b.0 ? a.1.lexicographicallyPrecedes(b.1) : a.0.lexicographicallyPrecedes(b.0)
        }
        var w = ByteWriter(capacity: sorted.count * 48)
        w.varint(sorted.count)
        for task in sorted {
            w.string(task.step)
            w.string(task.host)
            w.raw(upstream[task]?.digest ?? [UInt8](repeating: 0, count: 32))
        }
        return w.bytes
    }
}
