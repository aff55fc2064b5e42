import OrderedCollections
import RigModel
import Testing

@testable import RigKit

/// What happened to a task in a simulated earlier run.
private enum Past {
    case succeeded(OrderedDictionary<String, String> = [:])
    case failed(Int32)
    case interrupted
    case startedOnly
    case queuedOnly
    case skippedUpstream
    case conditionFalse
    case absent
}

/// Runs the real recorder and journal for a fake run and folds the journal back.
private func journal(
    _ dir: ScratchDirectory, runID: String = "run1", definitions: [TaskDefinition], past: [TaskID: Past],
    secretOutputs: [String: Set<String>] = [:], carried: [TaskID: ResumePlan.Carried] = [:]
) throws -> JournalState {
    let fingerprints = try FingerprintTable.compute(definitions)
    let writer = try JournalWriter.create(at: dir.file("journal-\(runID)"))
    let recorder = JournalRecorder(writer: writer, runID: runID, fingerprints: fingerprints, secretOutputs: secretOutputs)
    let ids = definitions.map(\.task).filter { carried[$0] == nil }
    try recorder.begin(
        toRun: ids.filter { if case .absent = past[$0] ?? .succeeded() { return false } else { return true } },
        carried: carried)
    for id in ids {
        let log = "/logs/\(id).log"
        switch past[id] ?? .succeeded() {
        case .succeeded(let outputs):
            recorder.taskStarting(id, attempt: 1, logPath: log)
            recorder.processStarted(id, processGroup: 4242)
            recorder.taskFinished(id, outcome: .succeeded(.changed), outputs: outputs, attempt: 1, duration: .milliseconds(5))
        case .failed(let code):
            recorder.taskStarting(id, attempt: 1, logPath: log)
            recorder.taskFinished(
                id, outcome: .failed(.commandFailed(exitCode: code, message: "boom")), outputs: [:], attempt: 1,
                duration: .milliseconds(5))
        case .interrupted:
            recorder.taskStarting(id, attempt: 1, logPath: log)
            recorder.taskFinished(id, outcome: .interrupted, outputs: [:], attempt: 1, duration: .milliseconds(5))
        case .startedOnly:
            recorder.taskStarting(id, attempt: 1, logPath: log)
        case .queuedOnly, .absent:
            break
        case .skippedUpstream:
            recorder.taskSettled(id, outcome: .skipped(.upstreamFailed("x@local")))
        case .conditionFalse:
            recorder.taskFinished(id, outcome: .skipped(.conditionFalse), outputs: [:], attempt: 0, duration: .zero)
        }
    }
    try writer.close()
    #expect(recorder.failure == nil)
    return JournalState(try JournalReader.read(writer.path))
}

private func plannerTasks(_ definitions: [TaskDefinition], secretInputs: [TaskID: [SecretOutputUse]] = [:]) throws
    -> [ResumePlanner.Task]
{
    let fingerprints = try FingerprintTable.compute(definitions)
    return definitions.map {
        ResumePlanner.Task(id: $0.task, needs: $0.needs, fingerprint: fingerprints[$0.task]!, secretInputs: secretInputs[$0.task] ?? [])
    }
}

private func plan(
    _ definitions: [TaskDefinition], _ state: JournalState, _ options: ResumePlanner.Options = .init(),
    secretInputs: [TaskID: [SecretOutputUse]] = [:]
) throws -> ResumePlan {
    try ResumePlanner.plan(
        tasks: plannerTasks(definitions, secretInputs: secretInputs), previous: state, previousRunID: "run1",
        options: options)
}

/// init@master → join@w1..w5 → label@local → verify@local, with the engine's step-level needs:
/// every task of a step waits for every task of each step it needs.
private func cluster(workers: Int = 5) -> [TaskDefinition] {
    let joins = (1...workers).map { task("join", "w\($0)") }
    var defs = [definition("init", host: "master", run: "kubeadm init", outputs: ["join_token": true, "endpoint": false])]
    for join in joins { defs.append(definition("join", host: join.host, run: "kubeadm join", needs: [task("init", "master")])) }
    defs.append(definition("label", run: "kubectl label nodes", needs: joins))
    defs.append(definition("verify", needs: [task("label")]))
    return defs
}

