import Foundation
import OrderedCollections
import RigKit

/// `rig-bench state`: the cost of checkpointing. Journal appends with durability (one fsync per
/// record vs group commit), the journal overhead of a 10,000-task run, reading and planning a
/// 10,000-task resume, and the no-op resume check against ninja's null build.
enum StateBenchmarks {
    static func main(_ arguments: [String]) {
        if arguments.first == "noop-probe", arguments.count == 3 {
            // What a no-op `rig resume` does after startup: one process, one check.
            let verdict = NoOpCheck.check(
                store: try! RunStore(directory: arguments[1]), settings: settings,
                verifyJournal: arguments[2] == "verify")
            guard case .upToDate = verdict else { fatalError("expected up to date, got \(verdict)") }
            return
        }
        let root = NSTemporaryDirectory() + "rig-bench-state-\(getpid())"
        try! FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer {
            if ProcessInfo.processInfo.environment["RIG_BENCH_KEEP"] == nil {
                try? FileManager.default.removeItem(atPath: root)
            } else {
                print("kept \(root)")
            }
        }
        print("== journal appends with durability (this disk)")
        appendThroughput(root)
        print("== a 10,000-task run's journal")
        let store = tenThousandTaskRun(root)
        print("== no-op resume of the finished 10,000-task run")
        noOp(store, root: root)
    }

    static let settings: OrderedDictionary<String, String> = ["input.domain": "example.org", "rig": "bench"]

    private static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = ContinuousClock.now
        try body()
        let d = ContinuousClock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    private static func median(_ runs: Int, _ body: () throws -> Void) rethrows -> Double {
        var times: [Double] = []
        for _ in 0..<runs { times.append(try seconds(body)) }
        return times.sorted()[runs / 2]
    }

    /// Runs `body(lane)` on `lanes` dedicated threads at once, as the engine gives each running task a thread.
    private static func onThreads(_ lanes: Int, _ body: @escaping @Sendable (Int) -> Void) {
        let group = DispatchGroup()
        for lane in 0..<lanes {
            group.enter()
            let thread = Thread {
                body(lane)
                group.leave()
            }
            thread.start()
        }
        group.wait()
    }

    private static func record(_ i: Int) -> JournalRecord {
        JournalRecord(.started, task: TaskID(step: "step\(i)", host: "local"), attempt: 1, logPath: "/tmp/logs/step\(i).log")
    }

    private static func appendThroughput(_ root: String) {
        let perRecord = 1000
        let single = try! JournalWriter.create(at: root + "/single")
        let t1 = seconds { for i in 0..<perRecord { try! single.append(record(i), durability: .durable) } }
        print(
            String(
                format: "  fsync per record, 1 thread:     %8.0f records/s  (%d records, %d syncs)",
                Double(perRecord) / t1, perRecord, single.stats.syncs))
        for threads in [8, 64] {
            let writer = try! JournalWriter.create(at: root + "/group\(threads)")
            let each = 4000 / threads
            let t = seconds {
                onThreads(threads) { th in
                    for i in 0..<each { try! writer.append(record(th * each + i), durability: .durable) }
                }
            }
            let s = writer.stats
            print(
                String(
                    format: "  group commit, %2d threads:       %8.0f records/s  (%d records, %d syncs, %.1f records/sync)",
                    threads, Double(s.records) / t, s.records, s.syncs, Double(s.records) / Double(max(s.syncs, 1))))
        }
        let written = try! JournalWriter.create(at: root + "/written")
        let t2 = seconds { for i in 0..<20_000 { try! written.append(record(i), durability: .written) } }
        print(String(format: "  written, no fsync, 1 thread:    %8.0f records/s", 20_000 / t2))
    }

