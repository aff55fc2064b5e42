import Foundation
import Testing
@testable import RigVersioning

/// Figures for the report, printed and never asserted. Run with
/// `RIG_BENCH=1 swift test --filter VersioningBenchmark`.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["RIG_BENCH"] != nil))
struct VersioningBenchmark {
    private func milliseconds(_ body: () throws -> Void) rethrows -> Double {
        let start = ContinuousClock.now
        try body()
        return (ContinuousClock.now - start).seconds * 1000
    }

    private func summary(_ samples: [Double]) -> String {
        let sorted = samples.sorted()
        let median = sorted[sorted.count / 2]
        let p95 = sorted[min(sorted.count - 1, sorted.count * 95 / 100)]
        return String(format: "median %.2f ms, p95 %.2f ms (n=%d)", median, p95, samples.count)
    }

    /// A realistic set of workflow files: ~3 KB of workflow, an inventory and a plugin script.
    private func files(_ n: Int) -> [(path: String, content: Data)] {
        let steps = (0..<40).map { "  - id: step\($0)\n    type: shell\n    with: {run: \"echo \($0)\"}\n" }.joined()
        return [
            (path: "workflow.yaml", content: data("name: bench\nsteps:\n\(steps)# revision \(n)\n")),
            (path: "inventory/lab.yaml", content: data("hosts:\n  node1: {address: 192.168.1.21, roles: [master]}\n")),
            (path: "plugins/gpu/step.sh", content: data("#!/bin/sh\necho gpu\n")),
        ]
    }

    @Test func commitAndHistoryOnAThousandRevisions() throws {
        // The workflow folder sits inside a user's repository with 200 files, so each commit
        // also reads that repository's HEAD and status, as an auto-revision does.
        let user = try TemporaryDirectory("rig-bench-user")
        try git("init", "-q", in: user.url)
        for n in 0..<200 { try user.write("src/file\(n).txt", "content \(n)\n") }
        try git("add", "-A", in: user.url)
        try git("commit", "-q", "-m", "user files", in: user.url)
        let folder = user.path("deploy")
        let store = try RevisionStore(workflowDirectory: folder, environment: ["RIG_AUTHOR_NAME": "Bench", "RIG_AUTHOR_EMAIL": "b@example.com"])

        var commitTimes: [Double] = []
        for n in 0..<1000 {
            let time = try milliseconds { try store.commitRevision(files: files(n), summary: "revision \(n)") }
            if n >= 900 { commitTimes.append(time) }
        }
        let revisions = try store.revisions()
        var recordTimes: [Double] = []
        for (index, revision) in revisions.enumerated() {
            let start = revision.date
            let time = try milliseconds { try store.recordRun(RunRecord(
                id: "run-\(revision.shortID)", revision: revision.id, status: .succeeded, startedAt: start, endedAt: start + 60,
                tasks: [.init(step: "step0", host: "node1", status: .changed)])) }
            if index >= 900 { recordTimes.append(time) }
        }
        let unchanged = try (0..<20).map { _ in try milliseconds { try store.commitRevision(files: files(999), summary: "same") } }
        let inspectTimes = (0..<20).map { _ in milliseconds { _ = WorkspaceProvenance.inspect(directory: folder) } }
        let historyTimes = try (0..<5).map { _ in try milliseconds { _ = try store.history() } }
        #expect(try store.history().count == 1000)
        let revisionsTimes = try (0..<5).map { _ in try milliseconds { _ = try store.revisions() } }
        let formatTimes = try (0..<5).map { _ in
            try milliseconds { _ = HistoryFormatter.text(try store.history()) }
        }

        // The git CLI on the same machine: a commit of the same files in a normal repository,
        // and `git log` of the 1,000-revision store.
        let cli = try TemporaryDirectory("rig-bench-cli")
        try git("init", "-q", in: cli.url)
        var cliCommitTimes: [Double] = []
        for n in 0..<100 {
            for file in files(n) { try cli.write(file.path, String(decoding: file.content, as: UTF8.self)) }
            cliCommitTimes.append(try milliseconds { try git("commit", "-q", "-a", "--allow-empty", "-m", "revision \(n)", in: cli.url) })
            if n == 0 { try git("add", "-A", in: cli.url); try git("commit", "-q", "--amend", "-m", "first", in: cli.url) }
        }
        let cliAddCommitTimes = try (100..<150).map { n in
            for file in files(n) { try cli.write(file.path, String(decoding: file.content, as: UTF8.self)) }
            return try milliseconds { try git("add", "-A", in: cli.url); try git("commit", "-q", "-m", "revision \(n)", in: cli.url) }
        }
        let logTimes = try (0..<5).map { _ in try milliseconds { _ = try git("--git-dir", store.url.path, "log") } }
        let spawnTimes = try (0..<20).map { _ in try milliseconds { _ = try git("--version") } }

        print("""
            VERSIONING BENCHMARK (debug build; libgit2 \(try git("--version")))
              rig commitRevision, store with 900-1000 revisions, inside a 200-file user repo: \(summary(commitTimes))
              rig commitRevision with unchanged content (no commit):                            \(summary(unchanged))
              rig recordRun with 900-1000 runs already recorded:                             \(summary(recordTimes))
              WorkspaceProvenance.inspect (discover + HEAD + status of the user repo):        \(summary(inspectTimes))
              rig history() (1,000 revisions joined with 1,000 run records and tags):        \(summary(historyTimes))
              rig revisions() only (revwalk + 1,000 commit reads):                           \(summary(revisionsTimes))
              rig history() + HistoryFormatter.text:                                         \(summary(formatTimes))
              git commit -a (CLI, includes process start):                                   \(summary(cliCommitTimes))
              git add -A && git commit (CLI, two processes):                                 \(summary(cliAddCommitTimes))
              git --git-dir <store> log, 1,000 revisions (CLI):                              \(summary(logTimes))
              git --version (process start floor via popen):                                 \(summary(spawnTimes))
            """)
    }
}