@Suite struct ResumePlannerTests {
    @Test func everyJournaledStateGetsItsReason() throws {
        let dir = ScratchDirectory()
        let names = ["a", "b", "c", "d", "e", "f", "g", "h"]
        let defs = names.map { definition($0) }
        let past: [TaskID: Past] = [
            task("a"): .succeeded(), task("b"): .failed(2), task("c"): .interrupted, task("d"): .startedOnly,
            task("e"): .queuedOnly, task("f"): .absent, task("g"): .skippedUpstream, task("h"): .conditionFalse,
        ]
        let p = try plan(defs, try journal(dir, definitions: defs, past: past))
        #expect(p.decisions[task("a")] == .skip(runID: "run1"))
        #expect(p.decisions[task("b")] == .run(.failed(message: "command exited with status 2: boom", exitCode: 2)))
        #expect(p.decisions[task("c")] == .run(.interrupted))
        #expect(p.decisions[task("d")] == .run(.startedNotFinished(attempt: 1)))
        #expect(p.decisions[task("e")] == .run(.neverStarted))
        #expect(p.decisions[task("f")] == .run(.neverRan))
        #expect(p.decisions[task("g")] == .run(.notReached("needs x@local, which did not succeed")))
        #expect(p.decisions[task("h")] == .skip(runID: "run1"))
        #expect(p.explanation.contains("d@local  run: started (attempt 1) but never finished: the runner died"))
    }

    @Test func oneWorkersFailedJoinRerunsOnlyThatWorkersTasksAndWhatNeedsThem() throws {
        let dir = ScratchDirectory()
        let defs = cluster()
        let state = try journal(
            dir, definitions: defs,
            past: [
                task("join", "w3"): .failed(1), task("label"): .skippedUpstream, task("verify"): .skippedUpstream,
            ])
        let p = try plan(defs, state)
        #expect(Set(p.toRun) == [task("join", "w3"), task("label"), task("verify")])
        #expect(p.carried.count == defs.count - 3)
        for w in [1, 2, 4, 5] { #expect(p.decisions[task("join", "w\(w)")] == .skip(runID: "run1")) }
        #expect(p.decisions[task("init", "master")] == .skip(runID: "run1"))
    }

    @Test func aDefinitionChangeRerunsExactlyTheChangedTasksAndTheirDescendants() throws {
        let dir = ScratchDirectory()
        // a → b → c, a → d, e alone; c also needs d.
        let defs = [
            definition("a"), definition("b", needs: [task("a")]), definition("d", needs: [task("a")]),
            definition("c", needs: [task("b"), task("d")]), definition("e"),
        ]
        let state = try journal(dir, definitions: defs, past: [:])
        #expect(try plan(defs, state).isNoOp)
        var changed = defs
        changed[1].parameters["run"] = .string("echo b, better")
        changed[4].guardCommand = "test -f /done"
        let p = try plan(changed, state)
        #expect(p.decisions[task("a")] == .skip(runID: "run1"))
        #expect(p.decisions[task("b")] == .run(.definitionChanged(fields: ["with.run"])))
        #expect(p.decisions[task("c")] == .run(.upstreamReran([task("b")])))
        #expect(p.decisions[task("d")] == .skip(runID: "run1"))
        #expect(p.decisions[task("e")] == .run(.definitionChanged(fields: ["unless"])))
        #expect(Set(p.toRun) == [task("b"), task("c"), task("e")])
        // A descendant with its own change says so rather than "upstream".
        changed[3].parameters["run"] = .string("echo c2")
        #expect(try plan(changed, state).decisions[task("c")] == .run(.definitionChanged(fields: ["with.run"])))
    }

    @Test func forceFromAndOnlySelectTasksDeliberately() throws {
        let dir = ScratchDirectory()
        let defs = cluster(workers: 3)
        let state = try journal(dir, definitions: defs, past: [:])
        let forced = try plan(defs, state, .init(force: [TaskSelector(parsing: "join@w2")]))
        #expect(forced.decisions[task("join", "w2")] == .run(.forced(TaskSelector(step: "join", host: "w2"))))
        #expect(forced.decisions[task("label")] == .run(.upstreamReran([task("join", "w2")])))
        #expect(forced.decisions[task("join", "w1")] == .skip(runID: "run1"))
        #expect(Set(forced.toRun) == [task("join", "w2"), task("label"), task("verify")])

        let from = try plan(defs, state, .init(from: [TaskSelector(parsing: "join")]))
        #expect(from.decisions[task("init", "master")] == .skip(runID: "run1"))
        #expect(from.decisions[task("join", "w1")] == .run(.from(TaskSelector(step: "join"))))
        #expect(from.decisions[task("verify")] == .run(.from(TaskSelector(step: "join"))))
        #expect(from.toRun.count == 5)

        let only = try plan(defs, state, .init(only: [TaskSelector(parsing: "join")]))
        #expect(Set(only.toRun) == [task("join", "w1"), task("join", "w2"), task("join", "w3")])
        #expect(only.decisions[task("join", "w1")] == .run(.only(TaskSelector(step: "join"))))
        #expect(only.decisions[task("init", "master")] == .skip(runID: "run1"))
        #expect(only.decisions[task("label")] == .leave("not selected by --only (upstream runs again)"))
        #expect(only.left == [task("label"), task("verify")])
    }

    @Test func onlyRefusesWhenWhatTheSelectedTaskNeedsIsNotDone() throws {
        let dir = ScratchDirectory()
        let defs = cluster(workers: 2)
        let state = try journal(dir, definitions: defs, past: [task("join", "w1"): .failed(1)])
        #expect {
            try plan(defs, state, .init(only: [TaskSelector(parsing: "label")]))
        } throws: { error in
            "\(error)" == "--only cannot run label@local: it needs join@w1, which is not done (not selected by --only "
                + "(failed: command exited with status 1: boom)). Resume without --only, or add --only join."
        }
        let ok = try plan(defs, state, .init(only: [TaskSelector(parsing: "join@w2")]))
        #expect(ok.toRun == [task("join", "w2")])
        #expect(ok.decisions[task("join", "w1")] == .leave("not selected by --only (failed: command exited with status 1: boom)"))
    }