    /// 10,000 independent tasks recorded as `rig run --jobs 8` would: each task's start durable, its end written.
    private static func tenThousandTaskRun(_ root: String) -> RunStore {
        let count = 10_000
        let workflow = root + "/site.yaml"
        _ = FileManager.default.createFile(atPath: workflow, contents: Data(String(repeating: "# step\n", count: 150_000).utf8))
        let store = try! RunStore(workflowPath: workflow)
        var definitions: [TaskDefinition] = []
        for i in 0..<count {
            let needs = i < 100 ? [] : [TaskID(step: "s\(i - 100)", host: "local")]
            definitions.append(
                TaskDefinition(
                    task: TaskID(step: "s\(i)", host: "local"), stepType: "shell", parameters: ["run": .string("true")],
                    host: .init(name: "local", address: "127.0.0.1", connection: .local), needs: needs))
        }
        var fingerprints: [TaskID: Fingerprint] = [:]
        let tf = seconds { fingerprints = try! FingerprintTable.compute(definitions) }
        print(String(format: "  fingerprints of 10,000 tasks:   %7.1f ms", tf * 1000))
        let key = try! CacheKey.compute(files: [workflow], settings: settings)
        let run = try! store.createRun(
            RunManifest(workflowPath: workflow, sourceFiles: key.sourceFiles, settingsDigest: key.settingsDigest))
        let resolved = try! ResolvedWorkflow(
            name: "bench", workflowPath: workflow, cacheKey: key, definitions: definitions,
            fingerprints: fingerprints)
        let tr = seconds { try! run.writeResolved(resolved) }
        print(String(format: "  write workflow.resolved:        %7.1f ms", tr * 1000))
        let tasks = definitions.map(\.task)
        let writer = try! run.createJournal()
        let recorder = JournalRecorder(writer: writer, runID: run.id, fingerprints: fingerprints)
        try! recorder.begin(toRun: tasks)
        let tj = seconds {
            onThreads(8) { lane in
                for i in stride(from: lane, to: count, by: 8) {
                    let id = tasks[i]
                    recorder.taskStarting(id, attempt: 1, logPath: run.logsDirectory + "/\(id).log")
                    recorder.processStarted(id, processGroup: 1)
                    recorder.taskFinished(id, outcome: .succeeded(.changed), outputs: ["x": "1"], attempt: 1, duration: .milliseconds(1))
                }
            }
        }
        try! recorder.end(status: .succeeded)
        try! writer.close()
        try! run.finish(status: .succeeded)
        let s = writer.stats
        print(
            String(
                format: "  journal, 8 threads, 10,000 tasks: %5.1f ms  (%d records, %d syncs; %.0f µs per task per thread)",
                tj * 1000, s.records, s.syncs, tj * 1e6 / Double(count) * 8))
        let chainWriter = try! JournalWriter.create(at: root + "/chain")
        let chain = JournalRecorder(writer: chainWriter, runID: run.id, fingerprints: fingerprints)
        let tc = seconds {
            for id in tasks.prefix(2000) {
                chain.taskStarting(id, attempt: 1, logPath: run.logsDirectory + "/\(id).log")
                chain.processStarted(id, processGroup: 1)
                chain.taskFinished(id, outcome: .succeeded(.changed), outputs: ["x": "1"], attempt: 1, duration: .milliseconds(1))
            }
        }
        print(String(format: "  journal, 1 thread (a chain):    %7.0f µs per task", tc * 1e6 / 2000))
        let size = (try? FileManager.default.attributesOfItem(atPath: run.journalPath)[.size] as? Int) ?? 0
        print("  journal size: \(size / 1024) KiB")

        var state: JournalState?
        let tread = median(5) { state = JournalState(try! run.readJournal()) }
        print(String(format: "  read + fold the journal:        %7.1f ms", tread * 1000))
        let plannerTasks = definitions.map { ResumePlanner.Task(id: $0.task, needs: $0.needs, fingerprint: fingerprints[$0.task]!) }
        let tplan = median(5) { _ = try! ResumePlanner.plan(tasks: plannerTasks, previous: state!, previousRunID: run.id) }
        print(String(format: "  plan a resume of 10,000 tasks:  %7.1f ms", tplan * 1000))
        return store
    }

    private static func noOp(_ store: RunStore, root: String) {
        let tFull = median(11) { _ = NoOpCheck.check(store: store, settings: settings, verifyJournal: true) }
        let tFast = median(11) { _ = NoOpCheck.check(store: store, settings: settings, verifyJournal: false) }
        print(String(format: "  in process, journal verified:   %7.1f ms", tFull * 1000))
        print(String(format: "  in process, run.json + cache:   %7.1f ms", tFast * 1000))
        let me = CommandLine.arguments[0]
        let tProcessFull = median(11) { _ = Bench.spawnQuietly(me, ["state", "noop-probe", store.directory, "verify"]) }
        let tProcess = median(11) { _ = Bench.spawnQuietly(me, ["state", "noop-probe", store.directory, "fast"]) }
        print(String(format: "  whole process, journal verified:%7.1f ms", tProcessFull * 1000))
        print(String(format: "  whole process, run.json + cache:%7.1f ms", tProcess * 1000))
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/ninja") else {
            print("  ninja not installed: no comparison")
            return
        }
        let ninjaDir = root + "/ninja"
        try! FileManager.default.createDirectory(atPath: ninjaDir, withIntermediateDirectories: true)
        var build = "rule touch\n  command = touch $out\n"
        for i in 0..<10_000 { build += "build o\(i): touch\(i >= 100 ? " | o\(i - 100)" : "")\n" }
        _ = FileManager.default.createFile(atPath: ninjaDir + "/build.ninja", contents: Data(build.utf8))
        _ = Bench.spawnQuietly("/usr/bin/ninja", ["-C", ninjaDir, "-j8"])
        let tNinja = median(11) { _ = Bench.spawnQuietly("/usr/bin/ninja", ["-C", ninjaDir]) }
        print(
            String(
                format: "  ninja null build, 10,000 edges: %7.1f ms  → rig no-op / ninja = %.2f× (journal verified: %.2f×)",
                tNinja * 1000, tProcess / tNinja, tProcessFull / tNinja))
    }
}
