import Foundation
import RigKit
import RigModel
import RigSSH
import RigTestSupport
import Testing

@Suite("The inventory's ssh_config")
struct InventorySSHConfigTests {
    /// The host's `ssh_config` carries the key and known_hosts; rig is given no --ssh-config.
    @Test func hostsSSHConfigIsUsedWithoutSSHConfigFlag() throws {
        let fixture = try SSHServerFixture(count: 1)
        defer { fixture.shutdown() }
        let provider = SSHTransportProvider(options: SSHOptions(connectTimeout: .seconds(5)))
        defer { provider.shutdown() }
        var host = fixture.inventoryHost(0)
        host.sshConfig = fixture.sshConfigPath
        let log = RecordingLog()
        let result = try provider.transport(for: host).run(
            CommandRequest(command: Command("echo reached $SSH_CONNECTION"), log: log, collectOutputs: false),
            cancellation: CancellationToken())
        #expect(result.exitCode == 0)
        #expect(log.text.contains("reached"))
        #expect(log.text.contains(fixture.servers[0].address))
    }

    /// --ssh-config wins: a host's broken ssh_config is not read when the flag names a good one.
    @Test func sshConfigFlagWinsOverTheHostsFile() throws {
        let fixture = try SSHServerFixture(count: 1)
        defer { fixture.shutdown() }
        let broken = fixture.directory + "/broken_config"
        try "ThisIsNotAnOption yes\n".write(toFile: broken, atomically: true, encoding: .utf8)
        let provider = SSHTransportProvider(options: SSHOptions(sshConfig: fixture.sshConfigPath, connectTimeout: .seconds(5)))
        defer { provider.shutdown() }
        var host = fixture.inventoryHost(0)
        host.sshConfig = broken
        let log = RecordingLog()
        let result = try provider.transport(for: host).run(
            CommandRequest(command: Command("echo ok"), log: log, collectOutputs: false), cancellation: CancellationToken())
        #expect(result.exitCode == 0)
        #expect(log.text.contains("ok"))
    }
}
