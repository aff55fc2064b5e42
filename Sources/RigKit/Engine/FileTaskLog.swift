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

/// A task's log file, opened for appending. Writes are scrubbed of the task's secrets, then
/// capped: past `maxBytes`, the file keeps the first and the last half of the output with a
/// marker line between them saying how many bytes were dropped.
public final class FileTaskLog: DirectOutputLog, @unchecked Sendable {
    /// A plugin's 100 MB of stderr made a 100 MB log; twice 32 MiB keeps what a reader needs.
    public static let defaultMaxBytes = 64 << 20
    static let markerPrefix = "# rig: "
    static let markerMiddle = " bytes of output dropped here"

    public let path: String
    private let redactor: Redactor
    // Opened O_APPEND, so a child writing to it directly interleaves whole writes; `lock` orders ours.
    private let fd: Int32
    private let lock = NSLock()
    private var cap: Cap?

    /// Opens (creating, mode 0600) the file at `path`. `maxBytes` nil: no cap (and a child may
    /// write to the file directly when there is nothing to scrub).
    public init(path: String, redactions: [String] = [], maxBytes: Int? = FileTaskLog.defaultMaxBytes) throws(StepFailure) {
        self.path = path
        self.redactor = Redactor(redactions)
        fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .failed("cannot open the log file \(path): \(String(cString: strerror(errno)))") }
        if let maxBytes {
            // Rewrites in place need offsets, which an O_APPEND descriptor ignores.
            let editFD = open(path, O_RDWR | O_CLOEXEC)
            guard editFD >= 0 else {
                close(fd)
                throw .failed("cannot open the log file \(path): \(String(cString: strerror(errno)))")
            }
            cap = Cap(maxBytes: maxBytes, fd: editFD)
        }
    }

    deinit {
        lock.withLock {
            cap?.finish()
            if let cap { close(cap.fd) }
        }
        close(fd)
    }

    public var directOutputDescriptor: Int32? { redactor.isEmpty && cap == nil ? fd : nil }

    public func write(_ text: String) {
        let clean = redactor.redact(text)
        lock.withLock {
            let bytes = Array(clean.utf8)
            guard cap != nil else { return Self.append(bytes[...], to: fd) }
            cap!.write(bytes[...], appendingTo: fd)
        }
    }

    /// Brings the file down to its cap now (the log also does it when released).
    public func finish() {
        lock.withLock { cap?.finish() }
    }

    static func append(_ bytes: ArraySlice<UInt8>, to fd: Int32) {
        var offset = bytes.startIndex
        while offset < bytes.endIndex {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + (offset - bytes.startIndex), bytes.endIndex - offset) }
            if n < 0, errno == EINTR { continue }
            if n <= 0 { return }
            offset += n
        }
    }

    /// The file as `[head][marker][tail]`: the head fills up to half the cap, then everything
    /// goes to the tail, which is cut back to its last half-cap (and the marker rewritten) once
    /// it holds twice that, and at the end.
    struct Cap {
        let headLimit: Int
        let tailLimit: Int
        let fd: Int32
        var size: Int
        /// Where the head ends and the marker starts; nil while the head is filling.
        var headEnd: Int?
        var markerLength = 0
        var dropped = 0
        var headEndsLine = true
        /// Whether the head so far ends with a newline, while it fills.
        var endsLine = true

        init(maxBytes: Int, fd: Int32) {
            headLimit = max(1, maxBytes / 2)
            tailLimit = max(1, maxBytes - max(1, maxBytes / 2))
            self.fd = fd
            size = max(0, Int(lseek(fd, 0, SEEK_END)))
            var last: UInt8 = 0
            if size > 0, pread(fd, &last, 1, off_t(size - 1)) == 1 { endsLine = last == UInt8(ascii: "\n") }
            if size > headLimit { resume() }
        }

        var tailStart: Int { (headEnd ?? size) + markerLength }

        /// A file this log wrote before (an earlier attempt): find its marker, if it has one.
        private mutating func resume() {
            let from = max(0, headLimit - 4_096)
            var window = [UInt8](repeating: 0, count: min(size, headLimit + 4_096) - from)
            let n = window.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(from)) }
            window = Array(window[0..<max(0, n)])
            headEnd = min(size, headLimit)
            headEndsLine = window.isEmpty || headLimit - from - 1 >= window.count || window[headLimit - from - 1] == UInt8(ascii: "\n")
            let prefix = Array(("\n" + FileTaskLog.markerPrefix).utf8)
            let middle = Array(FileTaskLog.markerMiddle.utf8)
            var i = window.startIndex
            while i + prefix.count <= window.count {
                defer { i += 1 }
                guard window[i..<i + prefix.count].elementsEqual(prefix) else { continue }
                let digits = window[(i + prefix.count)...].prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
                guard let count = Int(String(decoding: digits, as: UTF8.self)),
                    window[digits.endIndex...].starts(with: middle),
                    let end = window[digits.endIndex...].firstIndex(of: UInt8(ascii: "\n"))
                else { continue }
                headEnd = from + i + 1
                headEndsLine = true
                markerLength = end - i
                dropped = count
                return
            }
        }

        mutating func write(_ bytes: ArraySlice<UInt8>, appendingTo appendFD: Int32) {
            var rest = bytes
            if headEnd == nil {
                let room = headLimit - size
                if rest.count <= room {
                    FileTaskLog.append(rest, to: appendFD)
                    size += rest.count
                    if let last = rest.last { endsLine = last == UInt8(ascii: "\n") }
                    return
                }
                // Cut after a line if one ends near the limit.
                let window = rest.prefix(room)
                let cut =
                    window.suffix(4_096).lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 }
                    ?? (room <= 4_096 && endsLine ? rest.startIndex : window.endIndex)
                FileTaskLog.append(rest[..<cut], to: appendFD)
                size += cut - rest.startIndex
                headEnd = size
                headEndsLine = cut > rest.startIndex ? rest[cut - 1] == UInt8(ascii: "\n") : endsLine
                rest = rest[cut...]
            }
            FileTaskLog.append(rest, to: appendFD)
            size += rest.count
            if size - tailStart > 2 * tailLimit { trim() }
        }

        mutating func finish() {
            if headEnd != nil, size - tailStart > tailLimit { trim() }
        }

        /// Keeps the last `tailLimit` bytes after the head (from a line start when one is near),
        /// with a marker counting everything dropped so far.
        private mutating func trim() {
            guard let headEnd else { return }
            var keepFrom = size - tailLimit
            var probe = [UInt8](repeating: 0, count: min(4_096, tailLimit))
            let n = probe.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(keepFrom)) }
            if n > 0, let newline = probe[0..<n].firstIndex(of: UInt8(ascii: "\n")), newline + 1 < n {
                keepFrom += newline + 1
            }
            dropped += keepFrom - tailStart
            let marker = Array(
                ((headEndsLine ? "" : "\n") + FileTaskLog.markerPrefix + "\(dropped)" + FileTaskLog.markerMiddle
                    + "; a task's log keeps the first \(headLimit) and the last \(tailLimit) bytes of its output\n").utf8)
            let kept = size - keepFrom
            let destination = headEnd + marker.count
            move(kept, from: keepFrom, to: destination)
            _ = marker.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, off_t(headEnd)) }
            size = destination + kept
            _ = ftruncate(fd, off_t(size))
            markerLength = marker.count
        }

        /// Copies `count` bytes within the file; the ranges may overlap.
        private func move(_ count: Int, from source: Int, to destination: Int) {
            guard source != destination, count > 0 else { return }
            let chunk = 1 << 20
            var buffer = [UInt8](repeating: 0, count: min(chunk, count))
            var done = 0
            while done < count {
                let length = min(chunk, count - done)
                // Forward when moving toward the start, backward otherwise, so no byte is overwritten before it is read.
                let offset = destination < source ? done : count - done - length
                let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, length, off_t(source + offset)) }
                guard n == length else { return }
                _ = buffer.withUnsafeBytes { pwrite(fd, $0.baseAddress, length, off_t(destination + offset)) }
                done += length
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
