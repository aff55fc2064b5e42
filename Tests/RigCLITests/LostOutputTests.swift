import Foundation
import RigKit
import Testing

@testable import RigCLI

/// Output that goes away — a reader that stops reading (`| head`), a terminal that hangs up —
/// never kills rig: a run finishes (or, on SIGHUP, stops as an interrupted run) with its journal
/// closed and no task's process left behind.
@Suite struct LostOutputTests {
    /// a waits for `go` (created once the test has closed its end), then b, c and d.
    static func gatedChain(_ dir: TestFolder) -> String {
        shellWorkflow(
            "gated",
            [
                ("a", [], "echo $$ >> pids; while [ ! -f \(dir.file("go")) ]; do sleep 0.05; done; echo a >> ledger"),
                ("b", ["a"], "echo $$ >> pids; echo b >> ledger"),
                ("c", ["b"], "echo $$ >> pids; echo c >> ledger"),
                ("d", ["c"], "echo $$ >> pids; echo d >> ledger"),
            ])
    }

    @Test(arguments: [["--output", "text"], ["--output", "json"]])
    func aRunWhoseProgressReaderGoesAwayFinishesEveryStepOnce(format: [String]) throws {
        let dir = TestFolder()
        dir.write("w.yaml", Self.gatedChain(dir))
        let rig = PipedRig(["run", "w.yaml"] + format, in: dir.path)
        #expect(rig.readLine() != nil)
        rig.closeReader()
        _ = FileManager.default.createFile(atPath: dir.file("go"), contents: nil)
        let result = rig.wait()
        #expect(result.status == 0, "\(format): \(result.stderr)")
        #expect(dir.ledger("ledger") == ["a": 1, "b": 1, "c": 1, "d": 1])
        let status = RigProcess.run(["status"], in: dir.path)
        #expect(status.status == 0 && status.stdout.contains(": succeeded"), "\(status.output)")
        for pid in dir.read("pids").split(separator: "\n").compactMap({ Int32($0) }) {
            #expect(!RigProcess.Child.isRunningProcess(pid), "step process \(pid) outlived rig")
        }
    }

    @Test func printingMoreThanAClosedPipeTakesEndsQuietly() {
        let dir = TestFolder()
        // Far more plan than a pipe holds, so rig is still writing when the reader is gone.
        dir.write("w.yaml", shellWorkflow("big", (0..<1500).map { ("step_\($0)", [], "echo a fairly long command line for step \($0)") }))
        let rig = PipedRig(["plan", "w.yaml"], in: dir.path)
        #expect(rig.readLine() != nil)
        rig.closeReader()
        let result = rig.wait()
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!result.stderr.contains("Fatal error"), "\(result.stderr)")
    }

    /// The first task starts a background sleep (in its process group) and waits; once `quick`
    /// exists it just finishes.
    static func sleeper(_ dir: TestFolder) -> String {
        shellWorkflow(
            "hangup",
            [
                (
                    "long", [],
                    "if [ -f quick ]; then echo long >> ledger; exit 0; fi; sleep 600 & echo $! > sleeper.pid; wait"
                ),
                ("after", ["long"], "echo after >> ledger"),
            ])
    }

    static func sleeperPID(_ dir: TestFolder) throws -> pid_t {
        var waited = 0
        while dir.read("sleeper.pid").isEmpty && waited < 1500 {
            usleep(20_000)
            waited += 1
        }
        return try #require(Int32(dir.read("sleeper.pid").trimmingCharacters(in: .whitespacesAndNewlines)))
    }

    /// After SIGHUP: exit 129, the task's processes gone, the run recorded as interrupted, and a
    /// resume finishes it.
    func expectInterruptedByHangUp(_ dir: TestFolder, status: Int32, sleeper: pid_t, stderr: String) {
        #expect(status == 129, "\(stderr)")
        #expect(!RigProcess.Child.isRunningProcess(sleeper), "the task's sleep outlived rig")
        let recorded = RigProcess.run(["status"], in: dir.path)
        #expect(recorded.stdout.contains(": interrupted"), "\(recorded.output)")
        _ = FileManager.default.createFile(atPath: dir.file("quick"), contents: nil)
        let resumed = RigProcess.run(["resume"], in: dir.path)
        #expect(resumed.status == 0, "\(resumed.output)")
        #expect(dir.ledger("ledger") == ["long": 1, "after": 1])
    }

    @Test func hangUpStopsTheRunAsInterruptedAndResumeFinishesIt() throws {
        let dir = TestFolder()
        dir.write("w.yaml", Self.sleeper(dir))
        let rig = PipedRig(["run", "w.yaml"], in: dir.path)
        let sleeper = try Self.sleeperPID(dir)
        // Twice, as the kernel and then the login shell send it: the second must not cut the cleanup short.
        kill(rig.pid, SIGHUP)
        kill(rig.pid, SIGHUP)
        let result = rig.wait()
        expectInterruptedByHangUp(dir, status: result.status, sleeper: sleeper, stderr: result.stderr)
    }

    @Test func aTerminalThatHangsUpStopsTheRunAsInterrupted() throws {
        let dir = TestFolder()
        dir.write("w.yaml", Self.sleeper(dir))
        let rig = PipedRig(["run", "w.yaml"], in: dir.path, output: .terminal)
        let sleeper = try Self.sleeperPID(dir)
        rig.closeReader()
        let result = rig.wait()
        expectInterruptedByHangUp(dir, status: result.status, sleeper: sleeper, stderr: "")
    }

    @Test func recordedSettingsThatLookLikeFlagsReadBackUnchanged() throws {
        let manifest = RunManifest(
            workflowPath: "/w/-w.yaml", inputs: ["name": "-x", "other": "--y=z"], inputFiles: ["-in.yaml"], inventoryFile: "-inv",
            options: ["secrets": "--s", "ssh-config": "-x", "accept-new-host-keys": "true"])
        let settings = RunSettings(manifest: manifest)
        let workflow = try settings.workflowOptions
        #expect(workflow.file == "/w/-w.yaml" && workflow.inventory == "-inv" && workflow.inputFiles == ["-in.yaml"])
        #expect(workflow.inputAssignments == ["name=-x", "other=--y=z"])
        #expect(try settings.secretOptions.secrets == "--s")
        let connection = try settings.connectionOptions
        #expect(connection.sshConfig == "-x" && connection.acceptNewHostKeys)
    }

    @Test func resumingARunWhoseRecordedOptionLooksLikeAFlagDoesNotCrash() throws {
        let dir = TestFolder()
        dir.write("w.yaml", shellWorkflow("flaglike", [("a", [], "echo a >> ledger; test -f flag")]))
        #expect(RigProcess.run(["run", "w.yaml"], in: dir.path).status == 1)
        let runJSON = dir.latestRun + "/run.json"
        var manifest = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: runJSON))) as? [String: Any])
        manifest["options"] = ["jobs": "2", "keep-going": "false", "ssh-config": "-x"]
        try JSONSerialization.data(withJSONObject: manifest).write(to: URL(fileURLWithPath: runJSON))
        dir.write("flag", "")
        let resumed = RigProcess.run(["resume"], in: dir.path)
        #expect(resumed.status == 0, "\(resumed.output)")
        #expect(dir.ledger("ledger") == ["a": 2])
    }
}