    @Test func unknownSelectorsAreErrorsNamingTheSteps() throws {
        let dir = ScratchDirectory()
        let defs = cluster(workers: 1)
        let state = try journal(dir, definitions: defs, past: [:])
        #expect {
            try plan(defs, state, .init(force: [TaskSelector(parsing: "jion")]))
        } throws: { error in
            "\(error)".contains("--force jion: no such task") && "\(error)".contains("join")
        }
        #expect(throws: ResumePlanner.Failure.self) { try plan(defs, state, .init(from: [TaskSelector(parsing: "join@w9")])) }
    }

    @Test func aSkippedProducerRerunsToRegenerateASecretOutputWithoutCascading() throws {
        let dir = ScratchDirectory()
        let defs = cluster(workers: 3)
        let initTask = task("init", "master")
        var uses: [TaskID: [SecretOutputUse]] = [:]
        for w in 1...3 { uses[task("join", "w\(w)")] = [SecretOutputUse(producer: initTask, output: "join_token")] }
        let state = try journal(
            dir, definitions: defs,
            past: [
                initTask: .succeeded(["join_token": "abcdef.0123456789abcdef", "endpoint": "10.0.0.1:6443"]),
                task("join", "w2"): .failed(1), task("label"): .skippedUpstream, task("verify"): .skippedUpstream,
            ], secretOutputs: ["init": ["join_token"]])
        #expect(state[initTask]?.outputs == [.init(name: "join_token", value: nil), .init(name: "endpoint", value: "10.0.0.1:6443")])

        let p = try plan(defs, state, secretInputs: uses)
        #expect(p.decisions[initTask] == .run(.regenerateSecretOutputs(for: task("join", "w2"), outputs: ["join_token"])))
        #expect(p.decisions[task("join", "w1")] == .skip(runID: "run1"))
        #expect(p.decisions[task("join", "w3")] == .skip(runID: "run1"))
        #expect(Set(p.toRun) == [initTask, task("join", "w2"), task("label"), task("verify")])

        // With nothing to rerun, the producer stays skipped and its secret output is reported withheld.
        let done = try journal(
            dir, runID: "run2", definitions: defs,
            past: [
                initTask: .succeeded(["join_token": "abcdef.0123456789abcdef", "endpoint": "10.0.0.1:6443"])
            ], secretOutputs: ["init": ["join_token"]])
        let noop = try plan(defs, done, secretInputs: uses)
        #expect(noop.isNoOp)
        #expect(noop.carried[initTask]?.outputs == ["endpoint": "10.0.0.1:6443"])
        #expect(noop.carried[initTask]?.withheldOutputs == ["join_token"])
    }

    @Test func theDocumentedJoinExamplePlansAFreshJoinCommandForTheFailedWorkerOnly() throws {
        let dir = ScratchDirectory()
        let doc = try String(contentsOfFile: LoaderDocsExamples.root + "/docs/state.md", encoding: .utf8)
        let workflow = try loadWorkflow(try #require(LoaderDocsExamples.yamlBlocks(in: doc).first))
        let (ids, needs) = expandTasks(workflow)
        let defs = try TaskDefinitionBuilder.definitions(
            workflow: workflow, inputs: [:], registry: fakeRegistry(), tasks: ids,
            needs: needs)
        let uses = TaskDefinitionBuilder.secretOutputUses(workflow: workflow, tasks: ids)
        let state = try journal(
            dir, definitions: defs,
            past: [
                task("init", "master"): .succeeded(["join_command": "kubeadm join 10.0.0.1:6443 --token abc.def"]),
                task("join", "w2"): .failed(1),
            ], secretOutputs: ["init": ["join_command"]])
        let p = try plan(defs, state, secretInputs: uses)
        #expect(
            p.explanation == [
                "init@master  run: regenerate secret output join_command for join@w2",
                "join@w1  skip: done in run run1",
                "join@w2  run: failed: command exited with status 1: boom",
            ])
    }

    @Test func aChainOfResumesRemembersEveryFinishedTask() throws {
        let dir = ScratchDirectory()
        let defs = [definition("a"), definition("b", needs: [task("a")]), definition("c", needs: [task("b")])]
        let first = try journal(
            dir, runID: "run1", definitions: defs,
            past: [
                task("a"): .succeeded(["out": "1"]), task("b"): .startedOnly, task("c"): .queuedOnly,
            ])
        let p1 = try plan(defs, first)
        #expect(p1.toRun == [task("b"), task("c")])
        // run2 carries a, then dies after b started again.
        let second = try journal(
            dir, runID: "run2", definitions: defs, past: [task("b"): .succeeded(), task("c"): .startedOnly],
            carried: p1.carried)
        #expect(second[task("a")]?.phase == .carried)
        #expect(second[task("a")]?.doneInRun == "run1")
        #expect(second[task("a")]?.outputs == [.init(name: "out", value: "1")])
        let p2 = try ResumePlanner.plan(tasks: plannerTasks(defs), previous: second, previousRunID: "run2")
        #expect(p2.decisions[task("a")] == .skip(runID: "run1"))
        #expect(p2.decisions[task("b")] == .skip(runID: "run2"))
        #expect(p2.decisions[task("c")] == .run(.startedNotFinished(attempt: 1)))
        #expect(p2.carried[task("a")]?.outputs == ["out": "1"])
    }

    @Test func tasksGoneFromTheWorkflowAreListed() throws {
        let dir = ScratchDirectory()
        let defs = [definition("a"), definition("old")]
        let state = try journal(dir, definitions: defs, past: [:])
        let p = try plan([definition("a")], state)
        #expect(p.removed == [task("old")])
        #expect(p.isNoOp)
    }

    @Test func aTaskWithoutAStartRecordStillCarriesItsFingerprint() throws {
        let dir = ScratchDirectory()
        let defs = [definition("maybe")]
        let state = try journal(dir, definitions: defs, past: [task("maybe"): .conditionFalse])
        #expect(state[task("maybe")]?.fingerprint != nil)
        #expect(try plan(defs, state).isNoOp)
    }
}
