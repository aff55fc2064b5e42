import OrderedCollections

/// One checkpointed run in a `RunStore`: its folder with `run.json` and `workflow.resolved`, its
/// journal opened with the run's first records, and the observer that journals every task.
/// `rig run`, `rig resume` and the benchmark all start runs through this.
public final class CheckpointedRun: Sendable {
    public let folder: RunFolder
    public let recorder: JournalRecorder
    public var observer: JournalObserver { JournalObserver(recorder) }

    /// Creates the run folder and journal, and durably records the run's start.
    /// - Parameters:
    ///   - toRun: the tasks this run may start.
    ///   - carried: tasks done in earlier runs (a resume's skipped tasks).
    ///   - redactions: secret values known before the run (never written to the folder).
    ///   - onJournalFailure: called once if the journal cannot be written; stop the run then.
    public init(
        store: RunStore, manifest: RunManifest, resolved: ResolvedWorkflow, definitions: RunDefinitions, toRun: [TaskID],
        carried: [TaskID: ResumePlan.Carried] = [:], redactions: [String] = [],
        onJournalFailure: @escaping @Sendable (JournalError) -> Void = { _ in }
    ) throws(JournalError) {
        let folder: RunFolder
        do {
            folder = try store.createRun(manifest)
            try folder.writeResolved(resolved)
        } catch { throw .io(error) }
        let writer = try folder.createJournal()
        recorder = JournalRecorder(
            writer: writer, runID: folder.id, fingerprints: definitions.fingerprints, secretOutputs: definitions.secretOutputs,
            redactions: redactions, onFailure: onJournalFailure)
        try recorder.begin(toRun: toRun, carried: carried)
        self.folder = folder
    }

    /// Journals the end, closes the journal and records status and task counts in `run.json`.
    public func finish(_ summary: RunSummary, leftTasks: Int = 0) throws(JournalError) {
        let status = Self.status(of: summary, leftTasks: leftTasks)
        try recorder.end(status: status)
        try recorder.writer.close()
        var counts: [String: Int] = [:]
        for outcome in summary.outcomes.values { counts[Self.countName(outcome), default: 0] += 1 }
        if leftTasks > 0 { counts["left for later", default: 0] += leftTasks }
        do { try folder.finish(status: status, taskCounts: counts) } catch { throw .io(error) }
    }

    static func status(of summary: RunSummary, leftTasks: Int) -> RunManifest.Status {
        switch summary.status {
        case .succeeded: return leftTasks == 0 ? .succeeded : .incomplete
        case .failed: return .failed
        case .interrupted: return .interrupted
        }
    }

    static func countName(_ outcome: TaskOutcome) -> String {
        switch outcome {
        case .succeeded: return "succeeded"
        case .okByGuard: return "ok (guard)"
        case .skipped(.alreadyDone): return "done earlier"
        case .skipped(.conditionFalse): return "skipped (condition false)"
        case .skipped: return "not reached"
        case .failed: return "failed"
        case .interrupted: return "interrupted"
        }
    }
}
