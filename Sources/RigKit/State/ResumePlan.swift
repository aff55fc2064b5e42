import OrderedCollections

/// What a resume does with every task, and why: the executor takes `carried` (as its prior
/// results), `rig plan --resume` and `rig resume --dry-run` print `entries`.
public struct ResumePlan: Sendable {
    /// Why a task runs again.
    public enum RunReason: Sendable, Hashable, CustomStringConvertible {
        case neverRan
        /// Queued in the previous run, never started.
        case neverStarted
        case failed(message: String?, exitCode: Int32?)
        case interrupted
        /// Journaled as started, never finished: the runner died while it ran.
        case startedNotFinished(attempt: Int)
        /// Skipped in the previous run because something it needs failed, or the run stopped first.
        case notReached(String)
        /// Its own definition changed: the fields that differ (`with.run`, `unless`, `host`, ...).
        case definitionChanged(fields: [String])
        /// Something it needs runs again.
        case upstreamReran([TaskID])
        case forced(TaskSelector)
        /// `--from STEP`: the step or one of its descendants.
        case from(TaskSelector)
        case only(TaskSelector)
        /// A skipped producer runs again only to regenerate secret outputs a rerunning task needs
        /// (secrets are never journaled); its other descendants stay skipped.
        case regenerateSecretOutputs(for: TaskID, outputs: [String])

        public var description: String {
            switch self {
            case .neverRan: return "never ran"
            case .neverStarted: return "queued but never started"
            case .failed(let message, let code):
                if let message, !message.isEmpty { return "failed: \(message)" }
                return code.map { "failed with exit status \($0)" } ?? "failed"
            case .interrupted: return "interrupted"
            case .startedNotFinished(let attempt):
                return "started (attempt \(attempt)) but never finished: the runner died"
            case .notReached(let why): return "not reached: \(why)"
            case .definitionChanged(let fields): return "definition changed: \(fields.joined(separator: ", "))"
            case .upstreamReran(let tasks):
                let names = tasks.prefix(3).map(\.description).joined(separator: ", ")
                return "upstream runs again: \(names)\(tasks.count > 3 ? " and \(tasks.count - 3) more" : "")"
            case .forced(let s): return "forced (--force \(s))"
            case .from(let s): return "--from \(s)"
            case .only(let s): return "--only \(s)"
            case .regenerateSecretOutputs(let task, let outputs):
                return "regenerate secret output\(outputs.count == 1 ? "" : "s") \(outputs.joined(separator: ", ")) for \(task)"
            }
        }
    }

    public enum Decision: Sendable, Hashable, CustomStringConvertible {
        /// Done in `runID` with an unchanged fingerprint.
        case skip(runID: String)
        case run(RunReason)
        /// Not done, but not selected by `--only`: left out of this run entirely (a later resume runs it).
        case leave(String)

        public var runs: Bool { if case .run = self { return true } else { return false } }
        public var skips: Bool { if case .skip = self { return true } else { return false } }

        public var description: String {
            switch self {
            case .skip(let run): return "skip: done in run \(run)"
            case .run(let reason): return "run: \(reason)"
            case .leave(let why): return "leave: \(why)"
            }
        }
    }

    /// A task done earlier whose result this run takes over.
    public struct Carried: Sendable, Hashable {
        public var runID: String
        /// Non-secret outputs, fed to later tasks.
        public var outputs: OrderedDictionary<String, String>
        /// Secret outputs that exist but were never journaled.
        public var withheldOutputs: [String]
        public var fingerprint: Fingerprint
    }

    /// The run this plan resumes.
    public var previousRunID: String
    /// Every task of the new graph, upstream first.
    public var decisions: OrderedDictionary<TaskID, Decision>
    /// The skipped tasks' results.
    public var carried: [TaskID: Carried]
    /// Tasks in the previous journal that the new workflow no longer has.
    public var removed: [TaskID]

    public var toRun: [TaskID] { decisions.filter { $0.value.runs }.map(\.key) }
    public var left: [TaskID] { decisions.filter { if case .leave = $0.value { return true } else { return false } }.map(\.key) }
    /// Nothing to run: the previous run already did everything.
    public var isNoOp: Bool { decisions.values.allSatisfy(\.skips) }

    /// One line per task, upstream first: `join@worker3  run: failed: command exited with status 1`.
    public var explanation: [String] { decisions.map { "\($0.key)  \($0.value)" } }
}
