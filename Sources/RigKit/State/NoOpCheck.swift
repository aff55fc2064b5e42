import OrderedCollections

/// Decides, without parsing YAML, whether resuming a run would do nothing — the null build.
///
/// The run must have ended `succeeded` (a run is marked so only when its journal shows every
/// task of its `workflow.resolved` done), and the files it was resolved from (as listed in its
/// `run.json`) and the result-affecting settings must hash to the same `CacheKey`. With
/// `verifyJournal` the journal is also read to check every task's state and fingerprint — a
/// second opinion that costs reading the whole journal (~60 ms for 10,000 tasks, against ~8 ms
/// without). Any miss means "take the full path" (parse, fingerprint, plan).
public enum NoOpCheck {
    public enum Verdict: Sendable, Hashable {
        /// Nothing to do: `tasks` tasks are all done in `runID`.
        case upToDate(runID: String, tasks: Int)
        /// The full resume path is needed, because of `reason`.
        case needsPlanning(reason: String)
    }

    /// - Parameters:
    ///   - settings: the same result-affecting settings `rig run` hashed into the run's `settingsDigest`.
    ///   - verifyJournal: also read the journal and check every task (slower, independent of `run.json`'s status).
    public static func check(
        store: RunStore, runID: String? = nil, settings: OrderedDictionary<String, String>, verifyJournal: Bool = false
    ) -> Verdict {
        let run: RunFolder
        let record: RunManifest
        do {
            run = try store.resolveRun(runID)
            record = try run.readManifest()
        } catch {
            return .needsPlanning(reason: "\(error)")
        }
        guard record.status == .succeeded else { return .needsPlanning(reason: "run \(run.id) \(record.effectiveStatus)") }
        let stored = CacheKey(sourceFiles: record.sourceFiles, settingsDigest: record.settingsDigest ?? "")
        guard !record.sourceFiles.isEmpty, let now = stored.recomputed(settings: settings), now == stored else {
            return .needsPlanning(reason: "the workflow, its inputs or settings changed since run \(run.id)")
        }
        let resolved: ResolvedWorkflow
        do { resolved = try run.readResolved(parameters: false) } catch {
            return .needsPlanning(reason: "\(error)")
        }
        guard resolved.cacheKey == now.digest else {
            return .needsPlanning(reason: "\(run.resolvedPath) does not match run \(run.id)'s files")
        }
        guard PosixFile.size(run.journalPath) ?? 0 > JournalFormat.headerSize else {
            return .needsPlanning(reason: "\(run.journalPath) is missing or holds no records")
        }
        if verifyJournal {
            let state: JournalState
            do { state = JournalState(records: try run.readJournal().intactRecords()) } catch {
                return .needsPlanning(reason: "\(error)")
            }
            for task in resolved.tasks {
                guard let s = state[task.id], s.phase.isDone, s.fingerprint?.digest == task.fingerprint.digest else {
                    return .needsPlanning(reason: "\(task.id) is not done in run \(run.id)")
                }
            }
        }
        return .upToDate(runID: run.id, tasks: resolved.tasks.count)
    }
}
