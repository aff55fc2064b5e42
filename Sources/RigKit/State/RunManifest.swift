import Foundation

/// `run.json`: what a run was, for `rig runs`, `rig status` and `rig resume`. It holds input
/// values and flags that matter for a resume; never a secret value (secrets are named only).
public struct RunManifest: Codable, Sendable, Hashable {
    public enum Status: String, Codable, Sendable, Hashable, CustomStringConvertible {
        case running
        case succeeded
        case failed
        case interrupted
        /// Every task it ran succeeded, but `--only` left others for a later resume.
        case incomplete
        /// Recorded as running, but its runner is gone (killed, crashed, power loss).
        case abandoned

        public var description: String { rawValue }
    }

    /// A file the run read, with the SHA-256 of its content: the no-op cache's key.
    public struct SourceFile: Codable, Sendable, Hashable {
        public var path: String
        public var sha256: String

        public init(path: String, sha256: String) {
            self.path = path
            self.sha256 = sha256
        }
    }

    public var formatVersion: Int
    public var id: String
    /// The workflow file, absolute.
    public var workflowPath: String
    public var startedAt: Date
    public var endedAt: Date?
    public var status: Status
    /// The run this one resumed.
    public var resumedFrom: String?
    /// The revision the versioning store recorded for this run's files.
    public var revision: String?
    /// `--input name=value` as given (inputs are never secret; secrets are not inputs).
    public var inputs: [String: String]
    public var inputFiles: [String]
    public var inventoryFile: String?
    /// Run flags worth repeating on resume (e.g. `jobs`, `keep-going`), as text.
    public var options: [String: String]
    public var pid: Int32
    /// The runner's start time in clock ticks since boot, to tell whether it is still alive.
    public var processStartTicks: UInt64?
    /// Tasks by final state, filled in when the run ends.
    public var taskCounts: [String: Int]?
    /// The files the workflow was assembled from, hashed: with `settingsDigest`, the no-op cache key.
    public var sourceFiles: [SourceFile]
    /// SHA-256 over inputs and result-affecting flags.
    public var settingsDigest: String?

    public init(
        id: String = RunID.make(), workflowPath: String, startedAt: Date = Date(), status: Status = .running,
        resumedFrom: String? = nil, revision: String? = nil, inputs: [String: String] = [:], inputFiles: [String] = [],
        inventoryFile: String? = nil, options: [String: String] = [:], pid: Int32 = getpid(),
        processStartTicks: UInt64? = nil, sourceFiles: [SourceFile] = [],
        settingsDigest: String? = nil
    ) {
        self.formatVersion = RunStore.formatVersion
        self.id = id
        self.workflowPath = workflowPath
        self.startedAt = startedAt
        self.status = status
        self.resumedFrom = resumedFrom
        self.revision = revision
        self.inputs = inputs
        self.inputFiles = inputFiles
        self.inventoryFile = inventoryFile
        self.options = options
        self.pid = pid
        self.processStartTicks = processStartTicks ?? (pid == getpid() ? ProcessTable.entry(pid)?.startTicks : nil)
        self.sourceFiles = sourceFiles
        self.settingsDigest = settingsDigest
    }

    /// `status`, except that a run still marked running whose runner is gone is `abandoned`.
    public var effectiveStatus: Status {
        guard status == .running else { return status }
        return LockHolder(pid: pid, processStartTicks: processStartTicks).isAlive ? .running : .abandoned
    }

    public var duration: Duration? {
        endedAt.map { .milliseconds(Int64(($0.timeIntervalSince(startedAt) * 1000).rounded())) }
    }

    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        // Milliseconds: runs started within one second must still sort, and durations be exact.
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(timestamp(withFractions: true).string(from: date))
        }
        return encoder
    }

    static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            guard let date = timestamp(withFractions: true).date(from: text) ?? timestamp(withFractions: false).date(from: text) else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not an ISO 8601 time: \(text)"))
            }
            return date
        }
        return decoder
    }

    private static func timestamp(withFractions: Bool) -> ISO8601DateFormatter {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = withFractions ? [.withInternetDateTime, .withFractionalSeconds] : [.withInternetDateTime]
        return formatter
    }
}
