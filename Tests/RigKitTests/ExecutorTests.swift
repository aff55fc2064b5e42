import Foundation
import OrderedCollections
import RigModel
import Testing

@testable import RigKit

@Suite struct ExecutorTests {
    typealias F = EngineFixtures

    /// Each waits until the other has started (up to 20 s), so the run only succeeds if they overlap.
    @Test func independentStepsOverlapAndDependentOnesNeverDo() throws {
        let dir = F.scratch()
        let markers = "\(dir)/markers"
        func rendezvous(_ me: String, _ other: String) -> String {
            """
            echo "start \(me)" >> \(markers)
            touch \(dir)/\(me).started
            for i in $(seq 400); do [ -e \(dir)/\(other).started ] && break; sleep 0.05; done
            [ -e \(dir)/\(other).started ]
            echo "end \(me)" >> \(markers)
            """
        }
        let workflow = Workflow(
            name: "w",
            steps: [
                F.shell("a", rendezvous("a", "b")), F.shell("b", rendezvous("b", "a")),
                F.shell("c", "echo 'start c' >> \(markers); echo 'end c' >> \(markers)", needs: ["a", "b"]),
            ])
        let summary = try F.run(workflow, jobs: 4)
        #expect(summary.status == .succeeded)
        let lines = F.read(markers).split(separator: "\n").map(String.init)
        let position = Dictionary(uniqueKeysWithValues: lines.enumerated().map { ($1, $0) })
        #expect(position["start c"]! > position["end a"]!)
        #expect(position["start c"]! > position["end b"]!)
        #expect(position["start a"]! < position["end b"]! && position["start b"]! < position["end a"]!)
    }

