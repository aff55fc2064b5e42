import Foundation
import RigModel
import Testing

@testable import RigKit

@Suite struct LocalTransportTests {
    typealias F = EngineFixtures

    private func run(
        _ command: Command, secrets: [String] = [], collect: Bool = true, token: CancellationToken = CancellationToken(),
        groups: GroupList = GroupList()
    ) throws -> (CommandResult, String) {
        let dir = F.scratch()
        let log = try FileTaskLog(path: "\(dir)/task.log", redactions: secrets)
        let result = try LocalTransport(killGracePeriod: .seconds(1)).run(
            CommandRequest(command: command, log: log, collectOutputs: collect, processStarted: { groups.append($0) }),
            cancellation: token)
        return (result, F.read(log.path))
    }

    @Test func awkwardTextReachesTheScriptLiterally() throws {
        let dir = F.scratch()
        let nasty = "it's \"quoted\" $(touch \(dir)/pwned) `touch \(dir)/pwned2` $HOME \\n\nsecond line ; | & *"
        let (result, _) = try run(Command("printf '%s' \"$NASTY\" > \(dir)/out", environment: ["NASTY": nasty]))
        #expect(result.exitCode == 0)
        #expect(F.read("\(dir)/out") == nasty)
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/pwned"))
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/pwned2"))
    }

    @Test func commandsReadingStdinCannotEatTheRestOfTheScript() throws {
        let dir = F.scratch()
        let (result, _) = try run(Command("cat\nread line || echo eof > \(dir)/read\necho after > \(dir)/after"))
        #expect(result.exitCode == 0)
        #expect(F.read("\(dir)/after") == "after\n")
        #expect(F.read("\(dir)/read") == "eof\n")
    }

    @Test func exitStatusesComeBackForDirectAndShellCommands() throws {
        #expect(try run(Command("true")).0.exitCode == 0)
        #expect(try run(Command("false")).0.exitCode == 1)
        #expect(try run(Command("exit 3")).0.exitCode == 3)  // a builtin: goes through bash
        #expect(try run(Command("no-such-program-rig")).0.exitCode == 127)
        #expect(try run(Command("kill -9 $$")).0.exitCode == 128 + 9)
    }

