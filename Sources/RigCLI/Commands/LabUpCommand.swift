import ArgumentParser
import RigLab

/// `rig lab up`: makes the lab's hosts (or keeps a healthy lab of that size).
struct LabUpCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "up",
        abstract: "Start a lab: master1 (master, NFS, registry) and workers, each a network namespace with its own sshd.",
        discussion:
            "Leftovers of a crashed lab of the same name are removed first. A lab that is already up with that many hosts is kept (use --fresh to remake it)."
    )

    @OptionGroup var lab: LabNameOption

    @Option(help: "How many hosts: master1 plus N-1 workers (1 to 9).")
    var hosts: Int = 3

    @Flag(help: "Remake the lab even when it is up and healthy.")
    var fresh = false

    func run() throws {
        let lab = try lab.lab()
        let (state, made) = try reportingLabErrors { try lab.up(hosts: hosts, fresh: fresh) { print($0) } }
        if !made { print("lab \(lab.name) is already up (\(state.subnet)); --fresh remakes it") }
        for host in state.hosts { print("  \(host.name)\t\(host.address)\t\(host.roles.joined(separator: ","))") }
        print(
            "Next: rig lab files DIR --name \(lab.name), then rig run workflows/tator-multinode.yaml --inventory DIR/inventory.yaml --inputs DIR/site.yaml --secrets DIR/secrets.yaml"
        )
    }
}
