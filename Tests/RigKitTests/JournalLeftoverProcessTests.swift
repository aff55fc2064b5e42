import Foundation
import Testing

@testable import RigKit

/// `bash -c script` in a process group of its own, as the engine launches tasks.
private func spawnGroup(_ script: String) throws -> pid_t {
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
    posix_spawnattr_setpgroup(&attributes, 0)
    let argv: [UnsafeMutablePointer<CChar>?] = [strdup("bash"), strdup("-c"), strdup(script), nil]
    defer { argv.forEach { free($0) } }
    var pid: pid_t = 0
    let rc = posix_spawn(&pid, "/bin/bash", nil, &attributes, argv, environ)
    guard rc == 0 else { throw POSIXError(POSIXErrorCode(rawValue: rc) ?? .EIO) }
    return pid
}

private func members(ofGroup group: pid_t) -> [ProcessTable.Entry] {
    ProcessTable.all().filter { $0.processGroup == group && !$0.isDead }
}

private func waitFor(_ condition: () -> Bool) {
    for _ in 0..<250 where !condition() { usleep(20_000) }
}

/// A journal in which `task` started in `group` and never finished.
private func unfinishedTaskState(group: pid_t, leaderTicks: UInt64?, startedMicros: Int64, bootID: String? = ProcessTable.bootID())
    -> JournalState
{
    JournalState(records: [
        JournalRecord(.runStarted, runID: "r1", bootID: bootID, pid: 1),
        JournalRecord(.started, task: task("long"), timeMicros: startedMicros, attempt: 1),
        JournalRecord(
            .processStarted, task: task("long"), timeMicros: startedMicros, processGroup: group,
            processStartTicks: leaderTicks),
        JournalRecord(.started, task: task("done"), timeMicros: startedMicros, attempt: 1),
        JournalRecord(.processStarted, task: task("done"), timeMicros: startedMicros, processGroup: group),
        JournalRecord(.succeeded, task: task("done"), status: .changed),
    ])
}

@Suite(.serialized) struct JournalLeftoverProcessTests {
    @Test func leftoversOfAnUnfinishedTaskAreFoundAndEnded() throws {
        let started = JournalRecord.now() - 1_000_000
        let leader = try spawnGroup("sleep 60 & sleep 60 & wait")
        defer {
            kill(-leader, SIGKILL)
            waitpid(leader, nil, 0)
        }
        waitFor { members(ofGroup: leader).count == 3 }
        #expect(members(ofGroup: leader).count == 3)
        let ticks = ProcessTable.entry(leader)?.startTicks
        let state = unfinishedTaskState(group: leader, leaderTicks: ticks, startedMicros: started)

        let found = LeftoverProcesses.find(in: state)
        #expect(Set(found.map(\.pid)) == Set(members(ofGroup: leader).map(\.pid)))
        #expect(found.allSatisfy { $0.task == task("long") })

        let report = LeftoverProcesses.reap(state, grace: .seconds(3))
        #expect(report.found.count == 3)
        #expect(report.survivors.isEmpty)
        #expect(members(ofGroup: leader).isEmpty)
    }

    @Test func aGroupWhoseLeaderStartedAtAnotherTimeIsNotOurs() throws {
        let leader = try spawnGroup("sleep 60")
        defer {
            kill(-leader, SIGKILL)
            waitpid(leader, nil, 0)
        }
        waitFor { ProcessTable.entry(leader) != nil }
        let ticks = try #require(ProcessTable.entry(leader)?.startTicks)
        let reused = unfinishedTaskState(group: leader, leaderTicks: ticks + 500, startedMicros: JournalRecord.now())
        #expect(LeftoverProcesses.find(in: reused).isEmpty)
        #expect(LeftoverProcesses.reap(reused).found.isEmpty)
        #expect(ProcessTable.entry(leader)?.isDead == false, "a process that is not ours is never signalled")

        let startedLater = unfinishedTaskState(group: leader, leaderTicks: nil, startedMicros: JournalRecord.now() + 60_000_000)
        #expect(LeftoverProcesses.find(in: startedLater).isEmpty, "a process older than the task is not its leftover")

        let otherBoot = unfinishedTaskState(
            group: leader, leaderTicks: ticks, startedMicros: JournalRecord.now(),
            bootID: "00000000-0000-0000-0000-000000000000")
        #expect(LeftoverProcesses.find(in: otherBoot).isEmpty)
        #expect(LeftoverProcesses.find(in: unfinishedTaskState(group: leader, leaderTicks: ticks, startedMicros: 0)).count == 1)
    }

    @Test func procStatParsingSurvivesOddCommandNames() {
        let line = "1234 (my (odd) cmd) S 1 777 777 0 -1 4194560 100 0 0 0 0 0 0 0 20 0 1 0 98765 1000 10 18446744073709551615"
        let entry = ProcessTable.parse(stat: Array(line.utf8), pid: 1234)
        #expect(entry == ProcessTable.Entry(pid: 1234, processGroup: 777, state: "S", startTicks: 98765))
    }
}
