import Foundation
import OrderedCollections
import RigModel

@testable import RigKit

/// Helpers shared by the engine's tests: workflows built in Swift, a recording observer, a fake
/// remote transport that measures concurrency, and scratch directories.
enum EngineFixtures {
    static func shell(
        _ id: String, _ script: String, needs: [String] = [], on: [String] = ["local"], outputs: [String] = [],
        retries: RetryPolicy = .none, timeout: Duration? = nil, pool: String? = nil, unless: String? = nil,
        when: String? = nil, anyErrorsFatal: Bool = false, serial: SerialPolicy? = nil, hostConcurrency: Int? = nil
    ) -> Step {
        Step(
            id: id, type: "shell", needs: needs, on: on,
            with: .map(["run": .template(Template(literal: script))], nil),
            when: when.map { Template(literal: $0) }, unless: unless.map { Template(literal: $0) }, retries: retries,
            timeout: timeout, outputs: outputs.map { OutputDeclaration(name: $0) }, pool: pool, serial: serial,
            hostConcurrency: hostConcurrency, anyErrorsFatal: anyErrorsFatal)
    }

    static func step(_ id: String, needs: [String] = [], on: [String] = ["local"], type: String = "noop") -> Step {
        Step(id: id, type: type, needs: needs, on: on)
    }

    /// `local`, host names, roles or `all`.
    static func hosts(of step: Step, in inventory: Inventory) -> [InventoryHost] {
        let targets = step.on.isEmpty ? ["local"] : step.on
        return targets.flatMap { target -> [InventoryHost] in
            if target == "all" { return inventory.hosts }
            if let host = inventory.host(named: target) { return [host] }
            return inventory.hosts(withRole: target)
        }
    }

    static func graph(_ workflow: Workflow) throws -> TaskGraph {
        try TaskGraph(workflow: workflow, hostsForStep: { hosts(of: $0, in: workflow.inventory) })
    }

    static func remoteHosts(_ names: String...) -> Inventory {
        Inventory(hosts: names.map { InventoryHost(name: $0, address: "192.0.2.1", connection: .ssh) })
    }

    static func scratch() -> String {
        let path = NSTemporaryDirectory() + "rig-test-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func run(
        _ workflow: Workflow, jobs: Int = 8, keepGoing: Bool = false, transports: (any TransportProvider)? = nil,
        preparer: (any TaskPreparer)? = nil, priorResults: [TaskID: PriorResult] = [:], recorder: Recorder = Recorder(),
        logDirectory: String = scratch()
    ) throws -> RunSummary {
        let executor = Executor(
            graph: try graph(workflow), workflow: workflow, registry: .builtIns,
            transports: transports ?? LocalTransportProvider(killGracePeriod: .seconds(1)),
            preparer: preparer ?? LiteralTaskPreparer(inventory: workflow.inventory),
            options: ExecutionOptions(jobs: jobs, keepGoing: keepGoing, logDirectory: logDirectory, killGracePeriod: .seconds(1)),
            priorResults: priorResults, observers: [recorder])
        return executor.run()
    }

    static func read(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }

    /// True when no process is left in the group.
    static func groupIsGone(_ group: Int32) -> Bool { kill(-group, 0) == -1 && errno == ESRCH }
}

/// Records what observers are told.
final class Recorder: ExecutionObserver, @unchecked Sendable {
    private let lock = NSLock()
    private var _events: [ExecutionEvent] = []
    private var _groups: [TaskID: [Int32]] = [:]
    private var _finished: [TaskID: [TaskOutcome]] = [:]
    private var _starting: [TaskID: [Int]] = [:]
    let processStarted = DispatchSemaphore(value: 0)

    var events: [ExecutionEvent] { lock.withLock { _events } }
    var groups: [TaskID: [Int32]] { lock.withLock { _groups } }
    var finished: [TaskID: [TaskOutcome]] { lock.withLock { _finished } }
    var starting: [TaskID: [Int]] { lock.withLock { _starting } }

    func taskStarting(_ task: TaskID, attempt: Int, prepared: PreparedTask, logPath: String) {
        lock.withLock { _starting[task, default: []].append(attempt) }
    }

    func processStarted(_ task: TaskID, processGroup: Int32) {
        lock.withLock { _groups[task, default: []].append(processGroup) }
        processStarted.signal()
    }

    func taskFinished(
        _ task: TaskID, outcome: TaskOutcome, outputs: OrderedDictionary<String, String>, attempt: Int, duration: Duration
    ) {
        lock.withLock { _finished[task, default: []].append(outcome) }
    }

    func event(_ e: ExecutionEvent) { lock.withLock { _events.append(e) } }

    var retries: [(TaskID, Int)] {
        events.compactMap { if case .retrying(let id, let attempt, _, _) = $0 { return (id, attempt) } else { return nil } }
    }
}

/// A remote host that only measures: each command "runs" for `duration` and the transport
/// records how many ran at once per host, per pool tag (a word in the script) and overall.
final class ConcurrencyProbe: TransportProvider, @unchecked Sendable {
    private let lock = NSLock()
    private var current: [String: Int] = [:]
    private(set) var maxima: [String: Int] = [:]
    let duration: TimeInterval

    init(duration: TimeInterval = 0.03) { self.duration = duration }

    func maximum(_ key: String) -> Int { lock.withLock { maxima[key] ?? 0 } }

    func transport(for host: InventoryHost) throws(StepFailure) -> any Transport { Probe(owner: self, host: host.name) }

    fileprivate func enter(_ keys: [String]) {
        lock.withLock {
            for key in keys {
                current[key, default: 0] += 1
                maxima[key] = max(maxima[key] ?? 0, current[key]!)
            }
        }
    }

    fileprivate func leave(_ keys: [String]) { lock.withLock { for key in keys { current[key]! -= 1 } } }

    private struct Probe: Transport {
        let owner: ConcurrencyProbe
        let host: String

        func run(_ request: CommandRequest, cancellation: CancellationToken) throws(StepFailure) -> CommandResult {
            let keys =
                ["*", "host:\(host)"] + request.command.script.split(separator: " ").filter { $0.hasPrefix("tag:") }.map(String.init)
            let script = request.command.script
            owner.enter(keys)
            defer { owner.leave(keys) }
            // `hold:<host>` waits (up to 20 s) for cancellation; `fail:<host>` or `fail` exits 1.
            let woken = DispatchSemaphore(value: 0)
            let handle = cancellation.onCancel { _ in woken.signal() }
            defer { cancellation.removeHandler(handle) }
            _ = woken.wait(timeout: .now() + (script.contains("hold:\(host)") ? 20 : owner.duration))
            if let reason = cancellation.cancellationReason { throw StepFailure(stoppedBecause: reason) }
            let fails = script.split(separator: " ").contains { $0 == "fail" || $0 == "fail:\(host)" }
            return CommandResult(exitCode: fails ? 1 : 0)
        }

        func upload(_ file: FileUpload, log: any TaskLog, cancellation: CancellationToken) throws(StepFailure) {}
    }
}
