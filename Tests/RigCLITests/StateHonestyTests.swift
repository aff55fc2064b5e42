import Foundation
import Testing

/// A lost journal, a dry run beside an active run: `rig resume` says what is wrong instead of
/// quietly rerunning work or blaming a runner that is alive.
@Suite struct StateHonestyTests {
    enum JournalLoss: String, CaseIterable, CustomTestStringConvertible {
        case deleted, emptied
        var testDescription: String { rawValue }

        func apply(to journal: String) {
            switch self {
            case .deleted: unlink(journal)
            case .emptied: truncate(journal, 0)
            }
        }
    }

    static func twoSteps(_ dir: TestFolder, bRun: String = "echo b >> ledger") -> String {
        shellWorkflow("two", [("a", [], "echo a >> ledger"), ("b", ["a"], bRun)])
    }

    /// The command between the last pair of backticks that follows `marker`.
    static func command(after marker: String, in message: String) -> String? {
        guard let range = message.range(of: marker) else { return nil }
        let parts = message[range.upperBound...].split(separator: "`", omittingEmptySubsequences: false)
        return parts.count >= 3 ? String(parts[1]) : nil
    }

    /// `sh -c COMMAND` in `directory`, with the built `rig` first on PATH: a hint pasted into a shell.
    static func sh(_ command: String, in directory: String) -> RigProcess.Result {
        let rigFolder = (RigProcess.executable as NSString).deletingLastPathComponent
        let path = rigFolder + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var env = ProcessInfo.processInfo.environment
        env["PATH"] = path
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch { return RigProcess.Result(status: -1, stdout: "", stderr: "\(error)") }
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return RigProcess.Result(
            status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self))
    }

    @Test(arguments: JournalLoss.allCases)
    func aLostJournalOfAFinishedRunIsRefusedUntilTheOperatorAcceptsRerunningIt(_ loss: JournalLoss) {
        let dir = TestFolder()
        dir.write("w.yaml", Self.twoSteps(dir))
        #expect(RigProcess.run(["run", "w.yaml"], in: dir.path).status == 0)
        let run = dir.latestRun
        loss.apply(to: run + "/journal")

        let refused = RigProcess.run(["resume"], in: dir.path)
        #expect(refused.status == 4, "\(refused.output)")
        #expect(refused.stderr.contains(run + "/journal") && refused.stderr.contains(run + "/run.json"), "\(refused.output)")
        #expect(refused.stderr.contains("--accept-damaged-journal"), "\(refused.output)")
        #expect(dir.ledger("ledger") == ["a": 1, "b": 1], "nothing ran")
        let status = RigProcess.run(["status"], in: dir.path)
        #expect(status.status == 0 && status.stderr.contains(run + "/run.json") && !status.stderr.contains("disk"), "\(status.output)")

        let hint = Self.command(after: "--accept-damaged-journal", in: refused.stderr) ?? Self.command(after: "rerun", in: refused.stderr)
        #expect(hint?.contains("rig resume") == true && hint?.contains("--accept-damaged-journal") == true, "\(refused.stderr)")
        let accepted = Self.sh(hint ?? "false", in: NSTemporaryDirectory())
        #expect(accepted.status == 0, "\(accepted.output)")
        #expect(dir.ledger("ledger") == ["a": 2, "b": 2], "what the journal cannot prove done runs again")
    }

    @Test(arguments: JournalLoss.allCases)
    func aLostJournalOfAFailedRunIsRefusedInsteadOfRerunningItsSucceededTask(_ loss: JournalLoss) {
        let dir = TestFolder()
        dir.write("w.yaml", Self.twoSteps(dir, bRun: "echo b >> ledger; test -f flag"))
        #expect(RigProcess.run(["run", "w.yaml"], in: dir.path).status == 1)
        _ = FileManager.default.createFile(atPath: dir.file("flag"), contents: nil)
        loss.apply(to: dir.latestRun + "/journal")

        let refused = RigProcess.run(["resume"], in: dir.path)
        #expect(refused.status == 4, "\(refused.output)")
        #expect(dir.ledger("ledger") == ["a": 1, "b": 1], "a, done, did not run again silently")
        let accepted = RigProcess.run(["resume", "--accept-damaged-journal"], in: dir.path)
        #expect(accepted.status == 0, "\(accepted.output)")
        #expect(dir.ledger("ledger") == ["a": 2, "b": 2])
    }

    /// A run killed mid-way has no task counts in run.json; its task logs show what started.
    @Test func aLostJournalOfAKilledRunIsRefusedWhenItsLogsShowTasksRan() throws {
        let dir = TestFolder()
        dir.write("w.yaml", Self.twoSteps(dir))
        #expect(RigProcess.run(["run", "w.yaml"], in: dir.path).status == 0)
        let run = dir.latestRun
        let manifestData = try Data(contentsOf: URL(fileURLWithPath: run + "/run.json"))
        var manifest = try #require(try JSONSerialization.jsonObject(with: manifestData) as? [String: Any])
        manifest["status"] = "running"
        manifest["taskCounts"] = nil
        manifest["endedAt"] = nil
        manifest["pid"] = 999_999_999
        try JSONSerialization.data(withJSONObject: manifest).write(to: URL(fileURLWithPath: run + "/run.json"))
        unlink(run + "/journal")

        let refused = RigProcess.run(["resume"], in: dir.path)
        #expect(refused.status == 4, "\(refused.output)")
        #expect(refused.stderr.contains(run + "/logs"), "\(refused.output)")
        #expect(dir.ledger("ledger") == ["a": 1, "b": 1])
    }

    @Test func aDryRunBesideAnActiveRunSaysAnotherRunIsActiveAsTheRealResumeDoes() throws {
        let dir = TestFolder()
        dir.write("w.yaml", Self.twoSteps(dir, bRun: "touch started; sleep 60"))
        let active = RigProcess.Child(["run", "w.yaml"], in: dir.path)
        var stopped: RigProcess.Result?
        defer {
            if stopped == nil {
                kill(active.pid, SIGTERM)
                _ = active.wait()
            }
        }
        var waited = 0
        while !FileManager.default.fileExists(atPath: dir.file("started")), active.isRunning, waited < 600 {
            usleep(50_000)
            waited += 1
        }
        try #require(FileManager.default.fileExists(atPath: dir.file("started")), "the run never started b")

        let real = RigProcess.run(["resume"], in: dir.path)
        #expect(real.status == 3, "\(real.output)")
        let dry = RigProcess.run(["resume", "--dry-run"], in: dir.path)
        #expect(dry.status == 3, "\(dry.output)")
        #expect(dry.stderr == real.stderr, "same refusal as the real resume")
        #expect(dry.stderr.contains("another rig is using this state folder"), "\(dry.output)")
        #expect(!dry.output.contains("dead runner") && !dry.output.contains("the runner died"), "\(dry.output)")
        let plan = RigProcess.run(["plan", "--resume"], in: dir.path)
        #expect(plan.status == 3 && plan.stderr == real.stderr, "\(plan.output)")

        kill(active.pid, SIGTERM)
        stopped = active.wait()
        #expect(stopped?.status == 143, "\(stopped?.output ?? "")")
    }
}