    @Test func jobsBoundsHowManyTasksRunAtOnce() throws {
        let dir = F.scratch()
        // A flock-guarded counter the steps keep themselves: current and maximum concurrency.
        let script = """
            bump() { flock \(dir)/lock bash -c "n=\\$(( \\$(cat \(dir)/cur 2>/dev/null || echo 0) + $1 )); echo \\$n > \(dir)/cur; m=\\$(cat \(dir)/max 2>/dev/null || echo 0); [ \\$n -gt \\$m ] && echo \\$n > \(dir)/max; true"; }
            bump 1; sleep 0.1; bump -1
            """
        let workflow = Workflow(name: "w", steps: (0..<6).map { F.shell("s\($0)", script) })
        let summary = try F.run(workflow, jobs: 2)
        #expect(summary.status == .succeeded)
        let maximum = Int(F.read("\(dir)/max").trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        #expect((1...2).contains(maximum))
        #expect(F.read("\(dir)/cur").trimmingCharacters(in: .whitespacesAndNewlines) == "0")
    }

    @Test func remoteHostsRunOneTaskAtATimeButDifferentHostsInParallel() throws {
        let probe = ConcurrencyProbe()
        let workflow = Workflow(
            name: "w", inventory: F.remoteHosts("h1", "h2"),
            steps: (0..<4).map { F.shell("s\($0)", "work", on: ["all"]) })
        let summary = try F.run(workflow, jobs: 8, transports: probe)
        #expect(summary.status == .succeeded)
        #expect(probe.maximum("host:h1") == 1)
        #expect(probe.maximum("host:h2") == 1)
        #expect(summary.outcomes.count == 8)
    }

    @Test func poolsBoundConcurrencyAcrossSteps() throws {
        let probe = ConcurrencyProbe()
        var inventory = F.remoteHosts("h1", "h2", "h3", "h4")
        for i in inventory.hosts.indices { inventory.hosts[i].maxConcurrentTasks = 4 }
        let steps = (0..<4).map { F.shell("apt\($0)", "work tag:apt", on: ["all"], pool: "apt") }
        let workflow = Workflow(name: "w", inventory: inventory, pools: ["apt": 2], steps: steps)
        let summary = try F.run(workflow, jobs: 16, transports: probe)
        #expect(summary.status == .succeeded)
        #expect(probe.maximum("tag:apt") <= 2)
    }

    @Test func failFastStartsNothingAfterAFailure() throws {
        let workflow = Workflow(
            name: "w",
            steps: [
                F.shell("a", "echo first line; echo the reason >&2; exit 3"), F.shell("b", "true", needs: ["a"]), F.shell("c", "true"),
            ])
        let logs = F.scratch()
        let summary = try F.run(workflow, jobs: 1, logDirectory: logs)
        #expect(summary.status == .failed)
        guard case .failed(.commandFailed(let code, let message))? = summary.outcomes[TaskID(step: "a", host: "local")] else {
            Issue.record("a should fail: \(summary.outcomes)")
            return
        }
        #expect(code == 3)
        #expect(message.contains("the reason"))
        #expect(summary.outcomes[TaskID(step: "b", host: "local")] == .skipped(.upstreamFailed("a@local")))
        #expect(summary.outcomes[TaskID(step: "c", host: "local")] == .skipped(.runStopped))
        #expect(F.read("\(logs)/a@local.log").contains("first line"))
    }

    @Test func aFailuresHeadlineIsTheLastLineTheCommandPrintedNotRigsOwnLogLines() throws {
        let workflow = Workflow(
            name: "w", steps: [F.shell("a", "echo starting; echo 'E: Unable to locate package kubeadm' >&2; exit 100", unless: "false")])
        let summary = try F.run(workflow, logDirectory: F.scratch())
        guard case .failed(let failure)? = summary.outcomes[TaskID(step: "a", host: "local")] else {
            Issue.record("a should fail: \(summary.outcomes)")
            return
        }
        #expect(failure.headline == "command exited with status 100: E: Unable to locate package kubeadm")
        #expect(!failure.description.contains("# check:") && !failure.description.contains("$ "))
        #expect(failure.description.contains("starting"))
        #expect(StepFailure.timedOut(after: .seconds(5)).headline == "timed out after 5.0 seconds")
    }

    @Test func keepGoingRunsBranchesThatDoNotNeedTheFailure() throws {
        let workflow = Workflow(
            name: "w",
            steps: [
                F.shell("a", "exit 3"), F.shell("b", "true", needs: ["a"]), F.shell("c", "true"), F.shell("d", "true", needs: ["c"]),
            ])
        let summary = try F.run(workflow, jobs: 1, keepGoing: true)
        #expect(summary.status == .failed)
        #expect(summary.outcomes[TaskID(step: "b", host: "local")] == .skipped(.upstreamFailed("a@local")))
        #expect(summary.outcomes[TaskID(step: "c", host: "local")] == .succeeded(.changed))
        #expect(summary.outcomes[TaskID(step: "d", host: "local")] == .succeeded(.changed))
    }

    @Test func retriesWithBackoffUntilAnAttemptSucceeds() throws {
        let dir = F.scratch()
        let script = "n=$(( $(cat \(dir)/n 2>/dev/null || echo 0) + 1 )); echo $n > \(dir)/n; [ $n -ge 3 ]"
        let recorder = Recorder()
        let workflow = Workflow(
            name: "w",
            steps: [
                F.shell("flaky", script, retries: RetryPolicy(count: 5, backoff: .milliseconds(20), maxDelay: .milliseconds(50))),
                F.shell("broken", "exit 1", retries: RetryPolicy(count: 2, backoff: .milliseconds(10))),
            ])
        let summary = try F.run(workflow, keepGoing: true, recorder: recorder)
        let flaky = TaskID(step: "flaky", host: "local")
        let broken = TaskID(step: "broken", host: "local")
        #expect(summary.outcomes[flaky] == .succeeded(.changed))
        #expect(summary.timings[flaky]?.attempts == 3)
        #expect(F.read("\(dir)/n").trimmingCharacters(in: .whitespacesAndNewlines) == "3")
        #expect(summary.timings[broken]?.attempts == 3)
        #expect(recorder.retries.filter { $0.0 == flaky }.map(\.1) == [1, 2])
        #expect(recorder.starting[broken] == [1, 2, 3])
        #expect(recorder.finished[broken]?.count == 1)  // observers hear the final outcome once
    }

    @Test func backoffDoublesUpToTheCapWithJitterInTheUpperHalf() {
        var random = SystemRandomNumberGenerator()
        let policy = RetryPolicy(count: 5, backoff: .seconds(1), maxDelay: .seconds(5), jitter: false)
        #expect((1...5).map { policy.delay(beforeRetry: $0, using: &random) } == [1, 2, 4, 5, 5].map { Duration.seconds($0) })
        let jittered = RetryPolicy(count: 5, backoff: .seconds(4), maxDelay: .seconds(60), jitter: true)
        for _ in 0..<100 {
            let d = jittered.delay(beforeRetry: 2, using: &random)
            #expect(d >= .seconds(4) && d <= .seconds(8))
        }
    }

    @Test func aStepTimeoutKillsTheWholeProcessGroup() throws {
        let recorder = Recorder()
        let workflow = Workflow(
            name: "w",
            steps: [
                F.shell("slow", "bash -c 'sleep 300 & sleep 300; wait'", timeout: .milliseconds(300))
            ])
        let summary = try F.run(workflow, recorder: recorder)
        let id = TaskID(step: "slow", host: "local")
        #expect(summary.outcomes[id] == .failed(.timedOut(after: .milliseconds(300))))
        let groups = recorder.groups[id] ?? []
        #expect(groups.count == 1)
        for group in groups { #expect(F.groupIsGone(group)) }
    }

    @Test func anOrphanHoldingTheOutputPipeDoesNotHangTheRun() throws {
        let recorder = Recorder()
        // Redactions force output through a pipe, which the background sleep inherits.
        let preparer = RedactingPreparer(secrets: ["hunter2"])
        let workflow = Workflow(name: "w", steps: [F.shell("leaves", "sleep 300 & echo launched hunter2")])
        let logs = F.scratch()
        let summary = try F.run(workflow, preparer: preparer, recorder: recorder, logDirectory: logs)
        let id = TaskID(step: "leaves", host: "local")
        #expect(summary.outcomes[id] == .succeeded(.changed))
        for group in recorder.groups[id] ?? [] { #expect(F.groupIsGone(group)) }
        let log = F.read("\(logs)/leaves@local.log")
        #expect(log.contains("launched ***"))
        #expect(!log.contains("hunter2"))
    }

    @Test func cancelInterruptsRunningTasksAndKillsTheirChildren() throws {
        let recorder = Recorder()
        let workflow = Workflow(
            name: "w",
            steps: [
                F.shell("direct", "sleep 300"), F.shell("script", "sleep 300 & sleep 300; wait"),
                F.shell("later", "true", needs: ["direct"]),
            ])
        let executor = Executor(
            graph: try F.graph(workflow), workflow: workflow, registry: .builtIns,
            transports: LocalTransportProvider(killGracePeriod: .seconds(1)), preparer: LiteralTaskPreparer(),
            options: ExecutionOptions(jobs: 4, logDirectory: F.scratch(), killGracePeriod: .seconds(1)), observers: [recorder])
        let box = SummaryBox()
        let runner = Thread { box.set(executor.run()) }
        runner.start()
        for _ in 0..<2 { #expect(recorder.processStarted.wait(timeout: .now() + 20) == .success) }
        executor.cancel(.interrupted(signal: SIGINT))
        let summary = try #require(box.wait(seconds: 30))
        #expect(summary.status == .interrupted(.interrupted(signal: SIGINT)))
        #expect(summary.outcomes[TaskID(step: "direct", host: "local")] == .interrupted)
        #expect(summary.outcomes[TaskID(step: "script", host: "local")] == .interrupted)
        #expect(summary.outcomes[TaskID(step: "later", host: "local")] == .skipped(.runStopped))
        for group in recorder.groups.values.flatMap({ $0 }) { #expect(F.groupIsGone(group)) }
    }

    @Test func anyErrorsFatalStopsTheStepsOtherHosts() throws {
        let probe = ConcurrencyProbe()
        let workflow = Workflow(
            name: "w", inventory: F.remoteHosts("h1", "h2", "h3"),
            steps: [
                F.shell("s", "fail:h1 hold:h2", on: ["h1", "h2"], anyErrorsFatal: true),
                F.shell("independent", "work", on: ["h3"]),
            ])
        let summary = try F.run(workflow, keepGoing: true, transports: probe)
        guard case .failed(.commandFailed)? = summary.outcomes[TaskID(step: "s", host: "h1")] else {
            Issue.record("h1 should fail: \(summary.outcomes)")
            return
        }
        #expect(summary.outcomes[TaskID(step: "s", host: "h2")] == .interrupted)
        #expect(summary.outcomes[TaskID(step: "independent", host: "h3")] == .succeeded(.changed))
    }

    @Test func sigintThroughTheSignalTrapInterruptsTheRun() throws {
        let recorder = Recorder()
        let workflow = Workflow(name: "w", steps: [F.shell("long", "sleep 300")])
        let executor = Executor(
            graph: try F.graph(workflow), workflow: workflow, registry: .builtIns,
            transports: LocalTransportProvider(killGracePeriod: .seconds(1)), preparer: LiteralTaskPreparer(),
            options: ExecutionOptions(logDirectory: F.scratch(), killGracePeriod: .seconds(1)), observers: [recorder])
        let trap = SignalTrap.cancelling(executor, signals: [SIGINT])
        defer { trap.cancel() }
        let box = SummaryBox()
        Thread { box.set(executor.run()) }.start()
        #expect(recorder.processStarted.wait(timeout: .now() + 20) == .success)
        kill(getpid(), SIGINT)
        let summary = try #require(box.wait(seconds: 30))
        #expect(summary.status == .interrupted(.interrupted(signal: SIGINT)))
        #expect(summary.outcomes[TaskID(step: "long", host: "local")] == .interrupted)
        #expect(SignalTrap.exitCode(for: SIGINT) == 130 && SignalTrap.exitCode(for: SIGTERM) == 143)
        for group in recorder.groups.values.flatMap({ $0 }) { #expect(F.groupIsGone(group)) }
    }

    @Test func aFailureElsewhereEndsAWaitingRetryAtOnce() throws {
        let workflow = Workflow(
            name: "w",
            steps: [
                F.shell("retrying", "exit 1", retries: RetryPolicy(count: 3, backoff: .seconds(600), jitter: false)),
                F.shell("failing", "sleep 0.2; exit 2"),
            ])
        let summary = try F.run(workflow, jobs: 2)
        #expect(summary.status == .failed)
        #expect(summary.timings[TaskID(step: "retrying", host: "local")]?.attempts == 1)
        guard case .failed(.commandFailed(1, _))? = summary.outcomes[TaskID(step: "retrying", host: "local")] else {
            Issue.record("expected the first failure to stand: \(summary.outcomes)")
            return
        }
    }

    @Test func outputsFlowToTheTasksThatNeedThem() throws {
        let dir = F.scratch()
        let workflow = Workflow(
            name: "w",
            steps: [
                F.shell(
                    "make",
                    "echo token=abc-123 >> \"$RIG_OUTPUT\"; echo 'cert<<EOF' >> \"$RIG_OUTPUT\"; printf 'l1\\nl2\\nEOF\\n' >> \"$RIG_OUTPUT\"",
                    outputs: ["token", "cert"]),
                F.shell("use", "printf '%s' '@token@' > \(dir)/got", needs: ["make"]),
            ])
        let summary = try F.run(workflow, preparer: OutputSubstitutingPreparer())
        #expect(summary.status == .succeeded)
        #expect(F.read("\(dir)/got") == "abc-123")
    }

    @Test func rigChangedFalseReportsOkAndIsNotAnOutput() throws {
        let recorder = Recorder()
        let workflow = Workflow(
            name: "w", steps: [F.shell("same", "echo rig.changed=false >> \"$RIG_OUTPUT\"; echo x=1 >> \"$RIG_OUTPUT\"", outputs: ["x"])])
        let summary = try F.run(workflow, recorder: recorder)
        #expect(summary.outcomes[TaskID(step: "same", host: "local")] == .succeeded(.ok))
    }

    @Test func aSucceedingGuardReportsOkWithoutRunningTheStep() throws {
        let dir = F.scratch()
        let workflow = Workflow(
            name: "w",
            steps: [
                F.shell("guarded", "touch \(dir)/ran", unless: "test -d \(dir)"),
                F.shell("unguarded", "touch \(dir)/ran2", unless: "test -e \(dir)/nothing-here"),
            ])
        let summary = try F.run(workflow)
        #expect(summary.outcomes[TaskID(step: "guarded", host: "local")] == .okByGuard)
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/ran"))
        #expect(summary.outcomes[TaskID(step: "unguarded", host: "local")] == .succeeded(.changed))
        #expect(FileManager.default.fileExists(atPath: "\(dir)/ran2"))
    }

    @Test func aFalseConditionSkipsTheTask() throws {
        let dir = F.scratch()
        let summary = try F.run(Workflow(name: "w", steps: [F.shell("off", "touch \(dir)/ran", when: "false")]))
        #expect(summary.outcomes[TaskID(step: "off", host: "local")] == .skipped(.conditionFalse))
        #expect(summary.status == .succeeded)
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/ran"))
    }

    @Test func priorResultsAreSkippedAndOfferTheirOutputs() throws {
        let dir = F.scratch()
        let workflow = Workflow(
            name: "w",
            steps: [
                F.shell("make", "touch \(dir)/ran; echo token=new >> \"$RIG_OUTPUT\"", outputs: ["token"]),
                F.shell("use", "printf '%s' '@token@' > \(dir)/got", needs: ["make"]),
            ])
        let make = TaskID(step: "make", host: "local")
        let summary = try F.run(
            workflow, preparer: OutputSubstitutingPreparer(),
            priorResults: [make: PriorResult(runID: "run-1", outputs: ["token": "old"])])
        #expect(summary.outcomes[make] == .skipped(.alreadyDone(runID: "run-1")))
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/ran"))
        #expect(F.read("\(dir)/got") == "old")
    }

    @Test func unreachableHostsFailTheirTasks() throws {
        let workflow = Workflow(name: "w", inventory: F.remoteHosts("far"), steps: [F.shell("s", "true", on: ["far"])])
        let summary = try F.run(workflow)
        guard case .failed(.unreachable(let host, _, _))? = summary.outcomes[TaskID(step: "s", host: "far")] else {
            Issue.record("expected unreachable, got \(summary.outcomes)")
            return
        }
        #expect(host == "far")
    }
}

/// Adds secrets to redact.
struct RedactingPreparer: TaskPreparer {
    var secrets: [String]
    func prepare(_ task: TaskID, step: Step, host: InventoryHost, outputs: StepOutputs) throws -> PreparedTask {
        var prepared = try LiteralTaskPreparer().prepare(task, step: step, host: host, outputs: outputs)
        prepared.redactions = secrets
        return prepared
    }
}

/// Replaces `@name@` in a shell script with the output `name` of any step it needs.
struct OutputSubstitutingPreparer: TaskPreparer {
    func prepare(_ task: TaskID, step: Step, host: InventoryHost, outputs: StepOutputs) throws -> PreparedTask {
        var prepared = try LiteralTaskPreparer().prepare(task, step: step, host: host, outputs: outputs)
        guard var script = prepared.invocation.string("run") else { return prepared }
        for need in step.needs {
            for name in ["token", "cert"] {
                if let value = outputs.value(step: need, name: name) { script = script.replacingOccurrences(of: "@\(name)@", with: value) }
            }
        }
        prepared.invocation.parameters["run"] = .string(script)
        return prepared
    }
}

final class SummaryBox: @unchecked Sendable {
    private let lock = NSLock()
    private var summary: RunSummary?
    private let done = DispatchSemaphore(value: 0)

    func set(_ summary: RunSummary) {
        lock.withLock { self.summary = summary }
        done.signal()
    }

    func wait(seconds: Double) -> RunSummary? {
        guard done.wait(timeout: .now() + seconds) == .success else { return nil }
        return lock.withLock { summary }
    }
}
