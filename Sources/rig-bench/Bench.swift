import Foundation
import RigKit
import RigModel

enum Bench {
    /// Wall seconds for rig to run the DAG, every step running `command` locally.
    /// With `checkpoint`, the run is recorded as `rig run` records it: definitions and
    /// fingerprints, run folder, `workflow.resolved`, and every transition journaled.
    static func rig(_ dag: DAG, command: String, jobs: Int, checkpoint: Bool = false) -> Double {
        let steps = dag.parents.enumerated().map { i, parents in
            Step(
                id: "s\(i)", type: "shell", needs: parents.map { "s\($0)" }, on: ["local"],
                with: .map(["run": .template(Template(literal: command))], nil))
        }
        let workflow = Workflow(name: "bench", steps: steps)
        var logs = temporaryDirectory("rig-logs")
        let start = ContinuousClock.now
        let graph = try! TaskGraph(workflow: workflow, hostsForStep: { _ in [.local] })
        var observers: [any ExecutionObserver] = []
        var run: CheckpointedRun?
        if checkpoint {
            let file = logs + "/bench.yaml"
            _ = FileManager.default.createFile(atPath: file, contents: Data("name: bench\n".utf8))
            let store = try! RunStore(workflowPath: file)
            let definitions = try! RunDefinitions(workflow: workflow, inputs: [:], registry: .builtIns, graph: graph)
            let key = try! CacheKey.compute(files: [file], settings: ["rig": "bench"])
            run = try! CheckpointedRun(
                store: store, manifest: RunManifest(workflowPath: file, sourceFiles: key.sourceFiles, settingsDigest: key.settingsDigest),
                resolved: definitions.resolved(workflow: workflow, path: file, cacheKey: key, inputs: [:]),
                definitions: definitions, toRun: graph.tasks)
            observers = [run!.observer]
            logs = run!.folder.logsDirectory
        }
        let executor = Executor(
            graph: graph, workflow: workflow, registry: .builtIns, transports: LocalTransportProvider(),
            preparer: LiteralTaskPreparer(), options: ExecutionOptions(jobs: jobs, logDirectory: logs), observers: observers)
        let summary = executor.run()
        try! run?.finish(summary)
        let seconds = (ContinuousClock.now - start).seconds
        guard summary.status == .succeeded else {
            print("rig-bench: the rig run failed: \(summary.failedTasks.prefix(3))")
            exit(1)
        }
        return seconds
    }

    /// Seconds per command run back to back through the local transport: the floor of a local step.
    static func transportFloor(runs: Int) -> (direct: Double, bash: Double) {
        let dir = temporaryDirectory("floor")
        let log = try! FileTaskLog(path: "\(dir)/floor.log")
        func measure(_ script: String) -> Double {
            let start = ContinuousClock.now
            for _ in 0..<runs {
                _ = try? LocalTransport().run(
                    CommandRequest(command: Command(script), log: log, collectOutputs: false), cancellation: CancellationToken())
            }
            return (ContinuousClock.now - start).seconds / Double(runs)
        }
        return (measure("true"), measure("true;"))
    }

    /// Every run writes below one folder, removed only when the bench ends: deleting thousands of
    /// files between runs makes ext4 slow to create new ones for the next ~30 s
    /// (`recently_deleted` in the kernel), which would distort the runs that follow.
    static let root: String = {
        let path = NSTemporaryDirectory() + "rig-bench-\(getpid())"
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }()

    static func temporaryDirectory(_ prefix: String) -> String {
        let path = root + "/\(prefix)-\(UUID().uuidString.prefix(8))"
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func removeFiles() { try? FileManager.default.removeItem(atPath: root) }

    /// Runs a program directly (posix_spawn, no shell) with its output discarded; returns its exit status.
    static func spawnQuietly(_ executable: String, _ arguments: [String]) -> Int32 {
        var pid: pid_t = 0
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        guard posix_spawn(&pid, executable, &actions, nil, argv, environ) == 0 else { return -1 }
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        return (status >> 8) & 0xff
    }
}

/// The same DAG as a build.ninja, each edge running `command`, in a fresh directory each time.
struct Ninja {
    var path: String
    var version: String

    static func find() -> Ninja? {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
            .map { "\($0)/ninja" }.first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let path else { return nil }
        let dir = Bench.temporaryDirectory("ninja-version")
        _ = run(path, ["--version"], in: dir)
        let version = (try? String(contentsOfFile: "\(dir)/out.log", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
        return Ninja(path: path, version: version ?? "?")
    }

    func run(_ dag: DAG, command: String, jobs: Int) -> Double { build(dag, command: command, jobs: jobs).seconds }

    /// Builds the DAG in a fresh folder; returns the time and the folder (for a null build after).
    func build(_ dag: DAG, command: String, jobs: Int) -> (seconds: Double, directory: String) {
        let dir = Bench.temporaryDirectory("ninja")
        var text = "rule step\n  command = \(command)\n"
        for (i, parents) in dag.parents.enumerated() {
            text += "build s\(i): step" + parents.map { " s\($0)" }.joined() + "\n"
        }
        try! text.write(toFile: "\(dir)/build.ninja", atomically: true, encoding: .utf8)
        let start = ContinuousClock.now
        let status = Self.run(path, ["-C", dir, "-j", String(jobs), "--quiet"], in: dir)
        let seconds = (ContinuousClock.now - start).seconds
        if status != 0 { print("rig-bench: ninja failed (\(status)); see \(dir)/out.log") }
        return (seconds, dir)
    }

    /// Seconds for ninja to find nothing to do in an already built folder (spawned directly, as
    /// the no-op `rig resume` it is compared with).
    func nullBuild(in dir: String, jobs: Int) -> Double {
        let start = ContinuousClock.now
        _ = Bench.spawnQuietly(path, ["-C", dir, "-j", String(jobs), "--quiet"])
        return (ContinuousClock.now - start).seconds
    }

    /// Runs through rig's own local transport (Foundation.Process polls its run loop).
    private static func run(_ program: String, _ arguments: [String], in dir: String) -> Int32 {
        let log = try! FileTaskLog(path: "\(dir)/out.log")
        let script = ([program] + arguments).joined(separator: " ")
        let result = try? LocalTransport().run(
            CommandRequest(command: Command(script), log: log, collectOutputs: false), cancellation: CancellationToken())
        return result?.exitCode ?? -1
    }
}

struct Row {
    var shape: Shape
    var size: Int
    var rig: Double
    var ninjaTouch: Double?
    var ninjaTrue: Double?

    static let header = "shape      steps    rig s   rig ms/step   ninja(touch) s   rig/ninja   ninja(true) s   rig/ninja"

    var text: String {
        func f(_ value: Double?, _ digits: Int) -> String { value.map { String(format: "%.\(digits)f", $0) } ?? "-" }
        return [
            shape.rawValue.padding(8), String(size).leftPadding(7), f(rig, 3).leftPadding(8),
            f(rig * 1000 / Double(size), 3).leftPadding(13), f(ninjaTouch, 3).leftPadding(16),
            f(ninjaTouch.map { rig / $0 }, 2).leftPadding(11), f(ninjaTrue, 3).leftPadding(15),
            f(ninjaTrue.map { rig / $0 }, 2).leftPadding(11),
        ].joined(separator: " ")
    }
}

extension String {
    func padding(_ width: Int) -> String { self + String(repeating: " ", count: max(0, width - count)) }
    func leftPadding(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}

extension Duration {
    var seconds: Double {
        let (s, atto) = components
        return Double(s) + Double(atto) / 1e18
    }
}
