import ArgumentParser
import Foundation
import RigKit

/// `rig steps`: every available step type with its origin and parameter schema.
struct StepsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "steps",
        abstract: "List the available step types and their parameters."
    )

    @Argument(help: "Show only this step type.")
    var type: String?

    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text

    func run() throws {
        let registry = Toolbox.stepTypes
        var entries = registry.allEntries
        if let type {
            guard let entry = registry.entry(named: type) else {
                throw CLIError.unknownStepType(type, known: registry.names)
            }
            entries = [entry]
        }
        switch format {
        case .text: print(StepCatalogue.text(entries), terminator: "")
        case .json: print(try StepCatalogue.json(entries))
        }
    }
}
