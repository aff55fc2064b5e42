import CRigSpawn
import Foundation

/// One child process in a session (and process group) of its own, run to completion on the
/// calling thread. The thread waits in poll(2) on a pidfd, a wake-up pipe the cancellation
/// token writes to, and the child's pipes, so it never hangs on a grandchild that keeps a pipe
/// open: when the leader exits, the rest of its process group is ended too (SIGTERM, the grace
/// period, then SIGKILL), and output is drained only briefly from processes that escaped it.
struct ChildProcess {
    enum Output {
        /// stdout and stderr both go to this descriptor (a log file: nothing to copy).
        case descriptor(Int32)
        /// stdout and stderr through a pipe (or a pseudo-terminal), handed over in chunks.
        case stream((UnsafeRawBufferPointer) -> Void)
    }

    struct Request {
        var executable: String
        /// argv, including argv[0].
        var arguments: [String]
        /// `NAME=value` entries.
        var environment: [String]
        var workingDirectory: String?
        /// Written to the child's stdin, which is then closed; nil: stdin is /dev/null.
        var input: [UInt8]?
        /// A user (other than rig's) who must be able to reopen the stdin pipe through
        /// /dev/fd (a script read with `. /dev/fd/3` after sudo).
        var inputReader: uid_t?
        var output: Output
        /// When set, stdout goes to this descriptor on its own and only stderr to `output`
        /// (a plugin's JSON reply is kept apart from its log).
        var standardOutput: Int32? = nil
        /// stdout and stderr are a new pseudo-terminal, the child's controlling terminal (stream output only).
        var pseudoTerminal = false
        var timeout: Duration?
        var grace: Duration
    }

    struct Termination {
        /// The exit status, or 128 + signal.
        var exitCode: Int32
        /// Set when rig stopped the child (timeout or cancellation).
        var stoppedBecause: CancellationToken.Reason?
    }

    /// How long output is still read from processes outside the group after it is gone.
    static let strayOutputDrain: Duration = .milliseconds(300)

    static func run(
        _ request: Request, cancellation: CancellationToken, started: (Int32) -> Void
    ) throws(StepFailure) -> Termination {
        ignoreSIGPIPE

        var opened: [Int32] = []
        defer { for fd in opened { close(fd) } }
        func pipePair() throws(StepFailure) -> (read: Int32, write: Int32) {
            var fds: [Int32] = [-1, -1]
            guard rig_pipe_cloexec(&fds) == 0 else { throw .failed("cannot create a pipe: \(errnoText())") }
            opened += fds
            return (fds[0], fds[1])
        }

        var childIn = devNull
        var parentIn: Int32 = -1
        if request.input != nil {
            let p = try pipePair()
            childIn = p.read
            parentIn = p.write
            if let reader = request.inputReader, fchown(childIn, reader, gid_t.max) != 0 {
                _ = fchmod(childIn, 0o666)  // not root: sudo to another user needs a pipe they may open
            }
            _ = fcntl(parentIn, F_SETFL, fcntl(parentIn, F_GETFL) | O_NONBLOCK)
        }
        var childOut: Int32
        var parentOut: Int32 = -1
        switch request.output {
        case .descriptor(let fd):
            childOut = fd
        case .stream:
            if request.pseudoTerminal {
                var master: Int32 = -1
                var slave: Int32 = -1
                let err = rig_open_pty(&master, &slave)
                guard err == 0 else { throw .failed("cannot open a pseudo-terminal: \(String(cString: strerror(err)))") }
                opened += [master, slave]
                childOut = slave
                parentOut = master
            } else {
                let p = try pipePair()
                childOut = p.write
                parentOut = p.read
                _ = fcntl(parentOut, F_SETFL, fcntl(parentOut, F_GETFL) | O_NONBLOCK)
            }
        }

        var pid: pid_t = 0
        let err = spawnRetryingWhileBusy { spawn(request, stdin: childIn, output: childOut, pid: &pid) }
        guard err == 0 else {
            var message = "cannot start \(request.executable)"
            if let dir = request.workingDirectory { message += " in \(dir)" }
            throw .failed("\(message): \(String(cString: strerror(err)))")
        }
        // The child holds its own copies now; closing ours lets EOF arrive when it exits.
        for fd in [childIn, childOut] where fd != devNull && opened.contains(fd) {
            close(fd)
            opened.removeAll { $0 == fd }
        }
        started(pid)

        var supervisor = Supervisor(
            pid: pid, request: request, cancellation: cancellation, parentIn: parentIn, parentOut: parentOut)
        let termination = supervisor.run()
        opened.removeAll { $0 == parentIn || $0 == parentOut }
        return termination
    }

