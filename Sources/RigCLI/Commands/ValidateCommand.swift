import ArgumentParser
import RigKit

/// `rig validate FILE`: every problem in the workflow, inventory and inputs, at once.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a workflow, its inventory and inputs; report every problem with file:line:column.",
        discussion: ExitStatus.helpText
    )

    @OptionGroup var workflow: WorkflowOptions

    func run() throws {
        let session = try reportingErrors { try WorkflowSession.load(workflow) }
        for warning in session.warnings { Terminal.writeError(warning.description) }
        let targets = session.workflow.steps.map(session.hosts(for:))
        let hostNames = Set(targets.joined().map(\.name))
        let taskCount = targets.reduce(0) { $0 + $1.count }
        print(
            "\(workflow.file): valid — \(session.workflow.steps.count) steps, \(taskCount) tasks on \(hostNames.count) host\(hostNames.count == 1 ? "" : "s") (\(hostNames.sorted().joined(separator: ", ")))"
        )
    }
}
