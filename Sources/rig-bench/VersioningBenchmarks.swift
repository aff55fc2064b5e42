import Foundation
import RigKit
import RigModel
import RigVersioning

/// `rig-bench versioning [--revisions N]`: what revisions cost. An auto-revision commit (with
/// the semantic summary, inside a user's repository) and `rig history` in a store with 1,000
/// revisions and run records, next to `git commit` and `git log` through the git CLI in the
/// same run. Targets: commit < 20 ms, history < 200 ms.
enum VersioningBenchmarks {
    static func main(_ arguments: [String]) {
        var revisions = 1_000
        if let index = arguments.firstIndex(of: "--revisions"), index + 1 < arguments.count, let n = Int(arguments[index + 1]) {
            revisions = n
        }
        let root = Bench.temporaryDirectory("versioning")
        defer { Bench.removeFiles() }
        do {
            try run(root: URL(fileURLWithPath: root), revisions: revisions)
        } catch {
            print("rig-bench versioning: \(error)")
            exit(1)
        }
    }

    private static func run(root: URL, revisions count: Int) throws {
        // The workflow folder sits inside a user's repository with 200 files, so each commit
        // also reads that repository's HEAD and status, as an auto-revision does.
        let user = root.appendingPathComponent("user")
        try FileManager.default.createDirectory(at: user, withIntermediateDirectories: true)
        try shell("git init -q", in: user)
        for n in 0..<200 { try write(user.appendingPathComponent("src/file\(n).txt"), "content \(n)\n") }
        try shell("git add -A && git -c user.name=B -c user.email=b@example.com commit -q -m 'user files'", in: user)
        let folder = user.appendingPathComponent("deploy")
        let store = try RevisionStore(
            workflowDirectory: folder, environment: ["RIG_AUTHOR_NAME": "Bench", "RIG_AUTHOR_EMAIL": "b@example.com"])
        let loader = WorkflowLoader(registry: .builtIns)
        let load = { (files: [(path: String, content: Data)]) throws -> Workflow in
            try RevisionStore.withTemporaryFolder(holding: files) {
                try loader.load(workflowAt: $0.appendingPathComponent("workflow.yaml").path)
            }
        }

        var commitTimes: [Double] = []
        var summarizedTimes: [Double] = []
        for n in 0..<count {
            let current = files(n)
            if n >= count - 50 {
                // What `rig run` does: the summary loads both sides and diffs them.
                summarizedTimes.append(
                    try milliseconds {
                        try store.commitRevision(files: current, workflowFile: "workflow.yaml") { previous in
                            RevisionSummary.line(previous: previous, current: current, load: load)
                        }
                    })
            } else {
                let time = try milliseconds {
                    try store.commitRevision(files: current, summary: "revision \(n)", workflowFile: "workflow.yaml")
                }
                if n >= count - 150 { commitTimes.append(time) }
            }
        }
        var recordTimes: [Double] = []
        for (index, revision) in try store.revisions().enumerated() {
            let time = try milliseconds {
                try store.recordRun(
                    RunRecord(
                        id: "run-\(revision.shortID)", revision: revision.id, status: .succeeded, startedAt: revision.date,
                        endedAt: revision.date + 60, tasks: [.init(step: "step0", host: "node1", status: .changed)]))
            }
            if index < 100 { recordTimes.append(time) }
        }
        let unchanged = try (0..<20).map { _ in try milliseconds { try store.commitRevision(files: files(count - 1), summary: "same") } }
        let historyTimes = try (0..<10).map { _ in try milliseconds { _ = HistoryFormatter.text(try store.history()) } }
        let revisionsTimes = try (0..<10).map { _ in try milliseconds { _ = try store.revisions() } }
        let recordsTimes = try (0..<10).map { _ in try milliseconds { _ = try store.runRecords() } }
        let entries = try store.history()
        let loadTimes = try (0..<20).map { _ in try milliseconds { _ = try load(files(0)) } }
        let formatTimes = (0..<10).map { _ in milliseconds { _ = HistoryFormatter.text(entries) } }
        let rig = rigExecutable()
        let rigHistoryTimes = try rig.map { rig in
            try (0..<10).map { _ in try milliseconds { try shell("'\(rig)' history --folder '\(folder.path)' > /dev/null", in: root) } }
        }

        // The git CLI on the same machine: commits of the same files in a normal repository,
        // and `git log` of the store rig wrote.
        let cli = root.appendingPathComponent("cli")
        try FileManager.default.createDirectory(at: cli, withIntermediateDirectories: true)
        try shell("git init -q", in: cli)
        let cliCommitTimes = try (0..<100).map { n in
            for file in files(n) { try write(cli.appendingPathComponent(file.path), String(decoding: file.content, as: UTF8.self)) }
            return try milliseconds {
                try shell("git add -A && git -c user.name=B -c user.email=b@example.com commit -q -m 'revision \(n)'", in: cli)
            }
        }
        let logTimes = try (0..<10).map { _ in try milliseconds { try shell("git --git-dir '\(store.url.path)' log > /dev/null", in: root) }
        }
        let spawnTimes = try (0..<20).map { _ in try milliseconds { try shell("true", in: root) } }

        print(
            """
            rig-bench versioning: store with \(count) revisions and \(count) run records, inside a 200-file user repository
              auto-revision commit (library, summary given):                 \(summary(commitTimes))
              auto-revision commit with the semantic summary (as `rig run`):  \(summary(summarizedTimes))
                of which: each side loaded from a temporary copy \(summary(loadTimes))
              commit of unchanged content (no new revision):                  \(summary(unchanged))
              run record commit:                                              \(summary(recordTimes))
              history (library, joined with runs and tags, formatted):        \(summary(historyTimes))
                of which: revision walk \(summary(revisionsTimes))
                          run records   \(summary(recordsTimes))
                          formatting    \(summary(formatTimes))
              `rig history` (the executable, process start included):         \(rigHistoryTimes.map(summary) ?? "rig executable not found beside rig-bench")
              `git add -A && git commit` (CLI, two processes):                \(summary(cliCommitTimes))
              `git --git-dir <store> log` (CLI):                              \(summary(logTimes))
              `sh -c true` through popen (process start floor):               \(summary(spawnTimes))
            """)
    }