    @Test func aProgramStillOpenForWritingForAMomentIsStartedOnceItIsClosed() throws {
        let dir = F.scratch()
        let tool = "\(dir)/tool"
        let writer = open(tool, O_WRONLY | O_CREAT | O_CLOEXEC, 0o755)
        #expect(writer >= 0)
        _ = "#!/bin/sh\necho started > \(dir)/out\n".withCString { Foundation.write(writer, $0, strlen($0)) }
        // What a child forked elsewhere in the process would do: hold the descriptor a little longer.
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(50)) { close(writer) }
        #expect(try run(Command(tool)).0.exitCode == 0)
        #expect(F.read("\(dir)/out") == "started\n")
    }

    @Test func plainCommandsAreExecutedWithoutAShell() {
        #expect(ShellSyntax.simpleCommandWords("true") == ["true"])
        #expect(ShellSyntax.simpleCommandWords("  sleep 0.05\n") == ["sleep", "0.05"])
        #expect(ShellSyntax.simpleCommandWords("echo $HOME") == nil)
        #expect(ShellSyntax.simpleCommandWords("cd /tmp") == nil)
        #expect(ShellSyntax.simpleCommandWords("A=1 env") == nil)
        #expect(ShellSyntax.simpleCommandWords("true\nfalse") == nil)
        #expect(ShellSyntax.quote("plain-word") == "plain-word")
        #expect(ShellSyntax.quote("it's") == "'it'\\''s'")
    }

    @Test func workingDirectoryIsHonouredAndAMissingOneIsExplained() throws {
        let dir = F.scratch()
        let (result, log) = try run(Command("pwd", workingDirectory: dir))
        #expect(result.exitCode == 0)
        #expect(log.contains(dir))
        #expect(throws: StepFailure.self) { try run(Command("pwd", workingDirectory: "\(dir)/missing")) }
        do {
            _ = try run(Command("pwd", workingDirectory: "\(dir)/missing"))
        } catch {
            #expect("\(error)".contains("\(dir)/missing"))
        }
    }

    @Test func aCommandTimeoutKillsGrandchildren() throws {
        let groups = GroupList()
        #expect(throws: StepFailure.timedOut(after: .milliseconds(300))) {
            try run(Command("bash -c 'sleep 300 & sleep 300; wait'", timeout: .milliseconds(300)), groups: groups)
        }
        #expect(groups.values.count == 1)
        for group in groups.values { #expect(F.groupIsGone(group)) }
    }

    @Test func anOrphanHoldingThePipeIsEndedWithItsGroup() throws {
        let groups = GroupList()
        let (result, log) = try run(Command("sleep 300 & echo started"), secrets: ["x-secret"], groups: groups)
        #expect(result.exitCode == 0)
        #expect(log.contains("started"))
        for group in groups.values { #expect(F.groupIsGone(group)) }
    }

    @Test func anOrphanThatLeftTheGroupDoesNotHangTheRunner() throws {
        // setsid takes the sleep out of the group, but it still holds the output pipe.
        let (result, log) = try run(Command("setsid sleep 5 & echo bye"), secrets: ["x-secret"])
        #expect(result.exitCode == 0)
        #expect(log.contains("bye"))
    }

    @Test func cancellationStopsACommandAtOnce() throws {
        let token = CancellationToken()
        let groups = GroupList()
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.3) { token.cancel(.interrupted(signal: SIGINT)) }
        #expect(throws: StepFailure.cancelled) { try run(Command("sleep 300"), token: token, groups: groups) }
        for group in groups.values { #expect(F.groupIsGone(group)) }
    }

    @Test func secretsAreScrubbedFromPipedOutput() throws {
        let (_, log) = try run(Command("echo token is s3cr3t-value; echo s3cr3t-value >&2"), secrets: ["s3cr3t-value"])
        #expect(!log.contains("s3cr3t-value"))
        #expect(log.contains("token is ***"))
    }

    @Test func outputsAreParsedAndOnlyReservedOnesWithoutCollecting() throws {
        let script =
            "echo a=1 >> \"$RIG_OUTPUT\"; printf 'b<<END\\nx\\ny\\nEND\\n' >> \"$RIG_OUTPUT\"; echo rig.changed=false >> \"$RIG_OUTPUT\""
        #expect(try run(Command(script)).0.outputs == ["a": "1", "b": "x\ny", "rig.changed": "false"])
        #expect(try run(Command(script), collect: false).0.outputs == ["rig.changed": "false"])
    }

    @Test func aPseudoTerminalIsTheCommandsTerminal() throws {
        let (result, log) = try run(Command("[ -t 0 ] && [ -t 1 ] && echo on-a-tty", pseudoTerminal: true))
        #expect(result.exitCode == 0)
        #expect(log.contains("on-a-tty"))
    }

    @Test func uploadsReplaceFilesAtomicallyWithTheirMode() throws {
        let dir = F.scratch()
        let log = try FileTaskLog(path: "\(dir)/task.log")
        let transport = LocalTransport()
        try transport.upload(FileUpload(path: "\(dir)/conf", text: "one", mode: 0o600), log: log, cancellation: CancellationToken())
        try transport.upload(FileUpload(path: "\(dir)/conf", text: "two", mode: 0o640), log: log, cancellation: CancellationToken())
        #expect(F.read("\(dir)/conf") == "two")
        let attributes = try FileManager.default.attributesOfItem(atPath: "\(dir)/conf")
        #expect((attributes[.posixPermissions] as? Int) == 0o640)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).sorted() == ["conf", "task.log"])
        #expect(throws: StepFailure.self) {
            try transport.upload(FileUpload(path: "\(dir)/no/such/dir/f", text: "x"), log: log, cancellation: CancellationToken())
        }
    }

    static let canBecomeNobody = geteuid() == 0 && access("/usr/bin/sudo", X_OK) == 0 && getpwnam("nobody") != nil

    @Test(.enabled(if: canBecomeNobody, "needs root, sudo and the user nobody"))
    func becomeRunsTheScriptAsTheBecomeUserThroughSudo() throws {
        let dir = F.scratch()
        let log = try FileTaskLog(path: "\(dir)/task.log")
        let host = InventoryHost(name: "here", address: "127.0.0.1", become: Become(user: "nobody"), connection: .local)
        let transport = LocalTransport(host: host)
        let result = try transport.run(
            CommandRequest(command: Command("cat; echo user=$(id -un) >> \"$RIG_OUTPUT\"", become: true), log: log, collectOutputs: true),
            cancellation: CancellationToken())
        #expect(result.exitCode == 0)
        #expect(result.outputs["user"] == "nobody")
        chmod(dir, 0o777)
        try transport.upload(
            FileUpload(path: "\(dir)/owned", text: "x", mode: 0o600, become: true),
            log: log, cancellation: CancellationToken())
        let attributes = try FileManager.default.attributesOfItem(atPath: "\(dir)/owned")
        #expect(attributes[.ownerAccountName] as? String == "nobody")
        #expect(F.read("\(dir)/owned") == "x")
    }

    @Test(.enabled(if: canBecomeNobody, "needs root, sudo and the user nobody"))
    func anotherUserWritesOutputsAndGetsUploadsThoughRigsOutputFolderIsClosedToThem() throws {
        let dir = F.scratch()
        chmod(dir, 0o777)
        let state = dir + "/state"
        #expect(mkdir(state, 0o700) == 0)
        let outputs = try OutputFolder.prepare(stateDirectory: state)
        let log = try FileTaskLog(path: "\(dir)/task.log")
        let host = InventoryHost(name: "here", address: "127.0.0.1", become: Become(user: "nobody"), connection: .local)
        let transport = LocalTransport(host: host, outputDirectory: outputs)
        for pty in [false, true] {
            let result = try transport.run(
                CommandRequest(
                    command: Command(
                        "echo user=$(id -un) >> \"$RIG_OUTPUT\"; echo printed; echo tty=$(test -t 2 && echo yes) >> \"$RIG_OUTPUT\"",
                        become: true, pseudoTerminal: pty),
                    log: log, collectOutputs: true),
                cancellation: CancellationToken())
            #expect(result.exitCode == 0, "\(F.read(log.path))")
            #expect(result.outputs["user"] == "nobody" && result.outputs["tty"] == (pty ? "yes" : ""), "pty \(pty): \(result.outputs)")
        }
        #expect(F.read(log.path).components(separatedBy: "printed").count == 3, "\(F.read(log.path))")
        let content: [UInt8] = Array(0...255) + Array("RIG_UPLOAD_END\n".utf8)
        try transport.upload(
            FileUpload(path: "\(dir)/owned", content: content, mode: 0o640, become: true), log: log, cancellation: CancellationToken())
        let attributes = try FileManager.default.attributesOfItem(atPath: "\(dir)/owned")
        #expect(attributes[.ownerAccountName] as? String == "nobody")
        #expect((attributes[.posixPermissions] as? Int) == 0o640)
        #expect(Array(FileManager.default.contents(atPath: "\(dir)/owned") ?? Data()) == content)
        #expect(try FileManager.default.contentsOfDirectory(atPath: outputs).isEmpty)
    }

    @Test func theOutputFolderIsPrivateAndPreparingItRemovesLeftovers() throws {
        let state = F.scratch()
        let outputs = state + "/" + OutputFolder.name
        #expect(mkdir(outputs, 0o755) == 0)
        FileManager.default.createFile(atPath: outputs + "/rig-1-1-1", contents: Data("token=x\n".utf8))
        #expect(try OutputFolder.prepare(stateDirectory: state) == outputs)
        var info = stat()
        #expect(stat(outputs, &info) == 0 && info.st_mode & 0o777 == 0o700)
        #expect(try FileManager.default.contentsOfDirectory(atPath: outputs).isEmpty)
    }

    @Test func outputFileParsingHandlesBothForms() {
        #expect(
            OutputFile.parse("a=1\nb = two=2\n\nnoise\nc<<X\nline1\nline2\nX\nd=\n") == [
                "a": "1", "b": " two=2", "c": "line1\nline2", "d": "",
            ])
    }
}

final class GroupList: @unchecked Sendable {
    private let lock = NSLock()
    private var groups: [Int32] = []
    func append(_ group: Int32) { lock.withLock { groups.append(group) } }
    var values: [Int32] { lock.withLock { groups } }
}
