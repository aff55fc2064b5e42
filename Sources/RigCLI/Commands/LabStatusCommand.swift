import ArgumentParser
import RigLab

/// `rig lab status`: every lab on this machine and how its hosts are.
struct LabStatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the labs on this machine and each host's address, sshd and link."
    )

    @Option(help: ArgumentHelp("Only this lab.", valueName: "name"))
    var name: String?

    func run() throws {
        let labs = try reportingLabErrors { try name.map { [try Lab(name: $0)] } ?? Lab.all() }
        var shown = 0
        for lab in labs {
            guard let state = try reportingLabErrors({ try lab.state() }) else { continue }
            shown += 1
            print(
                "lab \(state.name): \(state.subnet), \(state.hosts.count) host\(state.hosts.count == 1 ? "" : "s"), state in \(lab.paths.directory)"
            )
            for health in lab.health(state) {
                print("  \(health.host.name)\t\(health.host.address)\t\(health.host.roles.joined(separator: ","))\t\(health.summary)")
            }
        }
        if shown == 0 { print(name.map { "there is no lab \($0)" } ?? "no labs; start one with `rig lab up`") }
    }
}
