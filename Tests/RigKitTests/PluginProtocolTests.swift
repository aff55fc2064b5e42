import Foundation
import OrderedCollections
import RigModel
import Testing

@testable import RigKit

/// Executable plugins: discovery, describe at validation time, check/apply through the engine,
/// scripts run through the transport, and every way a plugin can break the protocol.
@Suite struct PluginProtocolTests {
    /// A project folder with `plugins/`; plugins are bash scripts.
    final class Project {
        let folder = TemporaryFolder()
        var path: String { folder.path }

        /// `plugins/rig-step-NAME`: saves each request to `requests/MODE.json`, describes itself
        /// with `describe`, and answers check and apply with the given bash.
        @discardableResult
        func plugin(
            _ name: String, describe: String = #"{"protocol": 1, "status": "ok", "summary": "test plugin"}"#,
            check: String = #"echo '{"protocol": 1, "status": "changed"}'"#,
            apply: String = #"echo '{"protocol": 1, "status": "changed", "outputs": {"done": "yes"}}'"#
        ) -> String {
            folder.write(
                "plugins/rig-step-\(name)",
                """
                #!/bin/bash
                request=$(cat)
                mode=$(printf '%s' "$request" | sed -E 's/.*"mode":"([a-z]+)".*/\\1/')
                mkdir -p \(path)/requests
                printf '%s' "$request" > \(path)/requests/$mode.json
                env > \(path)/requests/$mode.env
                case $mode in
                  describe) echo '\(describe)' ;;
                  check) \(check) ;;
                  apply) \(apply) ;;
                esac
                """, mode: 0o755)
        }

        func request(_ mode: String) -> [String: Any]? {
            guard let data = FileManager.default.contents(atPath: path + "/requests/\(mode).json") else { return nil }
            return try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        }

        func loaded(_ yaml: String) throws -> (Workflow, PluginRegistrar.Result) {
            let file = folder.write("w.yaml", yaml)
            let workflow = try WorkflowLoader(registry: .builtIns).load(workflowAt: file)
            let result = PluginRegistrar(locator: PluginLocator(workflow: workflow, searchPath: [])).register(
                for: workflow, into: .builtIns)
            return (workflow, result)
        }

        /// Loads, registers plugins, validates (must be clean) and runs the workflow locally.
        func run(
            _ yaml: String, secrets: [String: String] = [:], callTimeout: Duration? = nil,
            priorResults: [TaskID: PriorResult] = [:]
        ) throws -> (RunSummary, logs: String) {
            let (workflow, plugins) = try loaded(yaml)
            var registry = plugins.registry
            if let callTimeout {
                for entry in registry.allEntries {
                    guard var type = entry.type as? ExecutablePluginStep else { continue }
                    type.callTimeout = callTimeout
                    registry.register(type, origin: entry.origin)
                }
            }
            let problems =
                plugins.diagnostics + Validator(registry: registry).validate(workflow, inputs: [:]).filter { $0.severity == .error }
            #expect(problems.isEmpty, "\(problems)")
            let logs = path + "/logs"
            let executor = Executor(
                graph: try TaskGraph(workflow: workflow, hostsForStep: { TargetResolver.hosts(for: $0, in: workflow.inventory) }),
                workflow: workflow, registry: registry, transports: LocalTransportProvider(killGracePeriod: .seconds(1)),
                preparer: WorkflowTaskPreparer(
                    workflow: workflow, inputs: [:], secrets: SecretValues(secrets), registry: registry, runID: "r1"),
                options: ExecutionOptions(jobs: 2, logDirectory: logs, killGracePeriod: .seconds(1)), priorResults: priorResults)
            return (executor.run(), logs)
        }
    }

    static func outcome(_ summary: RunSummary, _ step: String) -> TaskOutcome? {
        summary.outcomes[TaskID(step: step, host: "local")]
    }

    static func failure(_ summary: RunSummary, _ step: String) -> String {
        if case .failed(let failure)? = outcome(summary, step) { return failure.description }
        return "not failed: \(String(describing: outcome(summary, step)))"
    }

