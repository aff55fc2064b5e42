import Foundation

/// `.rig/outputs`: where a run's local tasks write `$RIG_OUTPUT` while they run, inside the
/// state folder and, like it, open to rig's user only (0700), so a secret output never touches
/// a disk anywhere else. A file there outlives its task only when rig is killed; the next run
/// or resume of the state folder, which holds its lock, removes it before any task starts.
public enum OutputFolder {
    public static let name = "outputs"

    /// Creates the folder (or restores its mode 0700) and removes what a killed run left in it;
    /// returns its path. Call with the state folder's lock held.
    public static func prepare(stateDirectory: String) throws(StateError) -> String {
        let path = stateDirectory.hasSuffix("/") ? stateDirectory + name : stateDirectory + "/" + name
        if mkdir(path, 0o700) != 0, errno != EEXIST {
            throw .io(operation: "create the folder for task outputs", path: path, errno: errno)
        }
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { throw .io(operation: "open the folder for task outputs", path: path, errno: errno) }
        guard fchmod(fd, 0o700) == 0, let dir = fdopendir(fd) else {
            let error = errno
            close(fd)
            throw .io(operation: "restrict the folder for task outputs to its owner", path: path, errno: error)
        }
        defer { closedir(dir) }
        var leftovers: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != "." && name != ".." { leftovers.append(name) }
        }
        for name in leftovers {
            guard unlinkat(fd, name, 0) == 0 || errno == ENOENT || errno == EISDIR else {
                throw .io(operation: "remove an output file a killed run left", path: path + "/" + name, errno: errno)
            }
        }
        return path
    }
}
