import OrderedCollections
import RigModel

/// `workflow.resolved`: a run's workflow after loading — every task with its type, needs,
/// fingerprint and display-mode parameters (secrets only as `<secret:NAME>` references) — in a
/// compact binary form of rig's own, keyed by the `CacheKey` of the files it came from. It lets
/// `rig resume` and `rig status` work without parsing YAML, which is what makes the no-op resume
/// of a finished 10,000-task run fast.
///
/// Layout: magic `RIG-RESOLVED\n`, version (u32), body, CRC-32C of everything before it (u32).
public struct ResolvedWorkflow: Sendable, Hashable {
    public static let formatVersion: UInt32 = 1
    static let magic = Array("RIG-RESOLVED\n".utf8)

    public struct Task: Sendable, Hashable {
        public var id: TaskID
        public var stepType: String
        /// Indices into `tasks` of the tasks this one needs (always earlier in the list).
        public var needs: [Int]
        public var fingerprint: Fingerprint
        /// Names of this task's secret outputs.
        public var secretOutputs: [String]
        /// Secret outputs of other tasks this task reads: (index of the producer, output name).
        public var secretInputs: [SecretInput]
        /// Display-mode parameters; empty when read with `parameters: false`.
        public var parameters: OrderedDictionary<String, Value>

        public init(
            id: TaskID, stepType: String, needs: [Int], fingerprint: Fingerprint, secretOutputs: [String] = [],
            secretInputs: [SecretInput] = [], parameters: OrderedDictionary<String, Value> = [:]
        ) {
            self.id = id
            self.stepType = stepType
            self.needs = needs
            self.fingerprint = fingerprint
            self.secretOutputs = secretOutputs
            self.secretInputs = secretInputs
            self.parameters = parameters
        }
    }

    public struct SecretInput: Sendable, Hashable {
        public var producer: Int
        public var output: String

        public init(producer: Int, output: String) {
            self.producer = producer
            self.output = output
        }
    }

    public var name: String
    public var workflowPath: String
    /// `CacheKey.digest` of the files and settings this was resolved from.
    public var cacheKey: [UInt8]
    /// Input values (never secret).
    public var inputs: OrderedDictionary<String, Value>
    /// Secret names only.
    public var secrets: [String]
    /// Upstream first.
    public var tasks: [Task]

    public init(
        name: String, workflowPath: String, cacheKey: [UInt8], inputs: OrderedDictionary<String, Value> = [:],
        secrets: [String] = [], tasks: [Task]
    ) {
        self.name = name
        self.workflowPath = workflowPath
        self.cacheKey = cacheKey
        self.inputs = inputs
        self.secrets = secrets
        self.tasks = tasks
    }

    /// Builds the task list from definitions and their fingerprints (upstream first).
    public init(
        name: String, workflowPath: String, cacheKey: CacheKey, inputs: OrderedDictionary<String, Value> = [:],
        secrets: [String] = [], definitions: [TaskDefinition], fingerprints: [TaskID: Fingerprint],
        secretInputs: [TaskID: [SecretOutputUse]] = [:]
    ) throws(FingerprintTable.Failure) {
        let order = try FingerprintTable.topologicalOrder(definitions)
        var position: [TaskID: Int] = [:]
        for (i, d) in order.enumerated() { position[definitions[d].task] = i }
        let tasks = order.map { d -> Task in
            let def = definitions[d]
            return Task(
                id: def.task, stepType: def.stepType, needs: def.needs.compactMap { position[$0] },
                fingerprint: fingerprints[def.task] ?? def.fingerprint(upstream: fingerprints),
                secretOutputs: def.outputs.filter(\.value).map(\.key),
                secretInputs: (secretInputs[def.task] ?? []).compactMap { use in
                    position[use.producer].map { SecretInput(producer: $0, output: use.output) }
                },
                parameters: def.parameters)
        }
        self.init(name: name, workflowPath: workflowPath, cacheKey: cacheKey.digest, inputs: inputs, secrets: secrets, tasks: tasks)
    }

