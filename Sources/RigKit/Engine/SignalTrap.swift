import Foundation

/// Turns SIGINT/SIGTERM/SIGHUP into a call on a queue (DispatchSource signal sources) instead of
/// killing rig, so a run can stop cleanly. Children get default dispositions back at spawn.
public final class SignalTrap: @unchecked Sendable {
    // Guards `sources` and `previous`.
    private let lock = NSLock()
    private var sources: [Int32: any DispatchSourceSignal] = [:]
    private var previous: [Int32: sigaction] = [:]

    /// Catches `signals`; `handler` runs on `queue` with the signal number and how many times it came.
    public init(
        _ signals: [Int32] = stopping, queue: DispatchQueue = DispatchQueue(label: "rig.signals"),
        handler: @escaping @Sendable (_ signal: Int32, _ count: Int) -> Void
    ) {
        for signalNumber in signals {
            var ignore = sigaction()
            ignore.__sigaction_handler.sa_handler = SIG_IGN
            var old = sigaction()
            sigaction(signalNumber, &ignore, &old)
            previous[signalNumber] = old
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: queue)
            let counter = Counter()
            source.setEventHandler { handler(signalNumber, counter.increment()) }
            source.resume()
            sources[signalNumber] = source
        }
    }

    /// The signals that stop a run: Ctrl-C, `kill`, and the hang-up of a lost terminal (a
    /// dropped SSH session to the machine rig runs on).
    public static let stopping: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    /// The first signal cancels the run (children get SIGTERM, then SIGKILL after the grace
    /// period); a second SIGINT or SIGTERM exits at once with 128 + signal. A repeated SIGHUP
    /// changes nothing: a hang-up often arrives twice (from the kernel and from the shell), and
    /// nobody is there to ask for an abrupt exit.
    public static func cancelling(_ executor: Executor, signals: [Int32] = stopping) -> SignalTrap {
        SignalTrap(signals) { signalNumber, count in
            if count == 1 {
                executor.cancel(.interrupted(signal: signalNumber))
            } else if signalNumber != SIGHUP {
                exit(exitCode(for: signalNumber))
            }
        }
    }

    /// The conventional exit status of a process stopped by `signal`: 129 for SIGHUP, 130 for
    /// SIGINT, 143 for SIGTERM.
    public static func exitCode(for signal: Int32) -> Int32 { 128 + signal }

    /// Stops catching and restores the dispositions the signals had before.
    public func cancel() {
        let (active, dispositions) = lock.withLock {
            defer {
                sources.removeAll()
                previous.removeAll()
            }
            return (sources, previous)
        }
        for (signalNumber, source) in active {
            source.cancel()
            var old = dispositions[signalNumber] ?? sigaction()
            sigaction(signalNumber, &old, nil)
        }
    }

    deinit { cancel() }

    private final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        func increment() -> Int {
            lock.withLock {
                value += 1
                return value
            }
        }
    }
}
