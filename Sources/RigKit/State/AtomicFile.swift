#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Replaces a file so that a reader, a crash or a power loss sees either the old or the new
/// content, never a mix: write a temporary file in the same folder, fsync it, rename it over
/// the target, fsync the folder.
public enum AtomicFile {
    /// Atomically replaces (or creates) `path` with `bytes`.
    public static func write(_ bytes: [UInt8], to path: String, mode: mode_t = 0o644) throws(StateError) {
        try write(bytes, to: path, mode: mode, beforeRename: {})
    }

    /// Atomically replaces (or creates) `path` with the UTF-8 bytes of `text`.
    public static func write(_ text: String, to path: String, mode: mode_t = 0o644) throws(StateError) {
        try write(Array(text.utf8), to: path, mode: mode)
    }

    /// The prefix of temporary files; a crash can leave one behind, and readers ignore them.
    static let temporaryPrefix = ".tmp-"

    /// `beforeRename` lets tests stop the write at its most delicate point, as a crash would.
    static func write(
        _ bytes: [UInt8], to path: String, mode: mode_t, beforeRename: () throws(StateError) -> Void
    ) throws(StateError) {
        let directory = PosixFile.parentDirectory(of: path)
        let temporary = PosixFile.join(
            directory, "\(temporaryPrefix)\(PosixFile.lastComponent(of: path)).\(getpid()).\(UInt32.random(in: 0...UInt32.max))")
        let fd = try PosixFile.open(temporary, O_WRONLY | O_CREAT | O_EXCL, mode: mode)
        var open = true
        do {
            try PosixFile.writeAll(fd, bytes, path: temporary)
            try PosixFile.syncAll(fd, path: temporary)
            PosixFile.close(fd)
            open = false
            try beforeRename()
            try PosixFile.rename(temporary, path)
        } catch {
            if open { PosixFile.close(fd) }
            PosixFile.remove(temporary)
            throw error
        }
        try PosixFile.syncDirectory(directory)
    }
}
