import Foundation

/// Where a lab keeps its files on the real disk, and the names of its namespaces.
///
/// Labs live under `/run/rig-lab` (override with `RIG_LAB_ROOT`): like the namespaces they
/// describe, they do not outlive a reboot, and `/run` is outside the folders a lab host overlays,
/// so a host cannot see or change them (each host gets a private `/run`).
public struct LabPaths: Sendable, Hashable {
    public static let defaultRoot = "/run/rig-lab"
    /// Where every lab host sees the lab-wide shared folder.
    public static let sharedMountPoint = "/var/lib/rig-lab/shared"

    public let root: String
    public let name: String

    public init(name: String, root: String? = nil) {
        self.name = name
        self.root = root ?? ProcessInfo.processInfo.environment["RIG_LAB_ROOT"] ?? Self.defaultRoot
    }

    public var directory: String { "\(root)/\(name)" }
    public var stateFile: String { "\(directory)/lab.json" }
    public var lockFile: String { "\(root)/.\(name).lock" }
    /// The one folder every host sees at `/var/lib/rig-lab/shared`: the simulated cluster's state, faults, the DuckDNS token.
    public var shared: String { "\(directory)/shared" }
    public var faultsFile: String { "\(shared)/faults.json" }
    public var duckdnsTokenFile: String { "\(shared)/duckdns-token" }
    /// The private key every lab host accepts for root.
    public var identity: String { "\(directory)/id_ed25519" }
    public var knownHosts: String { "\(directory)/known_hosts" }

    public func hostDirectory(_ host: String) -> String { "\(directory)/hosts/\(host)" }

    /// The namespace of the lab's LAN: its bridge, and the far end of every host's veth.
    public var lanNamespace: String { "rig-lab-\(name).lan" }
    /// The namespace prefix of every namespace of this lab (names are `rig-lab-NAME.SOMETHING`).
    public var namespacePrefix: String { "rig-lab-\(name)." }
    public func hostNamespace(_ host: String) -> String { "rig-lab-\(name).\(host)" }

    /// Lab names become namespace, folder and file names.
    public static func isValidName(_ name: String) -> Bool {
        name.range(of: "^[a-z][a-z0-9-]{0,15}$", options: .regularExpression) != nil
    }
}
