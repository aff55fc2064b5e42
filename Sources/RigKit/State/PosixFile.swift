#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Thin, throwing wrappers over the POSIX calls the state layer needs. Paths are plain strings:
/// the state folder is always local POSIX storage.
enum PosixFile {
    /// Opens `path`, retrying on EINTR.
    static func open(_ path: String, _ flags: Int32, mode: mode_t = 0o644) throws(StateError) -> Int32 {
        while true {
            let fd = path.withCString { ptr in
                #if canImport(Glibc)
                Glibc.open(ptr, flags | O_CLOEXEC, mode)
                #else
                Darwin.open(ptr, flags | O_CLOEXEC, mode)
                #endif
            }
            if fd >= 0 { return fd }
            if errno != EINTR { throw .io(operation: "open", path: path, errno: errno) }
        }
    }

    static func close(_ fd: Int32) {
        #if canImport(Glibc)
        _ = Glibc.close(fd)
        #else
        _ = Darwin.close(fd)
        #endif
    }

    /// Writes every byte, looping over short writes and EINTR.
    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws(StateError) {
        var offset = 0
        while offset < bytes.count {
            let n = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw .io(operation: "write", path: path, errno: errno)
            }
            offset += n
        }
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws(StateError) {
        let failure: StateError? = bytes.withUnsafeBytes { buffer in
            do throws(StateError) { try writeAll(fd, buffer, path: path) } catch { return error }
            return nil
        }
        if let failure { throw failure }
    }

    /// Flushes the file's data (and the metadata needed to read it back) to stable storage.
    static func syncData(_ fd: Int32, path: String) throws(StateError) {
        #if os(Linux)
        let rc = fdatasync(fd)
        #else
        let rc = fcntl(fd, F_FULLFSYNC)
        #endif
        if rc != 0 { throw .io(operation: "sync", path: path, errno: errno) }
    }

    static func syncAll(_ fd: Int32, path: String) throws(StateError) {
        if fsync(fd) != 0 { throw .io(operation: "sync", path: path, errno: errno) }
    }

    /// Makes a rename, creation or removal inside `directory` durable.
    static func setMode(_ fd: Int32, _ mode: mode_t, path: String) throws(StateError) {
        guard fchmod(fd, mode) == 0 else { throw StateError.io(operation: "chmod", path: path, errno: errno) }
    }

    static func setOwner(_ fd: Int32, _ owner: uid_t, _ group: gid_t, path: String) throws(StateError) {
        guard fchown(fd, owner, group) == 0 else { throw StateError.io(operation: "chown", path: path, errno: errno) }
    }

    static func syncDirectory(_ directory: String) throws(StateError) {
        let fd = try open(directory, O_RDONLY | O_DIRECTORY)
        defer { close(fd) }
        try syncAll(fd, path: directory)
    }

    /// The whole content of a file.
    static func read(_ path: String) throws(StateError) -> [UInt8] {
        let fd = try open(path, O_RDONLY)
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw .io(operation: "stat", path: path, errno: errno) }
        var result = [UInt8]()
        result.reserveCapacity(Int(st.st_size) + 1)
        var chunk = [UInt8](repeating: 0, count: max(65_536, min(Int(st.st_size) + 1, 1 << 24)))
        while true {
            let n = chunk.withUnsafeMutableBytes { systemRead(fd, $0.baseAddress!, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw .io(operation: "read", path: path, errno: errno)
            }
            if n == 0 { return result }
            result.append(contentsOf: chunk[0..<n])
        }
    }

    static func exists(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0
    }

    /// The file's size in bytes; nil when it does not exist.
    static func size(_ path: String) -> Int? {
        var st = stat()
        return stat(path, &st) == 0 ? Int(st.st_size) : nil
    }

    static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    /// Creates a folder (and its parents); an existing folder is fine.
    static func makeDirectory(_ path: String, mode: mode_t = 0o755) throws(StateError) {
        if isDirectory(path) { return }
        let parent = parentDirectory(of: path)
        if parent != path, !isDirectory(parent) { try makeDirectory(parent, mode: mode) }
        if mkdir(path, mode) != 0, errno != EEXIST {
            throw .io(operation: "create folder", path: path, errno: errno)
        }
    }

    /// The names in a folder, without `.` and `..`.
    static func list(_ directory: String) throws(StateError) -> [String] {
        guard let dir = opendir(directory) else { throw .io(operation: "list", path: directory, errno: errno) }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    static func rename(_ from: String, _ to: String) throws(StateError) {
        #if canImport(Glibc)
        let rc = Glibc.rename(from, to)
        #else
        let rc = Darwin.rename(from, to)
        #endif
        if rc != 0 { throw .io(operation: "rename \(from) to", path: to, errno: errno) }
    }

    static func remove(_ path: String) { _ = unlink(path) }

    static func parentDirectory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        if slash == path.startIndex { return "/" }
        return String(path[..<slash])
    }

    static func lastComponent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    static func join(_ a: String, _ b: String) -> String { a.hasSuffix("/") ? a + b : a + "/" + b }

    /// An absolute form of `path` (relative paths are taken from the current folder), without symlink resolution.
    static func absolute(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        var buffer = [UInt8](repeating: 0, count: Int(PATH_MAX) + 1)
        let ok = buffer.withUnsafeMutableBufferPointer { b in
            b.withMemoryRebound(to: CChar.self) { getcwd($0.baseAddress, $0.count) != nil }
        }
        guard ok else { return path }
        let cwd = String(decoding: buffer.prefix { $0 != 0 }, as: UTF8.self)
        return join(cwd, path.hasPrefix("./") ? String(path.dropFirst(2)) : path)
    }
}

@inline(__always)
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    return Glibc.read(fd, buffer, count)
    #else
    return Darwin.read(fd, buffer, count)
    #endif
}
