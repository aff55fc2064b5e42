import CRigSpawn
import Foundation

/// Writes a file so readers see the old or the new content, never half: a temporary file in the
/// same folder, fsync, rename, fsync of the folder.
enum AtomicFile {
    static func write(_ content: [UInt8], to path: String, mode: UInt16, owner: String?, group: String?) throws(StepFailure) {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        var template = Array("\(directory)/.\(url.lastPathComponent).rig-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { rig_mkstemp_cloexec($0.baseAddress!) }
        guard fd >= 0 else { throw .failed("cannot write \(path): \(errnoText())") }
        let temporary = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var committed = false
        defer {
            if !committed { unlink(temporary) }
        }
        do {
            defer { close(fd) }
            var offset = 0
            while offset < content.count {
                let n = content.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
                if n < 0, errno == EINTR { continue }
                guard n > 0 else { throw StepFailure.failed("cannot write \(path): \(errnoText())") }
                offset += n
            }
            guard fchmod(fd, mode_t(mode)) == 0 else { throw StepFailure.failed("cannot set the mode of \(path): \(errnoText())") }
            if owner != nil || group != nil {
                let uid = try owner.map { (name: String) throws(StepFailure) -> uid_t in
                    guard let id = userID(name) else { throw .failed("cannot give \(path) to user '\(name)': no such user") }
                    return id
                } ?? uid_t.max
                let gid = try group.map { (name: String) throws(StepFailure) -> gid_t in
                    guard let id = groupID(name) else { throw .failed("cannot give \(path) to group '\(name)': no such group") }
                    return id
                } ?? gid_t.max
                guard fchown(fd, uid, gid) == 0 else { throw StepFailure.failed("cannot change the owner of \(path): \(errnoText())") }
            }
            guard fsync(fd) == 0 else { throw StepFailure.failed("cannot write \(path): \(errnoText())") }
        } catch let failure as StepFailure {
            throw failure
        } catch {
            throw .failed("cannot write \(path): \(error)")
        }
        guard rename(temporary, path) == 0 else { throw .failed("cannot move the new \(path) into place: \(errnoText())") }
        committed = true
        let dirFD = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dirFD >= 0 {
            fsync(dirFD)
            close(dirFD)
        }
    }

    static func userID(_ name: String) -> uid_t? {
        if let numeric = uid_t(name) { return numeric }
        var entry = passwd()
        var result: UnsafeMutablePointer<passwd>?
        var buffer = [CChar](repeating: 0, count: 16_384)
        guard getpwnam_r(name, &entry, &buffer, buffer.count, &result) == 0, result != nil else { return nil }
        return entry.pw_uid
    }

    static func groupID(_ name: String) -> gid_t? {
        if let numeric = gid_t(name) { return numeric }
        var entry = group()
        var result: UnsafeMutablePointer<group>?
        var buffer = [CChar](repeating: 0, count: 16_384)
        guard getgrnam_r(name, &entry, &buffer, buffer.count, &result) == 0, result != nil else { return nil }
        return entry.gr_gid
    }
}
