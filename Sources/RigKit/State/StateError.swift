/// A problem with rig's state folder (`.rig/` beside the workflow): what is wrong, where, and what to do.
public enum StateError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A system call failed on a state file.
    case io(operation: String, path: String, errno: Int32)
    /// The state folder, a run or a file in it was written by a newer rig.
    case newerFormat(path: String, found: Int, supported: Int)
    /// A file where rig expects its own state holds something else.
    case notRigState(path: String, reason: String)
    /// `rig resume RUN` named a run that does not exist.
    case unknownRun(id: String, stateDirectory: String, known: [String])
    /// There is no run to resume or show.
    case noRuns(stateDirectory: String)
    /// A run folder without its `run.json`: deleted, or the run was killed while being created.
    case noManifest(runFolder: String)
    /// Another rig holds the state folder's lock.
    case locked(path: String, holder: LockHolder?)

    public var description: String {
        switch self {
        case .io(let operation, let path, let code):
            return "cannot \(operation) \(path): \(errnoText(code)). Check that the folder exists, is writable and the disk is not full."
        case .newerFormat(let path, let found, let supported):
            return "\(path) was written by a newer rig (state format \(found); this rig understands up to \(supported)). "
                + "Nothing was changed. Upgrade rig, or move the .rig folder aside to start with fresh state."
        case .notRigState(let path, let reason):
            return "\(path) is not rig state: \(reason). Nothing was changed. Move the file aside if it is yours; "
                + "rig will then start fresh."
        case .unknownRun(let id, let dir, let known):
            let list = known.isEmpty ? "there are no runs yet" : "known runs: \(known.suffix(5).joined(separator: ", "))"
            return "no run \(id) in \(dir) (\(list)). Run `rig runs` to list them."
        case .noRuns(let dir):
            return "no runs recorded in \(dir). Start one with `rig run FILE`."
        case .noManifest(let folder):
            let id = PosixFile.lastComponent(of: folder)
            let aside = PosixFile.join(PosixFile.parentDirectory(of: PosixFile.parentDirectory(of: folder)), "\(id).no-run-json")
            return "\(PosixFile.join(folder, "run.json")) is missing (deleted, or run \(id) was killed while it was being "
                + "created): without it rig cannot tell what run \(id) was, so it cannot show or resume it. Nothing was "
                + "changed. Move the run aside, out of rig's way: `mv \(shellQuote(folder)) \(shellQuote(aside))`; "
                + "`rig resume` then continues the run before it, or `rig run FILE` starts afresh."
        case .locked(let path, let holder):
            let who = holder.map { "\($0)" } ?? "another process (it has not written its details yet)"
            return "another rig is using this state folder: \(who) holds \(path). "
                + "Wait for it to finish, or stop it; a lock left by a process that died is taken over automatically."
        }
    }
}

/// The text of a C `errno` value.
func errnoText(_ code: Int32) -> String {
    #if canImport(Glibc)
    return String(cString: Glibc.strerror(code)) + " (errno \(code))"
    #else
    return String(cString: Darwin.strerror(code)) + " (errno \(code))"
    #endif
}

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
