import RigModel

extension WorkflowDiff {
    /// Compares two workflows. Order of steps, hosts and keys does not count; source locations
    /// are ignored.
    public static func compare(old: Workflow, new: Workflow) -> WorkflowDiff {
        var diff = WorkflowDiff()

        let (addedSteps, removedSteps, commonSteps) = match(old.steps, new.steps, key: \.id)
        diff.stepsAdded = addedSteps.map { StepEntry(id: $0.id, type: $0.type) }
        diff.stepsRemoved = removedSteps.map { StepEntry(id: $0.id, type: $0.type) }
        diff.stepsChanged = commonSteps.compactMap { entry($0.new.id, changes(from: $0.old, to: $0.new)) }

        let (addedInputs, removedInputs, commonInputs) = match(old.inputs, new.inputs, key: \.name)
        diff.inputsAdded = addedInputs.map(InputEntry.init)
        diff.inputsRemoved = removedInputs.map(InputEntry.init)
        diff.inputsChanged = commonInputs.compactMap { entry($0.new.name, changes(from: $0.old, to: $0.new)) }

        let (addedHosts, removedHosts, commonHosts) = match(old.inventory.hosts, new.inventory.hosts, key: \.name)
        diff.hostsAdded = addedHosts.map(HostEntry.init)
        diff.hostsRemoved = removedHosts.map(HostEntry.init)
        diff.hostsChanged = commonHosts.compactMap { entry($0.new.name, changes(from: $0.old, to: $0.new)) }

        let (addedSecrets, removedSecrets, _) = match(old.secrets, new.secrets, key: \.name)
        diff.secretsAdded = addedSecrets.map(\.name)
        diff.secretsRemoved = removedSecrets.map(\.name)

        var workflow = FieldCollector()
        workflow.compare("name", old.name, new.name)
        workflow.compare("description", old.description, new.description)
        workflow.compareEntries("pools", old.pools.sorted { $0.key < $1.key }, new.pools.sorted { $0.key < $1.key }) { String($0) }
        diff.workflowChanges = workflow.changes
        return diff
    }

    /// Elements only in `new`, only in `old`, and in both (paired), each in the order of `new`
    /// (removed ones in the order of `old`).
    private static func match<T>(_ old: [T], _ new: [T], key: (T) -> String) -> (added: [T], removed: [T], common: [(old: T, new: T)]) {
        let oldByKey = Dictionary(old.map { (key($0), $0) }) { first, _ in first }
        let newKeys = Set(new.map(key))
        var added: [T] = []
        var common: [(old: T, new: T)] = []
        for element in new {
            if let previous = oldByKey[key(element)] { common.append((previous, element)) } else { added.append(element) }
        }
        return (added, old.filter { !newKeys.contains(key($0)) }, common)
    }

    private static func entry(_ name: String, _ changes: [FieldChange]) -> EntryChange? {
        changes.isEmpty ? nil : EntryChange(name: name, changes: changes)
    }

    static func changes(from old: Step, to new: Step) -> [FieldChange] {
        var c = FieldCollector()
        c.compare("type", old.type, new.type)
        c.compare("description", old.description, new.description)
        c.compareSets("needs", old.needs, new.needs)
        c.compareSets("on", old.on, new.on)
        c.compareParameters("with", old.with, new.with)
        c.compare("when", old.when?.source, new.when?.source)
        c.compare("unless", old.unless?.source, new.unless?.source)
        c.compare("retries", describe(old.retries), describe(new.retries))
        c.compare("timeout", old.timeout.map(describe), new.timeout.map(describe))
        c.compareSets("outputs", old.outputs.map(describe), new.outputs.map(describe))
        c.compare("pool", old.pool, new.pool)
        c.compare("serial", old.serial.map(describe), new.serial.map(describe))
        c.compare("host_concurrency", old.hostConcurrency.map(String.init), new.hostConcurrency.map(String.init))
        c.compare("any_errors_fatal", String(old.anyErrorsFatal), String(new.anyErrorsFatal))
        return c.changes
    }

    static func changes(from old: InputDeclaration, to new: InputDeclaration) -> [FieldChange] {
        var c = FieldCollector()
        c.compare("type", old.type.description, new.type.description)
        c.compare("default", old.defaultValue?.displayText, new.defaultValue?.displayText)
        c.compare("required", String(old.required), String(new.required))
        c.compare("enum", old.allowedValues.map { Value.list($0).displayText }, new.allowedValues.map { Value.list($0).displayText })
        c.compare("pattern", old.pattern, new.pattern)
        c.compare("description", old.description, new.description)
        return c.changes
    }

