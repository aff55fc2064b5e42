import ArgumentParser
import RigKit

/// Deliberate partial reruns, shared by `rig resume` and `rig plan --resume`.
struct ResumeSelection: ParsableArguments {
    @Option(help: ArgumentHelp("Run STEP (or STEP@HOST) and everything downstream of it again (repeatable).", valueName: "step"))
    var from: [String] = []

    @Option(help: ArgumentHelp("Run only STEP (or STEP@HOST); what it needs must be done (repeatable).", valueName: "step"))
    var only: [String] = []

    @Option(help: ArgumentHelp("Run STEP (or STEP@HOST) again even if it is done (repeatable).", valueName: "step"))
    var force: [String] = []

    @Flag(
        name: .customLong("accept-damaged-journal"),
        help:
            "Resume although the journal is damaged, missing or shorter than the run folder shows: every task it cannot prove done runs again."
    )
    var acceptDamagedJournal = false

    var plannerOptions: ResumePlanner.Options {
        ResumePlanner.Options(
            force: force.map(TaskSelector.init(parsing:)), from: from.map(TaskSelector.init(parsing:)),
            only: only.map(TaskSelector.init(parsing:)))
    }
}
