import ArgumentParser
import RigLab

/// `rig lab files DIR`: the inventory, inputs, secrets and SSH files for `rig run` on the lab.
struct LabFilesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "files",
        abstract: "Write inventory.yaml, site.yaml, secrets.yaml, ssh_config, known_hosts and the Tator stand-in for the lab into DIR.",
        discussion:
            "Then: rig run workflows/tator-multinode.yaml --inventory DIR/inventory.yaml --inputs DIR/site.yaml --secrets DIR/secrets.yaml"
    )

    @Argument(help: ArgumentHelp("The folder to write (made if missing).", valueName: "dir"))
    var directory: String

    @OptionGroup var lab: LabNameOption

    func run() throws {
        let lab = try lab.lab()
        let written = try reportingLabErrors { () throws -> [String] in
            let state = try lab.requireState()
            return try LabFiles(lab: lab, state: state).write(to: directory)
        }
        for path in written { print(path) }
    }
}
