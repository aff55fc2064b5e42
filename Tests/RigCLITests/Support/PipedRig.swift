import Foundation

/// `rig` started with its stdout a pipe (or a pseudo-terminal) the test reads and can close,
/// the way `rig run … | head -2` or a dropped SSH session leaves it.
final class PipedRig {
    let pid: pid_t
    /// The test's end: the pipe's read end, or the terminal's master.
    private(set) var reader: Int32
    private let err: String
    private var buffered: [UInt8] = []

    enum Output {
        case pipe
        /// A new pseudo-terminal as stdin, stdout, stderr and controlling terminal, in a session of its own.
        case terminal
    }

    init(_ arguments: [String], in directory: String, output: Output = .pipe) {
        err = directory + "/.rig-test-err-\(UUID().uuidString.prefix(8))"
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // As from a shell: no signal blocked or ignored (a test thread blocks most of them).
        var signals = sigset_t()
        sigemptyset(&signals)
        posix_spawnattr_setsigmask(&attributes, &signals)
        sigfillset(&signals)
        posix_spawnattr_setsigdefault(&attributes, &signals)
        var flags = Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)
        var toClose: [Int32] = []
        switch output {
        case .pipe:
            var fds: [Int32] = [-1, -1]
            precondition(pipe(&fds) == 0)
            for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
            reader = fds[0]
            toClose.append(fds[1])
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
            posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
            posix_spawn_file_actions_addopen(&actions, 2, err, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        case .terminal:
            let master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC)
            var unlock: Int32 = 0
            var number: UInt32 = 0
            precondition(master >= 0 && ioctl(master, Self.setPTYLock, &unlock) == 0 && ioctl(master, Self.getPTYNumber, &number) == 0)
            reader = master
            let slave = "/dev/pts/\(number)"
            // setsid runs before the file actions: the first terminal opened becomes rig's controlling one.
            flags |= Self.spawnSetSID
            posix_spawn_file_actions_addopen(&actions, 0, slave, O_RDWR, 0)
            posix_spawn_file_actions_adddup2(&actions, 0, 1)
            posix_spawn_file_actions_adddup2(&actions, 0, 2)
        }
        posix_spawnattr_setflags(&attributes, flags)
        pid = RigProcess.spawn(arguments, in: directory, actions: &actions, attributes: &attributes)
        toClose.forEach { close($0) }
    }

    // TIOCGPTN, TIOCSPTLCK and POSIX_SPAWN_SETSID on Linux/glibc; Swift does not import these macros.
    private static let getPTYNumber: UInt = 0x8004_5430
    private static let setPTYLock: UInt = 0x4004_5431
    private static let spawnSetSID: Int16 = 0x80

    deinit {
        closeReader()
        unlink(err)
    }

    /// The next line of output, or nil at the end (a terminal's \r\n counts as one line break).
    func readLine() -> String? {
        while true {
            if let newline = buffered.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffered[..<newline], as: UTF8.self)
                buffered.removeSubrange(...newline)
                return line.hasSuffix("\r") ? String(line.dropLast()) : line
            }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let n = read(reader, &chunk, chunk.count)
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { return nil }
            buffered += chunk[..<n]
        }
    }

    /// Reads until a line containing `text`; false if the output ends first.
    func waitForLine(containing text: String) -> Bool {
        while let line = readLine() {
            if line.contains(text) { return true }
        }
        return false
    }

    /// Closes the test's end: the reader of the pipe goes away, or the terminal hangs up.
    func closeReader() {
        guard reader >= 0 else { return }
        close(reader)
        reader = -1
    }

    /// The exit status (128 + signal when killed) and standard error (pipe mode).
    func wait() -> (status: Int32, stderr: String) {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let code: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return (code, (try? String(contentsOfFile: err, encoding: .utf8)) ?? "")
    }
}
