import Foundation

/// An exclusive `flock` on a file inside the store, so that two rig processes never write at once.
/// The holder writes its pid into the file so a waiting process can say who holds it.
struct StoreFileLock {
    let path: String
    let store: String
    let timeout: Duration

    func withLock<T>(_ body: () throws -> T) throws -> T {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw RevisionStoreError.writeFailed(store: store, detail: "cannot open lock file \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        let start = ContinuousClock.now
        while flock(fd, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR else {
                throw RevisionStoreError.writeFailed(store: store, detail: "cannot lock \(path): \(String(cString: strerror(errno)))")
            }
            let waited = ContinuousClock.now - start
            if waited >= timeout {
                throw RevisionStoreError.busy(store: store, holder: holder(fd), waitedSeconds: waited.seconds)
            }
            usleep(5_000)
        }
        defer { flock(fd, LOCK_UN) }
        let stamp = Array("pid \(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pwrite(fd, stamp, stamp.count, 0)
        return try body()
    }

    private func holder(_ fd: Int32) -> String? {
        var buffer = [UInt8](repeating: 0, count: 64)
        let count = pread(fd, &buffer, buffer.count, 0)
        guard count > 0 else { return nil }
        let text = String(decoding: buffer[..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }
}

extension Duration {
    var seconds: Double {
        let (s, attoseconds) = components
        return Double(s) + Double(attoseconds) / 1e18
    }
}
