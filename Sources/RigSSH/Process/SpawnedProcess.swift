import Foundation
import RigKit

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A child started with posix_spawn in a process group of its own, with pipes for the streams
/// the caller asked for. Its pipe ends are close-on-exec, so children spawned concurrently by
/// other threads never inherit them (an inherited write end would hold a pipe open forever).
///
/// This is RigSSH's stop-gap spawner until the engine's shared one (CRigSpawn) lands; only
/// `SSHProcessRunner` uses it.
struct SpawnedProcess {
    enum Stream {
        case pipe
        case null
    }

    let pid: pid_t
    /// Our ends of the pipes, or -1.
    var stdinFD: Int32
    var stdoutFD: Int32
    var stderrFD: Int32

    static func spawn(
        _ executable: String, _ arguments: [String],
        stdin: Stream = .pipe, stdout: Stream = .pipe, stderr: Stream = .pipe
    ) throws(SpawnError) -> SpawnedProcess {
        var opened: [Int32] = []
        func makePipe() throws(SpawnError) -> (read: Int32, write: Int32) {
            guard let ends = makeCloseOnExecPipe() else {
                opened.forEach { _ = close($0) }
                throw SpawnError(executable: executable, errno: errno)
            }
            opened += [ends.read, ends.write]
            return ends
        }
        let inPipe = stdin == .pipe ? try makePipe() : nil
        let outPipe = stdout == .pipe ? try makePipe() : nil
        let errPipe = stderr == .pipe ? try makePipe() : nil

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        func wire(_ pipeEnd: Int32?, to target: Int32, nullFlags: Int32) {
            if let pipeEnd {
                posix_spawn_file_actions_adddup2(&actions, pipeEnd, target)
            } else {
                posix_spawn_file_actions_addopen(&actions, target, "/dev/null", nullFlags, 0)
            }
        }
        wire(inPipe?.read, to: 0, nullFlags: O_RDONLY)
        wire(outPipe?.write, to: 1, nullFlags: O_WRONLY)
        wire(errPipe?.write, to: 2, nullFlags: O_WRONLY)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = Self.environment.map { strdup($0) } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let status = posix_spawnp(&pid, executable, &actions, &attributes, argv, envp)
        // The child's ends are ours to close in every case.
        for end in [inPipe?.read, outPipe?.write, errPipe?.write] { if let end { _ = close(end) } }
        guard status == 0 else {
            for end in [inPipe?.write, outPipe?.read, errPipe?.read] { if let end { _ = close(end) } }
            throw SpawnError(executable: executable, errno: status)
        }
        return SpawnedProcess(
            pid: pid, stdinFD: inPipe?.write ?? -1, stdoutFD: outPipe?.read ?? -1, stderrFD: errPipe?.read ?? -1)
    }

    /// rig's environment without its secrets: ssh, and any ProxyCommand it starts, never sees them.
    private static let environment = SecretEnvironment.withoutSecrets(ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" }

    /// Signals the child's whole process group (ssh and any ProxyCommand/ProxyJump children).
    func killGroup(_ signal: Int32 = SIGKILL) {
        _ = kill(-pid, signal)
    }

    /// Reaps the child without blocking; nil while it runs.
    func reapIfExited() -> Int32? {
        var status: Int32 = 0
        let result = waitpid(pid, &status, WNOHANG)
        if result == pid { return Self.exitCode(fromWaitStatus: status) }
        if result < 0, errno == ECHILD { return -1 }
        return nil
    }

    /// The exit status, or 128 + the signal number for a child killed by a signal.
    static func exitCode(fromWaitStatus status: Int32) -> Int32 {
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }
}

struct SpawnError: Error, CustomStringConvertible {
    var executable: String
    var errno: Int32

    var description: String {
        "could not start \(executable): \(String(cString: strerror(errno)))"
            + (errno == ENOENT ? " (is the OpenSSH client installed and on PATH?)" : "")
    }
}

#if os(Linux)
/// glibc's `pipe2`, which the Glibc module does not export (it is declared under _GNU_SOURCE).
/// Creating both ends close-on-exec atomically is what keeps concurrent spawns from leaking them.
@_silgen_name("pipe2")
private func systemPipe2(_ fds: UnsafeMutablePointer<Int32>, _ flags: Int32) -> Int32
#endif

/// A pipe whose ends are close-on-exec (and non-blocking with `nonBlocking`).
func makeCloseOnExecPipe(nonBlocking: Bool = false) -> (read: Int32, write: Int32)? {
    var fds: [Int32] = [-1, -1]
    #if os(Linux)
    guard systemPipe2(&fds, Int32(O_CLOEXEC) | (nonBlocking ? Int32(O_NONBLOCK) : 0)) == 0 else { return nil }
    #else
    guard pipe(&fds) == 0 else { return nil }
    for fd in fds {
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        if nonBlocking { _ = fcntl(fd, F_SETFL, O_NONBLOCK) }
    }
    #endif
    return (fds[0], fds[1])
}
