import RigModel
import RigVersioning

/// Which tasks of an earlier run a resume would run again after a change, estimated from the
/// run's record on `refs/rig/runs` and the steps the change can affect: a task reruns when its
/// step is affected or it did not finish; added steps run for the first time.
///
/// A seam: once the CLI keeps run state, RigKit's `ResumePlanner` can answer exactly from task
/// fingerprints; this estimate needs nothing but the revision store.
struct ResumeEstimate {
    var run: RunRecord
    /// Tasks that finished but would run again because the change affects their step.
    var rerunBecauseChanged: [RunRecord.TaskRecord]
    /// Tasks that failed or were interrupted: a resume runs them anyway.
    var unfinished: [RunRecord.TaskRecord]
    /// Affected steps the run never had.
    var newSteps: [String]

    init(run: RunRecord, affectedSteps: [String], newWorkflow: Workflow) {
        self.run = run
        let affected = Set(affectedSteps)
        let present = Set(newWorkflow.steps.map(\.id))
        let unfinished = run.failedTasks.filter { present.contains($0.step) }
        self.unfinished = unfinished
        rerunBecauseChanged = run.tasks.filter { affected.contains($0.step) && !unfinished.contains($0) }
        let ran = Set(run.tasks.map(\.step))
        newSteps = affectedSteps.filter { !ran.contains($0) }
    }

    var text: String {
        var lines = ["If the latest run of it, \(run.id) (\(run.status.rawValue)), is resumed with these changes:"]
        let names = { (tasks: [RunRecord.TaskRecord]) in tasks.map { "\($0.step)@\($0.host)" }.joined(separator: ", ") }
        if !rerunBecauseChanged.isEmpty {
            lines.append(
                "  reruns \(rerunBecauseChanged.count) done task\(rerunBecauseChanged.count == 1 ? "" : "s"): \(names(rerunBecauseChanged))"
            )
        }
        if !newSteps.isEmpty { lines.append("  runs new steps: \(newSteps.joined(separator: ", "))") }
        if !unfinished.isEmpty {
            lines.append("  runs \(unfinished.count) unfinished task\(unfinished.count == 1 ? "" : "s") again: \(names(unfinished))")
        }
        if lines.count == 1 { lines.append("  reruns nothing that was done") }
        return lines.joined(separator: "\n") + "\n"
    }
}
