import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The programs the lab runs (`ip`, `nsenter`, `ssh-keygen`, `sshd`), started with posix_spawn
/// in a session of their own, stdin from /dev/null and every descriptor above 2 closed. Output
/// goes to a file, never a pipe, so a daemon (or a grandchild) that keeps running can never
/// make the lab wait for it.
enum SystemCommand {
    /// A finished command: its exit status and what it wrote to stdout and stderr (interleaved).
    struct Result {
        var status: Int32
        var output: String
        var succeeded: Bool { status == 0 }
    }

    /// Runs `arguments` (argv[0] looked up on PATH) to completion.
    static func run(_ arguments: [String], environment: [String: String]? = nil) throws(LabError) -> Result {
        var template = Array("/tmp/rig-lab-out-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw .system("cannot create a temporary file: \(errorText(errno))") }
        _ = template.withUnsafeBufferPointer { unlink($0.baseAddress!) }
        defer { close(fd) }
        let pid = try spawn(arguments, outputDescriptor: fd, environment: environment)
        let status = wait(for: pid)
        lseek(fd, 0, SEEK_SET)
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = read(fd, &buffer, buffer.count)
            if n <= 0 { break }
            bytes += buffer[0..<n]
        }
        return Result(status: status, output: String(decoding: bytes, as: UTF8.self))
    }

    /// Runs `arguments` and throws with its output when it fails; `what` says what it was for.
    @discardableResult
    static func check(_ arguments: [String], _ what: String) throws(LabError) -> String {
        let result = try run(arguments)
        guard result.succeeded else {
            throw .commandFailed(
                what: what, command: arguments.joined(separator: " "), status: result.status,
                output: result.output.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return result.output
    }

    /// Starts a long-lived process with stdout and stderr appended to `logPath`; returns its pid.
    /// root's PATH on an Ubuntu machine.
    static let standardPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

    /// `environment` nil: rig's own.
    static func startDaemon(_ arguments: [String], logPath: String, environment: [String: String]? = nil) throws(LabError) -> pid_t {
        let fd = open(logPath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .system("cannot open \(logPath): \(errorText(errno))") }
        defer { close(fd) }
        return try spawn(arguments, outputDescriptor: fd, environment: environment)
    }

    /// Waits for a child and returns its exit status (128 + signal when killed).
    static func wait(for pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { return -1 }
        }
        if status & 0x7f == 0 { return (status >> 8) & 0xff }
        return 128 + (status & 0x7f)
    }

    private static func spawn(_ arguments: [String], outputDescriptor fd: Int32, environment: [String: String]?) throws(LabError) -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, fd, 1)
        posix_spawn_file_actions_adddup2(&actions, fd, 2)
        closeInheritedDescriptors(&actions)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // POSIX_SPAWN_SETSID (glibc): the child leads a new session, so a Ctrl-C on the terminal
        // of `rig lab up` never reaches the lab's holders and servers. Default signal handling
        // and an empty signal mask, whatever rig itself blocks.
        var defaults = sigset_t()
        sigfillset(&defaults)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setflags(&attributes, Int16(0x80 | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        var env = environment ?? ProcessInfo.processInfo.environment
        if env["PATH"] == nil { env["PATH"] = standardPath }
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for p in argv { free(p) }
            for p in envp { free(p) }
        }
        var pid: pid_t = 0
        let err = posix_spawnp(&pid, arguments[0], &actions, &attributes, argv, envp)
        guard err == 0 else {
            throw .system(
                "cannot start \(arguments[0]): \(errorText(err)); is it installed? (scripts/install-deps installs what the lab needs)")
        }
        return pid
    }

    private typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    /// glibc 2.34's posix_spawn_file_actions_addclosefrom_np, looked up at run time (Swift's Glibc
    /// module does not export it); without it, each descriptor above 2 open now is closed by name.
    private static func closeInheritedDescriptors(_ actions: inout posix_spawn_file_actions_t) {
        if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") {
            _ = unsafeBitCast(symbol, to: CloseFrom.self)(&actions, 3)
            return
        }
        let open = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []).compactMap(Int32.init)
        for fd in open where fd > 2 && fcntl(fd, F_GETFD) >= 0 && fcntl(fd, F_GETFD) & FD_CLOEXEC == 0 {
            posix_spawn_file_actions_addclose(&actions, fd)
        }
    }
}

/// The text of an errno value.
func errorText(_ code: Int32) -> String {
    String(cString: UnsafePointer(strerror(code)))
}
