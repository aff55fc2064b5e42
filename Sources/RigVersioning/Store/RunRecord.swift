import Foundation
import RigKit

/// A compact record of one finished run, committed to `refs/rig/runs` as `runs/<id>.json`.
/// It holds ids, statuses and times only: never secrets, never logs.
public struct RunRecord: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Hashable, Codable {
        case succeeded
        case failed
        case interrupted
    }

    /// How one step on one host ended.
    public struct TaskRecord: Sendable, Hashable, Codable {
        public enum Status: String, Sendable, Hashable, Codable {
            /// Ran; nothing needed doing.
            case ok
            case changed
            /// Its `unless` guard said it was already satisfied.
            case okByGuard = "ok-guard"
            case skipped
            /// Done in an earlier run with an unchanged fingerprint (resume).
            case alreadyDone = "already-done"
            case failed
            case interrupted
        }

        public var step: String
        public var host: String
        public var status: Status

        public init(step: String, host: String, status: Status) {
            self.step = step
            self.host = host
            self.status = status
        }

        /// The record of a task outcome; failure details (which may quote output) are dropped.
        public init(_ task: TaskID, _ outcome: TaskOutcome) {
            let status: Status
            switch outcome {
            case .succeeded(let result): status = result == .changed ? .changed : .ok
            case .okByGuard: status = .okByGuard
            case .skipped(.alreadyDone): status = .alreadyDone
            case .skipped: status = .skipped
            case .failed: status = .failed
            case .interrupted: status = .interrupted
            }
            self.init(step: task.step, host: task.host, status: status)
        }
    }

    public var id: String
    /// The revision the run used, nil when it ran without one.
    public var revision: ObjectID?
    public var status: Status
    public var startedAt: Date
    public var endedAt: Date
    public var tasks: [TaskRecord]

    public init(id: String, revision: ObjectID?, status: Status, startedAt: Date, endedAt: Date, tasks: [TaskRecord]) {
        self.id = id
        self.revision = revision
        self.status = status
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.tasks = tasks
    }

    /// Tasks that did not succeed.
    public var failedTasks: [TaskRecord] { tasks.filter { $0.status == .failed || $0.status == .interrupted } }
}

extension RunRecord {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    func encoded() throws -> Data {
        var data = try Self.encoder.encode(self)
        data.append(0x0A)
        return data
    }

    static func decoded(_ data: Data, with decoder: JSONDecoder = makeDecoder()) throws -> RunRecord {
        try decoder.decode(RunRecord.self, from: data)
    }

    /// One decoder serves every record of a listing (making one per record costs more than decoding).
    static func makeDecoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
