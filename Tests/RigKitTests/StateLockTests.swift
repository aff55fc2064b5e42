import Foundation
import Testing

@testable import RigKit

/// A bash process holding `flock` on a file, as another rig would.
private final class LockHoldingChild {
    let process = Process()
    let output = Pipe()

    init(lockPath: String) throws {
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [
            "-c",
            """
            exec 9<>"$1"
            flock -n 9 || exit 3
            printf 'pid=%s\\nstarted=2026-01-02T03:04:05Z\\ncommand=rig run other.yaml\\n' $$ > "$1"
            echo ready
            exec sleep 60
            """, "holder", lockPath,
        ]
        process.standardOutput = output
        try process.run()
        let line = output.fileHandleForReading.availableData
        guard String(decoding: line, as: UTF8.self).hasPrefix("ready") else { throw CancellationError() }
    }

    var pid: Int32 { process.processIdentifier }

    func kill() {
        Foundation.kill(pid, SIGKILL)
        process.waitUntilExit()
    }

    deinit { if process.isRunning { kill() } }
}

@Suite struct StateLockTests {
    @Test func aSecondHolderInTheSameProcessFailsAtOnceNamingTheHolder() throws {
        let dir = ScratchDirectory()
        let first = try StateLock.acquire(at: dir.file("lock"), command: "rig run site.yaml")
        #expect {
            try StateLock.acquire(at: dir.file("lock"), command: "rig resume")
        } throws: { error in
            guard case StateError.locked(_, let holder) = error else { return false }
            return holder?.pid == getpid() && holder?.command == "rig run site.yaml"
                && "\(error)".contains("PID \(getpid()) (rig run site.yaml, started ")
        }
        first.release()
        let second = try StateLock.acquire(at: dir.file("lock"), command: "rig resume")
        #expect(second.previousHolder == nil, "a clean release leaves no holder behind")
    }

    @Test func anotherProcessHoldingTheLockIsNamedWithPIDAndStartTime() throws {
        let dir = ScratchDirectory()
        let child = try LockHoldingChild(lockPath: dir.file("lock"))
        defer { child.kill() }
        #expect {
            try StateLock.acquire(at: dir.file("lock"), command: "rig resume")
        } throws: { error in
            let text = "\(error)"
            return text.contains("PID \(child.pid) (rig run other.yaml, started 2026-01-02T03:04:05Z)")
                && text.contains("another rig is using this state folder")
        }
    }

    @Test func aLockLeftByADeadProcessIsTakenOverAndItsHolderReported() throws {
        let dir = ScratchDirectory()
        let child = try LockHoldingChild(lockPath: dir.file("lock"))
        let pid = child.pid
        #expect(throws: StateError.self) { try StateLock.acquire(at: dir.file("lock"), command: "rig resume") }
        child.kill()
        let lock = try StateLock.acquire(at: dir.file("lock"), command: "rig resume")
        #expect(lock.previousHolder?.pid == pid)
        #expect(lock.previousHolder?.isAlive == false)
        let text = String(decoding: readBytes(dir.file("lock")), as: UTF8.self)
        #expect(text.contains("pid=\(getpid())\n"))
        #expect(text.contains("command=rig resume\n"))
    }

    @Test func holderLivenessTellsAReusedPIDApart() throws {
        let me = ProcessTable.entry(getpid())!
        #expect(LockHolder(pid: getpid(), processStartTicks: me.startTicks).isAlive)
        #expect(!LockHolder(pid: getpid(), processStartTicks: me.startTicks + 1).isAlive)
        #expect(!LockHolder(pid: 0).isAlive)
    }

    @Test func theLockFileIsNeverDeleted() throws {
        let dir = ScratchDirectory()
        let lock = try StateLock.acquire(at: dir.file("lock"), command: "rig run")
        lock.release()
        #expect(FileManager.default.fileExists(atPath: dir.file("lock")))
        #expect(readBytes(dir.file("lock")).isEmpty)
    }
}
