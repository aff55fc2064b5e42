import Foundation
import OrderedCollections
import RigKit

@testable import TatorSteps

/// A `TaskContext` whose hosts answer from a closure, recording every command, upload and log line.
final class FakeContext: TaskContext, @unchecked Sendable {
    struct Reply {
        var exitCode: Int32 = 0
        var outputs: [String: String] = [:]
        /// What the command "prints": written to the request's log.
        var printed: String = ""
    }

    struct Ran {
        var host: String
        var command: Command
    }

    // Guards the recorded lists (transports may be used from several threads in principle).
    private let lock = NSLock()
    private(set) var ran: [Ran] = []
    private(set) var uploads: [(host: String, file: FileUpload)] = []
    let taskHost: String
    let respond: @Sendable (_ host: String, _ script: String) -> Reply
    let recorder = RecordingLog()

    init(taskHost: String, respond: @escaping @Sendable (_ host: String, _ script: String) -> Reply) {
        self.taskHost = taskHost
        self.respond = respond
    }

    var log: any TaskLog { recorder }
    let cancellation = CancellationToken()

    func transport(for hostName: String?) throws -> any Transport { FakeTransport(host: hostName ?? taskHost, context: self) }

    func record(_ ran: Ran) { lock.withLock { self.ran.append(ran) } }
    func record(upload: FileUpload, host: String) { lock.withLock { uploads.append((host, upload)) } }

    /// The standard way: check, then the actions; `rig.changed=false` from a command means ok.
    func run(_ plan: TaskPlan, invocation: StepInvocation) throws -> TaskResult {
        func run(_ command: Command) throws -> CommandResult {
            try transport(for: command.delegateTo).run(
                CommandRequest(command: command, log: log, collectOutputs: true), cancellation: cancellation)
        }
        if let check = plan.check, try run(check).exitCode == 0 { return TaskResult(status: .ok) }
        var changed = false
        for action in plan.actions {
            switch action {
            case .run(let command):
                let result = try run(command)
                guard result.exitCode == 0 else { throw StepFailure.commandFailed(exitCode: result.exitCode, message: "") }
                if result.outputs["rig.changed"] != "false" { changed = true }
            case .upload(let file):
                try transport(for: file.delegateTo).upload(file, log: log, cancellation: cancellation)
                changed = true
            }
        }
        return TaskResult(status: changed ? .changed : .ok)
    }
}

struct FakeTransport: Transport {
    let host: String
    let context: FakeContext

    func run(_ request: CommandRequest, cancellation: CancellationToken) throws(StepFailure) -> CommandResult {
        context.record(FakeContext.Ran(host: host, command: request.command))
        let reply = context.respond(host, request.command.script)
        if !reply.printed.isEmpty { request.log.write(reply.printed) }
        return CommandResult(exitCode: reply.exitCode, outputs: request.collectOutputs ? reply.outputs : [:])
    }

    func upload(_ file: FileUpload, log: any TaskLog, cancellation: CancellationToken) throws(StepFailure) {
        context.record(upload: file, host: host)
    }
}

final class RecordingLog: TaskLog, @unchecked Sendable {
    // Guards `text`.
    private let lock = NSLock()
    private var text = ""
    func write(_ text: String) { lock.withLock { self.text += text } }
    var written: String { lock.withLock { text } }
    let path = "/dev/null"
}
