import ArgumentParser
import RigLab

/// `rig lab summary`: the simulated cluster as its master sees it.
struct LabSummaryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summary",
        abstract: "Show the lab's cluster: nodes (Ready, labels), helm releases, values.yaml, NFS exports."
    )

    @OptionGroup var lab: LabNameOption

    func run() throws {
        let lab = try lab.lab()
        let summary = try reportingLabErrors { try LabSummary.read(lab) }
        print(summary.text)
    }
}
