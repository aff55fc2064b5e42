import Foundation
import RigModel

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Real OpenSSH servers for tests: each a `/usr/sbin/sshd -D` on its own loopback address
/// (127.0.0.2 … 127.0.0.9) and a free high port, with host keys, a user key, `known_hosts` and a
/// client config (`-F`) generated in a temporary folder. Everything stops and is removed in
/// `shutdown()` (also run by `deinit`), whatever the test did.
///
/// The servers accept the user running the tests (root in CI: `PermitRootLogin
/// prohibit-password`). Nothing outside the temporary folder is touched, except that sshd's
/// privilege-separation folder `/run/sshd` is created when missing.
public final class SSHServerFixture: @unchecked Sendable {
    public struct Server: Sendable, Hashable {
        public let index: Int
        public let name: String
        public let address: String
        public let port: Int
        /// The server's folder: its config, keys, log and (with a fake sudo) `sudo.log`.
        public let directory: String
    }

    public let directory: String
    public let servers: [Server]
    /// The client config to pass with `ssh -F` (user, identity, known_hosts).
    public let sshConfigPath: String
    public let knownHostsPath: String
    public let identityPath: String
    public let user: String

    // Guards `pids` and `stopped`.
    private let lock = NSLock()
    private var pids: [Int: pid_t] = [:]
    private var stopped = false

    /// - Parameters:
    ///   - count: how many servers (each on its own 127.0.0.x address).
    ///   - fakeSudoPassword: when set, sessions find a test double named `sudo` first on PATH: it
    ///     refuses `-n`, wants this password on stdin with `-S`, records its arguments in the
    ///     server's `sudo.log` and sets `FAKE_SUDO=1` for the command.
    public init(count: Int = 1, fakeSudoPassword: String? = nil) throws {
        var template = Array("/tmp/rig-sshd-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw FixtureError("cannot create a temporary folder") }
        directory = String(cString: made)
        sshConfigPath = directory + "/ssh_config"
        knownHostsPath = directory + "/known_hosts"
        identityPath = directory + "/id_ed25519"
        user = String(cString: getpwuid(getuid()).pointee.pw_name)
        var servers: [Server] = []
        do {
            _ = mkdir("/run/sshd", 0o755)
            try Self.run("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "rig-test", "-f", identityPath])
            try FileManager.default.copyItem(atPath: identityPath + ".pub", toPath: directory + "/authorized_keys")
            for index in 0..<count {
                let address = Self.nextAddress()
                let server = Server(
                    index: index, name: "host\(index + 1)", address: address, port: try Self.freePort(on: address),
                    directory: directory + "/server\(index + 1)")
                try FileManager.default.createDirectory(atPath: server.directory, withIntermediateDirectories: true)
                try Self.run("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", server.directory + "/host_key"])
                try Self.writeServerConfig(server, authorizedKeys: directory + "/authorized_keys", fakeSudoPassword: fakeSudoPassword)
                servers.append(server)
            }
        } catch {
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
        self.servers = servers
        do {
            try writeClientConfig()
            try writeKnownHosts(servers)
            for server in servers { try start(server.index) }
        } catch {
            shutdown()
            throw error
        }
    }

    deinit { shutdown() }

    /// The inventory entry for server `index` (user and port set; identity and known_hosts come
    /// from `sshConfigPath`).
    public func inventoryHost(_ index: Int, become: Become? = nil, roles: [String] = []) -> InventoryHost {
        let server = servers[index]
        return InventoryHost(
            name: server.name, address: server.address, port: server.port, user: user, become: become,
            connection: .ssh, roles: roles)
    }

    public var inventoryHosts: [InventoryHost] { servers.indices.map { inventoryHost($0) } }

    /// Starts (or restarts) server `index` on its address and port, and waits until it accepts.
    public func start(_ index: Int) throws {
        let server = servers[index]
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/sshd")
        process.arguments = ["-D", "-e", "-f", server.directory + "/sshd_config"]
        let log = server.directory + "/sshd.log"
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        handle.seekToEndOfFile()
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        try? handle.close()
        let pid = process.processIdentifier
        lock.withLock { pids[index] = pid }
        let deadline = Date().addingTimeInterval(15)
        while !Self.accepts(server.address, server.port) {
            if !process.isRunning || Date() > deadline {
                let message = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
                stop(index)
                throw FixtureError("sshd for \(server.name) on \(server.address):\(server.port) did not start: \(message)")
            }
            usleep(20_000)
        }
    }

    /// Kills server `index` like a crashed host: the listening sshd and every sshd process of
    /// its open connections (the commands they ran are left to the remote wrapper's cleanup).
    public func stop(_ index: Int) {
        guard let pid = lock.withLock({ pids.removeValue(forKey: index) }) else { return }
        let tree = Self.descendants(of: pid).filter { Self.command(of: $0).hasPrefix("sshd") }
        for process in [pid] + tree { kill(process, SIGKILL) }
        var status: Int32 = 0
        _ = waitpid(pid, &status, 0)
    }

    /// Gives server `index` a new host key (restarting it), so clients see a changed key.
    public func replaceHostKey(_ index: Int) throws {
        let server = servers[index]
        stop(index)
        try? FileManager.default.removeItem(atPath: server.directory + "/host_key")
        try? FileManager.default.removeItem(atPath: server.directory + "/host_key.pub")
        try Self.run("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", server.directory + "/host_key"])
        try start(index)
    }

    /// Rewrites known_hosts with only `indices` (the others become unknown hosts).
    public func setKnownHosts(_ indices: [Int]) throws {
        try writeKnownHosts(indices.map { servers[$0] })
    }

    /// Stops every server and removes the folder; safe to call twice.
    public func shutdown() {
        let all: [pid_t] = lock.withLock {
            defer { pids = [:] }
            stopped = true
            return Array(pids.values)
        }
        for pid in all {
            let tree = Self.descendants(of: pid)
            for process in [pid] + tree { kill(process, SIGKILL) }
            var status: Int32 = 0
            _ = waitpid(pid, &status, 0)
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    // MARK: - Files

    private static func writeServerConfig(_ server: Server, authorizedKeys: String, fakeSudoPassword: String?) throws {
        var config = """
            ListenAddress \(server.address):\(server.port)
            HostKey \(server.directory)/host_key
            PidFile \(server.directory)/sshd.pid
            AuthorizedKeysFile \(authorizedKeys)
            UsePAM no
            StrictModes no
            PermitRootLogin prohibit-password
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            PrintMotd no
            AcceptEnv none

            """
        // A home of the server's own: sessions never read the real user's dotfiles (a heavy
        // ~/.bashrc would dominate every command's cost). sshd uses only the first SetEnv line.
        var environment = ["HOME=\(server.directory)"]
        if let password = fakeSudoPassword {
            let bin = server.directory + "/bin"
            try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
            try Data((password + "\n").utf8).write(to: URL(fileURLWithPath: server.directory + "/sudo.password"))
            try Data(Self.fakeSudo(home: server.directory).utf8).write(to: URL(fileURLWithPath: bin + "/sudo"))
            chmod(bin + "/sudo", 0o755)
            environment.append("PATH=\(bin):/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
        }
        config += "SetEnv " + environment.joined(separator: " ") + "\n"
        try Data(config.utf8).write(to: URL(fileURLWithPath: server.directory + "/sshd_config"))
    }

    private func writeClientConfig() throws {
        let config = """
            Host *
              User \(user)
              IdentityFile \(identityPath)
              IdentitiesOnly yes
              UserKnownHostsFile \(knownHostsPath)
              GlobalKnownHostsFile /dev/null
              PasswordAuthentication no

            """
        try Data(config.utf8).write(to: URL(fileURLWithPath: sshConfigPath))
    }

    private func writeKnownHosts(_ servers: [Server]) throws {
        var lines = ""
        for server in servers {
            let key = try String(contentsOfFile: server.directory + "/host_key.pub", encoding: .utf8)
                .split(separator: " ").prefix(2).joined(separator: " ")
            lines += "[\(server.address)]:\(server.port) \(key)\n"
        }
        try Data(lines.utf8).write(to: URL(fileURLWithPath: knownHostsPath))
    }

    private static func fakeSudo(home: String) -> String {
        #"""
        #!/bin/bash
        # Test double for sudo: refuses -n, checks the -S password read from stdin, logs its arguments.
        printf '%s\n' "$*" >>'\#(home)/sudo.log'
        while [ $# -gt 0 ]; do
          case $1 in
            -n) echo "sudo: a password is required" >&2; exit 1 ;;
            -S) IFS= read -r given
                [ "$given" = "$(cat '\#(home)/sudo.password')" ] || { echo "Sorry, try again." >&2; echo "sudo: 1 incorrect password attempt" >&2; exit 1; } ;;
            -k) ;;
            -p|-u) shift ;;
            --) shift; break ;;
            *) break ;;
          esac
          shift
        done
        export FAKE_SUDO=1 SUDO_USER="$USER"
        exec "$@"