    // MARK: Discovery and describe

    @Test func aTypeResolvesToTheExecutableInPluginsBesideTheWorkflowOrOnPath() throws {
        let project = Project()
        let local = project.plugin("acme.gpu-driver")
        let elsewhere = TemporaryFolder()
        let onPath = elsewhere.write("rig-step-acme.chat", "#!/bin/sh\n", mode: 0o755)
        elsewhere.write("rig-step-acme.not-executable", "#!/bin/sh\n", mode: 0o644)
        let locator = PluginLocator(folders: [project.path + "/plugins"], searchPath: [elsewhere.path])
        #expect(locator.locate("acme.gpu-driver")?.path == local)
        #expect(locator.locate("acme.gpu-driver")?.local == true)
        #expect(locator.locate("acme.chat")?.path == onPath)
        #expect(locator.locate("acme.chat")?.local == false)
        #expect(locator.locate("acme.not-executable") == nil)
        #expect(locator.locate("../etc/passwd") == nil)
        #expect(locator.all().map(\.type) == ["acme.chat", "acme.gpu-driver"])
    }

    @Test func describesSchemaChecksParametersAtValidationTimeLikeABuiltInType() throws {
        let project = Project()
        let plugin = project.plugin(
            "acme.gpu-driver",
            describe:
                #"{"protocol": 1, "status": "ok", "summary": "GPU", "schema": {"parameters": [{"name": "version", "type": "string", "required": true, "description": "v"}, {"name": "mode", "enum": ["fast", "safe"], "default": "safe", "description": "m"}]}}"#
        )
        let (workflow, plugins) = try project.loaded(
            """
            steps:
              - id: gpu
                type: acme.gpu-driver
                with: {mode: quick, verison: "1"}
            """)
        #expect(plugins.diagnostics.isEmpty)
        #expect(plugins.registry.entry(named: "acme.gpu-driver")?.origin == .plugin(plugin))
        #expect(plugins.localExecutables == [plugin])
        let type = try #require(plugins.registry.type(named: "acme.gpu-driver"))
        #expect(type.summary == "GPU")
        #expect(type.schema.parameter("mode")?.kind == .oneOf(["fast", "safe"]))
        let problems = Validator(registry: plugins.registry).validate(workflow, inputs: [:]).filter { $0.severity == .error }
        #expect(problems.count == 3, "\(problems)")
        #expect(problems.contains { $0.message.contains("'version'") })
        #expect(problems.contains { $0.message.contains("verison") })
        #expect(problems.contains { $0.message.contains("quick") })
        #expect(problems.allSatisfy { $0.location?.line == 4 || $0.location?.line == 3 })
    }

    @Test func aPluginThatCannotDescribeItselfIsAValidationErrorAtTheStepsType() throws {
        let project = Project()
        project.plugin("acme.broken", describe: "not json")
        let (_, plugins) = try project.loaded("steps:\n  - id: x\n    type: acme.broken\n")
        #expect(plugins.diagnostics.count == 1)
        let message = plugins.diagnostics.first?.message ?? ""
        #expect(message.contains(project.path + "/plugins/rig-step-acme.broken"))
        #expect(message.contains("malformed reply"))
        #expect(plugins.diagnostics.first?.location?.line == 3)
    }

    // MARK: check and apply

