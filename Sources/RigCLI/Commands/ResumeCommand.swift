import ArgumentParser
import RigKit

/// `rig resume [RUN | FILE]`: continue a failed, interrupted or killed run.
struct ResumeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume",
        abstract: "Continue a failed, interrupted or killed run: skip what is done and unchanged, run the rest.",
        discussion: """
            The target is a run id, or a workflow file (its latest run); without one, the latest run of the .rig \
            folder in the current directory, its nearest parent, or its only subfolder with one. The workflow, inventory, inputs, secrets file \
            and run flags default to the run's own (run.json); options given here replace them.

            A task is skipped if it succeeded with an unchanged definition and everything it needs is skipped too; \
            failed, interrupted, never-started and changed tasks run again with everything downstream. Resuming a \
            finished run whose files are unchanged does nothing and exits 0. `--dry-run` (or `rig plan --resume`) \
            lists every task as skip or run with the reason.

            \(ExitStatus.helpText)
            """
    )

    @Argument(help: ArgumentHelp("A run id, or a workflow file to resume its latest run.", valueName: "run-or-file"))
    var target: String?

    @Option(name: .customLong("run"), help: ArgumentHelp("The run to resume when the target is a workflow file.", valueName: "id"))
    var runID: String?

    @OptionGroup var selection: ResumeSelection

    @Option(help: ArgumentHelp("Replace the run's inventory file.", valueName: "file"))
    var inventory: String?

    @Option(name: .customLong("input"), help: ArgumentHelp("Set an input, on top of the run's (repeatable).", valueName: "name=value"))
    var inputAssignments: [String] = []

    @Option(name: .customLong("inputs"), help: ArgumentHelp("Replace the run's input files (repeatable).", valueName: "file"))
    var inputFiles: [String] = []

    @OptionGroup var secretOptions: SecretOptions
    @OptionGroup var connection: ConnectionOptions

    @Option(name: .shortAndLong, help: "How many tasks may run at once (default: the run's).")
    var jobs: Int?

    @Flag(name: .customLong("keep-going"), help: "After a failure, keep running every task that does not depend on it.")
    var keepGoing = false

    @Option(help: "Progress output: text or json (JSON lines).")
    var output: OutputFormat = .text

    @Flag(name: .customLong("dry-run"), help: "Only list what would be skipped and what would run, and why.")
    var dryRun = false

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1 (got \(jobs))") }
    }

    func run() throws {
        let code = try reportingErrors { () throws -> Int32 in
            let resumer = Resumer(
                locator: try StateLocator(target: target, run: runID),
                overrides: .init(
                    inventory: inventory, inputAssignments: inputAssignments, inputFiles: inputFiles,
                    secretsFile: secretOptions.secrets, sshConfig: connection.sshConfig,
                    acceptNewHostKeys: connection.acceptNewHostKeys, jobs: jobs, keepGoing: keepGoing),
                options: selection.plannerOptions, acceptDamagedJournal: selection.acceptDamagedJournal, output: output)
            return try resumer.resume(dryRun: dryRun)
        }
        if code != 0 { throw ExitCode(code) }
    }
}

/// Deliberate partial reruns, shared by `rig resume` and `rig plan --resume`.
struct ResumeSelection: ParsableArguments {
    @Option(help: ArgumentHelp("Run STEP (or STEP@HOST) and everything downstream of it again (repeatable).", valueName: "step"))
    var from: [String] = []

    @Option(help: ArgumentHelp("Run only STEP (or STEP@HOST); what it needs must be done (repeatable).", valueName: "step"))
    var only: [String] = []

    @Option(help: ArgumentHelp("Run STEP (or STEP@HOST) again even if it is done (repeatable).", valueName: "step"))
    var force: [String] = []

    @Flag(name: .customLong("accept-damaged-journal"),
          help: "Resume from the intact records before damage in the middle of the journal; tasks after it run again.")
    var acceptDamagedJournal = false

    var plannerOptions: ResumePlanner.Options {
        ResumePlanner.Options(
            force: force.map(TaskSelector.init(parsing:)), from: from.map(TaskSelector.init(parsing:)),
            only: only.map(TaskSelector.init(parsing:)))
    }
}
