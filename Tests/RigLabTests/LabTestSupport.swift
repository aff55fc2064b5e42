import Foundation
import RigKit
import Testing

@testable import RigLab

#if canImport(Glibc)
import Glibc
#endif

/// Whether this machine can run labs: root, `ip netns`, sshd and nc.
enum LabTestSupport {
    static let canRunLabs: Bool = {
        guard geteuid() == 0 else { return false }
        guard (try? Lab.requireRootAndTools()) != nil else { return false }
        return (try? SystemCommand.run(["ip", "netns", "list"]).succeeded) == true
    }()

    static let reason: Comment = "needs root, ip netns, /usr/sbin/sshd and nc (labs make network namespaces)"

    /// A lab name no other test or lab uses.
    static func uniqueName() -> String { "t" + String(UUID().uuidString.lowercased().prefix(8)) }

    /// Runs `script` on `address` over the lab's ssh_config, logged in as `user` (the lab's
    /// default `ubuntu`), as root through passwordless sudo unless `sudo` is false.
    static func ssh(_ files: String, _ address: String, _ script: String, user: String = "ubuntu", sudo: Bool = true) throws
        -> SystemCommand.Result
    {
        let remote = sudo && user != "root" ? "sudo -n bash -c \(shellQuote(script))" : script
        return try SystemCommand.run([
            "timeout", "30", "ssh", "-F", "\(files)/ssh_config", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes",
            "-o", "ConnectTimeout=10", "\(user)@\(address)", remote,
        ])
    }

    static func links() -> [String] {
        ((try? SystemCommand.run(["ip", "-o", "link", "show"]).output) ?? "").split(separator: "\n")
            .compactMap { $0.split(separator: " ").dropFirst().first.map(String.init) }.sorted()
    }

    static func temporaryFolder() -> String {
        let path = NSTemporaryDirectory() + "rig-lab-test-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// What of `lab` is left on the machine: namespaces, mounts, processes, its folder.
    static func leftovers(of lab: Lab, processes: [TrackedProcess]) -> [String] {
        var found: [String] = []
        found += LabNetwork.existingNamespaces(withPrefix: lab.paths.namespacePrefix).map { "namespace \($0)" }
        let mounts = (try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8)) ?? ""
        found += mounts.split(separator: "\n").filter {
            $0.contains(lab.paths.namespacePrefix) || $0.contains(lab.paths.directory) || $0.contains("rig-lab-\(lab.name)")
        }
        .map { "mount \($0)" }
        found += processes.filter(\.isAlive).map { "process \($0.pid)" }
        for pid in LabProcesses.allPids() {
            let cmdline = (try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8)) ?? ""
            if cmdline.contains(lab.paths.namespacePrefix) || cmdline.contains(lab.paths.directory + "/") {
                found.append("process \(pid): \(cmdline)")
            }
        }
        for path in [lab.paths.directory, lab.paths.lockFile] where FileManager.default.fileExists(atPath: path) {
            found.append("file \(path)")
        }
        return found
    }
}

extension LabState {
    var processes: [TrackedProcess] { hosts.flatMap { [$0.holder, $0.sshd].compactMap { $0 } } }
}

/// A lab with a unique name and a temporary folder for its files; both removed when the
/// fixture goes away, whatever the test did.
final class LabFixture {
    let lab: Lab
    let folder: String
    var files: String { folder + "/lab" }

    init() throws {
        lab = try Lab(name: LabTestSupport.uniqueName())
        folder = LabTestSupport.temporaryFolder()
    }

    deinit {
        _ = try? lab.down()
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// Brings the lab up and writes its files into `files`.
    func up(hosts: Int, options: LabOptions = LabOptions()) throws -> LabState {
        let (state, _) = try lab.up(hosts: hosts, options: options)
        try LabFiles(lab: lab, state: state).write(to: files)
        return state
    }
}