    @Test func aCheckAnsweringOkSkipsApply() throws {
        let project = Project()
        project.plugin("acme.x", check: #"echo '{"protocol": 1, "status": "ok", "message": "already there"}'"#)
        let (summary, _) = try project.run("steps:\n  - id: x\n    type: acme.x\n")
        #expect(Self.outcome(summary, "x") == .succeeded(.ok))
        #expect(project.request("check") != nil)
        #expect(project.request("apply") == nil)
    }

    @Test func applyRunsAfterACheckThatFindsWorkAndItsOutputsReachLaterSteps() throws {
        let project = Project()
        project.plugin("acme.x")
        let (summary, logs) = try project.run(
            """
            inputs:
              site: {type: string, default: north}
            steps:
              - id: first
                type: shell
                with: {run: 'echo "token=abc" >> "$RIG_OUTPUT"'}
                outputs: [token]
              - id: x
                type: acme.x
                needs: first
                outputs: [done]
                with: {answer: 42}
              - id: after
                type: shell
                needs: x
                with: {run: 'echo "saw ${{ steps.x.outputs.done }}"'}
            """)
        #expect(summary.status == .succeeded)
        #expect(Self.outcome(summary, "x") == .succeeded(.changed))
        let apply = try #require(project.request("apply"))
        #expect(apply["protocol"] as? Int == 1)
        #expect((apply["step"] as? [String: Any])?["id"] as? String == "x")
        #expect((apply["parameters"] as? [String: Any])?["answer"] as? Int == 42)
        #expect((apply["host"] as? [String: Any])?["name"] as? String == "local")
        #expect((apply["host"] as? [String: Any])?["address"] as? String == "127.0.0.1")
        #expect((apply["outputs"] as? [String: [String: String]])?["first"]?["token"] == "abc")
        #expect((apply["secrets"] as? [String: Any])?.isEmpty == true)
        #expect(EngineFixtures.read(Executor.logPath(for: TaskID(step: "after", host: "local"), in: logs)).contains("saw yes"))
    }

    @Test func stderrGoesToTheTaskLog() throws {
        let project = Project()
        project.plugin("acme.x", apply: #"echo "installing the driver" >&2; echo '{"protocol": 1, "status": "changed"}'"#)
        let (_, logs) = try project.run("steps:\n  - id: x\n    type: acme.x\n")
        #expect(EngineFixtures.read(Executor.logPath(for: TaskID(step: "x", host: "local"), in: logs)).contains("installing the driver"))
    }

    @Test func aScriptInTheReplyRunsOnTheTargetThroughTheTransport() throws {
        let project = Project()
        let marker = project.path + "/on-host"
        project.plugin(
            "acme.x", check: #"echo '{"protocol": 1, "status": "changed", "script": "test -f \#(marker)"}'"#,
            apply: #"echo '{"protocol": 1, "status": "changed", "script": "echo ran > \#(marker); echo where=$(hostname) >> $RIG_OUTPUT"}'"#
        )
        let (first, _) = try project.run("steps:\n  - id: x\n    type: acme.x\n")
        #expect(Self.outcome(first, "x") == .succeeded(.changed))
        #expect(EngineFixtures.read(marker) == "ran\n")
        // The check script now finds the marker: done, apply is not asked again.
        try FileManager.default.removeItem(atPath: project.path + "/requests/apply.json")
        let (second, _) = try project.run("steps:\n  - id: x\n    type: acme.x\n")
        #expect(Self.outcome(second, "x") == .succeeded(.ok))
        #expect(project.request("apply") == nil)
    }

    @Test func theReplyWhichMayHoldSecretOutputsIsKeptInMemoryNotInATemporaryFile() throws {
        let project = Project()
        let target = project.path + "/reply-target"
        project.plugin(
            "acme.x",
            apply: #"readlink /proc/$$/fd/1 > \#(target); echo '{"protocol": 1, "status": "changed", "outputs": {"token": "t"}}'"#)
        let (summary, _) = try project.run("steps:\n  - id: x\n    type: acme.x\n    outputs: {token: {secret: true}}\n")
        #expect(Self.outcome(summary, "x") == .succeeded(.changed))
        #expect(EngineFixtures.read(target).hasPrefix("/memfd:"), "\(EngineFixtures.read(target))")
    }

    @Test func aFailingScriptFailsTheStep() throws {
        let project = Project()
        project.plugin("acme.x", apply: #"echo '{"protocol": 1, "status": "changed", "script": "exit 7"}'"#)
        let (summary, _) = try project.run("steps:\n  - id: x\n    type: acme.x\n")
        #expect(Self.failure(summary, "x").contains("status 7"))
    }

    @Test func secretsAreSentOnlyWhenThePluginDeclaresThem() throws {
        let project = Project()
        project.plugin("acme.quiet")
        project.plugin("acme.chat", describe: #"{"protocol": 1, "status": "ok", "secrets": ["webhook"]}"#)
        let yaml = """
            secrets:
              webhook: {}
              other: {}
            steps:
              - id: x
                type: %@
            """
        _ = try project.run(
            yaml.replacingOccurrences(of: "%@", with: "acme.quiet"), secrets: ["webhook": "hook-s3cret", "other": "other-s3cret"])
        let quiet = try String(contentsOfFile: project.path + "/requests/apply.json", encoding: .utf8)
        #expect(!quiet.contains("s3cret"))
        #expect(!EngineFixtures.read(project.path + "/requests/apply.env").contains("s3cret"))

        _ = try project.run(
            yaml.replacingOccurrences(of: "%@", with: "acme.chat"), secrets: ["webhook": "hook-s3cret", "other": "other-s3cret"])
        let chat = try #require(project.request("apply"))
        #expect(chat["secrets"] as? [String: String] == ["webhook": "hook-s3cret"])
    }

    @Test func aDeclaredSecretThePluginPrintsIsMaskedInTheLog() throws {
        let project = Project()
        project.plugin(
            "acme.chat", describe: #"{"protocol": 1, "status": "ok", "secrets": ["webhook"]}"#,
            apply: #"echo "posting with $request" >&2; echo '{"protocol": 1, "status": "changed"}'"#)
        let (summary, logs) = try project.run(
            "secrets:\n  webhook: {}\nsteps:\n  - id: x\n    type: acme.chat\n",
            secrets: ["webhook": "hook-s3cret"])
        #expect(summary.status == .succeeded)
        let log = EngineFixtures.read(Executor.logPath(for: TaskID(step: "x", host: "local"), in: logs))
        #expect(log.contains("posting with"))
        #expect(!log.contains("hook-s3cret"))
    }

    @Test func aChangedPluginExecutableChangesItsTasksFingerprint() throws {
        let project = Project()
        let path = project.plugin("acme.x")
        let before = try ExecutablePluginStep.describe(name: "acme.x", path: path)
        _ = FileManager.default.createFile(
            atPath: path, contents: Data((EngineFixtures.read(path) + "\n# v2\n").utf8), attributes: [.posixPermissions: 0o755])
        let after = try ExecutablePluginStep.describe(name: "acme.x", path: path)
        #expect(before.digest != after.digest)
        let invocation = StepInvocation(
            step: Step(id: "x", type: "acme.x"), task: TaskID(step: "x", host: "local"),
            host: .local, parameters: [:], inventory: Inventory(), mode: .display)
        #expect(try before.plan(invocation) != after.plan(invocation))

        func fingerprint(_ type: ExecutablePluginStep) throws -> Fingerprint? {
            var registry = StepTypeRegistry.builtIns
            registry.register(type, origin: .plugin(path))
            let workflow = Workflow(name: "w", steps: [Step(id: "x", type: "acme.x")])
            let task = TaskID(step: "x", host: "local")
            let definitions = try TaskDefinitionBuilder.definitions(
                workflow: workflow, inputs: [:], registry: registry, tasks: [task], needs: { _ in [] })
            return try FingerprintTable.compute(definitions)[task]
        }
        #expect(try fingerprint(before) == fingerprint(before))
        #expect(try fingerprint(before) != fingerprint(after))
    }

    // MARK: Broken plugins: each error names the plugin's path

    @Test(arguments: [
        ("echo 'hello there'", "stdout is not JSON"),
        ("true", "wrote nothing on stdout"),
        (#"echo '{"protocol": 1, "status": "done"}'"#, #""status" must be one of"#),
        (#"echo '{"protocol": 1, "status": "ok", "outputs": ["a"]}'"#, #""outputs" must be an object"#),
        (#"echo '{"status": "ok"}'"#, #"no "protocol" field"#),
    ])
    func aMalformedReplyIsAClearError(_ apply: String, _ expected: String) throws {
        let project = Project()
        let plugin = project.plugin("acme.x", apply: apply)
        let (summary, _) = try project.run("steps:\n  - id: x\n    type: acme.x\n")
        let message = Self.failure(summary, "x")
        #expect(message.contains("plugin \(plugin) (apply) gave a malformed reply"), "\(message)")
        #expect(message.contains(expected), "\(message)")
    }

    @Test func aCrashIsAnErrorWithItsExitStatusAndStderr() throws {
        let project = Project()
        let plugin = project.plugin("acme.x", apply: "echo 'Traceback: KeyError version' >&2; exit 3")
        let (summary, _) = try project.run("steps:\n  - id: x\n    type: acme.x\n")
        let message = Self.failure(summary, "x")
        #expect(message.contains("plugin \(plugin) (apply) exited with status 3 without a reply"), "\(message)")
        #expect(message.contains("KeyError version"))
    }

    @Test func aPluginThatDoesNotAnswerInTimeIsStoppedWithAClearError() throws {
        let project = Project()
        let plugin = project.plugin("acme.x", check: "sleep 30")
        let (summary, _) = try project.run("steps:\n  - id: x\n    type: acme.x\n", callTimeout: .milliseconds(300))
        let message = Self.failure(summary, "x")
        #expect(message.contains("plugin \(plugin) (check) did not answer within"), "\(message)")
    }

    @Test func aReplyInAnotherProtocolVersionIsRefused() throws {
        let project = Project()
        let plugin = project.plugin("acme.x", check: #"echo '{"protocol": 2, "status": "ok"}'"#)
        let (summary, _) = try project.run("steps:\n  - id: x\n    type: acme.x\n")
        let message = Self.failure(summary, "x")
        #expect(message.contains("plugin \(plugin) (check) speaks protocol 2, but this rig speaks protocol 1"), "\(message)")
    }

    @Test func aFailedReplyFailsTheStepWithThePluginsMessage() throws {
        let project = Project()
        project.plugin("acme.x", apply: #"echo '{"protocol": 1, "status": "failed", "message": "no GPU found"}'"#)
        let (summary, _) = try project.run("steps:\n  - id: x\n    type: acme.x\n")
        #expect(Self.failure(summary, "x").contains("no GPU found"))
    }

    // MARK: Resume

    @Test func aPluginStepAndAnOverlayStepDoneInAnEarlierRunAreSkippedAndTheirOutputsCarried() throws {
        let project = Project()
        project.plugin("acme.x")
        project.folder.write("base.yaml", "steps:\n  - id: a\n    type: shell\n    with: {run: 'true'}\n")
        project.folder.write(
            "site.yaml",
            """
            extends: base.yaml
            steps:
              - id: pre
                type: shell
                before: a
                with: {run: 'exit 1'}
              - id: x
                type: acme.x
                needs: a
                outputs: [done]
              - id: after
                type: shell
                needs: x
                with: {run: 'echo "got ${{ steps.x.outputs.done }}"'}
            """)
        let prior: [TaskID: PriorResult] = [
            TaskID(step: "pre", host: "local"): PriorResult(runID: "r0"),
            TaskID(step: "x", host: "local"): PriorResult(runID: "r0", outputs: ["done": "earlier"]),
        ]
        let (summary, logs) = try project.run("extends: site.yaml\n", priorResults: prior)
        #expect(summary.status == .succeeded)
        #expect(Self.outcome(summary, "pre") == .skipped(.alreadyDone(runID: "r0")))
        #expect(Self.outcome(summary, "x") == .skipped(.alreadyDone(runID: "r0")))
        #expect(project.request("check") == nil)
        #expect(EngineFixtures.read(Executor.logPath(for: TaskID(step: "after", host: "local"), in: logs)).contains("got earlier"))
    }

    @Test func fingerprintsOfPluginAndOverlayStepsAreStableAndFollowTheirParameters() throws {
        let project = Project()
        project.plugin("acme.x", describe: #"{"protocol": 1, "status": "ok", "schema": {"parameters": [{"name": "v", "type": "string"}]}}"#)
        project.folder.write("base.yaml", "steps:\n  - id: a\n    type: shell\n    with: {run: 'true'}\n")
        func fingerprints(_ version: String) throws -> [TaskID: Fingerprint] {
            let (workflow, plugins) = try project.loaded(
                """
                extends: base.yaml
                steps:
                  - id: x
                    type: acme.x
                    before: a
                    with: {v: "\(version)"}
                """)
            let tasks = [TaskID(step: "x", host: "local"), TaskID(step: "a", host: "local")]
            let definitions = try TaskDefinitionBuilder.definitions(
                workflow: workflow, inputs: [:], registry: plugins.registry, tasks: tasks,
                needs: { task in workflow.step(task.step)!.needs.map { TaskID(step: $0, host: "local") } })
            return try FingerprintTable.compute(definitions)
        }
        let one = try fingerprints("1")
        #expect(try fingerprints("1") == one)
        let two = try fingerprints("2")
        #expect(two[TaskID(step: "x", host: "local")] != one[TaskID(step: "x", host: "local")])
        // `a` needs `x`, so its fingerprint follows x's.
        #expect(two[TaskID(step: "a", host: "local")] != one[TaskID(step: "a", host: "local")])
    }
}

/// The example plugin shipped in docs/examples/plugins, run as a user would.
@Suite struct ExamplePluginTests {
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("docs/examples/plugins").path

    @Test func theGPUDriverExampleInstallsOnceThenFindsItDoneAndSkipsHostsWithoutTheLabel() throws {
        let project = PluginProtocolTests.Project()
        let root = project.path + "/driver"
        let yaml = """
            hosts:
              - {name: gpu1, address: 127.0.0.1, connection: local, labels: {gpuWorker: "yes"}}
              - {name: cpu1, address: 127.0.0.1, connection: local, labels: {gpuWorker: "no"}}
            steps:
              - id: gpu-driver
                type: acme.gpu-driver
                on: all
                outputs: [driver]
                with: {version: "535.183", root: \(root)}
              - id: report
                type: shell
                on: gpu1
                needs: gpu-driver
                with: {run: 'echo "driver ${{ steps.gpu-driver.outputs.driver }}"'}
            """
        let file = project.folder.write("w.yaml", yaml)
        let workflow = try WorkflowLoader(registry: .builtIns).load(workflowAt: file)
        let plugins = PluginRegistrar(locator: PluginLocator(folders: [Self.examples], searchPath: PluginLocator.environmentPath))
            .register(for: workflow, into: .builtIns)
        #expect(plugins.diagnostics.isEmpty, "\(plugins.diagnostics)")
        #expect(Validator(registry: plugins.registry).validate(workflow, inputs: [:]).filter { $0.severity == .error }.isEmpty)

        func run() throws -> RunSummary {
            try Executor(
                graph: TaskGraph(workflow: workflow, hostsForStep: { TargetResolver.hosts(for: $0, in: workflow.inventory) }),
                workflow: workflow, registry: plugins.registry, transports: LocalTransportProvider(killGracePeriod: .seconds(1)),
                preparer: WorkflowTaskPreparer(
                    workflow: workflow, inputs: [:], secrets: SecretValues(), registry: plugins.registry, runID: nil),
                options: ExecutionOptions(jobs: 2, logDirectory: project.path + "/logs", killGracePeriod: .seconds(1))
            ).run()
        }
        let first = try run()
        #expect(first.status == .succeeded)
        #expect(first.outcomes[TaskID(step: "gpu-driver", host: "gpu1")] == .succeeded(.changed))
        #expect(first.outcomes[TaskID(step: "gpu-driver", host: "cpu1")] == .succeeded(.ok))
        #expect(EngineFixtures.read(root + "/driver-version") == "535.183\n")
        #expect(
            EngineFixtures.read(Executor.logPath(for: TaskID(step: "report", host: "gpu1"), in: project.path + "/logs"))
                .contains("driver 535.183"))

        let second = try run()
        #expect(second.outcomes[TaskID(step: "gpu-driver", host: "gpu1")] == .succeeded(.ok))
    }
}
