import Foundation
import RigKit
import RigTestSupport
import Testing

/// Kill `rig` with SIGKILL at seeded random moments, resume each time, and check the ledger the
/// tasks append to against the journals: every task completes, a task journaled as succeeded
/// never runs again, and only tasks journaled as started at a kill may have run twice.
@Suite struct CrashResumeTests {
    static let taskCount = 200
    static let kills = 50

    /// 200 steps in ten interleaved chains with cross links; each appends its id to the ledger.
    static func workflow(ledger: String) -> String {
        shellWorkflow(
            "crash",
            (0..<taskCount).map { i in
                var needs: [String] = []
                if i >= 10 { needs.append("s\(i - 10)") }
                if i >= 7, i % 3 == 0 { needs.append("s\(i - 7)") }
                return ("s\(i)", needs, "sleep 0.01; echo s\(i) >> \(ledger)")
            })
    }

    @Test func killedRunsResumeWithoutRerunningFinishedTasks() throws {
        var random = SplitMix64(seed: 20261202)
        var kills = 0
        var rounds = 0
        var killedMidTask = 0
        var ranTwice = 0
        while kills < Self.kills {
            rounds += 1
            let result = try round(&random, killsLeft: Self.kills - kills)
            kills += result.kills
            killedMidTask += result.killedMidTask
            ranTwice += result.ranTwice
            if rounds > 20 { break }
        }
        print(
            "crash test: \(kills) kills in \(rounds) round(s); \(killedMidTask) kills caught tasks started; \(ranTwice) task runs repeated")
        #expect(kills >= Self.kills, "only \(kills) kills landed in \(rounds) rounds")
        #expect(killedMidTask > 0, "no kill landed while a task ran: the test proves nothing")
    }

    /// One workflow from scratch to done; returns how many kills landed while rig ran.
    private func round(_ random: inout SplitMix64, killsLeft: Int) throws -> (kills: Int, killedMidTask: Int, ranTwice: Int) {
        let dir = TestFolder()
        dir.write("w.yaml", Self.workflow(ledger: dir.file("ledger")))
        var startedAtKill: [String: Int] = [:]
        /// Ledger count of each task when the journal first showed it succeeded.
        var countWhenSucceeded: [String: Int] = [:]
        var kills = 0
        var killedMidTask = 0
        var first = true
        var attempts = 0
        while kills < killsLeft {
            attempts += 1
            if attempts > 4 * killsLeft + 10 { break }
            let child = RigProcess.Child(first ? ["run", "w.yaml", "--jobs", "4"] : ["resume", "--jobs", "4"], in: dir.path)
            // One kill in five lands early (loading, planning, creating the run); the others at a
            // random moment after the new run's journal exists, however slow the machine is.
            let before = dir.read(".rig/latest")
            if Int.random(in: 0..<5, using: &random) == 0 {
                usleep(UInt32.random(in: 0...150_000, using: &random))
            } else {
                var polls = 0
                while child.isRunning, polls < 3000,
                    dir.read(".rig/latest") == before || !FileManager.default.fileExists(atPath: dir.latestRun + "/journal")
                {
                    usleep(5_000)
                    polls += 1
                }
                usleep(UInt32.random(in: 0...250_000, using: &random))
            }
            guard child.isRunning else {
                let result = child.wait()
                #expect(result.status == 0, "\(result.output)")
                if result.stdout.contains("nothing to do") { break }
                continue
            }
            kill(child.pid, SIGKILL)
            _ = child.wait()
            kills += 1
            first = first && !FileManager.default.fileExists(atPath: dir.file(".rig/latest"))
            guard let state = try latestState(dir) else { continue }
            let ledger = dir.ledger("ledger")
            if state.states.contains(where: { $0.phase == .started }) { killedMidTask += 1 }
            for task in state.states {
                switch task.phase {
                case .started: startedAtKill[task.task.step, default: 0] += 1
                case .succeeded:
                    if countWhenSucceeded[task.task.step] == nil { countWhenSucceeded[task.task.step] = ledger[task.task.step] ?? 0 }
                default: break
                }
            }
        }
        let last = RigProcess.run(first ? ["run", "w.yaml"] : ["resume"], in: dir.path)
        #expect(last.status == 0, "\(last.output)")
        let done = RigProcess.run(["resume"], in: dir.path)
        #expect(done.status == 0 && done.stdout.contains("nothing to do"), "\(done.output)")

        let ledger = dir.ledger("ledger")
        for i in 0..<Self.taskCount {
            let id = "s\(i)"
            let count = ledger[id] ?? 0
            #expect(count >= 1, "\(id) never ran")
            #expect(
                count <= 1 + (startedAtKill[id] ?? 0), "\(id) ran \(count) times but was started at only \(startedAtKill[id] ?? 0) kills")
            if let then = countWhenSucceeded[id] {
                #expect(count == then, "\(id) ran again after it was journaled as succeeded")
            }
        }
        return (kills, killedMidTask, ledger.values.reduce(0) { $0 + $1 - 1 })
    }

    /// The journal of the run that was just killed; nil if it died before writing one.
    private func latestState(_ dir: TestFolder) throws -> JournalState? {
        let journal = dir.latestRun + "/journal"
        guard FileManager.default.fileExists(atPath: journal) else { return nil }
        let contents = try JournalReader.read(journal)
        #expect(contents.damage == nil, "a kill must only ever tear the last record")
        return JournalState(records: contents.records)
    }
}
