import Foundation
import RigKit
import RigModel
import RigSSH
import RigTestSupport

/// A workflow run through the real engine (loader, validator, task graph, executor) over the SSH
/// transport to the fixture's servers. The workflow's `hosts:` is filled in from the fixture;
/// every server is a `worker`.
final class EngineTestBed: @unchecked Sendable {
    let fixture: SSHServerFixture
    /// A scratch folder on this machine; the servers are on loopback, so scripts on the "remote"
    /// hosts see it too (tests use it for barriers and marks).
    let directory: String
    let secrets: [String: String]

    init(servers: Int, fakeSudoPassword: String? = nil, secrets: [String: String] = [:]) throws {
        fixture = try SSHServerFixture(count: servers, fakeSudoPassword: fakeSudoPassword)
        directory = fixture.directory + "/work"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        self.secrets = secrets
    }

    deinit { fixture.shutdown() }

    /// The inline inventory: `hostN` at the server's address and port, role `workers`.
    func inventoryYAML(become: String? = nil) -> String {
        var text = "hosts:\n"
        for server in fixture.servers {
            text += "  - {name: \(server.name), address: \(server.address), port: \(server.port), user: \(fixture.user), roles: [workers]"
            if let become { text += ", become: \(become)" }
            text += "}\n"
        }
        return text
    }

    /// Loads and validates `yaml` (a workflow without `hosts:`) and builds its task graph.
    func load(_ yaml: String, become: String? = nil, registry: StepTypeRegistry = .builtIns) throws -> (Workflow, TaskGraph) {
        let path = directory + "/workflow-\(UUID().uuidString).yaml"
        try Data((yaml + "\n" + inventoryYAML(become: become)).utf8).write(to: URL(fileURLWithPath: path))
        let workflow = try WorkflowLoader(registry: registry).load(workflowAt: path)
        let errors = Validator(registry: registry).validate(workflow, inputs: [:]).filter { $0.severity == .error }
        guard errors.isEmpty else { throw FixtureError("the test workflow is invalid: \(errors)") }
        let graph = try TaskGraph(workflow: workflow, hostsForStep: { TargetResolver.hosts(for: $0, in: workflow.inventory) })
        return (workflow, graph)
    }

    /// Starts a run on a thread of its own; `wait()` on the answer gives its summary. Every run
    /// uses a fresh provider (as a new `rig` process would) and shuts it down at the end.
    func start(
        _ workflow: Workflow, _ graph: TaskGraph, jobs: Int = ExecutionOptions.defaultJobs, keepGoing: Bool = false,
        registry: StepTypeRegistry = .builtIns, priorResults: [TaskID: PriorResult] = [:],
        observers: [any ExecutionObserver] = []
    ) -> RunningEngine {
        let secrets = self.secrets
        let provider = SSHTransportProvider(
            options: SSHOptions(
                sshConfig: fixture.sshConfigPath, connectTimeout: .seconds(5), serverAliveInterval: .seconds(2), serverAliveCountMax: 2),
            secret: { secrets[$0] })
        let logDirectory = directory + "/logs-\(UUID().uuidString)"
        let executor = Executor(
            graph: graph, workflow: workflow, registry: registry, transports: provider,
            preparer: WorkflowTaskPreparer(
                workflow: workflow, inputs: [:], secrets: SecretValues(secrets), registry: registry, runID: "test"),
            options: ExecutionOptions(jobs: jobs, keepGoing: keepGoing, logDirectory: logDirectory),
            priorResults: priorResults, observers: observers)
        return RunningEngine(executor: executor, provider: provider, logDirectory: logDirectory)
    }

    func run(
        _ workflow: Workflow, _ graph: TaskGraph, jobs: Int = ExecutionOptions.defaultJobs, keepGoing: Bool = false,
        registry: StepTypeRegistry = .builtIns, priorResults: [TaskID: PriorResult] = [:]
    ) throws -> (RunSummary, logDirectory: String) {
        let running = start(workflow, graph, jobs: jobs, keepGoing: keepGoing, registry: registry, priorResults: priorResults)
        return (try running.wait(), running.logDirectory)
    }

    func path(_ name: String) -> String { directory + "/" + name }
    func read(_ name: String) -> String { (try? String(contentsOfFile: path(name), encoding: .utf8)) ?? "" }
}

/// An executor running on its own thread.
final class RunningEngine: @unchecked Sendable {
    let executor: Executor
    let logDirectory: String
    private let result: Background<RunSummary>

    init(executor: Executor, provider: SSHTransportProvider, logDirectory: String) {
        self.executor = executor
        self.logDirectory = logDirectory
        result = Background {
            defer { provider.shutdown() }
            return executor.run()
        }
    }

    func wait() throws -> RunSummary { try result.join() }

    func log(_ task: TaskID) -> String {
        (try? String(contentsOfFile: Executor.logPath(for: task, in: logDirectory), encoding: .utf8)) ?? ""
    }
}

extension RunSummary {
    func outcome(_ step: String, _ host: String) -> TaskOutcome? { outcomes[TaskID(step: step, host: host)] }
}
