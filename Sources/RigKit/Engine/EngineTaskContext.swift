import OrderedCollections
import RigModel

/// What the executor lends a running task: its host's transport (or a delegate host's), its log
/// and its cancellation token, and the standard way to run a plan.
struct EngineTaskContext: TaskContext {
    let task: TaskID
    let host: InventoryHost
    let inventory: Inventory
    let transports: any TransportProvider
    let log: any TaskLog
    let cancellation: CancellationToken
    let processStarted: @Sendable (Int32) -> Void
    /// The run's facts, shared by all its tasks.
    let facts: HostFactsCache

    /// How much of the log a failure message quotes.
    static let failureTailLines = 10

    func transport(for hostName: String?) throws -> any Transport {
        var target = host
        if let name = hostName, name != host.name {
            guard let delegate = inventory.host(named: name) else {
                throw StepFailure.failed("task \(task) delegates to '\(name)', which is not a host of the inventory")
            }
            target = delegate
        }
        return ReportingTransport(base: try transports.transport(for: target), processStarted: processStarted)
    }

    func facts(of hostName: String?) throws -> HostFacts {
        var target = host
        if let name = hostName, name != host.name {
            guard let other = inventory.host(named: name) else {
                throw StepFailure.failed("task \(task) asks for the facts of '\(name)', which is not a host of the inventory")
            }
            target = other
        }
        return try facts.facts(of: target, through: transport(for: target.name), log: log, cancellation: cancellation)
    }

    func run(_ plan: TaskPlan, invocation: StepInvocation) throws -> TaskResult {
        if let check = plan.check {
            log.write("\(Self.checkMarker)\(Self.headline(check))\n")
            let result = try transport(for: check.delegateTo).run(
                CommandRequest(command: check, log: log, collectOutputs: false), cancellation: cancellation)
            if result.exitCode == 0 { return TaskResult(status: .ok, message: "the check found nothing to do") }
        }
        let collect = !invocation.step.outputs.isEmpty
        var outputs: OrderedDictionary<String, String> = [:]
        for action in plan.actions {
            switch action {
            case .upload(let file):
                try transport(for: file.delegateTo).upload(file, log: log, cancellation: cancellation)
            case .run(let command):
                log.write("\(Self.commandMarker)\(Self.headline(command))\n")
                let result = try transport(for: command.delegateTo).run(
                    CommandRequest(command: command, log: log, collectOutputs: collect), cancellation: cancellation)
                guard result.exitCode == 0 else {
                    throw StepFailure.commandFailed(exitCode: result.exitCode, message: lastLines())
                }
                for key in result.outputs.keys.sorted() { outputs[key] = result.outputs[key] }
            }
        }
        var status: TaskResult.Status = plan.actions.isEmpty ? .ok : .changed
        if let changed = outputs.removeValue(forKey: OutputFile.changedKey), changed.lowercased() == "false" {
            status = .ok
        }
        return TaskResult(status: status, outputs: outputs)
    }

    /// The end of the log without rig's own `# check:` and `$ command` lines, so a failure
    /// carries what the command printed.
    func lastLines() -> String {
        let tail = (log as? FileTaskLog)?.tail(lines: Self.failureTailLines + 2) ?? ""
        let printed = tail.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.hasPrefix(Self.checkMarker) && !$0.hasPrefix(Self.commandMarker) }
        return printed.suffix(Self.failureTailLines).joined(separator: "\n")
    }

    static let checkMarker = "# check: "
    static let commandMarker = "$ "

    static func headline(_ command: Command) -> String {
        if let summary = command.summary, !summary.isEmpty { return summary }
        return command.script.split(separator: "\n").first.map(String.init) ?? ""
    }
}

/// Passes the process group of every local child a task starts to the observers.
struct ReportingTransport: Transport {
    let base: any Transport
    let processStarted: @Sendable (Int32) -> Void

    func run(_ request: CommandRequest, cancellation: CancellationToken) throws(StepFailure) -> CommandResult {
        var request = request
        let previous = request.processStarted
        let report = processStarted
        request.processStarted = { group in
            previous?(group)
            report(group)
        }
        return try base.run(request, cancellation: cancellation)
    }

    func upload(_ file: FileUpload, log: any TaskLog, cancellation: CancellationToken) throws(StepFailure) {
        try base.upload(file, log: log, cancellation: cancellation)
    }
}
