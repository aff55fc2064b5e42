import Foundation
import RigKit

/// A lab host's mount and UTS namespaces, held open by a `sleep` started in the host's network
/// namespace (`ip netns exec NS unshare --mount --uts --propagation private sleep infinity`).
/// The host's overlays, its shared folder, private /tmp and /run and its hostname are set up
/// inside them with `nsenter`; nothing is mounted in the machine's own mount namespace.
enum HostNamespaces {
    static func startHolder(_ host: LabHost, paths: LabPaths) throws(LabError) -> TrackedProcess {
        let pid = try SystemCommand.startDaemon(
            ["ip", "netns", "exec", host.namespace, "unshare", "--mount", "--uts", "--propagation", "private", "sleep", "infinity"],
            logPath: "\(paths.hostDirectory(host.name))/holder.log")
        // ip execs unshare, which execs sleep: the pid stays the same; wait until it is the sleep.
        let deadline = ContinuousClock.now.advanced(by: .seconds(10))
        while LabProcesses.command(of: pid) != "sleep" {
            guard ContinuousClock.now < deadline, LabProcesses.startTime(of: pid) != nil else {
                _ = LabProcesses.terminate([pid])
                let log = (try? String(contentsOfFile: "\(paths.hostDirectory(host.name))/holder.log", encoding: .utf8)) ?? ""
                throw .hostFailed(
                    host: host.name, reason: "the namespace holder did not start: \(log.trimmingCharacters(in: .whitespacesAndNewlines))")
            }
            usleep(10_000)
        }
        guard let tracked = LabProcesses.track(pid) else {
            throw .hostFailed(host: host.name, reason: "the namespace holder exited at once")
        }
        return tracked
    }

    /// Runs a command inside the host's namespaces (mount, UTS, network).
    static func enter(_ holder: TrackedProcess, _ command: [String]) -> [String] {
        ["nsenter", "--target", String(holder.pid), "--mount", "--uts", "--net", "--"] + command
    }

    /// Mounts the overlays, the shared folder and the private /tmp and /run; sets the hostname.
    static func setUp(_ filesystem: HostFilesystem, holder: TrackedProcess, paths: LabPaths) throws(LabError) {
        let q = shellQuote
        var lines = ["set -e"]
        for folder in HostFilesystem.overlaidFolders {
            lines.append(
                "mount -t overlay \(q("rig-lab-\(paths.name)")) -o \(q("lowerdir=\(filesystem.lower(folder)),upperdir=\(filesystem.upper(folder)),workdir=\(filesystem.work(folder))")) \(q(folder))"
            )
        }
        lines += [
            "mount --bind \(q(paths.shared)) \(q(LabPaths.sharedMountPoint))",
            "mount -t tmpfs -o mode=1777 \(q("rig-lab-\(paths.name)")) /tmp",
            // Hides the lab's own folder (/run/rig-lab) and /run/netns; sshd needs /run/sshd.
            "mount -t tmpfs -o mode=0755 \(q("rig-lab-\(paths.name)")) /run",
            "mkdir -p /run/sshd /run/lock",
            "hostname \(q(filesystem.host.name))",
        ]
        try SystemCommand.check(
            enter(holder, ["/bin/sh", "-c", lines.joined(separator: "\n")]), "set up the file systems of \(filesystem.host.name)")
    }
}
