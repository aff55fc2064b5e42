import Foundation
import RigKit
import RigModel
import Testing

@testable import RigSSH

/// The commands an unreachable host's message suggests pass the inventory's values to ssh as
/// single words when pasted into a shell.
@Suite struct SSHFailureHintTests {
    /// The words bash passes to the first command between backticks in `message`.
    private func words(ofCommandIn message: String, startingWith program: String) throws -> [String] {
        let parts = message.components(separatedBy: "`")
        let command = try #require(parts.enumerated().first { $0.offset % 2 == 1 && $0.element.hasPrefix(program + " ") }?.element)
        let echo = Process()
        echo.executableURL = URL(fileURLWithPath: "/bin/bash")
        echo.arguments = ["-c", "printf '%s\\0' " + command.dropFirst(program.count + 1).replacingOccurrences(of: ">>", with: "#")]
        let out = Pipe()
        echo.standardOutput = out
        try echo.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        echo.waitUntilExit()
        return String(decoding: data, as: UTF8.self).split(separator: "\0", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    private func message(_ failure: StepFailure) -> String {
        if case .unreachable(_, _, let reason) = failure { return reason }
        return "\(failure)"
    }

    @Test func theByHandSSHCommandQuotesTheUserAndAddress() throws {
        let host = InventoryHost(name: "n1", address: "10.0.0.5", port: 2222, user: "-oProxyCommand=touch /tmp/x;", connection: .ssh)
        let failure = SSHFailure(host: host, port: host.port, user: host.user)
        let refused = message(failure.classify("ssh: connect to host 10.0.0.5 port 2222: Connection refused", duringCommand: false))
        #expect(try words(ofCommandIn: refused, startingWith: "ssh") == ["-p", "2222", "-oProxyCommand=touch /tmp/x;@10.0.0.5", "true"])
        let other = message(failure.classify("kex_exchange_identification: read: Connection reset by peer $(id)", duringCommand: false))
        #expect(try words(ofCommandIn: other, startingWith: "ssh") == ["-p", "2222", "-oProxyCommand=touch /tmp/x;@10.0.0.5", "true"])
    }

    @Test func theByHandSSHCommandUsesTheSSHConfigAndKeyRigUses() throws {
        let host = InventoryHost(
            name: "n1", address: "10.0.0.5", port: 2222, user: "ubuntu", identity: "/keys/lab key", sshConfig: "/lab/ssh_config",
            connection: .ssh)
        let failure = SSHFailure(host: host, port: host.port, user: host.user, sshConfig: "/run/my config")
        let refused = message(failure.classify("ssh: connect to host 10.0.0.5 port 2222: Connection refused", duringCommand: false))
        #expect(
            try words(ofCommandIn: refused, startingWith: "ssh") == [
                "-F", "/run/my config", "-i", "/keys/lab key", "-p", "2222", "ubuntu@10.0.0.5", "true",
            ])
    }

    @Test func theHostKeyCommandsQuoteTheAddress() throws {
        let host = InventoryHost(name: "n1", address: "fd00::5", port: 2222, connection: .ssh)
        let failure = SSHFailure(host: host, port: host.port, user: nil)
        let changed = message(failure.classify("WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!", duringCommand: false))
        #expect(try words(ofCommandIn: changed, startingWith: "ssh-keygen") == ["-R", "[fd00::5]:2222"])
        #expect(changed.contains("`ssh-keygen -R '[fd00::5]:2222'`"))
        let unknown = message(failure.classify("Host key verification failed.", duringCommand: false))
        #expect(try words(ofCommandIn: unknown, startingWith: "ssh-keyscan") == ["-p", "2222", "fd00::5"])
    }
}
