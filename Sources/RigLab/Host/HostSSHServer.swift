import Foundation

/// The real OpenSSH server of a lab host: `/usr/sbin/sshd -D` inside the host's namespaces,
/// reading the host's own /etc/ssh/sshd_config, logging to the host's folder in the lab.
enum HostSSHServer {
    static func start(_ host: LabHost, holder: TrackedProcess, paths: LabPaths) throws(LabError) -> TrackedProcess {
        let log = "\(paths.hostDirectory(host.name))/sshd.log"
        let pid = try SystemCommand.startDaemon(
            HostNamespaces.enter(holder, ["/usr/sbin/sshd", "-D", "-e", "-f", "/etc/ssh/sshd_config"]), logPath: log,
            environment: ["PATH": SystemCommand.standardPath, "LANG": "C.UTF-8"])
        let deadline = ContinuousClock.now.advanced(by: .seconds(10))
        while !isListening(holder: holder) {
            let exited = LabProcesses.startTime(of: pid) == nil
            if exited || ContinuousClock.now >= deadline {
                _ = LabProcesses.terminate([pid])
                let text = ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
                throw .hostFailed(
                    host: host.name,
                    reason: "sshd did not start listening on \(host.address):22 (its log, \(log): \(text.isEmpty ? "empty" : text))")
            }
            usleep(20_000)
        }
        guard let tracked = LabProcesses.track(pid) else { throw .hostFailed(host: host.name, reason: "sshd exited at once; see \(log)") }
        return tracked
    }

    /// Ends the listener and every sshd session process of the host (so rig's open master
    /// connection to it breaks too, as when a machine's sshd is stopped with its sessions).
    static func stop(_ host: LabHost) {
        let pids = LabProcesses.inNetworkNamespace(host.namespace).filter { LabProcesses.command(of: $0) == "sshd" }
        LabProcesses.terminate(pids)
    }

    /// Whether something listens on TCP port 22 in the holder's network namespace.
    static func isListening(holder: TrackedProcess) -> Bool {
        guard let table = try? String(contentsOfFile: "/proc/\(holder.pid)/net/tcp", encoding: .utf8) else { return false }
        return table.split(separator: "\n").dropFirst().contains { line in
            let fields = line.split(separator: " ")
            return fields.count > 3 && fields[1].hasSuffix(":0016") && fields[3] == "0A"
        }
    }
}