        """#
    }

    // MARK: - Processes and sockets

    private static func run(_ executable: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw FixtureError("\(executable) \(arguments.joined(separator: " ")) exited with \(process.terminationStatus)")
        }
    }

    private static let addressLock = NSLock()
    nonisolated(unsafe) private static var addressCounter = 0

    /// 127.0.0.2 … 127.0.0.9 in turn, so servers started together have distinct addresses.
    private static func nextAddress() -> String {
        addressLock.withLock {
            defer { addressCounter += 1 }
            return "127.0.0.\(2 + addressCounter % 8)"
        }
    }

    private static func freePort(on address: String) throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw FixtureError("socket() failed") }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        inet_pton(AF_INET, address, &addr.sin_addr)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Bool in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else { throw FixtureError("no free port on \(address)") }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    private static func accepts(_ address: String, _ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = UInt16(port).bigEndian
        inet_pton(AF_INET, address, &addr.sin_addr)
        return withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }

    /// Every process below `pid`, found through the parent links in /proc.
    public static func descendants(of pid: pid_t) -> [pid_t] {
        var children: [pid_t: [pid_t]] = [:]
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let child = pid_t(entry), let parent = parentPID(of: child) else { continue }
            children[parent, default: []].append(child)
        }
        var result: [pid_t] = []
        var queue = [pid]
        while let next = queue.popLast() {
            let below = children[next] ?? []
            result += below
            queue += below
        }
        return result
    }

    private static func parentPID(of pid: pid_t) -> pid_t? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return fields.count > 1 ? pid_t(fields[1]) : nil
    }

    private static func command(of pid: pid_t) -> String {
        ((try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8)) ?? "")
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

public struct FixtureError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