    /// An executable that was just written can still be open for writing in a child another
    /// thread is forking (it inherits the descriptor until its own exec), so exec fails with
    /// ETXTBSY for a moment; that is retried for up to about a second, as go and cargo do.
    private static func spawnRetryingWhileBusy(_ attempt: () -> Int32) -> Int32 {
        var err = attempt()
        var delay: UInt32 = 5_000
        var waited: UInt32 = 0
        while err == ETXTBSY && waited < 1_000_000 {
            usleep(delay)
            waited += delay
            delay = min(delay * 2, 200_000)
            err = attempt()
        }
        return err
    }

    private static func spawn(_ request: Request, stdin: Int32, output: Int32, pid: inout pid_t) -> Int32 {
        withCStrings(request.arguments) { argv in
            withCStrings(request.environment) { envp in
                (request.workingDirectory ?? "").withCString { cwd in
                    request.executable.withCString { path in
                        var spawn = rig_spawn_request(
                            path: path, argv: argv, envp: envp, cwd: request.workingDirectory == nil ? nil : cwd,
                            stdin_fd: stdin, stdout_fd: request.standardOutput ?? output, stderr_fd: output,
                            controlling_tty: request.pseudoTerminal ? 1 : 0)
                        return rig_spawn(&spawn, &pid)
                    }
                }
            }
        }
    }

    /// Descriptors are `opened` by `run` and closed by the supervisor as they reach EOF.
    private struct Supervisor {
        let pid: pid_t
        let request: Request
        let cancellation: CancellationToken
        var parentIn: Int32
        var parentOut: Int32
        let clock = ContinuousClock()
        var inputOffset = 0
        var stopReason: CancellationToken.Reason?
        var killAt: ContinuousClock.Instant?

        init(pid: pid_t, request: Request, cancellation: CancellationToken, parentIn: Int32, parentOut: Int32) {
            self.pid = pid
            self.request = request
            self.cancellation = cancellation
            self.parentIn = parentIn
            self.parentOut = parentOut
        }

        mutating func run() -> Termination {
            let wake = WakePipe()
            let handle = cancellation.onCancel { _ in wake.signal() }
            let pidfd = rig_pidfd_open(pid)
            defer {
                cancellation.removeHandler(handle)
                wake.close()
                if pidfd >= 0 { close(pidfd) }
                closeInput()
                closeOutput()
            }
            let timeoutAt = request.timeout.map { clock.now + $0 }

            // While the leader runs.
            var exitCode: Int32?
            while exitCode == nil {
                var fds = [pollfd(fd: wake.readEnd, events: Int16(POLLIN), revents: 0)]
                if pidfd >= 0 { fds.append(pollfd(fd: pidfd, events: Int16(POLLIN), revents: 0)) }
                if parentOut >= 0 { fds.append(pollfd(fd: parentOut, events: Int16(POLLIN), revents: 0)) }
                if parentIn >= 0 { fds.append(pollfd(fd: parentIn, events: Int16(POLLOUT), revents: 0)) }
                var deadline = killAt
                if stopReason == nil, let t = timeoutAt { deadline = min(deadline ?? t, t) }
                let wait = pidfd >= 0 ? milliseconds(until: deadline) : min(10, milliseconds(until: deadline).magnitudeOrMax)
                _ = poll(&fds, nfds_t(fds.count), wait)

                if fds[0].revents != 0 { wake.drain() }
                let now = clock.now
                if stopReason == nil {
                    if let reason = cancellation.cancellationReason {
                        stop(reason, now)
                    } else if let t = timeoutAt, now >= t, let limit = request.timeout {
                        stop(.timedOut(limit), now)
                    }
                }
                if let k = killAt, now >= k {
                    kill(-pid, SIGKILL)
                    killAt = nil
                }
                for entry in fds.dropFirst() where entry.revents != 0 {
                    if entry.fd == parentIn { writeInput() }
                    if entry.fd == parentOut { readOutput() }
                }
                let exitedReady = pidfd < 0 || fds.contains { $0.fd == pidfd && $0.revents != 0 }
                if exitedReady, rig_wait_exited(pid, 1) != 0 {
                    // The leader is a zombie, so its pid (the group id) cannot be reused yet:
                    // signal what it left behind, then reap it.
                    kill(-pid, SIGTERM)
                    exitCode = rig_reap(pid)
                }
            }
            closeInput()

            // The leader is gone: wait for the rest of its group (SIGKILL after the grace
            // period) while reading what they still write.
            let leftoversKillAt = clock.now + request.grace
            var killedLeftovers = false
            var drainUntil: ContinuousClock.Instant?
            while true {
                let now = clock.now
                let groupAlive = kill(-pid, 0) == 0
                if groupAlive {
                    if !killedLeftovers, now >= leftoversKillAt {
                        kill(-pid, SIGKILL)
                        killedLeftovers = true
                    } else if killedLeftovers, now >= leftoversKillAt + .seconds(2) {
                        break  // unkillable (uninterruptible sleep): do not wait forever
                    }
                } else {
                    if parentOut < 0 { break }
                    if drainUntil == nil { drainUntil = now + ChildProcess.strayOutputDrain }
                    if now >= drainUntil! { break }
                }
                if parentOut >= 0 {
                    var fds = [pollfd(fd: parentOut, events: Int16(POLLIN), revents: 0)]
                    _ = poll(&fds, 1, groupAlive ? 10 : milliseconds(until: drainUntil))
                    if fds[0].revents != 0 { readOutput() }
                } else {
                    usleep(10_000)
                }
            }
            return Termination(exitCode: exitCode ?? 128, stoppedBecause: stopReason)
        }

