import Foundation
import Testing

/// `rig run` / `rig resume` / `rig status` / `rig runs` through the built executable.
@Suite struct ResumeCLITests {
    /// a → b → c, and x → y; b fails until `flag` exists.
    static func chain(_ dir: TestFolder, bRun: String = "echo b >> ledger; test -f flag") -> String {
        shellWorkflow(
            "chain",
            [
                ("a", [], "echo a >> ledger"), ("b", ["a"], bRun), ("c", ["b"], "echo c >> ledger"),
                ("x", [], "echo x >> ledger"), ("y", ["x"], "echo y >> ledger"),
            ])
    }

    @Test func aFailedRunResumesOnlyTheFailedTaskAndWhatNeedsIt() {
        let dir = TestFolder()
        dir.write("w.yaml", Self.chain(dir))
        let first = RigProcess.run(["run", "w.yaml"], in: dir.path)
        #expect(first.status == 1)
        let status = RigProcess.run(["status"], in: dir.path)
        #expect(status.status == 0)
        #expect(status.stdout.contains("failed (exit 1)") && status.stdout.contains("skipped (upstream failed)"), "\(status.output)")
        _ = FileManager.default.createFile(atPath: dir.file("flag"), contents: nil)
        let resumed = RigProcess.run(["resume"], in: dir.path)
        #expect(resumed.status == 0, "\(resumed.output)")
        #expect(dir.ledger("ledger") == ["a": 1, "b": 2, "c": 1, "x": 1, "y": 1])
        let runs = RigProcess.run(["runs"], in: dir.path)
        #expect(runs.stdout.contains("succeeded") && runs.stdout.contains("failed"), "\(runs.output)")
        let noOp = RigProcess.run(["resume", "w.yaml"], in: dir.path)
        #expect(noOp.status == 0 && noOp.stdout.contains("nothing to do"), "\(noOp.output)")
        #expect(dir.ledger("ledger") == ["a": 1, "b": 2, "c": 1, "x": 1, "y": 1])
    }

    @Test func aDefinitionChangeRerunsExactlyTheChangedTasksAndTheirDescendantsWithReasons() {
        let dir = TestFolder()
        dir.write(
            "w.yaml",
            Self.chain(dir, bRun: "echo b >> ledger")
                + "  - id: z\n    type: shell\n    on: local\n    needs: [c]\n    with:\n      run: echo z >> ledger; exit 1\n")
        #expect(RigProcess.run(["run", "w.yaml", "--keep-going"], in: dir.path).status == 1)
        // Between failure and resume: x's command changes (y needs it); z is fixed.
        var text = dir.read("w.yaml").replacingOccurrences(of: "echo x >> ledger", with: "echo x >> ledger; true")
        text = text.replacingOccurrences(of: "echo z >> ledger; exit 1", with: "echo z >> ledger")
        dir.write("w.yaml", text)
        let plan = RigProcess.run(["resume", "--dry-run"], in: dir.path)
        #expect(plan.status == 0)
        let lines = plan.stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
        func line(_ task: String) -> [String] { lines.first { $0.count > 1 && $0[1] == task } ?? [] }
        #expect(line("a@local").first == "skip" && line("b@local").first == "skip" && line("c@local").first == "skip")
        #expect(line("x@local").starts(with: ["run", "x@local", "definition", "changed:", "with.run"]), "\(plan.stdout)")
        #expect(line("y@local").starts(with: ["run", "y@local", "upstream", "runs", "again:", "x@local"]), "\(plan.stdout)")
        #expect(line("z@local").starts(with: ["run", "z@local", "failed:"]), "its own state is the first reason: \(plan.stdout)")
        let explained = RigProcess.run(["plan", "w.yaml", "--resume"], in: dir.path)
        #expect(explained.stdout == plan.stdout)
        let runID = (dir.latestRun as NSString).lastPathComponent
        #expect(RigProcess.run(["plan", runID, "--resume"], in: dir.path).stdout == plan.stdout)
        #expect(RigProcess.run(["plan", "--resume"], in: dir.path).stdout == plan.stdout, "the latest run of the .rig folder here")
        let withoutFile = RigProcess.run(["plan"], in: dir.path)
        #expect(withoutFile.status == 2 && withoutFile.stderr.contains("Missing the workflow file"), "\(withoutFile.output)")

        let before = dir.ledger("ledger")
        let resumed = RigProcess.run(["resume"], in: dir.path)
        #expect(resumed.status == 0, "\(resumed.output)")
        var after = dir.ledger("ledger")
        for (task, count) in before { after[task, default: 0] -= count }
        #expect(after.filter { $0.value != 0 } == ["x": 1, "y": 1, "z": 1])
    }

