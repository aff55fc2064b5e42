import ArgumentParser
import RigLab

/// `rig lab up`: makes the lab's hosts (or keeps a healthy lab of that size and persona).
struct LabUpCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "up",
        abstract: "Start a lab: master1 (master, NFS, registry) and workers, each a network namespace with its own sshd.",
        discussion: """
            Hosts are Ubuntu 24.04 (or 22.04) with a strict simulated apt, reached as user ubuntu with passwordless sudo \
            (root login refused) unless --root-login. Leftovers of a crashed lab of the same name are removed first. A lab \
            that is already up with the same hosts and options is kept (use --fresh to remake it).
            """
    )

    @OptionGroup var lab: LabNameOption

    @Option(help: "How many hosts: master1 plus N-1 workers (1 to 9); --separate-nfs adds nfs1.")
    var hosts: Int = 3

    @Option(
        help: ArgumentHelp(
            "Ubuntu release of the hosts, 22.04 or 24.04; a comma list gives each host its own in host order (the last repeats).",
            valueName: "release[,release...]"))
    var ubuntu: String = "24.04"

    @Flag(help: "Log in as root with the lab key (PermitRootLogin prohibit-password) instead of ubuntu with sudo.")
    var rootLogin = false

    @Option(help: ArgumentHelp("Hosts with a simulated NVIDIA GPU (comma list, e.g. worker2).", valueName: "host[,host...]"))
    var gpu: String = ""

    @Flag(help: "Add a host nfs1 with role nfs only (master1 then has no nfs role).")
    var separateNfs = false

    @Option(help: ArgumentHelp("The LAN's prefix length: 24 (a /24) or 22 (a /22; MetalLB's range in its last /24).", valueName: "length"))
    var lanPrefix: Int = 24

    @Flag(help: "Remake the lab even when it is up and healthy.")
    var fresh = false

    var options: LabOptions {
        LabOptions(
            ubuntu: Self.list(ubuntu), rootLogin: rootLogin, gpuHosts: Self.list(gpu), separateNFS: separateNfs,
            lanPrefixLength: lanPrefix)
    }

    static func list(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    func run() throws {
        let lab = try lab.lab()
        let (state, made) = try reportingLabErrors { try lab.up(hosts: hosts, options: options, fresh: fresh) { print($0) } }
        if !made { print("lab \(lab.name) is already up (\(state.subnet)); --fresh remakes it") }
        for host in state.hosts {
            print(
                "  \(host.name)\t\(host.address)\tUbuntu \(host.ubuntu ?? "20.04")\t\(host.roles.joined(separator: ","))\(host.gpu == true ? "\tGPU" : "")"
            )
        }
        print(
            "Next: rig lab files DIR --name \(lab.name), then rig run workflows/tator-multinode.yaml --inventory DIR/inventory.yaml --inputs DIR/site.yaml --secrets DIR/secrets.yaml"
        )
    }
}
