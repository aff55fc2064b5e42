import Foundation
import RigKit
import RigModel
import RigSSH
import RigTestSupport

/// A task log kept in memory.
final class RecordingLog: TaskLog, @unchecked Sendable {
    // Guards `chunks`.
    private let lock = NSLock()
    private var chunks: [String] = []

    func write(_ text: String) { lock.withLock { chunks.append(text) } }
    var path: String { "<memory>" }
    var text: String { lock.withLock { chunks.joined() } }
}

/// One fixture's servers with a provider pointed at them; shuts both down at the end.
final class SSHTestBed: @unchecked Sendable {
    let fixture: SSHServerFixture
    let provider: SSHTransportProvider

    init(
        servers: Int = 1, fakeSudoPassword: String? = nil, acceptNewHostKeys: Bool = false,
        secrets: [String: String] = [:], stopGrace: Duration = .seconds(5)
    ) throws {
        fixture = try SSHServerFixture(count: servers, fakeSudoPassword: fakeSudoPassword)
        provider = SSHTransportProvider(
            options: SSHOptions(
                sshConfig: fixture.sshConfigPath, acceptNewHostKeys: acceptNewHostKeys,
                connectTimeout: .seconds(5), stopGrace: stopGrace),
            secret: { secrets[$0] })
    }

    deinit {
        provider.shutdown()
        fixture.shutdown()
    }

    func transport(_ index: Int = 0, become: Become? = nil) throws -> any Transport {
        try provider.transport(for: fixture.inventoryHost(index, become: become))
    }

    /// Runs `script` on server `index`; returns the result and what reached the log.
    func run(
        _ script: String, on index: Int = 0, environment: [(String, String)] = [], become: Bool = false,
        becomeSettings: Become? = nil, pseudoTerminal: Bool = false, timeout: Duration? = nil,
        cancellation: CancellationToken = CancellationToken(), collectOutputs: Bool = true
    ) throws -> (result: CommandResult, log: String) {
        var command = Command(script, become: become, pseudoTerminal: pseudoTerminal, timeout: timeout)
        for (name, value) in environment { command.environment[name] = value }
        let log = RecordingLog()
        let result = try transport(index, become: becomeSettings).run(
            CommandRequest(command: command, log: log, collectOutputs: collectOutputs), cancellation: cancellation)
        return (result, log.text)
    }
}

/// The command lines of every process on this machine (both ends of the test's ssh).
func allCommandLines() -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap { entry in
        guard Int32(entry) != nil, let data = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline") else { return nil }
        return String(decoding: data.map { $0 == 0 ? 32 : $0 }, as: UTF8.self)
    }
}

/// Polls `condition` until it holds or `limit` passes (a deadline for slow machines, not a timing assertion).
func eventually(within limit: Duration = .seconds(20), _ condition: () -> Bool) -> Bool {
    let deadline = ContinuousClock.now.advanced(by: limit)
    while ContinuousClock.now < deadline {
        if condition() { return true }
        usleep(50_000)
    }
    return condition()
}

/// Runs `body` on a thread of its own (the transport blocks its caller); `join` waits for it.
final class Background<Value: Sendable>: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var value: Result<Value, any Error>?

    init(_ body: @escaping @Sendable () throws -> Value) {
        Thread.detachNewThread { [self] in
            value = Result { try body() }
            done.signal()
        }
    }

    func join() throws -> Value {
        done.wait()
        return try value!.get()
    }
}

/// A unique marker for one test's processes.
func uniqueMarker(_ name: String) -> String { "rigtest\(name)\(UInt32.random(in: .min ... .max))" }
