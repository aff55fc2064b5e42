import ArgumentParser
import RigKit

/// `rig plan FILE`: what a run would do — waves, hosts per step, the exact commands per task
/// (secrets shown as placeholders), guards and conditions. Needs no secrets and runs nothing.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show the order of steps, the hosts of each and the exact commands each task would run.",
        discussion: ExitStatus.helpText
    )

    @Argument(
        help: ArgumentHelp(
            "The workflow file (YAML). With --resume: a workflow file, a run id, or nothing for the latest run of the .rig folder here.",
            valueName: "file"),
        completion: .file(extensions: ["yaml", "yml"]))
    var target: String?

    @OptionGroup var completion: WorkflowCompletion

    @Flag(
        help:
            "Explain a resume of the workflow's latest run (or --run, or a run id given instead of the file): every task as skip or run, and why."
    )
    var resume = false

    @Option(name: .customLong("run"), help: ArgumentHelp("With --resume: the run to resume instead of the latest.", valueName: "id"))
    var runID: String?

    @OptionGroup var selection: ResumeSelection

    func validate() throws {
        let selects = !selection.from.isEmpty || !selection.only.isEmpty || !selection.force.isEmpty || selection.acceptDamagedJournal
        if !resume, runID != nil || selects {
            throw ValidationError("--run, --from, --only, --force and --accept-damaged-journal need --resume")
        }
        if !resume, target == nil {
            throw ValidationError("Missing the workflow file: rig plan FILE (only `rig plan --resume` can do without one)")
        }
    }

    func run() throws {
        if resume { return try explainResume() }
        let workflow = try WorkflowOptions.parse(file: target ?? "", completion: completion)
        let session = try reportingErrors { try WorkflowSession.load(workflow) }
        for warning in session.warnings { Terminal.writeError(warning.description) }
        let text = try reportingErrors { try PlanPrinter(session: session).text() }
        print(text, terminator: "")
        print(RevisionRecorder(session: session).planNote())
    }

    /// `rig plan [FILE | RUN] --resume`: the dry run of `rig resume`, with this command's
    /// inventory and inputs on top of the run's.
    private func explainResume() throws {
        _ = try reportingErrors { () throws -> Int32 in
            let resumer = Resumer(
                locator: try StateLocator(target: target, run: runID),
                overrides: try ResumeOverrides.parse(completion.arguments),
                options: selection.plannerOptions, acceptDamagedJournal: selection.acceptDamagedJournal)
            return try resumer.resume(dryRun: true)
        }
    }
}
