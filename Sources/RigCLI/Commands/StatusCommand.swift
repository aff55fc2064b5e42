import ArgumentParser
import Foundation
import RigKit

/// `rig status [RUN | FILE]`: where every task of a run stands.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show a run's step × host table: what succeeded, failed, or never started.",
        discussion: """
            The target is a run id, or a workflow file (its latest run); without one, the latest run of the .rig \
            folder in the current directory, its nearest parent, or its only subfolder with one. Reads the run folder only; never changes it.

            \(ExitStatus.helpText)
            """
    )

    @Argument(help: ArgumentHelp("A run id, or a workflow file to show its latest run.", valueName: "run-or-file"))
    var target: String?

    @Option(name: .customLong("run"), help: ArgumentHelp("The run to show when the target is a workflow file.", valueName: "id"))
    var runID: String?

    func run() throws {
        let text = try reportingErrors { () throws -> String in
            let run = try StateLocator(target: target, run: runID).run()
            let manifest = try run.readManifest()
            let tasks = (try? run.readResolved(parameters: false).tasks.map(\.id)) ?? []
            let contents = FileManager.default.fileExists(atPath: run.journalPath) ? try run.readJournal() : nil
            if let damage = contents?.damage {
                Terminal.writeError(
                    "warning: \(run.journalPath) is damaged at record \(damage.recordIndex) (byte \(damage.byteOffset)): \(damage.reason); showing the records before it"
                )
            }
            if case .incomplete(_, let finding)? = JournalCompleteness.shortfall(of: run, manifest: manifest, contents: contents) {
                Terminal.writeError("warning: \(finding); showing what the journal holds")
            }
            return StatusPrinter(
                run: run, manifest: manifest, table: RunStatusTable(state: JournalState(records: contents?.records ?? []), tasks: tasks)
            ).text
        }
        print(text, terminator: "")
    }
}
