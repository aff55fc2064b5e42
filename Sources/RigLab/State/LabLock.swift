import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// One rig lab command at a time per lab: an exclusive flock on `ROOT/.NAME.lock`, released
/// when the process ends however it ends.
final class LabLock {
    private let fd: Int32
    private let path: String

    init(_ paths: LabPaths) throws(LabError) {
        path = paths.lockFile
        do {
            try FileManager.default.createDirectory(
                atPath: paths.root, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw .system("cannot create \(paths.root): \(error.localizedDescription)")
        }
        fd = open(paths.lockFile, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .system("cannot open \(paths.lockFile): \(errorText(errno))") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw .busy(name: paths.name)
        }
    }

    /// Removes the lock file once the lab is gone (a command that opened it meanwhile got "busy").
    func removeFile() {
        unlink(path)
    }

    deinit {
        close(fd)
    }
}
