/// What went wrong with a lab, said so that the user knows what to do next.
public enum LabError: Error, Sendable, CustomStringConvertible {
    case notRoot
    case missingTool(String, package: String)
    case invalidName(String)
    case invalidHostCount(Int)
    case invalidOption(String)
    case notUp(name: String, root: String)
    case unknownHost(String, known: [String])
    case busy(name: String)
    case noFreeSubnet
    case commandFailed(what: String, command: String, status: Int32, output: String)
    case hostFailed(host: String, reason: String)
    case badState(path: String, reason: String)
    case missingResources(String)
    case system(String)

    public var description: String {
        switch self {
        case .notRoot:
            return
                "rig lab needs root: it makes network and mount namespaces and starts sshd in them. Run it with sudo (it changes nothing of this machine's own network, /etc or services)."
        case .missingTool(let tool, let package):
            return "rig lab needs '\(tool)' (Debian package \(package)); run scripts/install-deps or apt-get install \(package)"
        case .invalidName(let name):
            return "'\(name)' is not a usable lab name; use 1 to 16 lower-case letters, digits or '-', starting with a letter (e.g. demo)"
        case .invalidHostCount(let n):
            return "--hosts \(n): a lab has 1 to 9 hosts (master1 plus up to 8 workers)"
        case .invalidOption(let message):
            return message
        case .notUp(let name, let root):
            return "there is no lab '\(name)' (nothing in \(root)/\(name)); start it with `rig lab up --name \(name)`"
        case .unknownHost(let host, let known):
            return "the lab has no host '\(host)'; its hosts are \(known.joined(separator: ", "))"
        case .busy(let name):
            return "another rig lab command is working on lab '\(name)'; wait for it to finish"
        case .noFreeSubnet:
            return
                "every candidate lab subnet (10.213.0.0/24 … 10.213.255.0/24, or 10.212.0.0/22 … 10.212.252.0/22 for --lan-prefix 22) is routed on this machine or used by another lab; remove a lab with `rig lab down`"
        case .commandFailed(let what, let command, let status, let output):
            return "could not \(what): `\(command)` exited with \(status)" + (output.isEmpty ? "" : ": \(output)")
        case .hostFailed(let host, let reason):
            return "lab host \(host): \(reason)"
        case .badState(let path, let reason):
            return
                "\(path) is not a lab state file this rig understands (\(reason)); remove the lab's leftovers with `rig lab down`, or move the file aside"
        case .missingResources(let what):
            return
                "rig's lab resources are missing (\(what)); rebuild rig with `swift build` so the rig_RigLab.resources bundle sits beside the executable"
        case .system(let message):
            return message
        }
    }
}
