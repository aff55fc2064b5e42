import Foundation
import RigKit
import RigModel
import RigSSH
import Testing

/// Host-key checking stays on: a changed key and an unknown key are refused with what to do,
/// and `--accept-new-host-keys` records an unknown key but still refuses a changed one.
@Suite("Host keys")
struct SSHHostKeyTests {
    @Test func aChangedHostKeyIsRefusedAsUnreachable() throws {
        let bed = try SSHTestBed()
        try bed.fixture.replaceHostKey(0)
        let server = bed.fixture.servers[0]
        let failure = try #require(throws: StepFailure.self) { try bed.run("touch \(bed.fixture.directory)/ran") }
        guard case .unreachable(let host, let address, let reason) = failure else {
            Issue.record("expected unreachable, got \(failure)")
            return
        }
        #expect(host == server.name && address == server.address)
        #expect(reason.contains("CHANGED") && reason.contains("ssh-keygen -R '[\(server.address)]:\(server.port)'"), "\(reason)")
        #expect(!FileManager.default.fileExists(atPath: bed.fixture.directory + "/ran"))
    }

    @Test func aChangedHostKeyIsRefusedEvenWithAcceptNewHostKeys() throws {
        let bed = try SSHTestBed(acceptNewHostKeys: true)
        try bed.fixture.replaceHostKey(0)
        let failure = try #require(throws: StepFailure.self) { try bed.run("true") }
        #expect(failure.description.contains("CHANGED"), "\(failure)")
    }

    @Test func anUnknownHostKeyIsRefusedByDefault() throws {
        let bed = try SSHTestBed()
        try bed.fixture.setKnownHosts([])
        let failure = try #require(throws: StepFailure.self) { try bed.run("true") }
        guard case .unreachable(_, _, let reason) = failure else {
            Issue.record("expected unreachable, got \(failure)")
            return
        }
        #expect(reason.contains("not in known_hosts") && reason.contains("--accept-new-host-keys"), "\(reason)")
    }

    @Test func acceptNewHostKeysRecordsAnUnknownKeyOnFirstContact() throws {
        let bed = try SSHTestBed(acceptNewHostKeys: true)
        try bed.fixture.setKnownHosts([])
        let (result, _) = try bed.run("true")
        #expect(result.exitCode == 0)
        let server = bed.fixture.servers[0]
        let known = try String(contentsOfFile: bed.fixture.knownHostsPath, encoding: .utf8)
        #expect(known.contains("[\(server.address)]:\(server.port)"))
    }

    @Test func aRefusedKeyIsReportedAsAuthenticationFailure() throws {
        let bed = try SSHTestBed()
        try FileManager.default.removeItem(atPath: bed.fixture.directory + "/authorized_keys")
        let failure = try #require(throws: StepFailure.self) { try bed.run("true") }
        guard case .unreachable(_, _, let reason) = failure else {
            Issue.record("expected unreachable, got \(failure)")
            return
        }
        #expect(reason.contains("authentication as user \(bed.fixture.user)") && reason.contains("authorized_keys"), "\(reason)")
    }
}
