import Foundation
import RigKit
import RigModel
import RigSSH
import Testing

@Suite("Commands over SSH")
struct SSHCommandTests {
    @Test func commandReturnsItsExitCodeAndOutput() throws {
        let bed = try SSHTestBed()
        let (result, log) = try bed.run("echo hello from $SSH_CONNECTION; echo oops >&2; exit 7")
        #expect(result.exitCode == 7)
        #expect(log.contains("hello from"))
        #expect(log.contains(bed.fixture.servers[0].address))
        #expect(log.contains("oops"))
    }

    @Test func scriptExitingWith255IsNotMistakenForALostConnection() throws {
        let bed = try SSHTestBed()
        let (result, _) = try bed.run("exit 255")
        #expect(result.exitCode == 255)
    }

    @Test func outputsComeBackWithoutReachingTheLog() throws {
        let bed = try SSHTestBed()
        let (result, log) = try bed.run(
            """
            echo "token=s3cret-output-value" >> "$RIG_OUTPUT"
            echo "joined=a=b c" >> "$RIG_OUTPUT"
            printf 'no newline at the end'
            """)
        #expect(result.exitCode == 0)
        #expect(result.outputs == ["token": "s3cret-output-value", "joined": "a=b c"])
        #expect(!log.contains("s3cret-output-value"))
        #expect(!log.contains("RIG-TRAILER"))
        #expect(log == "no newline at the end")
    }

    /// A step with no declared outputs still says "nothing changed" through `rig.changed=false`
    /// (the Tator checks do), so a second run over SSH reports ok, as on the local transport.
    @Test func reservedOutputsComeBackEvenWhenOutputsAreNotCollected() throws {
        let bed = try SSHTestBed()
        let (result, _) = try bed.run(
            """
            echo "rig.changed=false" >> "$RIG_OUTPUT"
            echo "other=dropped" >> "$RIG_OUTPUT"
            """, collectOutputs: false)
        #expect(result.outputs == ["rig.changed": "false"])
    }

    @Test func valuesWithQuotesSubstitutionsSpacesAndNewlinesArriveLiterally() throws {
        let bed = try SSHTestBed()
        let tricky = #"it's "quoted" $(touch /tmp/rig-pwned) `id` $HOME \ back\slash"# + "\nsecond line  with  spaces\n"
        let (result, _) = try bed.run(
            #"printf '%s' "$TRICKY" > "$RIG_OUTPUT.raw"; printf 'value=%s\n' "$(od -An -tx1 "$RIG_OUTPUT.raw" | tr -d ' \n')" >> "$RIG_OUTPUT""#,
            environment: [("TRICKY", tricky)])
        let hex = tricky.utf8.map { String(format: "%02x", $0) }.joined()
        #expect(result.outputs["value"] == hex)
        #expect(!FileManager.default.fileExists(atPath: "/tmp/rig-pwned"))

        let inScript = try bed.run("cat <<'EOF'\n\(tricky)EOF\n")
        #expect(inScript.log == tricky)
    }

    @Test func invalidEnvironmentNameIsRefusedBeforeConnecting() throws {
        let bed = try SSHTestBed()
        #expect(throws: StepFailure.self) { try bed.run("true", environment: [("BAD-NAME", "x")]) }
    }

    @Test func workingDirectoryIsEnteredFirst() throws {
        let bed = try SSHTestBed()
        let log = RecordingLog()
        let result = try bed.transport().run(
            CommandRequest(command: Command("pwd", workingDirectory: "/usr/share"), log: log, collectOutputs: false),
            cancellation: CancellationToken())
        #expect(result.exitCode == 0)
        #expect(log.text == "/usr/share\n")
    }

    @Test func concurrentCommandsOnThreeServersEachReachTheirOwnHost() throws {
        let bed = try SSHTestBed(servers: 3)
        let jobs = (0..<12).map { job in
            Background { () throws -> (Int, String, Int32) in
                let server = job % 3
                let (result, log) = try bed.run("sleep 0.2; echo ${SSH_CONNECTION}; exit \(job)", on: server)
                return (server, log, result.exitCode)
            }
        }
        for (job, background) in jobs.enumerated() {
            let (server, log, code) = try background.join()
            #expect(code == Int32(job))
            let words = log.split(separator: " ")
            #expect(words.count == 4 && words[2] == bed.fixture.servers[server].address)
        }
    }

    @Test func pseudoTerminalCommandRunsUnderATerminal() throws {
        let bed = try SSHTestBed()
        let withTTY = try bed.run("[ -t 0 ] && [ -t 1 ] && echo on-a-tty; echo k=v >> $RIG_OUTPUT; exit 3", pseudoTerminal: true)
        #expect(withTTY.result.exitCode == 3)
        #expect(withTTY.log.contains("on-a-tty"))
        #expect(withTTY.result.outputs == ["k": "v"])
        let without = try bed.run("[ -t 0 ] || echo no-tty")
        #expect(without.log == "no-tty\n")
    }
}