    @Test func partialRerunsFollowFromOnlyAndForce() {
        let dir = TestFolder()
        dir.write("w.yaml", Self.chain(dir, bRun: "echo b >> ledger"))
        #expect(RigProcess.run(["run", "w.yaml"], in: dir.path).status == 0)
        #expect(RigProcess.run(["resume", "--force", "b"], in: dir.path).status == 0)
        #expect(dir.ledger("ledger") == ["a": 1, "b": 2, "c": 2, "x": 1, "y": 1])
        #expect(RigProcess.run(["resume", "--only", "x"], in: dir.path).status == 0)
        #expect(dir.ledger("ledger") == ["a": 1, "b": 2, "c": 2, "x": 2, "y": 1])
        let unknown = RigProcess.run(["resume", "--from", "nope"], in: dir.path)
        #expect(unknown.status == 2 && unknown.stderr.contains("--from nope: no such task"), "\(unknown.output)")
    }

    @Test func aTornJournalTailIsDroppedAndDamageInTheMiddleIsRefusedWithoutChangingAnything() throws {
        let dir = TestFolder()
        dir.write("w.yaml", Self.chain(dir))
        #expect(RigProcess.run(["run", "w.yaml"], in: dir.path).status == 1)
        let run = dir.latestRun
        let journal = run + "/journal"
        let intact = dir.bytes(String(journal.dropFirst(dir.path.count + 1)))

        // A torn last record (cut mid-write): dropped, the resume works.
        try Data(intact.dropLast(5)).write(to: URL(fileURLWithPath: journal))
        let torn = RigProcess.run(["resume", "--dry-run"], in: dir.path)
        #expect(torn.status == 0, "\(torn.output)")

        // A flipped byte in the middle: refused with where and how to proceed; nothing written.
        var damaged = intact
        damaged[intact.count / 3] ^= 0x5a
        try Data(damaged).write(to: URL(fileURLWithPath: journal))
        let runsBefore = try FileManager.default.contentsOfDirectory(atPath: dir.file(".rig/runs")).sorted()
        let refused = RigProcess.run(["resume"], in: dir.path)
        #expect(refused.status == 4, "\(refused.output)")
        #expect(refused.stderr.contains("is damaged at record") && refused.stderr.contains("--accept-damaged-journal"), "\(refused.stderr)")
        #expect(Array(FileManager.default.contents(atPath: journal) ?? Data()) == damaged)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.file(".rig/runs")).sorted() == runsBefore)

        _ = FileManager.default.createFile(atPath: dir.file("flag"), contents: nil)
        let accepted = RigProcess.run(["resume", "--accept-damaged-journal"], in: dir.path)
        #expect(accepted.status == 0, "\(accepted.output)")
        #expect(Array(FileManager.default.contents(atPath: journal) ?? Data()) == damaged, "the damaged journal is kept as it was")
    }

    @Test func foreignJournalsUnknownRunsAndNewerStateAreClearErrors() throws {
        let dir = TestFolder()
        dir.write("w.yaml", Self.chain(dir))
        #expect(RigProcess.run(["run", "w.yaml"], in: dir.path).status == 1)
        let first = dir.latestRun
        #expect(RigProcess.run(["run", "w.yaml"], in: dir.path).status == 1)
        let second = dir.latestRun
        try FileManager.default.removeItem(atPath: second + "/journal")
        try FileManager.default.copyItem(atPath: first + "/journal", toPath: second + "/journal")
        let foreign = RigProcess.run(["resume"], in: dir.path)
        #expect(foreign.status == 4 && foreign.stderr.contains("belongs to run"), "\(foreign.output)")

        try Data("not a journal at all".utf8).write(to: URL(fileURLWithPath: second + "/journal"))
        let garbage = RigProcess.run(["resume"], in: dir.path)
        #expect(garbage.status == 4 && garbage.stderr.contains("is not a rig journal"), "\(garbage.output)")

        let unknown = RigProcess.run(["resume", "20200101T000000Z-beef"], in: dir.path)
        #expect(unknown.status == 4 && unknown.stderr.contains("no run 20200101T000000Z-beef"), "\(unknown.output)")
        #expect(RigProcess.run(["status", "20200101T000000Z-beef"], in: dir.path).status == 4)

        dir.write(".rig/format", "rig-state 9\n")
        let newer = RigProcess.run(["run", "w.yaml"], in: dir.path)
        #expect(newer.status == 4 && newer.stderr.contains("newer rig"), "\(newer.output)")
        #expect(RigProcess.run(["resume"], in: dir.path).status == 4)
        #expect(dir.read(".rig/format") == "rig-state 9\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.file(".rig/runs")).count == 2)
    }

