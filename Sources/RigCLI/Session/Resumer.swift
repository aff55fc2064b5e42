import Foundation
import RigKit

/// `rig resume` and `rig plan --resume`: finds the run to continue, takes its settings (the
/// command line overrides them), plans which tasks run again and why, then runs them.
struct Resumer {
    var locator: StateLocator
    /// What the command line gave; the rest comes from the run's `run.json`.
    var overrides: ResumeOverrides
    var options: ResumePlanner.Options
    var acceptDamagedJournal = false
    var output: OutputFormat = .text

    /// The run's recorded settings with the command line's on top.
    func settings(of manifest: RunManifest) -> RunSettings {
        var settings = RunSettings(manifest: manifest)
        if let workflowPath = locator.workflowPath { settings.workflowPath = workflowPath }
        overrides.apply(to: &settings)
        return settings
    }

    /// The null build: a finished run whose files and settings hash the same needs no YAML parsed.
    func upToDate(_ run: RunFolder, _ manifest: RunManifest, _ settings: RunSettings) -> Bool {
        guard options == ResumePlanner.Options(), !acceptDamagedJournal, overrides.keepsSources,
            settings.workflowPath == manifest.workflowPath,
            case .upToDate(let id, let tasks) = NoOpCheck.check(store: locator.store, runID: run.id, settings: settings.cacheSettings)
        else { return false }
        if output == .text {
            print("run \(id) is complete (\(tasks) task\(tasks == 1 ? "" : "s") done) and nothing changed: nothing to do")
        }
        return true
    }

    /// The previous run's journal, folded. A run killed before its journal began hands over to
    /// the run it resumed, so nothing done earlier is forgotten. A journal damaged, missing or
    /// shorter than the run folder shows is refused unless `acceptDamagedJournal`.
    func previousState(_ run: RunFolder) throws -> (state: JournalState, runID: String) {
        var current = run
        while true {
            let manifest = try current.readManifest()
            let contents = FileManager.default.fileExists(atPath: current.journalPath) ? try current.readJournal() : nil
            if let damage = contents?.damage, acceptDamagedJournal {
                Terminal.writeError(
                    "warning: \(current.journalPath) is damaged at record \(damage.recordIndex) (byte \(damage.byteOffset)): \(damage.reason); resuming from the \(damage.recordIndex) intact records before it"
                )
            }
            let records = try contents.map { acceptDamagedJournal ? $0.records : try $0.intactRecords() } ?? []
            let state = JournalState(records: records)
            if let owner = state.runID, owner != current.id {
                throw JournalError.notAJournal(path: current.journalPath, reason: "it belongs to run \(owner), not \(current.id)")
            }
            if let shortfall = JournalCompleteness.shortfall(of: current, manifest: manifest, contents: contents) {
                guard acceptDamagedJournal, case .incomplete(_, let finding) = shortfall else { throw shortfall }
                Terminal.writeError("warning: \(finding); every task it cannot prove done runs again")
            }
            if state.runID != nil { return (state, current.id) }
            guard let earlier = manifest.resumedFrom else { return (JournalState(records: []), current.id) }
            Terminal.writeError("note: run \(current.id) has no journal records; resuming from run \(earlier), which it resumed")
            current = try locator.store.run(id: earlier)
        }
    }

    /// Plans the resume; `dryRun` prints the plan and stops, else the planned tasks run.
    /// Returns the exit code.
    func resume(dryRun: Bool) throws -> Int32 {
        let run = try locator.run()
        let manifest = try run.readManifest()
        var settings = settings(of: manifest)
        if !dryRun, upToDate(run, manifest, settings) { return 0 }

        if dryRun { try locator.store.checkNotLocked() }
        let lock = dryRun ? nil : try locator.store.lock(command: "rig resume \(run.id)")
        defer { lock?.release() }
        if let lock { reportTakeover(lock) }
        if !FileManager.default.fileExists(atPath: settings.workflowPath) {
            throw CLIError.fileNotFound(settings.workflowPath, what: "workflow file of run \(run.id)")
        }
        let session = try WorkflowSession.load(settings.workflowOptions)
        settings.workflowPath = session.path
        for warning in session.warnings { Terminal.writeError(warning.description) }
        let definitions = try session.runDefinitions()
        let (state, previousID) = try previousState(run)
        if dryRun {
            for leftover in LeftoverProcesses.find(in: state) {
                Terminal.writeError("note: \(leftover) of the dead runner is still alive; `rig resume` ends it first")
            }
        } else {
            reportLeftovers(LeftoverProcesses.reap(state))
        }
        let plan = try ResumePlanner.plan(tasks: definitions.plannerTasks, previous: state, previousRunID: previousID, options: options)
        if dryRun {
            print(ResumePlanPrinter(plan: plan, workflowPath: session.path).text, terminator: "")
            return 0
        }
        let secrets = try session.secrets(settings.secretOptions)
        let flags = try ExecutionFlags.parse(
            ["--jobs", String(settings.jobs), "--output", output.rawValue] + (settings.keepGoing ? ["--keep-going"] : []))
        if output == .text {
            print("resuming run \(previousID): \(plan.toRun.count) to run, \(plan.carried.count) done earlier")
            fflush(nil)
        }
        let revisions = RevisionRecorder(session: session, secrets: secrets, secretsFile: settings.secretsFile)
        let revision = try revisions.commitRevision()
        let driver = RunDriver(session: session, secrets: secrets, flags: flags, connection: try settings.connectionOptions)
        let outcome = try driver.execute(
            .init(
                store: locator.store, settings: settings, definitions: definitions, revision: revision, resumedFrom: run.id,
                carried: plan.carried, leave: Set(plan.left)))
        revisions.recordRun(id: outcome.runID, revision: revision, summary: outcome.summary)
        return outcome.exitCode
    }

    private func reportLeftovers(_ report: LeftoverProcesses.Report) {
        guard !report.found.isEmpty else { return }
        Terminal.writeError(
            "note: the dead runner left \(report.found.count) process(es) of unfinished tasks: "
                + report.found.map(\.description).joined(separator: ", ")
                + "; ended \(report.terminated.count) with SIGTERM, \(report.killed.count) with SIGKILL")
        if !report.survivors.isEmpty {
            Terminal.writeError("warning: still alive after SIGKILL: \(report.survivors.map(String.init).joined(separator: ", "))")
        }
    }
}
