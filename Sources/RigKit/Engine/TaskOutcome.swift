/// How a task ended in a run; the journal records one per task.
public enum TaskOutcome: Sendable, Hashable, CustomStringConvertible {
    /// It ran to success: `ok` (nothing needed doing) or `changed`.
    case succeeded(TaskResult.Status)
    /// The step's `unless` guard succeeded, so the task was already satisfied.
    case okByGuard
    case skipped(SkipReason)
    case failed(StepFailure)
    /// Stopped by Ctrl-C/SIGTERM or fail-fast while running.
    case interrupted

    public enum SkipReason: Sendable, Hashable, CustomStringConvertible {
        /// Its `when:` condition was false.
        case conditionFalse
        /// Something it needs failed or was interrupted.
        case upstreamFailed(String)
        /// Fail-fast stopped the run before it started.
        case runStopped
        /// A resumed run found it done, with an unchanged fingerprint, in an earlier run.
        case alreadyDone(runID: String)

        public var description: String {
            switch self {
            case .conditionFalse: return "condition false"
            case .upstreamFailed(let what): return "needs \(what), which did not succeed"
            case .runStopped: return "run stopped before it started"
            case .alreadyDone(let run): return "done in run \(run)"
            }
        }
    }

    public var isSuccess: Bool {
        switch self {
        case .succeeded, .okByGuard: return true
        case .skipped(.alreadyDone), .skipped(.conditionFalse): return true
        case .skipped, .failed, .interrupted: return false
        }
    }

    public var description: String {
        switch self {
        case .succeeded(let status): return status.rawValue
        case .okByGuard: return "ok (guard)"
        case .skipped(let reason): return "skipped: \(reason)"
        case .failed(let failure): return "failed: \(failure)"
        case .interrupted: return "interrupted"
        }
    }
}
