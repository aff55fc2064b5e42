import ArgumentParser
import Foundation
import RigKit

/// `rig new-step NAME`: scaffolds an executable plugin in plugins/.
struct NewStepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "new-step",
        abstract: "Create an executable plugin for a new step type in plugins/.",
        discussion: """
            Writes plugins/rig-step-NAME, a Python program that answers rig's describe, check and apply \
            requests (docs/plugins.md). Put the plugins/ folder beside the workflow that uses `type: NAME`.
            """
    )

    @Argument(help: "The step type, e.g. acme.gpu-driver (letters, digits, '.', '_', '-').")
    var name: String

    @Option(help: "The folder to write the plugin into.")
    var directory: String = "plugins"

    func validate() throws {
        guard name.range(of: #"^[A-Za-z0-9_-][A-Za-z0-9._-]*$"#, options: .regularExpression) != nil else {
            throw ValidationError("'\(name)' cannot be a step type name: use letters, digits, '.', '_' and '-' (e.g. acme.gpu-driver)")
        }
        guard Toolbox.stepTypes.type(named: name) == nil else {
            throw ValidationError(
                "'\(name)' is already a step type of rig; choose another name, e.g. with your lab's prefix: mylab.\(name)")
        }
    }

    func run() throws {
        let folder = absolutePath(directory)
        let path = (folder as NSString).appendingPathComponent(PluginProtocol.executablePrefix + name)
        guard !FileManager.default.fileExists(atPath: path) else {
            throw CLIError.invalidFlag(name, "\(path) already exists; edit it, or remove it first")
        }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        guard
            FileManager.default.createFile(
                atPath: path, contents: Data(PluginScaffold.source(type: name).utf8),
                attributes: [.posixPermissions: 0o755])
        else {
            throw CLIError.invalidFlag(name, "cannot write \(path)")
        }
        print(
            """
            created \(path)
            next: edit it, then use it in a workflow beside \(directory)/:
              - id: my-step
                type: \(name)
                with: {message: hello}
            and check it with `rig steps \(name)` and `rig plan WORKFLOW`.
            """)
    }
}
