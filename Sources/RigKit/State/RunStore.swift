import Foundation

/// The state folder beside a workflow, `<workflow dir>/.rig/`:
///
///     .rig/format         "rig-state 1": refuse folders from a newer rig, never overwrite them
///     .rig/lock           StateLock (one run at a time)
///     .rig/latest         the id of the newest run
///     .rig/runs/<id>/     one RunFolder per run (run.json, workflow.resolved, journal, logs/)
///
/// Opening a store only reads; `prepare()` creates what is missing.
public struct RunStore: Sendable {
    public static let formatVersion = 1
    static let formatTag = "rig-state"

    /// The `.rig` folder, absolute.
    public let directory: String

    /// The store beside `workflowPath`.
    public init(workflowPath: String) throws(StateError) {
        let workflow = PosixFile.absolute(workflowPath)
        try self.init(directory: PosixFile.join(PosixFile.parentDirectory(of: workflow), ".rig"))
    }

    /// The store at `directory`; checks its format if it exists.
    public init(directory: String) throws(StateError) {
        self.directory = PosixFile.absolute(directory)
        try checkFormat()
    }

    public var runsDirectory: String { PosixFile.join(directory, "runs") }
    public var lockPath: String { PosixFile.join(directory, "lock") }
    var formatPath: String { PosixFile.join(directory, "format") }
    var latestPath: String { PosixFile.join(directory, "latest") }

    /// Creates the folder, its format marker and a `.gitignore` that keeps it out of git.
    public func prepare() throws(StateError) {
        try checkFormat()
        try PosixFile.makeDirectory(directory, mode: 0o700)
        try PosixFile.makeDirectory(runsDirectory, mode: 0o700)
        if !PosixFile.exists(formatPath) {
            try AtomicFile.write("\(Self.formatTag) \(Self.formatVersion)\n", to: formatPath)
        }
        let ignore = PosixFile.join(directory, ".gitignore")
        if !PosixFile.exists(ignore) { try AtomicFile.write("*\n", to: ignore) }
    }

    /// Takes the state folder's lock (creating the folder if needed).
    public func lock(command: String) throws(StateError) -> StateLock {
        try prepare()
        return try StateLock.acquire(at: lockPath, command: command)
    }

    /// Fails with `StateError.locked`, as `lock` would, when a live rig holds the lock; takes nothing.
    public func checkNotLocked() throws(StateError) {
        try StateLock.checkFree(at: lockPath)
    }

    /// Creates the run's folder and its `run.json`, and makes it the latest run.
    public func createRun(_ record: RunManifest) throws(StateError) -> RunFolder {
        guard RunID.isValid(record.id) else {
            throw .notRigState(path: record.id, reason: "not a valid run id")
        }
        try prepare()
        let run = RunFolder(id: record.id, path: PosixFile.join(runsDirectory, record.id))
        if PosixFile.exists(run.path) {
            throw .io(operation: "create run folder (it already exists)", path: run.path, errno: EEXIST)
        }
        try PosixFile.makeDirectory(run.path, mode: 0o700)
        try PosixFile.makeDirectory(run.logsDirectory, mode: 0o700)
        try PosixFile.syncDirectory(runsDirectory)
        try run.writeManifest(record)
        try AtomicFile.write(record.id + "\n", to: latestPath)
        return run
    }

    /// The run with id `id`.
    public func run(id: String) throws(StateError) -> RunFolder {
        let known = (try? runIDs()) ?? []
        guard RunID.isValid(id), known.contains(id) else {
            throw .unknownRun(id: id, stateDirectory: directory, known: known)
        }
        return RunFolder(id: id, path: PosixFile.join(runsDirectory, id))
    }

    /// The newest run: the one `latest` names, else the greatest id.
    public func latestRun() throws(StateError) -> RunFolder? {
        if let bytes = try? PosixFile.read(latestPath) {
            let id = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            if RunID.isValid(id), PosixFile.isDirectory(PosixFile.join(runsDirectory, id)) {
                return RunFolder(id: id, path: PosixFile.join(runsDirectory, id))
            }
        }
        return try runIDs().last.map { RunFolder(id: $0, path: PosixFile.join(runsDirectory, $0)) }
    }

    /// The run named `id`, or the latest run when `id` is nil; `StateError.noRuns` when there is none.
    public func resolveRun(_ id: String?) throws(StateError) -> RunFolder {
        if let id { return try run(id: id) }
        guard let latest = try latestRun() else { throw .noRuns(stateDirectory: directory) }
        return latest
    }

    /// Every run id, oldest first.
    public func runIDs() throws(StateError) -> [String] {
        guard PosixFile.isDirectory(runsDirectory) else { return [] }
        return try PosixFile.list(runsDirectory)
            .filter { RunID.isValid($0) && PosixFile.isDirectory(PosixFile.join(runsDirectory, $0)) }
            .sorted()
    }

    /// Every run's record, oldest first; runs whose `run.json` cannot be read are reported as errors.
    public func listRuns() throws(StateError) -> [(run: RunFolder, record: Result<RunManifest, StateError>)] {
        try runIDs().map { id in
            let run = RunFolder(id: id, path: PosixFile.join(runsDirectory, id))
            return (run, Result { () throws(StateError) in try run.readManifest() })
        }
    }

    private func checkFormat() throws(StateError) {
        if PosixFile.exists(directory), !PosixFile.isDirectory(directory) {
            throw .notRigState(path: directory, reason: "it is a file, not a folder")
        }
        guard PosixFile.exists(formatPath) else { return }
        let text = String(decoding: try PosixFile.read(formatPath), as: UTF8.self)
        let words = text.split(whereSeparator: \.isWhitespace)
        guard words.count == 2, words[0] == Self.formatTag, let version = Int(words[1]) else {
            throw .notRigState(path: formatPath, reason: "unexpected content")
        }
        if version > Self.formatVersion {
            throw .newerFormat(path: directory, found: version, supported: Self.formatVersion)
        }
    }
}