    /// A realistic set of workflow files: ~3 KB of workflow with 40 steps, an inventory and a
    /// plugin script; revision `n` changes one step's command.
    static func files(_ n: Int) -> [(path: String, content: Data)] {
        let steps = (0..<40).map { i in
            "  - id: step\(i)\n    type: shell\n    with: {run: \"echo \(i == n % 40 ? "\(i)-\(n)" : "\(i)")\"}\n"
        }.joined()
        return [
            (path: "workflow.yaml", content: Data("name: bench\nhosts: inventory/lab.yaml\nsteps:\n\(steps)".utf8)),
            (path: "inventory/lab.yaml", content: Data("hosts:\n  - {name: node1, address: 192.168.1.21, roles: [master]}\n".utf8)),
            (path: "plugins/gpu/step.sh", content: Data("#!/bin/sh\necho gpu\n".utf8)),
        ]
    }

    /// The `rig` executable in the same build products folder as this one.
    static func rigExecutable() -> String? {
        let me = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        let rig = me.deletingLastPathComponent().appendingPathComponent("rig").path
        return FileManager.default.isExecutableFile(atPath: rig) ? rig : nil
    }

    static func milliseconds(_ body: () throws -> Void) rethrows -> Double {
        let start = ContinuousClock.now
        try body()
        return (ContinuousClock.now - start).seconds * 1000
    }

    static func summary(_ samples: [Double]) -> String {
        let sorted = samples.sorted()
        let median = sorted[sorted.count / 2]
        let p95 = sorted[min(sorted.count - 1, sorted.count * 95 / 100)]
        return String(format: "median %7.2f ms, p95 %7.2f ms (n=%d)", median, p95, samples.count)
    }

    static func write(_ url: URL, _ text: String) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    struct ShellFailed: Error, CustomStringConvertible {
        var command: String
        var status: Int32
        var description: String { "`\(command)` exited \(status)" }
    }

    /// A synchronous `sh -c` through popen (rig-bench only: the product never shells out to git).
    static func shell(_ command: String, in directory: URL) throws {
        guard let pipe = popen("cd '\(directory.path)' && \(command) 2>&1", "r") else { throw ShellFailed(command: command, status: -1) }
        var buffer = [UInt8](repeating: 0, count: 4096)
        while fread(&buffer, 1, buffer.count, pipe) > 0 {}
        let status = pclose(pipe)
        guard status == 0 else { throw ShellFailed(command: command, status: status) }
    }
}
