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

    @OptionGroup var workflow: WorkflowOptions

    func run() throws {
        let session = try reportingErrors { try WorkflowSession.load(workflow) }
        for warning in session.warnings { Terminal.writeError(warning.description) }
        let text = try reportingErrors { try PlanPrinter(session: session).text() }
        print(text, terminator: "")
        print(RevisionRecorder(session: session).planNote())
    }
}
