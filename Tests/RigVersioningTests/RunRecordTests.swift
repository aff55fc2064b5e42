import Foundation
import RigKit
import RigTestSupport
import Testing

@testable import RigVersioning

@Suite struct RunRecordTests {
    private func run(_ id: String, _ revision: Revision, _ status: RunRecord.Status, minute: Int, tasks: [RunRecord.TaskRecord] = [])
        -> RunRecord
    {
        let start = Date(timeIntervalSince1970: 1_800_000_000 + Double(minute) * 60)
        return RunRecord(id: id, revision: revision.id, status: status, startedAt: start, endedAt: start + 42, tasks: tasks)
    }

    @Test func runRecordsAreCommittedOnTheirOwnRefOneFilePerRun() throws {
        let fixture = try StoreFixture()
        let r1 = try fixture.commit(["workflow.yaml": "1"], summary: "first")
        let r2 = try fixture.commit(["workflow.yaml": "2"], summary: "second")
        let run1 = run("run-1", r1, .succeeded, minute: 0, tasks: [.init(step: "prepare", host: "node1", status: .changed)])
        let run2 = run(
            "run-2", r2, .failed, minute: 5,
            tasks: [
                .init(step: "prepare", host: "node1", status: .ok), .init(step: "join", host: "node2", status: .failed),
            ])
        let run3 = run("run-3", r2, .succeeded, minute: 9)
        for record in [run1, run2, run3] { try fixture.store.recordRun(record) }

        #expect(try fixture.git("for-each-ref", "--format=%(refname)", "refs/rig") == "refs/rig/runs")
        #expect(try fixture.git("rev-list", "--count", "refs/rig/runs") == "3")
        #expect(try fixture.git("rev-list", "--count", "HEAD") == "2")
        #expect(throws: CommandFailed.self) { try fixture.git("merge-base", "HEAD", "refs/rig/runs") }
        #expect(try fixture.git("ls-tree", "-r", "--name-only", "refs/rig/runs") == "runs/run-1.json\nruns/run-2.json\nruns/run-3.json")
        #expect(try fixture.git("log", "-1", "--format=%s", "refs/rig/runs") == "Run run-3: succeeded, revision \(r2.id.short)")

        let json = try fixture.git("show", "refs/rig/runs:runs/run-2.json")
        let object = try #require(try JSONSerialization.jsonObject(with: data(json)) as? [String: Any])
        #expect(Set(object.keys) == ["id", "revision", "status", "startedAt", "endedAt", "tasks"])
        #expect(object["revision"] as? String == r2.id.hex)
        #expect(object["status"] as? String == "failed")
        #expect(object["startedAt"] as? String == "2027-01-15T08:05:00Z")
        let tasks = try #require(object["tasks"] as? [[String: String]])
        #expect(tasks == [["step": "prepare", "host": "node1", "status": "ok"], ["step": "join", "host": "node2", "status": "failed"]])
        #expect(!json.contains("\n"))

        #expect(try fixture.store.runRecords() == [run1, run2, run3])
        #expect(try fixture.git("fsck", "--strict").isEmpty)
    }

    @Test func recordingTheSameRunTwiceAddsNoCommit() throws {
        let fixture = try StoreFixture()
        let revision = try fixture.commit(["workflow.yaml": "1"])
        let record = run("r", revision, .succeeded, minute: 0)
        let tip = try fixture.store.recordRun(record)
        #expect(try fixture.store.recordRun(record) == tip)
        #expect(try fixture.git("rev-list", "--count", "refs/rig/runs") == "1")
        #expect(throws: RevisionStoreError.invalidRunID("../escape")) {
            try fixture.store.recordRun(
                RunRecord(id: "../escape", revision: nil, status: .failed, startedAt: Date(), endedAt: Date(), tasks: []))
        }
    }

    @Test func historyJoinsRevisionsWithTheRunsThatUsedThemAndTheirTags() throws {
        let fixture = try StoreFixture()
        let r1 = try fixture.commit(["workflow.yaml": "1"], summary: "first")
        let r2 = try fixture.commit(["workflow.yaml": "2"], summary: "add worker node4")
        try fixture.store.tag("prod", r1.id.hex)
        let run1 = run("run-1", r1, .succeeded, minute: 0, tasks: [.init(step: "a", host: "local", status: .ok)])
        let run2 = run("run-2", r2, .failed, minute: 5, tasks: [.init(step: "join", host: "node4", status: .failed)])
        let run3 = run("run-3", r2, .succeeded, minute: 9)
        for record in [run3, run1, run2] { try fixture.store.recordRun(record) }

        let history = try fixture.store.history()
        #expect(history.map(\.revision.id) == [r2.id, r1.id])
        #expect(history.map(\.runs) == [[run2, run3], [run1]])
        #expect(history.map(\.tags) == [[], ["prod"]])

        let text = HistoryFormatter.text(history, timeZone: TimeZone(identifier: "UTC")!)
        #expect(
            text.contains(
                "\(r2.shortID)  \(HistoryFormatter.format(r2.date, TimeZone(identifier: "UTC")!))  Ada Lovelace <ada@example.com>\n    add worker node4\n"
            ))
        #expect(text.contains("    run run-2 failed (1 task; 1 failed: join@node4)\n    run run-3 succeeded (0 tasks)\n"))
        #expect(text.contains("(tag: prod)\n    first\n    run run-1 succeeded (1 task)\n"))
    }

    @Test func taskOutcomesMapToCompactStatusesWithoutFailureDetails() {
        let task = TaskID(step: "s", host: "h")
        #expect(RunRecord.TaskRecord(task, .succeeded(.changed)).status == .changed)
        #expect(RunRecord.TaskRecord(task, .succeeded(.ok)).status == .ok)
        #expect(RunRecord.TaskRecord(task, .okByGuard).status == .okByGuard)
        #expect(RunRecord.TaskRecord(task, .skipped(.alreadyDone(runID: "x"))).status == .alreadyDone)
        #expect(RunRecord.TaskRecord(task, .skipped(.conditionFalse)).status == .skipped)
        #expect(RunRecord.TaskRecord(task, .failed(.commandFailed(exitCode: 1, message: "secret output"))).status == .failed)
        #expect(RunRecord.TaskRecord(task, .interrupted).status == .interrupted)
    }
}
