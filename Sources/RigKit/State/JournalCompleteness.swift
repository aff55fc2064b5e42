/// Checks a run's journal against what the rest of its folder says happened: `run.json`'s task
/// counts once the run ended, its task logs while it had not. A journal deleted, emptied or cut
/// short must not make a resume rerun finished work without a word.
public enum JournalCompleteness {
    /// The task-count names of `run.json` that mean done (see `CheckpointedRun.countName`).
    static let doneCounts: Set<String> = ["succeeded", "ok (guard)", "done earlier", "skipped (condition false)"]

    /// `JournalError.incomplete` when the journal holds less than the run folder shows; nil when
    /// it holds at least that. `contents` is nil when the journal file does not exist.
    public static func shortfall(of run: RunFolder, manifest: RunManifest, contents: JournalContents?) -> JournalError? {
        let state = JournalState(records: contents?.records ?? [])
        let holds: String
        if contents == nil {
            holds = "is missing"
        } else if contents?.records.isEmpty == true {
            holds = "holds no records"
        } else {
            holds = "holds \(state.states.filter(\.phase.isDone).count) task(s) done"
        }
        if let counts = manifest.taskCounts {
            let recorded = counts.filter { doneCounts.contains($0.key) }.values.reduce(0, +)
            let proven = state.states.filter(\.phase.isDone).count
            guard proven < recorded else { return nil }
            return .incomplete(
                journal: run.journalPath,
                finding: "\(run.journalPath) \(holds), but \(run.manifestPath) records that run \(run.id) ended "
                    + "(\(manifest.status)) with \(recorded) task(s) done")
        }
        let logs = ((try? PosixFile.list(run.logsDirectory)) ?? []).filter { $0.hasSuffix(".log") }.sorted()
        let journaled = Set(state.states.compactMap { $0.logPath.map { PosixFile.lastComponent(of: $0) } })
        let unrecorded = logs.filter { !journaled.contains($0) }
        guard !unrecorded.isEmpty else { return nil }
        let names = unrecorded.prefix(5).map { String($0.dropLast(4)) }.joined(separator: ", ")
        return .incomplete(
            journal: run.journalPath,
            finding: "\(run.journalPath) \(holds), but \(run.manifestPath) records run \(run.id) as started "
                + "and \(run.logsDirectory) holds the logs of \(unrecorded.count) task(s) the journal does not record "
                + "(\(names)\(unrecorded.count > 5 ? ", ..." : ""))")
    }
}
