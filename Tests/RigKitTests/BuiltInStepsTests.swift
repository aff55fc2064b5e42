import Foundation
import OrderedCollections
import RigModel
import Testing

@testable import RigKit

@Suite struct BuiltInStepsTests {
    typealias F = EngineFixtures

    private func invocation(_ type: String, _ parameters: OrderedDictionary<String, Value>) -> StepInvocation {
        let step = Step(id: "s", type: type)
        return StepInvocation(
            step: step, task: TaskID(step: "s", host: "local"), host: .local, parameters: parameters,
            inventory: Inventory(), mode: .execute)
    }

    @Test func theRegistryHoldsTheBuiltIns() {
        #expect(StepTypeRegistry.builtIns.names == ["facts", "group", "noop", "shell", "wait"])
        #expect(StepTypeRegistry.builtIns.type(named: "shell")?.schema.parameter("run")?.required == true)
    }

    @Test func shellPlansOneCommandWithEnvironmentAndDirectory() throws {
        let plan = try ShellStep().plan(
            invocation(
                "shell",
                [
                    "run": .string("make\nmake install"), "env": .map(["PREFIX": .string("/opt"), "N": .int(2)]), "cwd": .string("/src"),
                ]))
        #expect(
            plan.actions == [
                .run(
                    Command(
                        "set -eo pipefail; make\nmake install", environment: ["PREFIX": "/opt", "N": "2"], workingDirectory: "/src",
                        summary: "make"))
            ])
        let simple = try ShellStep().plan(invocation("shell", ["run": .string("systemctl restart nfs-server")]))
        #expect(simple.actions == [.run(Command("systemctl restart nfs-server", summary: "systemctl restart nfs-server"))])
        #expect(throws: StepFailure.self) { try ShellStep().plan(invocation("shell", [:])) }
    }

    @Test func shellFeedsAnotherInterpreterThroughAQuotedHereDocument() throws {
        let plan = try ShellStep().plan(invocation("shell", ["run": .string("print('RIG_SCRIPT_END')"), "shell": .string("python3")]))
        guard case .run(let command) = plan.actions.first else {
            Issue.record("no command")
            return
        }
        #expect(command.script == "python3 <<'RIG_SCRIPT_END_1'\nprint('RIG_SCRIPT_END')\nRIG_SCRIPT_END_1\n")
    }

    @Test func aShellScriptStopsAtItsFirstFailingLine() throws {
        let dir = F.scratch()
        let summary = try F.run(Workflow(name: "w", steps: [F.shell("s", "false | true\ntouch \(dir)/after")]))
        guard case .failed(.commandFailed)? = summary.outcomes[TaskID(step: "s", host: "local")] else {
            Issue.record("expected a failure: \(summary.outcomes)")
            return
        }
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/after"))
    }

    @Test func waitPollsUntilTheScriptSucceeds() throws {
        let dir = F.scratch()
        let until = "n=$(( $(cat \(dir)/n 2>/dev/null || echo 0) + 1 )); echo $n > \(dir)/n; [ $n -ge 3 ]"
        let step = Step(
            id: "w", type: "wait",
            with: .map(
                [
                    "until": .template(Template(literal: until)), "interval": .template(Template(literal: "100ms")),
                ], nil))
        let summary = try F.run(Workflow(name: "w", steps: [step]))
        #expect(summary.outcomes[TaskID(step: "w", host: "local")] == .succeeded(.ok))
        #expect(F.read("\(dir)/n") == "3\n")
    }

    @Test func waitFailsWithTheLastOutputWhenTheTimeoutPasses() throws {
        let step = Step(
            id: "w", type: "wait",
            with: .map(
                [
                    "until": .template(Template(literal: "echo not ready yet; exit 1")),
                    "interval": .template(Template(literal: "100ms")), "timeout": .template(Template(literal: "300ms")),
                ], nil))
        let summary = try F.run(Workflow(name: "w", steps: [step]))
        guard case .failed(.failed(let message))? = summary.outcomes[TaskID(step: "w", host: "local")] else {
            Issue.record("expected a failure: \(summary.outcomes)")
            return
        }
        #expect(message.contains("not ready yet"))
        #expect(message.contains("within"))
    }

    @Test func noopAndGroupRunNothingAndJoin() throws {
        #expect(try JoinStep.noop.plan(invocation("noop", [:])).actions.isEmpty)
        #expect(try JoinStep.group.plan(invocation("group", [:])).actions.isEmpty)
        let summary = try F.run(
            Workflow(
                name: "w",
                steps: [
                    F.step("a"), F.step("b"), F.step("join", needs: ["a", "b"], type: "group"),
                ]))
        #expect(summary.status == .succeeded)
        #expect(summary.outcomes[TaskID(step: "join", host: "local")] == .succeeded(.ok))
    }

    @Test func durationsParseInTheUsualUnits() {
        #expect(DurationText.parse("2s") == .seconds(2))
        #expect(DurationText.parse("500ms") == .milliseconds(500))
        #expect(DurationText.parse("1h30m") == .seconds(5400))
        #expect(DurationText.parse("5m") == .seconds(300))
        #expect(DurationText.parse("3") == .seconds(3))
        #expect(DurationText.parse("soon") == nil)
    }
}