        private mutating func stop(_ reason: CancellationToken.Reason, _ now: ContinuousClock.Instant) {
            stopReason = reason
            kill(-pid, SIGTERM)
            killAt = now + request.grace
        }

        private func milliseconds(until deadline: ContinuousClock.Instant?) -> Int32 {
            guard let deadline else { return -1 }
            let left = clock.now.duration(to: deadline)
            if left <= .zero { return 0 }
            return Int32(min(Double(Int32.max), (left.seconds * 1000).rounded(.up)))
        }

        private mutating func writeInput() {
            guard let input = request.input else { return closeInput() }
            while inputOffset < input.count {
                let n = input.withUnsafeBytes { write(parentIn, $0.baseAddress! + inputOffset, $0.count - inputOffset) }
                if n > 0 {
                    inputOffset += n
                } else if n < 0, errno == EINTR {
                    continue
                } else if n < 0, errno == EAGAIN {
                    return
                } else {
                    break  // EPIPE: the child stopped reading
                }
            }
            closeInput()
        }

        private mutating func readOutput() {
            guard case .stream(let deliver) = request.output else { return closeOutput() }
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while parentOut >= 0 {
                let n = buffer.withUnsafeMutableBytes { read(parentOut, $0.baseAddress, $0.count) }
                if n > 0 {
                    buffer.withUnsafeBytes { deliver(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
                } else if n < 0, errno == EINTR {
                    continue
                } else if n < 0, errno == EAGAIN {
                    return
                } else {
                    closeOutput()  // EOF, or EIO from a pseudo-terminal whose other side closed
                }
            }
        }

        private mutating func closeInput() {
            if parentIn >= 0 { close(parentIn) }
            parentIn = -1
        }

        private mutating func closeOutput() {
            if parentOut >= 0 { close(parentOut) }
            parentOut = -1
        }
    }
}

/// A pipe a cancellation handler writes to so that poll(2) wakes up. A handler may still run
/// after it was removed (the token calls handlers outside its lock), so writes check `closed`
/// under `lock` and never reach a descriptor number reused by then.
private final class WakePipe: @unchecked Sendable {
    private let lock = NSLock()
    private var fds: [Int32] = [-1, -1]
    private var closed = false

    init() { _ = rig_wake_pipe(&fds) }

    var readEnd: Int32 { fds[0] }

    func signal() {
        lock.withLock {
            guard !closed else { return }
            var one: UInt8 = 1
            _ = write(fds[1], &one, 1)
        }
    }

    func drain() {
        var sink = [UInt8](repeating: 0, count: 64)
        _ = read(fds[0], &sink, sink.count)
    }

    func close() {
        lock.withLock {
            guard !closed else { return }
            closed = true
            Glibc.close(fds[0])
            Glibc.close(fds[1])
        }
    }
}

/// /dev/null, opened once for every child's stdin.
private let devNull: Int32 = open("/dev/null", O_RDWR | O_CLOEXEC)

/// Writing to a pipe whose reader is gone must fail with EPIPE, not kill rig.
private let ignoreSIGPIPE: Void = { signal(SIGPIPE, SIG_IGN) }()

func errnoText() -> String { String(cString: strerror(errno)) }

/// Calls `body` with a NULL-terminated array of C strings.
private func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
    var pointers = strings.map { strdup($0) }
    pointers.append(nil)
    defer { for p in pointers { free(p) } }
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}

extension Int32 {
    /// -1 (no limit) as the largest value, for taking a minimum.
    fileprivate var magnitudeOrMax: Int32 { self < 0 ? Int32.max : self }
}