    static func changes(from old: InventoryHost, to new: InventoryHost) -> [FieldChange] {
        var c = FieldCollector()
        c.compare("address", old.address, new.address)
        c.compare("port", old.port.map(String.init), new.port.map(String.init))
        c.compare("user", old.user, new.user)
        c.compare("identity", old.identity, new.identity)
        c.compare("connection", old.connection.rawValue, new.connection.rawValue)
        c.compare("become", old.become.map(describe), new.become.map(describe))
        c.compareSets("roles", old.roles, new.roles)
        c.compareEntries("labels", old.labels, new.labels) { $0 }
        c.compareEntries("vars", old.vars, new.vars) { $0.displayText }
        c.compare("max_tasks", old.maxConcurrentTasks.map(String.init), new.maxConcurrentTasks.map(String.init))
        return c.changes
    }

    static func describe(_ retries: RetryPolicy) -> String {
        "count \(retries.count), backoff \(describe(retries.backoff)), max_delay \(describe(retries.maxDelay)), jitter \(retries.jitter)"
    }

    /// `90s` → `1m30s`.
    static func describe(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        if attoseconds != 0 { return "\(duration.seconds)s" }
        let (h, m, s) = (seconds / 3600, seconds % 3600 / 60, seconds % 60)
        let text = (h > 0 ? "\(h)h" : "") + (m > 0 ? "\(m)m" : "") + (s > 0 ? "\(s)s" : "")
        return text.isEmpty ? "0s" : text
    }

    static func describe(_ output: OutputDeclaration) -> String {
        output.secret ? "\(output.name) (secret)" : output.name
    }

    static func describe(_ serial: SerialPolicy) -> String {
        switch serial {
        case .count(let n): return String(n)
        case .percent(let p): return "\(p)%"
        }
    }

    static func describe(_ become: Become) -> String {
        become.passwordSecret.map { "\(become.user) (password_secret \($0))" } ?? become.user
    }
}

extension WorkflowDiff.StepEntry {
    init(_ step: Step) { self.init(id: step.id, type: step.type) }
}

extension WorkflowDiff.HostEntry {
    init(_ host: InventoryHost) { self.init(name: host.name, address: host.address, roles: host.roles) }
}

extension WorkflowDiff.InputEntry {
    init(_ input: InputDeclaration) {
        self.init(name: input.name, type: input.type.description, defaultValue: input.defaultValue?.displayText)
    }
}

/// Accumulates field changes in the order fields are compared.
private struct FieldCollector {
    var changes: [WorkflowDiff.FieldChange] = []

    mutating func compare(_ field: String, _ old: String?, _ new: String?) {
        if old != new { changes.append(.init(field: field, old: old, new: new)) }
    }

    /// One change per element removed, then per element added; order does not count.
    mutating func compareSets(_ field: String, _ old: [String], _ new: [String]) {
        let (oldSet, newSet) = (Set(old), Set(new))
        for removed in old where !newSet.contains(removed) { changes.append(.init(field: field, old: removed, new: nil)) }
        for added in new where !oldSet.contains(added) { changes.append(.init(field: field, old: nil, new: added)) }
    }

    /// One change per key (`labels.gpuWorker`) whose value was added, removed or changed.
    mutating func compareEntries<V: Equatable>(
        _ field: String, _ old: some Sequence<(key: String, value: V)>, _ new: some Sequence<(key: String, value: V)>,
        display: (V) -> String
    ) {
        let oldValues = Dictionary(old.map { ($0.key, $0.value) }) { first, _ in first }
        let newValues = Dictionary(new.map { ($0.key, $0.value) }) { first, _ in first }
        let keys = old.map(\.key).filter { newValues[$0] == nil } + new.map(\.key)
        for key in keys where oldValues[key] != newValues[key] {
            compare("\(field).\(key)", oldValues[key].map(display), newValues[key].map(display))
        }
    }

    /// Recurses into maps so the change names the key (`with.env.PATH`); anything else that
    /// differs is reported whole.
    mutating func compareParameters(_ field: String, _ old: ParameterNode?, _ new: ParameterNode?) {
        if case .map(let oldEntries, _)? = old, case .map(let newEntries, _)? = new {
            let keys = oldEntries.keys.filter { newEntries[$0] == nil } + newEntries.keys
            for key in keys { compareParameters("\(field).\(key)", oldEntries[key], newEntries[key]) }
            return
        }
        switch (old, new) {
        case (nil, nil): return
        case (let a?, let b?) where a.hasSameContent(as: b): return
        default: changes.append(.init(field: field, old: old?.displayText, new: new?.displayText))
        }
    }
}
