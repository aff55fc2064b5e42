import Foundation

/// One run's folder, `.rig/runs/<id>/`: `run.json`, `workflow.resolved`, `journal`, `logs/`.
public struct RunFolder: Sendable, Hashable {
    public let id: String
    public let path: String

    public init(id: String, path: String) {
        self.id = id
        self.path = path
    }

    public var manifestPath: String { PosixFile.join(path, "run.json") }
    public var journalPath: String { PosixFile.join(path, "journal") }
    public var resolvedPath: String { PosixFile.join(path, "workflow.resolved") }
    /// Where the engine writes per-task logs (`ExecutionOptions.logDirectory`).
    public var logsDirectory: String { PosixFile.join(path, "logs") }

    public func readManifest() throws(StateError) -> RunManifest {
        let bytes: [UInt8]
        do { bytes = try PosixFile.read(manifestPath) } catch .io(_, _, ENOENT) { throw .noManifest(runFolder: path) }
        struct Version: Decodable { var formatVersion: Int }
        guard let version = try? JSONDecoder().decode(Version.self, from: Data(bytes)) else {
            throw .notRigState(path: manifestPath, reason: "not a run manifest")
        }
        if version.formatVersion > RunStore.formatVersion {
            throw .newerFormat(path: manifestPath, found: version.formatVersion, supported: RunStore.formatVersion)
        }
        do {
            return try RunManifest.decoder().decode(RunManifest.self, from: Data(bytes))
        } catch {
            throw .notRigState(path: manifestPath, reason: "not a run manifest (\(error))")
        }
    }

    /// Replaces `run.json` atomically.
    public func writeManifest(_ record: RunManifest) throws(StateError) {
        let data: Data
        do { data = try RunManifest.encoder().encode(record) } catch {
            throw .notRigState(path: manifestPath, reason: "cannot encode run manifest: \(error)")
        }
        try AtomicFile.write(Array(data) + [0x0a], to: manifestPath)
    }

    /// Marks the run ended with `status` and per-state task counts.
    public func finish(status: RunManifest.Status, taskCounts: [String: Int]? = nil, endedAt: Date = Date()) throws(StateError) {
        var record = try readManifest()
        record.status = status
        record.endedAt = endedAt
        record.taskCounts = taskCounts
        try writeManifest(record)
    }

    /// Creates this run's journal; fails if one exists.
    public func createJournal() throws(JournalError) -> JournalWriter {
        try JournalWriter.create(at: journalPath)
    }

    public func readJournal() throws(JournalError) -> JournalContents {
        try JournalReader.read(journalPath)
    }

    public func writeResolved(_ resolved: ResolvedWorkflow) throws(StateError) {
        try AtomicFile.write(resolved.encoded(), to: resolvedPath)
    }

    /// The resolved workflow; `parameters: false` skips the per-task parameters (faster).
    public func readResolved(parameters: Bool = true) throws(StateError) -> ResolvedWorkflow {
        try ResolvedWorkflow.decode(try PosixFile.read(resolvedPath), path: resolvedPath, parameters: parameters)
    }
}
