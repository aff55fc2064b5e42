import ArgumentParser
import RigKit

/// `rig runs [FILE]`: every recorded run.
struct RunsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract: "List the recorded runs with status, start, duration and revision.",
        discussion: """
            Lists the runs of the workflow file's state folder, or without one of the .rig folder in the current \
            directory, its nearest parent, or its only subfolder with one.

            \(ExitStatus.helpText)
            """
    )

    @Argument(help: ArgumentHelp("A workflow file (default: the .rig folder here or in a parent).", valueName: "file"))
    var file: String?

    func run() throws {
        let text = try reportingErrors { () throws -> String in
            let store = try StateLocator(target: file.map { StateLocator.looksLikeWorkflow($0) ? $0 : "./" + $0 }, run: nil).store
            let runs = try store.listRuns()
            if runs.isEmpty { throw StateError.noRuns(stateDirectory: store.directory) }
            return RunsPrinter(runs: runs).text
        }
        print(text, terminator: "")
    }
}
