import Foundation

/// Looks up users and groups by name (or number) for file ownership.
enum UserDatabase {
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

    /// Writes `content` atomically with its mode and owner, as a transport's upload does.
    static func writeFile(_ content: [UInt8], to path: String, mode: UInt16, owner: String?, group: String?) throws(StepFailure) {
        let uid = try owner.map { (name: String) throws(StepFailure) -> uid_t in
            guard let id = userID(name) else { throw .failed("cannot give \(path) to user '\(name)': no such user") }
            return id
        }
        let gid = try group.map { (name: String) throws(StepFailure) -> gid_t in
            guard let id = groupID(name) else { throw .failed("cannot give \(path) to group '\(name)': no such group") }
            return id
        }
        do {
            try AtomicFile.write(content, to: path, mode: mode_t(mode), owner: uid, group: gid)
        } catch {
            throw .failed("cannot write \(path): \(error)")
        }
    }
}
