import ArgumentParser
import Foundation
import RigKit

/// `rig steps`: every available step type with its origin and parameter schema: built-in and
/// Swift-registered types, and the executable plugins in `plugins/` folders and on PATH.
struct StepsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "steps",
        abstract: "List the available step types and their parameters.",
        discussion: """
            Executable plugins (rig-step-TYPE) are looked up in ./plugins, in the plugins/ folder beside \
            --workflow's files, and on PATH; each is asked to describe itself.
            """
    )

    @Argument(help: "Show only this step type.")
    var type: String?

    @Option(help: "Also list the plugins in the plugins/ folder beside this workflow (and the files it extends).")
    var workflow: String?

    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text

    func run() throws {
        var registry = Toolbox.stepTypes
        var problems: [String] = []
        for (name, path) in try locator().all() where registry.type(named: name) == nil {
            do {
                registry.register(try ExecutablePluginStep.describe(name: name, path: path), origin: .plugin(path))
            } catch {
                problems.append("\(error)")
            }
        }
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
        for problem in problems { Terminal.writeError("warning: \(problem)") }
    }

    private func locator() throws -> PluginLocator {
        var folders = [absolutePath("plugins")]
        if let workflow {
            let loaded = try reportingErrors {
                try WorkflowLoader(registry: Toolbox.stepTypes).load(workflowAt: absolutePath(workflow))
            }
            folders = PluginLocator(workflow: loaded).folders + folders.filter { !PluginLocator(workflow: loaded).folders.contains($0) }
        }
        return PluginLocator(folders: folders)
    }
}
