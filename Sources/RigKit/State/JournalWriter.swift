import Foundation

/// Appends records to a new journal, with group commit.
///
/// Callers on many task threads append at once. Writing and syncing are separate turns, each
/// taken by one caller at a time: the writer hands every record buffered so far to the kernel
/// with one `write`; the syncer runs one `fdatasync` covering everything written before it
/// started. Records appended while a sync is in flight are written at once and wait for the
/// next sync, which covers them all — so N tasks finishing together share one sync instead of
/// paying N, and appends that need no sync never wait for one. Order on disk is append order.
///
/// After a failed write or sync the journal is poisoned: every later append throws the same
/// error (after a failed fsync the kernel's page cache can no longer be trusted).
public final class JournalWriter: @unchecked Sendable {
    /// How far an append has gone when it returns.
    public enum Durability: Sendable, Hashable {
        /// In memory; goes out with the next non-buffered append or `close()`.
        case buffered
        /// Handed to the kernel: survives the death of rig (kill -9), not a power loss.
        case written
        /// On stable storage (`fdatasync`): survives a power loss.
        case durable
    }

    public let path: String
    private let fd: Int32
    // Guards every var below; waiters sleep on it.
    private let condition = NSCondition()
    private var pending: [UInt8] = []
    /// Sequence numbers: records appended, handed to the kernel, known to be on disk.
    private var appended: UInt64 = 0
    private var written: UInt64 = 0
    private var synced: UInt64 = 0
    private var writing = false
    private var syncing = false
    private var failure: StateError?
    private var closed = false
    private var statistics = Statistics()

    /// How much grouping happened: records per write and per sync.
    public struct Statistics: Sendable, Hashable {
        public var records = 0
        public var writes = 0
        public var syncs = 0
    }

    /// Creates a new journal (never opens an existing one: an existing file is an error, so no
    /// journal is ever overwritten) with its header on disk.
    public static func create(at path: String) throws(JournalError) -> JournalWriter {
        do throws(StateError) {
            let fd = try PosixFile.open(path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND, mode: 0o600)
            do throws(StateError) {
                try PosixFile.writeAll(fd, JournalFormat.header, path: path)
                try PosixFile.syncData(fd, path: path)
                try PosixFile.syncDirectory(PosixFile.parentDirectory(of: path))
            } catch {
                PosixFile.close(fd)
                PosixFile.remove(path)
                throw error
            }
            return JournalWriter(path: path, fd: fd)
        } catch {
            throw .io(error)
        }
    }

    private init(path: String, fd: Int32) {
        self.path = path
        self.fd = fd
    }

    deinit {
        if !closed { PosixFile.close(fd) }
    }

    public func append(_ record: JournalRecord, durability: Durability) throws(JournalError) {
        try append(frames: JournalFormat.frame(record), count: 1, durability: durability)
    }

    /// Appends several records as one batch (they reach the disk together).
    public func append(contentsOf records: [JournalRecord], durability: Durability) throws(JournalError) {
        guard !records.isEmpty else { return }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(records.count * 128)
        for record in records { bytes.append(contentsOf: JournalFormat.frame(record)) }
        try append(frames: bytes, count: records.count, durability: durability)
    }

    /// Flushes everything buffered to stable storage.
    public func sync() throws(JournalError) {
        condition.lock()
        let target = appended
        try waitUntil(target, durable: true)
    }

    /// Syncs and closes; later appends fail.
    public func close() throws(JournalError) {
        try sync()
        condition.lock()
        defer { condition.unlock() }
        if !closed {
            closed = true
            PosixFile.close(fd)
        }
    }

    public var stats: Statistics { condition.withLock { statistics } }

    private func append(frames: [UInt8], count: Int, durability: Durability) throws(JournalError) {
        condition.lock()
        if let failure {
            condition.unlock()
            throw .io(failure)
        }
        if closed {
            condition.unlock()
            throw .io(.io(operation: "append to closed journal", path: path, errno: EBADF))
        }
        pending.append(contentsOf: frames)
        appended += UInt64(count)
        statistics.records += count
        let mine = appended
        if durability == .buffered {
            condition.unlock()
            return
        }
        try waitUntil(mine, durable: durability == .durable)
    }

    /// Called with the lock held; returns with it released.
    private func waitUntil(_ sequence: UInt64, durable: Bool) throws(JournalError) {
        while true {
            if let failure {
                condition.unlock()
                throw .io(failure)
            }
            if written < sequence {
                if writing { condition.wait() } else { writeBatch() }
                continue
            }
            if !durable || synced >= sequence {
                condition.unlock()
                return
            }
            if syncing { condition.wait() } else { syncWritten() }
        }
    }

    /// Writes everything pending. Called and returns with the lock held.
    private func writeBatch() {
        writing = true
        let batch = pending
        pending = []
        pending.reserveCapacity(batch.count)
        let last = appended
        condition.unlock()
        var error: StateError?
        do { try PosixFile.writeAll(fd, batch, path: path) } catch let e { error = e }
        condition.lock()
        writing = false
        if let error {
            failure = error
        } else {
            written = last
            statistics.writes += 1
        }
        condition.broadcast()
    }

    /// Syncs everything written so far. Called and returns with the lock held.
    private func syncWritten() {
        syncing = true
        let target = written
        condition.unlock()
        var error: StateError?
        do { try PosixFile.syncData(fd, path: path) } catch let e { error = e }
        condition.lock()
        syncing = false
        if let error {
            failure = error
        } else {
            synced = max(synced, target)
            statistics.syncs += 1
        }
        condition.broadcast()
    }
}
