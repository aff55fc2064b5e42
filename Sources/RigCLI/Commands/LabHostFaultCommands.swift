import ArgumentParser
import RigLab

/// The host-level faults: a host's sshd stopped (with its sessions), its link down.
struct LabHostArguments: ParsableArguments {
    @OptionGroup var lab: LabNameOption

    @Argument(help: ArgumentHelp("The lab host, e.g. worker1.", valueName: "host"))
    var host: String
}

struct LabStopSSHCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "stop-ssh", abstract: "Stop a lab host's sshd and its sessions.")
    @OptionGroup var arguments: LabHostArguments

    func run() throws {
        let lab = try arguments.lab.lab()
        try reportingLabErrors { try lab.stopSSH(arguments.host) }
        print("sshd of \(arguments.host) stopped; `rig lab start-ssh \(arguments.host) --name \(lab.name)` starts it again")
    }
}

struct LabStartSSHCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "start-ssh", abstract: "Start a lab host's sshd again.")
    @OptionGroup var arguments: LabHostArguments

    func run() throws {
        let lab = try arguments.lab.lab()
        try reportingLabErrors { try lab.startSSH(arguments.host) }
        print("sshd of \(arguments.host) is up")
    }
}

struct LabUnreachableCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unreachable", abstract: "Cut a lab host off the lab's LAN (its link goes down).")
    @OptionGroup var arguments: LabHostArguments

    func run() throws {
        let lab = try arguments.lab.lab()
        try reportingLabErrors { try lab.setReachable(arguments.host, false) }
        print("\(arguments.host) is unreachable; `rig lab reachable \(arguments.host) --name \(lab.name)` reconnects it")
    }
}

struct LabReachableCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "reachable", abstract: "Reconnect a lab host to the lab's LAN.")
    @OptionGroup var arguments: LabHostArguments

    func run() throws {
        let lab = try arguments.lab.lab()
        try reportingLabErrors { try lab.setReachable(arguments.host, true) }
        print("\(arguments.host) is reachable again")
    }
}
