import Foundation
import RigModel

/// A log a child process may write to directly, bypassing `write(_:)`.
public protocol DirectOutputLog: TaskLog {
    /// An append-mode descriptor for a child's stdout and stderr; nil when output must go
    /// through `write(_:)` (it has secrets to scrub).
    var directOutputDescriptor: Int32? { get }
}

/// Replaces secret strings with `***`.
public struct Redactor: Sendable, Hashable {
    public static let mask = "***"
    /// Longest first, so a secret containing another is masked whole.
    private let secrets: [String]

    /// Each secret is masked in every form `SecretForms` lists: quoted by the `shell` and `json`
    /// filters (a command headline in the log), line by line, newlines as spaces, base64.
    public init(_ secrets: [String]) {
        self.secrets = SecretForms.forms(of: secrets)
    }

    public var isEmpty: Bool { secrets.isEmpty }

    public func redact(_ text: String) -> String {
        var text = text
        for secret in secrets where text.contains(secret) {
            text = text.replacingOccurrences(of: secret, with: Self.mask)
        }
        return text
    }
}

/// A task's log file, opened for appending. Writes are scrubbed of the task's secrets.
public final class FileTaskLog: DirectOutputLog, @unchecked Sendable {
    public let path: String
    private let redactor: Redactor
    // Opened O_APPEND, so a child writing to it directly interleaves whole writes; `lock` orders ours.
    private let fd: Int32
    private let lock = NSLock()

    /// Opens (creating, mode 0600) the file at `path`.
    public init(path: String, redactions: [String] = []) throws(StepFailure) {
        self.path = path
        self.redactor = Redactor(redactions)
        fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .failed("cannot open the log file \(path): \(String(cString: strerror(errno)))") }
    }

    deinit { close(fd) }

    public var directOutputDescriptor: Int32? { redactor.isEmpty ? fd : nil }

    public func write(_ text: String) {
        let clean = redactor.redact(text)
        lock.withLock {
            let bytes = Array(clean.utf8)
            var offset = 0
            while offset < bytes.count {
                let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
                if n < 0, errno == EINTR { continue }
                if n <= 0 { return }
                offset += n
            }
        }
    }

    /// The last `lines` lines of the file (redacted as written), for failure messages.
    public func tail(lines: Int, maxBytes: Int = 16_384) -> String {
        let readFD = open(path, O_RDONLY | O_CLOEXEC)
        guard readFD >= 0 else { return "" }
        defer { close(readFD) }
        let size = lseek(readFD, 0, SEEK_END)
        guard size > 0 else { return "" }
        let start = max(0, Int(size) - maxBytes)
        var buffer = [UInt8](repeating: 0, count: Int(size) - start)
        let n = buffer.withUnsafeMutableBytes { pread(readFD, $0.baseAddress, $0.count, off_t(start)) }
        guard n > 0 else { return "" }
        let text = String(decoding: buffer[0..<n], as: UTF8.self)
        var all = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if start > 0, !all.isEmpty { all.removeFirst() }  // a partial first line
        while all.last?.isEmpty == true { all.removeLast() }
        return redactor.redact(all.suffix(lines).joined(separator: "\n"))
    }
}
