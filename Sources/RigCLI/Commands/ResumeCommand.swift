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

    @OptionGroup var overrides: ResumeOverrides

    @Option(help: "Progress output: text or json (JSON lines).")
    var output: OutputFormat = .text

    @Flag(name: .customLong("dry-run"), help: "Only list what would be skipped and what would run, and why.")
    var dryRun = false

    func run() throws {
        let code = try reportingErrors { () throws -> Int32 in
            let resumer = Resumer(
                locator: try StateLocator(target: target, run: runID),
                overrides: overrides,
                options: selection.plannerOptions, acceptDamagedJournal: selection.acceptDamagedJournal, output: output)
            return try resumer.resume(dryRun: dryRun)
        }
        if code != 0 { throw ExitCode(code) }
    }
}
