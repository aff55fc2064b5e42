import Foundation
import RigKit

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The private folder that holds the master connections' control sockets and logs. Anyone who
/// can open a control socket can run commands on the host as the ssh user, so the folder must be
/// ours alone: created 0700, or, when given, checked to be owned by us and closed to others.
public final class SSHControlDirectory: @unchecked Sendable {
    public let path: String
    /// Whether rig created the folder (and so removes it on shutdown).
    let created: Bool
    // Guards `counter`.
    private let lock = NSLock()
    private var counter = 0

    /// Creates `/tmp/rig-<uid>-<random>`, or checks and uses `path`.
    public init(path: String? = nil) throws(StepFailure) {
        if let path {
            if mkdir(path, 0o700) == 0 {
                created = true
            } else if errno == EEXIST {
                var info = stat()
                guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
                    throw .failed("the ssh control directory \(path) is not a directory; give a folder of your own")
                }
                guard info.st_uid == getuid(), info.st_mode & 0o077 == 0 else {
                    throw .failed(
                        "the ssh control directory \(path) must belong to you with mode 0700 (others could use its sockets to run commands on your hosts): run `chmod 700 \(path)`"
                    )
                }
                created = false
            } else {
                throw .failed("cannot create the ssh control directory \(path): \(String(cString: strerror(errno)))")
            }
            self.path = path
        } else {
            var template = Array("/tmp/rig-\(getuid())-XXXXXXXX".utf8CString)
            guard let made = mkdtemp(&template) else {
                throw .failed("cannot create a private ssh control directory under /tmp: \(String(cString: strerror(errno)))")
            }
            self.path = String(cString: made)
            created = true
        }
    }

    /// A short, unique socket path (Unix sockets allow ~107 bytes).
    func nextSocketPath() -> String {
        let number = lock.withLock {
            counter += 1
            return counter
        }
        return "\(path)/\(number)"
    }

    /// Removes the folder when rig made it.
    func remove() {
        if created { try? FileManager.default.removeItem(atPath: path) }
    }
}
