import Foundation
import OrderedCollections

/// How a run went: every task's outcome and timing.
public struct RunSummary: Sendable {
    public enum Status: Sendable, Hashable, CustomStringConvertible {
        case succeeded
        case failed
        /// Stopped by `Executor.cancel` (Ctrl-C, SIGTERM).
        case interrupted(CancellationToken.Reason)

        public var description: String {
            switch self {
            case .succeeded: return "succeeded"
            case .failed: return "failed"
            case .interrupted: return "interrupted"
            }
        }
    }

    /// When and how long a task ran; nil start for tasks that never started.
    public struct Timing: Sendable, Hashable {
        public var startedAt: Date?
        public var duration: Duration
        /// Attempts made (0 when it never started).
        public var attempts: Int
    }

    public var status: Status
    /// In graph order.
    public var outcomes: OrderedDictionary<TaskID, TaskOutcome>
    public var timings: [TaskID: Timing]
    public var startedAt: Date
    public var duration: Duration

    public var failedTasks: [TaskID] {
        outcomes.compactMap { id, outcome in
            if case .failed = outcome { return id }
            return nil
        }
    }

    public func count(where predicate: (TaskOutcome) -> Bool) -> Int { outcomes.values.filter(predicate).count }
}
