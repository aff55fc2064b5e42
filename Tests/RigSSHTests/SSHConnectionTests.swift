import Foundation
import RigKit
import RigModel
import RigTestSupport
import Testing

@testable import RigSSH

/// How rig drives the OpenSSH client, and what happens to a remote command when the local end
/// goes away.
@Suite("SSH connections")
struct SSHConnectionTests {
    @Test func everySSHCommandIsNonInteractiveChecksHostKeysAndUsesAPrivateControlSocket() throws {
        let directory = try SSHControlDirectory()
        defer { directory.remove() }
        var info = stat()
        #expect(lstat(directory.path, &info) == 0 && info.st_mode & 0o777 == 0o700)
        let host = InventoryHost(name: "n1", address: "10.0.0.5", port: 2222, user: "admin", identity: "/keys/id", connection: .ssh)
        let strict = SSHConnection(host: host, options: SSHOptions(), controlPath: directory.nextSocketPath())
        let words = strict.commandArguments.joined(separator: " ")
        for option in [
            "BatchMode=yes", "StrictHostKeyChecking=yes", "ConnectTimeout=10", "ServerAliveInterval=15",
            "ServerAliveCountMax=3", "ControlMaster=no", "ControlPath=\(directory.path)/",
        ] {
            #expect(words.contains("-o \(option)"), "missing \(option) in \(words)")
        }
        for option in ["-p 2222", "-l admin", "-i /keys/id"] { #expect(words.contains(option), "missing \(option) in \(words)") }
        // The script is not on the command line: the host runs a constant command that reads stdin.
        #expect(words.hasSuffix("-T -- 10.0.0.5 exec bash -s"), "\(words)")
        let lenient = SSHConnection(host: host, options: SSHOptions(acceptNewHostKeys: true), controlPath: directory.nextSocketPath())
        #expect(lenient.commonArguments.joined(separator: " ").contains("-o StrictHostKeyChecking=accept-new"))
    }

    @Test func aControlDirectoryOthersCanReadIsRefused() throws {
        let path = NSTemporaryDirectory() + "rig-control-\(UUID().uuidString)"
        #expect(mkdir(path, 0o755) == 0)
        chmod(path, 0o755)
        defer { rmdir(path) }
        #expect(throws: StepFailure.self) { try SSHControlDirectory(path: path) }
    }

    @Test func killingTheLocalSSHClientEndsTheRemoteCommandsProcessGroup() throws {
        let bed = try SSHTestBed()
        let marker = uniqueMarker("orphan")
        let server = bed.fixture.servers[0]
        let started = bed.fixture.directory + "/started"
        let job = Background { () throws -> StepFailure? in
            do {
                _ = try bed.run("touch \(started); sh -c 'sleep 300' \(marker) & sh -c 'sleep 300' \(marker); wait")
                return nil
            } catch let failure as StepFailure {
                return failure
            }
        }
        #expect(eventually { FileManager.default.fileExists(atPath: started) })
        #expect(eventually { allCommandLines().filter { $0.contains(marker) }.count >= 2 })
        // The ssh client of this command: the one running the wrapper against this server's port.
        let clients = SSHServerFixture.descendants(of: getpid()).filter { pid in
            let line = allCommandLine(of: pid)
            return line.split(separator: " ").first?.hasSuffix("ssh") == true && line.contains("-p \(server.port) ")
                && line.hasSuffix("exec bash -s")
        }
        #expect(clients.count == 1)
        for pid in clients { kill(pid, SIGKILL) }
        let failure = try job.join()
        #expect(failure != nil)
        #expect(eventually { !allCommandLines().contains { $0.contains(marker) } })
    }
}

func allCommandLine(of pid: pid_t) -> String {
    guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return "" }
    return String(decoding: data.map { $0 == 0 ? 32 : $0 }, as: UTF8.self).trimmingCharacters(in: .whitespaces)
}
