import Foundation
import RigKit

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Drives one spawned process on the calling thread: feeds its stdin, hands stdout and stderr
/// chunks to the caller as they arrive, and stops it on cancellation or at a deadline.
///
/// Stopping first closes stdin (over ssh that is the remote wrapper's signal to kill the remote
/// process group), waits `stopGrace` for the process to exit by itself, then kills its group.
struct ProcessSession {
    enum Ending: Equatable {
        case exited(Int32)
        case cancelled(CancellationToken.Reason)
        case deadlinePassed
    }

    var input: [UInt8]
    /// Keep stdin open after the input is written, until the process exits; a closed stdin tells
    /// the remote wrapper that rig is gone.
    var holdInputOpen: Bool
    var deadline: ContinuousClock.Instant?
    var stopGrace: Duration = .seconds(5)

    func run(
        _ process: SpawnedProcess, cancellation: CancellationToken,
        onStdout: ([UInt8]) -> Void, onStderr: ([UInt8]) -> Void
    ) -> Ending {
        var process = process
        let wake = WakePipe()
        let handle = cancellation.onCancel { _ in wake.signal() }
        defer {
            cancellation.removeHandler(handle)
            for fd in [process.stdinFD, process.stdoutFD, process.stderrFD] where fd >= 0 { _ = close(fd) }
        }
        if process.stdinFD >= 0 { _ = fcntl(process.stdinFD, F_SETFL, fcntl(process.stdinFD, F_GETFL) | O_NONBLOCK) }

        let clock = ContinuousClock()
        var written = 0
        var stopReason: Ending?
        var killAt: ContinuousClock.Instant?
        var killed = false
        var exitCode: Int32?
        var reapedAt: ContinuousClock.Instant?
        var quietPolls = 0
        var buffer = [UInt8](repeating: 0, count: 65_536)

        func closeInput() {
            if process.stdinFD >= 0 {
                _ = close(process.stdinFD)
                process.stdinFD = -1
            }
        }
        func beginStop(_ why: Ending) {
            guard stopReason == nil else { return }
            stopReason = why
            closeInput()
            killAt = clock.now.advanced(by: stopGrace)
        }
        if input.isEmpty && !holdInputOpen { closeInput() }

        while true {
            if stopReason == nil, let reason = cancellation.cancellationReason { beginStop(.cancelled(reason)) }
            if stopReason == nil, let deadline, clock.now >= deadline { beginStop(.deadlinePassed) }
            if let killAt, !killed, clock.now >= killAt {
                process.killGroup(SIGKILL)
                killed = true
            }
            let streamsOpen = process.stdoutFD >= 0 || process.stderrFD >= 0
            if exitCode == nil, let code = process.reapIfExited() {
                exitCode = code
                reapedAt = clock.now
            }
            if let exitCode, let reapedAt {
                // Streams still open after the child is gone are held by someone else (an ssh
                // master that is itself stuck): give them a moment, then stop listening.
                if !streamsOpen || clock.now - reapedAt > .seconds(2) || killed {
                    return stopReason ?? .exited(exitCode)
                }
            }

            var fds: [pollfd] = []
            if process.stdoutFD >= 0 { fds.append(pollfd(fd: process.stdoutFD, events: Int16(POLLIN), revents: 0)) }
            if process.stderrFD >= 0 { fds.append(pollfd(fd: process.stderrFD, events: Int16(POLLIN), revents: 0)) }
            let writing = process.stdinFD >= 0 && written < input.count
            if writing { fds.append(pollfd(fd: process.stdinFD, events: Int16(POLLOUT), revents: 0)) }
            fds.append(pollfd(fd: wake.readFD, events: Int16(POLLIN), revents: 0))

            // With both streams at EOF the child is about to exit: check back soon.
            var timeout: Duration = .milliseconds(250)
            if !streamsOpen {
                timeout = .milliseconds(min(1 << min(quietPolls, 6), 50))
                quietPolls += 1
            }
            if stopReason == nil, let deadline { timeout = min(timeout, max(.zero, deadline - clock.now)) }
            if let killAt, !killed { timeout = min(timeout, max(.zero, killAt - clock.now)) }
            let milliseconds = Int32(timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
            let ready = poll(&fds, nfds_t(fds.count), max(milliseconds, 0))
            if ready < 0 && errno != EINTR { return stopReason ?? .exited(exitCode ?? -1) }
            guard ready > 0 else { continue }

            for entry in fds where entry.revents != 0 {
                if entry.fd == wake.readFD {
                    wake.drain()
                } else if entry.fd == process.stdinFD {
                    let count = input.withUnsafeBytes { raw in
                        write(entry.fd, raw.baseAddress!.advanced(by: written), input.count - written)
                    }
                    if count > 0 { written += count }
                    if count < 0 && errno != EAGAIN && errno != EINTR { closeInput() }
                    if written == input.count && !holdInputOpen { closeInput() }
                } else {
                    let count = read(entry.fd, &buffer, buffer.count)
                    if count > 0 {
                        let chunk = Array(buffer[0..<count])
                        if entry.fd == process.stdoutFD { onStdout(chunk) } else { onStderr(chunk) }
                    } else if count == 0 || (errno != EAGAIN && errno != EINTR) {
                        _ = close(entry.fd)
                        if entry.fd == process.stdoutFD { process.stdoutFD = -1 } else { process.stderrFD = -1 }
                    }
                }
            }
        }
    }
}

/// A self-pipe that lets another thread interrupt `poll`.
final class WakePipe: @unchecked Sendable {
    // Immutable after init; the write end is safe to use from any thread.
    let readFD: Int32
    private let writeFD: Int32

    init() {
        let ends = makeCloseOnExecPipe(nonBlocking: true)
        readFD = ends?.read ?? -1
        writeFD = ends?.write ?? -1
    }

    func signal() {
        var byte: UInt8 = 1
        _ = write(writeFD, &byte, 1)
    }

    func drain() {
        var bytes = [UInt8](repeating: 0, count: 64)
        while read(readFD, &bytes, bytes.count) > 0 {}
    }

    deinit {
        _ = close(readFD)
        _ = close(writeFD)
    }
}
