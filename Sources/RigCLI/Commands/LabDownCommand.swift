import ArgumentParser
import RigLab

/// `rig lab down`: removes everything the lab made.
struct LabDownCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "down",
        abstract: "Remove a lab: its processes, namespaces (with their links), mounts and files."
    )

    @OptionGroup var lab: LabNameOption

    func run() throws {
        let lab = try lab.lab()
        let removed = try reportingLabErrors { try lab.down() }
        print(removed ? "lab \(lab.name) removed" : "there is no lab \(lab.name); nothing to do")
    }
}
