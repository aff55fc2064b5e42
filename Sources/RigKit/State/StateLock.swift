import Foundation

/// Who holds (or last held) a state folder's lock, as written in the lock file.
public struct LockHolder: Sendable, Hashable, CustomStringConvertible {
    public var pid: Int32
    /// When the holder took the lock, µs since 1970.
    public var startedMicros: Int64?
    /// The holder's process start time in clock ticks since boot, to tell a reused pid apart.
    public var processStartTicks: UInt64?
    public var command: String?

    public init(pid: Int32, startedMicros: Int64? = nil, processStartTicks: UInt64? = nil, command: String? = nil) {
        self.pid = pid
        self.startedMicros = startedMicros
        self.processStartTicks = processStartTicks
        self.command = command
    }

    public var description: String {
        var text = "PID \(pid)"
        var details: [String] = []
        if let command { details.append(command) }
        if let startedMicros { details.append("started \(UTCTime.iso8601(micros: startedMicros))") }
        if !details.isEmpty { text += " (\(details.joined(separator: ", ")))" }
        return text
    }

    /// Whether that very process (same pid, same start time when known) still runs on this machine.
    public var isAlive: Bool {
        guard pid > 0, kill(pid, 0) == 0 || errno == EPERM else { return false }
        guard let entry = ProcessTable.entry(pid) else { return ProcessTable.bootID() == nil }
        if entry.isDead { return false }
        if let processStartTicks { return entry.startTicks == processStartTicks }
        return true
    }

    var fileText: String {
        var lines = ["pid=\(pid)"]
        if let startedMicros { lines.append("started=\(UTCTime.iso8601(micros: startedMicros))") }
        if let processStartTicks { lines.append("startticks=\(processStartTicks)") }
        if let command { lines.append("command=\(command.replacingNewlines)") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Parses the lock file; nil when it is empty or holds no pid.
    static func parse(_ text: String) -> LockHolder? {
        var values: [Substring: Substring] = [:]
        for line in text.split(separator: "\n") {
            guard let eq = line.firstIndex(of: "=") else { continue }
            values[line[..<eq]] = line[line.index(after: eq)...]
        }
        guard let pidText = values["pid"], let pid = Int32(pidText) else { return nil }
        return LockHolder(
            pid: pid, startedMicros: values["started"].flatMap { UTCTime.parseISO8601(String($0)) },
            processStartTicks: values["startticks"].flatMap { UInt64($0) }, command: values["command"].map(String.init))
    }
}

/// One run at a time per state folder: an exclusive `flock` on `.rig/lock`.
///
/// The kernel drops a `flock` when its holder's last file descriptor closes — including when
/// the holder is killed — so a lock can never be held by a dead process, and "stale lock
/// detection" is only about the *file's text*: if we get the lock and the file still names a
/// holder, that holder died without releasing; `previousHolder` reports it. The file is never
/// deleted (unlinking a lock file lets two processes lock two different inodes); release
/// empties it. The descriptor is close-on-exec, so tasks rig spawns never inherit the lock.
public final class StateLock: @unchecked Sendable {
    public let path: String
    /// The holder the file still named when we took the lock: it died without releasing.
    public let previousHolder: LockHolder?
    public let holder: LockHolder
    // Guards `fd`.
    private let mutex = NSLock()
    private var fd: Int32?

    /// Takes the lock or fails at once with `StateError.locked` naming the holder.
    public static func acquire(at path: String, command: String) throws(StateError) -> StateLock {
        let fd = try PosixFile.open(path, O_RDWR | O_CREAT, mode: 0o644)
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            let text = (try? readText(fd)) ?? ""
            PosixFile.close(fd)
            if code == EWOULDBLOCK { throw .locked(path: path, holder: LockHolder.parse(text)) }
            throw .io(operation: "lock", path: path, errno: code)
        }
        let previous = LockHolder.parse((try? readText(fd)) ?? "")
        let me = LockHolder(
            pid: getpid(), startedMicros: JournalRecord.now(), processStartTicks: ProcessTable.entry(getpid())?.startTicks,
            command: command)
        do {
            try writeText(fd, me.fileText, path: path)
        } catch {
            PosixFile.close(fd)
            throw error
        }
        return StateLock(path: path, fd: fd, holder: me, previous: previous)
    }

    /// Fails with `StateError.locked` when the lock file names a live holder. Reads only, so it
    /// never stands in the way of a run starting at the same moment (a holder that has not yet
    /// written its details is not seen).
    public static func checkFree(at path: String) throws(StateError) {
        guard let bytes = try? PosixFile.read(path), let holder = LockHolder.parse(String(decoding: bytes, as: UTF8.self)),
            holder.isAlive
        else { return }
        throw .locked(path: path, holder: holder)
    }

    private init(path: String, fd: Int32, holder: LockHolder, previous: LockHolder?) {
        self.path = path
        self.fd = fd
        self.holder = holder
        self.previousHolder = previous
    }

    deinit { release() }

    /// Empties the file and drops the lock. Safe to call twice.
    public func release() {
        mutex.withLock {
            guard let fd else { return }
            _ = ftruncate(fd, 0)
            PosixFile.close(fd)
            self.fd = nil
        }
    }

    private static func readText(_ fd: Int32) throws(StateError) -> String {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = pread(fd, &buffer, buffer.count, 0)
        guard n >= 0 else { throw .io(operation: "read", path: "lock file", errno: errno) }
        return String(decoding: buffer[0..<n], as: UTF8.self)
    }

    private static func writeText(_ fd: Int32, _ text: String, path: String) throws(StateError) {
        guard ftruncate(fd, 0) == 0 else { throw .io(operation: "truncate", path: path, errno: errno) }
        let bytes = Array(text.utf8)
        let n = pwrite(fd, bytes, bytes.count, 0)
        guard n == bytes.count else { throw .io(operation: "write", path: path, errno: errno) }
    }
}

extension String {
    var replacingNewlines: String { split(whereSeparator: \.isNewline).joined(separator: " ") }
}
