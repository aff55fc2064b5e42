import Foundation
import RigKit
import RigModel
import RigSSH
import Testing

/// `become`: the script runs under sudo on the host, with `-n` or with the password from a
/// secret fed on stdin. The real sudo is used where the test needs no change to this machine
/// (root may become any user without a password); the password path runs against a fake sudo
/// that the fixture puts first on the servers' PATH, because a real password prompt would need
/// a sudoers rule and a user of the machine's own /etc.
@Suite("Become over SSH")
struct SSHBecomeTests {
    @Test(.enabled(if: getuid() == 0, "needs root to become another user with the real sudo -n"))
    func becomeRunsTheScriptAsTheBecomeUserThroughTheRealSudo() throws {
        let bed = try SSHTestBed()
        let (result, log) = try bed.run("id -un; echo \"SUDO_USER=$SUDO_USER\"", become: true, becomeSettings: Become(user: "nobody"))
        #expect(result.exitCode == 0, "\(log)")
        #expect(log == "nobody\nSUDO_USER=root\n")
        let (plain, plainLog) = try bed.run("id -un", becomeSettings: Become(user: "nobody"))
        #expect(plain.exitCode == 0 && plainLog == "root\n")
    }

    @Test func becomeWithAPasswordSecretFeedsThePasswordOnStdinOnly() throws {
        let password = #"pa ss'word "$(touch /tmp/rig-sudo-pwned)" `id`"#
        let bed = try SSHTestBed(fakeSudoPassword: password, secrets: ["sudo_pw": password])
        let settings = Become(user: "root", passwordSecret: "sudo_pw")
        let sampler = CommandLineSampler(looking: [password, "pa ss"])
        let (result, log) = try bed.run(
            "sleep 0.5; echo \"FAKE_SUDO=$FAKE_SUDO\"; echo done", become: true, becomeSettings: settings)
        let leaks = sampler.stop()
        #expect(result.exitCode == 0, "\(log)")
        #expect(log == "FAKE_SUDO=1\ndone\n")
        #expect(leaks.isEmpty, "the sudo password showed on a command line: \(leaks)")
        let calls = try String(contentsOfFile: bed.fixture.servers[0].directory + "/sudo.log", encoding: .utf8)
        // First `sudo -n` (a passwordless rule wins), then `-S` with the password on stdin.
        #expect(calls == "-n -u root true\n-S -k -p  -u root -- bash -s\n")
        #expect(!FileManager.default.fileExists(atPath: "/tmp/rig-sudo-pwned"))
    }

    @Test func aWrongSudoPasswordFailsWithAMessageAboutTheSecret() throws {
        let bed = try SSHTestBed(fakeSudoPassword: "right", secrets: ["sudo_pw": "wrong"])
        let transport = try bed.transport(become: Become(user: "root", passwordSecret: "sudo_pw"))
        let failure = try #require(throws: StepFailure.self) {
            try transport.run(
                CommandRequest(command: Command("echo should-not-run", become: true), log: RecordingLog(), collectOutputs: false),
                cancellation: CancellationToken())
        }
        #expect(failure.description.contains("refused the password from the become secret"), "\(failure)")
        #expect(!failure.description.contains("wrong"))
    }

    @Test func sudoThatWantsAPasswordWithoutASecretSaysWhatToConfigure() throws {
        let bed = try SSHTestBed(fakeSudoPassword: "right")
        let transport = try bed.transport(become: Become(user: "root"))
        let failure = try #require(throws: StepFailure.self) {
            try transport.run(
                CommandRequest(command: Command("echo should-not-run", become: true), log: RecordingLog(), collectOutputs: false),
                cancellation: CancellationToken())
        }
        guard case .commandFailed(_, let message) = failure else {
            Issue.record("expected a command failure, got \(failure)")
            return
        }
        #expect(message.contains("asks for a password") && message.contains("password_secret"), "\(message)")
    }

    @Test func aMissingPasswordSecretIsReportedBeforeConnecting() throws {
        let bed = try SSHTestBed(fakeSudoPassword: "right")
        let failure = try #require(throws: StepFailure.self) {
            try bed.run("true", become: true, becomeSettings: Become(user: "root", passwordSecret: "nowhere"))
        }
        #expect(failure.description.contains("secret nowhere"), "\(failure)")
    }
}

/// Reads every process's command line (both ends of loopback ssh are on this machine) on a
/// thread of its own until `stop()`, and reports any that contained one of the needles.
final class CommandLineSampler: @unchecked Sendable {
    private let lock = NSLock()
    private var running = true
    private var found: Set<String> = []
    private var samples = 0
    private let done = DispatchSemaphore(value: 0)

    init(looking needles: [String]) {
        Thread.detachNewThread { [self] in
            while lock.withLock({ running }) {
                let lines = allCommandLines()
                let hits = lines.filter { line in needles.contains { line.contains($0) } }
                lock.withLock {
                    found.formUnion(hits)
                    samples += 1
                }
                usleep(5_000)
            }
            done.signal()
        }
    }

    /// Stops sampling; returns the offending command lines (after at least one full sample).
    func stop() -> [String] {
        while lock.withLock({ samples }) == 0 { usleep(1_000) }
        lock.withLock { running = false }
        done.wait()
        return lock.withLock { found.sorted() }
    }

    var sampleCount: Int { lock.withLock { samples } }
}