    @Test func aSecondRunFailsAtOnceNamingTheHolderAndADeadHoldersLockIsTakenOver() throws {
        let dir = TestFolder()
        dir.write("w.yaml", shellWorkflow("slow", [("wait", [], "while [ ! -f go ]; do sleep 0.05; done; echo wait >> ledger")]))
        let holder = RigProcess.Child(["run", "w.yaml"], in: dir.path)
        var waited = 0
        while !dir.read(".rig/lock").contains("pid=\(holder.pid)") || !FileManager.default.fileExists(atPath: dir.latestRun + "/journal") {
            usleep(20_000)
            waited += 1
            if waited > 1500 { break }
        }
        let second = RigProcess.run(["run", "w.yaml"], in: dir.path)
        #expect(second.status == 3, "\(second.output)")
        #expect(second.stderr.contains("PID \(holder.pid)") && second.stderr.contains("started 20"), "\(second.stderr)")
        #expect(RigProcess.run(["resume"], in: dir.path).status == 3)

        kill(holder.pid, SIGKILL)
        _ = holder.wait()
        _ = FileManager.default.createFile(atPath: dir.file("go"), contents: nil)
        let takeover = RigProcess.run(["resume"], in: dir.path)
        #expect(takeover.status == 0, "\(takeover.output)")
        #expect(takeover.stderr.contains("took over the state lock from PID \(holder.pid)"), "\(takeover.stderr)")

        // A lock file naming a process that is gone (e.g. after a reboot) never blocks.
        dir.write(".rig/lock", "pid=999999\nstarted=2026-01-01T00:00:00.000000Z\ncommand=rig run w.yaml\n")
        let stale = RigProcess.run(["run", "w.yaml"], in: dir.path)
        #expect(stale.status == 0, "\(stale.output)")
        #expect(stale.stderr.contains("took over the state lock from PID 999999"))
    }

    @Test func resumeEndsWhatAKilledRunnersTaskLeftRunningBeforeRerunningIt() throws {
        let dir = TestFolder()
        // The background sleep stays in the task's process group when rig and the task's shell die.
        dir.write(
            "w.yaml",
            shellWorkflow(
                "leftover",
                [
                    ("serve", [], "if [ -f second ]; then echo again >> ledger; exit 0; fi; sleep 60 & echo $! > sleeper.pid; wait")
                ]))
        let runner = RigProcess.Child(["run", "w.yaml"], in: dir.path)
        var waited = 0
        while dir.read("sleeper.pid").isEmpty && waited < 1500 {
            usleep(20_000)
            waited += 1
        }
        let sleeper = try #require(Int32(dir.read("sleeper.pid").trimmingCharacters(in: .whitespacesAndNewlines)))
        kill(runner.pid, SIGKILL)
        _ = runner.wait()
        usleep(200_000)
        #expect(RigProcess.Child.isRunningProcess(sleeper), "the grandchild outlives the killed runner")
        _ = FileManager.default.createFile(atPath: dir.file("second"), contents: nil)
        let resumed = RigProcess.run(["resume"], in: dir.path)
        #expect(resumed.status == 0, "\(resumed.output)")
        #expect(resumed.stderr.contains("left 1 process(es)") && resumed.stderr.contains("pid \(sleeper)"), "\(resumed.stderr)")
        #expect(!RigProcess.Child.isRunningProcess(sleeper))
        #expect(dir.ledger("ledger") == ["again": 1])
    }

    @Test func secretOutputsAndSecretsNeverAppearInTheRunFolder() throws {
        let dir = TestFolder()
        // The token is made at run time, so it is not in the workflow file.
        dir.write(
            "w.yaml",
            """
            name: secrets
            secrets:
              - registry_password
            steps:
              - id: init
                type: shell
                on: local
                outputs:
                  token: {secret: true}
                with:
                  run: t=TOK; echo "token=${t}EN-$((6000 + 71))" >> "$RIG_OUTPUT"; echo init >> ledger
              - id: join
                type: shell
                needs: init
                on: local
                with:
                  run: echo "join ${{ steps.init.outputs.token }} ${{ secrets.registry_password }}"; echo join >> ledger; test -f flag

            """)
        let secret = ["RIG_SECRET_registry_password": "pa55-w0rd-xyz"]
        let first = RigProcess.run(["run", "w.yaml"], in: dir.path, environment: secret)
        #expect(first.status == 1)
        let plan = RigProcess.run(["resume", "--dry-run"], in: dir.path)
        #expect(plan.stdout.contains("regenerate secret output token for join@local"), "\(plan.output)")
        _ = FileManager.default.createFile(atPath: dir.file("flag"), contents: nil)
        let resumed = RigProcess.run(["resume"], in: dir.path, environment: secret)
        #expect(resumed.status == 0, "\(resumed.output)")
        #expect(dir.ledger("ledger") == ["init": 2, "join": 2], "init reran to regenerate the token join needs")
        for value in ["TOKEN-6071", "pa55-w0rd-xyz"] {
            #expect(!first.output.contains(value) && !resumed.output.contains(value))
            for file in dir.files(under: ".rig") {
                let bytes = Array(FileManager.default.contents(atPath: file) ?? Data())
                #expect(!bytes.contains(Array(value.utf8)), "\(value) found in \(file)")
            }
        }
        let logs = dir.files(under: ".rig").filter { $0.hasSuffix("join@local.log") }
        #expect(!logs.isEmpty && logs.allSatisfy { (try? String(contentsOfFile: $0, encoding: .utf8))?.contains("join ") == true })
    }
}

extension Array where Element == UInt8 {
    func contains(_ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, needle.count <= count else { return false }
        return (0...(count - needle.count)).contains { self[$0..<($0 + needle.count)].elementsEqual(needle) }
    }
}
