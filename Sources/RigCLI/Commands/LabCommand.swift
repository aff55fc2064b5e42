import ArgumentParser
import RigLab

/// `rig lab`: a rehearsal LAN of simulated Ubuntu hosts on this machine (see docs/lab.md).
struct LabCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lab",
        abstract: "Rehearse a deployment on simulated Ubuntu hosts: network namespaces with real sshd on this machine (needs root).",
        discussion: """
            Real: each host's network namespace on a private LAN, its private /etc, /var, /opt, ... (overlays), \
            its sshd, and everything rig does over SSH. Simulated: kubeadm, kubectl, helm, argo and the \
            package tools. The machine's own network, /etc and services are never changed. See docs/lab.md.
            """,
        subcommands: [
            LabUpCommand.self, LabDownCommand.self, LabStatusCommand.self, LabFilesCommand.self, LabSummaryCommand.self,
            LabFaultCommand.self, LabStopSSHCommand.self, LabStartSSHCommand.self, LabUnreachableCommand.self, LabReachableCommand.self,
        ]
    )
}

/// The `--name` every lab command takes.
struct LabNameOption: ParsableArguments {
    @Option(help: ArgumentHelp("The lab's name (lower-case letters, digits, '-').", valueName: "name"))
    var name: String = "default"

    func lab() throws -> Lab {
        try reportingLabErrors { try Lab(name: name) }
    }
}

/// Prints a lab error as `error: ...` and exits with 2 for wrong input (not root, bad name or
/// host) and 1 when the lab could not do it.
func reportingLabErrors<T>(_ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as LabError {
        Terminal.writeError("error: \(error)")
        switch error {
        case .notRoot, .invalidName, .invalidHostCount, .invalidOption, .unknownHost, .notUp, .missingTool: throw ExitStatus.invalidInput
        default: throw ExitStatus.runFailed
        }
    }
}
