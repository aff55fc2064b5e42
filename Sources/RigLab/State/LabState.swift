import Foundation
import RigKit

/// A process the lab started, told apart from a later process with a recycled pid by its start time.
public struct TrackedProcess: Codable, Sendable, Hashable {
    public var pid: Int32
    /// Field 22 of /proc/PID/stat (clock ticks after boot).
    public var startTime: UInt64

    public var isAlive: Bool { LabProcesses.startTime(of: pid) == startTime }
}

/// A Kubernetes node label of a lab host (kept in order: gpuWorker, cpuWorker, webServer, dbServer).
public struct LabLabel: Codable, Sendable, Hashable {
    public var name: String
    public var value: String
}

/// One simulated Ubuntu host.
public struct LabHost: Codable, Sendable, Hashable {
    public var name: String
    public var address: String
    public var roles: [String]
    public var labels: [LabLabel]
    /// Its network namespace (`ip netns` name).
    public var namespace: String
    /// The veth end in the LAN namespace, attached to the bridge.
    public var lanInterface: String
    /// A `sleep` whose mount and UTS namespaces are the host's; sshd and `nsenter` join them.
    public var holder: TrackedProcess?
    public var sshd: TrackedProcess?
    /// The host's sshd public host key line (`ssh-ed25519 AAAA…`).
    public var hostKey: String?
    /// Its Ubuntu release ("22.04", "24.04"; nil in labs made before personas: 20.04).
    public var ubuntu: String?
    /// Whether it has a simulated NVIDIA GPU (`rig lab up --gpu`).
    public var gpu: Bool?

    public var release: UbuntuRelease? { ubuntu.flatMap(UbuntuRelease.init(rawValue:)) }
}

/// Everything a lab made, written atomically before each thing is made, so that `rig lab down`
/// or the next `rig lab up` can remove it after any crash.
public struct LabState: Codable, Sendable, Hashable {
    public static let format = 1

    public var format: Int
    public var name: String
    /// The lab's LAN, e.g. 10.213.0.0/24 or 10.212.4.0/22 (the first three octets are `networkPrefix`).
    public var subnet: String
    public var networkPrefix: String
    public var lanNamespace: String
    /// The netns that were created (recorded before each `ip netns add`).
    public var namespaces: [String]
    public var hosts: [LabHost]
    /// What `rig lab up` was asked for (nil in labs made before personas: root login, /24).
    public var options: LabOptions?

    public var gateway: String { "\(networkPrefix).1" }
    /// The LAN's prefix length (24 or 22).
    public var prefixLength: Int { options?.lanPrefixLength ?? 24 }
    /// The user rig logs in as.
    public var loginUser: String { options?.loginUser ?? "root" }

    public func host(named name: String) -> LabHost? { hosts.first { $0.name == name } }

    public static func read(_ paths: LabPaths) throws(LabError) -> LabState? {
        guard let data = FileManager.default.contents(atPath: paths.stateFile) else { return nil }
        let state: LabState
        do {
            state = try JSONDecoder().decode(LabState.self, from: data)
        } catch {
            throw .badState(path: paths.stateFile, reason: "\(error)")
        }
        guard state.format <= format else {
            throw .badState(path: paths.stateFile, reason: "format \(state.format), this rig understands up to \(format)")
        }
        return state
    }

    public func write(_ paths: LabPaths) throws(LabError) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data: Data
        do {
            data = try encoder.encode(self)
        } catch {
            throw .system("cannot encode the lab state: \(error)")
        }
        do {
            try AtomicFile.write(Array(data), to: paths.stateFile, mode: 0o600)
        } catch {
            throw .system(error.description)
        }
    }
}