    func encoded() -> [UInt8] {
        var w = ByteWriter(capacity: 64 + tasks.count * 200)
        w.raw(Self.magic)
        w.u32(Self.formatVersion)
        w.string(name)
        w.string(workflowPath)
        w.raw(cacheKey)
        w.varint(inputs.count)
        for (key, value) in inputs {
            w.string(key)
            CanonicalEncoding.encode(value, into: &w)
        }
        w.varint(secrets.count)
        for secret in secrets { w.string(secret) }
        w.varint(tasks.count)
        for task in tasks {
            w.string(task.id.step)
            w.string(task.id.host)
            w.string(task.stepType)
            JournalFormat.encode(task.fingerprint, into: &w)
            w.varint(task.needs.count)
            for n in task.needs { w.varint(n) }
            w.varint(task.secretOutputs.count)
            for name in task.secretOutputs { w.string(name) }
            w.varint(task.secretInputs.count)
            for input in task.secretInputs {
                w.varint(input.producer)
                w.string(input.output)
            }
            var parameters = ByteWriter()
            CanonicalEncoding.encode(.map(task.parameters), into: &parameters)
            w.blob(parameters.bytes)
        }
        w.u32(CRC32C.checksum(w.bytes))
        return w.bytes
    }

    static func decode(_ bytes: [UInt8], path: String, parameters: Bool) throws(StateError) -> ResolvedWorkflow {
        guard bytes.count >= magic.count + 8, bytes[0..<magic.count].elementsEqual(magic) else {
            throw .notRigState(path: path, reason: "not a resolved workflow")
        }
        guard let found = ByteReader.u32(bytes, at: magic.count), let stored = ByteReader.u32(bytes, at: bytes.count - 4) else {
            throw .notRigState(path: path, reason: "not a resolved workflow")
        }
        if found > formatVersion { throw .newerFormat(path: path, found: Int(found), supported: Int(formatVersion)) }
        guard CRC32C.checksum(bytes, from: 0, to: bytes.count - 4) == stored else {
            throw .notRigState(path: path, reason: "checksum mismatch (damaged)")
        }
        do {
            var r = ByteReader(bytes, from: magic.count + 4, to: bytes.count - 4)
            let name = try r.string()
            let workflowPath = try r.string()
            let key = try r.raw(32)
            var inputs: OrderedDictionary<String, Value> = [:]
            for _ in 0..<(try r.count(limit: r.remaining)) {
                let key = try r.string()
                inputs[key] = try CanonicalEncoding.decode(&r)
            }
            var secrets: [String] = []
            for _ in 0..<(try r.count(limit: r.remaining)) { secrets.append(try r.string()) }
            let count = try r.count(limit: r.remaining)
            var tasks: [Task] = []
            tasks.reserveCapacity(count)
            for index in 0..<count {
                let step = try r.string()
                let host = try r.string()
                let type = try r.string()
                let fingerprint = try JournalFormat.decodeFingerprint(&r)
                var needs: [Int] = []
                for _ in 0..<(try r.count(limit: r.remaining)) { needs.append(try r.count(limit: index - 1)) }
                var secretOutputs: [String] = []
                for _ in 0..<(try r.count(limit: r.remaining)) { secretOutputs.append(try r.string()) }
                var secretInputs: [SecretInput] = []
                for _ in 0..<(try r.count(limit: r.remaining)) {
                    let producer = try r.count(limit: count - 1)
                    secretInputs.append(SecretInput(producer: producer, output: try r.string()))
                }
                let blobLength = try r.count(limit: r.remaining)
                var values: OrderedDictionary<String, Value> = [:]
                if parameters {
                    var p = ByteReader(bytes, from: r.offset, to: r.offset + blobLength)
                    if case .map(let m) = try CanonicalEncoding.decode(&p) { values = m }
                }
                try r.skip(blobLength)
                tasks.append(
                    Task(
                        id: TaskID(step: step, host: host), stepType: type, needs: needs, fingerprint: fingerprint,
                        secretOutputs: secretOutputs, secretInputs: secretInputs, parameters: values))
            }
            return ResolvedWorkflow(
                name: name, workflowPath: workflowPath, cacheKey: key, inputs: inputs, secrets: secrets,
                tasks: tasks)
        } catch {
            throw .notRigState(path: path, reason: "malformed (\(error))")
        }
    }
}

/// A task reading a secret output of another task (`${{ steps.init.outputs.join_token }}`).
public struct SecretOutputUse: Sendable, Hashable {
    public var producer: TaskID
    public var output: String

    public init(producer: TaskID, output: String) {
        self.producer = producer
        self.output = output
    }
}
