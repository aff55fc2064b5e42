import Foundation
import RigModel
import Testing

@testable import RigKit

@Suite struct CheckpointedRunTests {
    /// a → b → c with b failing, plus x: run through the engine with the journal observer.
    private func failedRun(_ dir: ScratchDirectory) throws -> (RunFolder, RunDefinitions, RunStore) {
        dir.write("w.yaml", "name: w\n")
        let workflow = Workflow(
            name: "w",
            steps: [
                EngineFixtures.shell("a", "true"), EngineFixtures.shell("b", "exit 3", needs: ["a"]),
                EngineFixtures.shell("c", "true", needs: ["b"]), EngineFixtures.shell("x", "true"),
            ])
        let graph = try EngineFixtures.graph(workflow)
        let definitions = try RunDefinitions(workflow: workflow, inputs: [:], registry: .builtIns, graph: graph)
        let store = try RunStore(workflowPath: dir.file("w.yaml"))
        let key = try CacheKey.compute(files: [dir.file("w.yaml")], settings: [:])
        let run = try CheckpointedRun(
            store: store,
            manifest: RunManifest(workflowPath: dir.file("w.yaml"), sourceFiles: key.sourceFiles, settingsDigest: key.settingsDigest),
            resolved: definitions.resolved(workflow: workflow, path: dir.file("w.yaml"), cacheKey: key, inputs: [:]),
            definitions: definitions, toRun: graph.tasks)
        let executor = Executor(
            graph: graph, workflow: workflow, registry: .builtIns, transports: LocalTransportProvider(),
            preparer: LiteralTaskPreparer(inventory: workflow.inventory),
            options: ExecutionOptions(jobs: 2, keepGoing: true, logDirectory: run.folder.logsDirectory), observers: [run.observer])
        let summary = executor.run()
        try run.finish(summary)
        return (run.folder, definitions, store)
    }

    @Test func everyTransitionOfARealRunIsJournaledAndTheManifestRecordsTheEnd() throws {
        let dir = ScratchDirectory()
        let (folder, _, _) = try failedRun(dir)
        let state = JournalState(try folder.readJournal())
        #expect(state[task("a")]?.phase == .succeeded(.changed))
        #expect(state[task("b")]?.phase == .failed && state[task("b")]?.exitCode == 3)
        #expect(state[task("c")]?.phase == .skipped(.upstreamFailed))
        #expect(state[task("x")]?.phase == .succeeded(.changed))
        #expect(state[task("b")]?.logPath?.hasPrefix(folder.logsDirectory) == true)
        let manifest = try folder.readManifest()
        #expect(manifest.status == .failed)
        #expect(manifest.taskCounts == ["succeeded": 2, "failed": 1, "not reached": 1])
        #expect(try folder.readResolved().tasks.map(\.id).sorted() == [task("a"), task("b"), task("c"), task("x")])
    }

    @Test func theJournalOfARealRunPlansAResumeOfTheFailedTaskAndItsDescendants() throws {
        let dir = ScratchDirectory()
        let (folder, definitions, _) = try failedRun(dir)
        let plan = try ResumePlanner.plan(
            tasks: definitions.plannerTasks, previous: JournalState(try folder.readJournal()), previousRunID: folder.id)
        #expect(plan.toRun == [task("b"), task("c")])
        #expect(Set(plan.carried.keys) == [task("a"), task("x")])
    }
}
