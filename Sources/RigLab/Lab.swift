import Crypto
import Foundation
import RigKit

#if canImport(Glibc)
import Glibc
#endif

/// A rehearsal LAN of simulated Ubuntu hosts on this machine (`rig lab`). Each host has its own
/// network namespace on the lab's bridge, its own mount namespace with private overlays of
/// /etc, /media, /var, /usr/local/bin, /root, /home and /opt, and a real sshd on port 22.
public struct Lab: Sendable {
    public let paths: LabPaths

    public init(name: String, root: String? = nil) throws(LabError) {
        guard LabPaths.isValidName(name) else { throw .invalidName(name) }
        paths = LabPaths(name: name, root: root)
    }

    public var name: String { paths.name }

    /// The lab's state, nil when it was never made (or was removed).
    public func state() throws(LabError) -> LabState? { try LabState.read(paths) }

    /// The state of a lab that must exist.
    public func requireState() throws(LabError) -> LabState {
        guard let state = try state() else { throw .notUp(name: name, root: paths.root) }
        return state
    }

    /// Makes the lab, or keeps it when it is already up and healthy with that many hosts and
    /// the same options (`fresh` remakes it). Leftovers of a crashed or half-made lab of this name
    /// are removed first. Returns the state and whether it was made now.
    @discardableResult
    public func up(
        hosts count: Int, options: LabOptions = LabOptions(), fresh: Bool = false, progress: (String) -> Void = { _ in }
    ) throws(LabError) -> (state: LabState, made: Bool) {
        guard (1...LabTopology.maximumHosts).contains(count) else { throw .invalidHostCount(count) }
        try options.validate(hostNames: LabTopology.names(count: count, options: options))
        try Self.requireRootAndTools()
        let lock = try LabLock(paths)
        defer { withExtendedLifetime(lock) {} }

        let existing = try? state()
        let wanted = LabTopology.names(count: count, options: options)
        if let existing, !fresh, existing.hosts.map(\.name) == wanted, existing.options == options,
            health(existing).allSatisfy(\.isHealthy)
        {
            return (existing, false)
        }
        if existing != nil || !LabNetwork.existingNamespaces(withPrefix: paths.namespacePrefix).isEmpty {
            progress("removing what is left of lab \(name)")
            LabTeardown.run(paths, state: existing)
        }
        do {
            return (try make(count: count, options: options, progress: progress), true)
        } catch {
            LabTeardown.run(paths, state: try? state())
            throw error
        }
    }

    /// Removes every namespace, link, process and file of the lab. Returns false when there was nothing.
    @discardableResult
    public func down() throws(LabError) -> Bool {
        try Self.requireRoot()
        let lock = try LabLock(paths)
        defer { withExtendedLifetime(lock) {} }
        let state = try? state()
        let leftovers = LabNetwork.existingNamespaces(withPrefix: paths.namespacePrefix)
        guard state != nil || !leftovers.isEmpty || FileManager.default.fileExists(atPath: paths.directory) else {
            lock.removeFile()
            return false
        }
        let report = LabTeardown.run(paths, state: state)
        lock.removeFile()
        if !report.survivors.isEmpty {
            throw .system(
                "lab \(name): processes \(report.survivors.map(String.init).joined(separator: ", ")) did not end after SIGKILL; check them with ps"
            )
        }
        return true
    }

    private func make(count: Int, options: LabOptions, progress: (String) -> Void) throws(LabError) -> LabState {
        let others = Set(Self.all(root: paths.root).filter { $0.name != name }.compactMap { try? $0.state()?.subnet })
        let length = options.lanPrefixLength
        let prefix = try SubnetPicker.pick(takenByLabs: others, length: length)
        let tools = LabResources.hasTools ? LabResources.tools : nil
        if tools == nil { progress("warning: this rig has no simulated tools in its resources; hosts get none") }

        var state = LabState(
            format: LabState.format, name: name, subnet: "\(prefix).0/\(length)", networkPrefix: prefix,
            lanNamespace: paths.lanNamespace, namespaces: [],
            hosts: LabTopology.hosts(count: count, networkPrefix: prefix, paths: paths, options: options), options: options)
        try makeDirectory(paths.directory, mode: 0o700)
        // Every user of a host writes here (the tools log calls and keep the cluster state, also when `ubuntu` runs kubectl).
        try makeDirectory(paths.shared, mode: 0o777)
        for folder in HostFilesystem.overlaidFolders where !FileManager.default.fileExists(atPath: folder) {
            try makeDirectory(folder, mode: 0o755)  // an overlay needs its mount point (e.g. an empty /media)
        }
        try HostFilesystem.makeFreshFolders(paths)
        try state.write(paths)

        let hostCount = state.hosts.count
        progress("lab \(name): \(hostCount) host\(hostCount == 1 ? "" : "s") on \(state.subnet), login \(options.loginUser)")
        try SystemCommand.check(
            ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "rig-lab-\(name)", "-f", paths.identity], "make the lab's SSH key")
        let publicKey = try read(paths.identity + ".pub")
        try writeSharedFiles()

        state.namespaces = [state.lanNamespace] + state.hosts.map(\.namespace)
        try state.write(paths)
        LabNetwork.noteNetnsMount(root: paths.root)
        try LabNetwork.addNamespace(state.lanNamespace)
        try LabNetwork.makeLAN(state)
        for i in state.hosts.indices {
            let host = state.hosts[i]
            progress(
                "  \(host.name) \(host.address) Ubuntu \(host.ubuntu ?? "?") (\(host.roles.joined(separator: ", "))\(host.gpu == true ? ", GPU" : ""))"
            )
            let filesystem = HostFilesystem(host: host, state: state, paths: paths)
            try filesystem.prepare(tools: tools)
            state.hosts[i].hostKey = try filesystem.makeKeys(authorizedKey: publicKey, rootLogin: options.rootLogin)
            try LabNetwork.addNamespace(host.namespace)
            try LabNetwork.connect(host, in: state)
            state.hosts[i].holder = try HostNamespaces.startHolder(host, paths: paths)
            try state.write(paths)
            try HostNamespaces.setUp(filesystem, holder: state.hosts[i].holder!, paths: paths)
            state.hosts[i].sshd = try HostSSHServer.start(host, holder: state.hosts[i].holder!, paths: paths)
            try state.write(paths)
        }
        try write(paths.knownHosts, KnownHosts.text(state), mode: 0o644)
        return state
    }

    private func writeSharedFiles() throws(LabError) {
        let token = HostFilesystem.randomHex(bytes: 16)
        try write(paths.duckdnsTokenFile, token + "\n", mode: 0o600)
        // What the lab's DuckDNS checks a request against: steps call the API as the login user,
        // who may not read the token itself (as on a real host, where only DuckDNS knows it).
        let digest = SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
        try write(paths.duckdnsTokenFile + ".sha256", digest + "\n", mode: 0o644)
        try LabFaults(paths: paths).clear()
    }

    /// Every lab under `root` (folders with a state file).
    public static func all(root: String? = nil) -> [Lab] {
        let root = root ?? LabPaths(name: "x").root
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        return names.sorted().compactMap { name in
            guard FileManager.default.fileExists(atPath: "\(root)/\(name)/lab.json") else { return nil }
            return try? Lab(name: name, root: root)
        }
    }

    static func requireRoot() throws(LabError) {
        guard geteuid() == 0 else { throw .notRoot }
    }

    static func requireRootAndTools() throws(LabError) {
        try requireRoot()
        let tools = [
            ("ip", "iproute2"), ("nsenter", "util-linux"), ("unshare", "util-linux"), ("ssh-keygen", "openssh-client"),
            ("nc", "netcat-openbsd"), ("python3", "python3"),
        ]
        for (tool, package) in tools where which(tool) == nil { throw .missingTool(tool, package: package) }
        guard FileManager.default.isExecutableFile(atPath: "/usr/sbin/sshd") else {
            throw .missingTool("/usr/sbin/sshd", package: "openssh-server")
        }
        // Hosts log in as `ubuntu` and become root with the machine's real sudo (setuid, reads each host's own /etc/sudoers).
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/sudo") else { throw .missingTool("/usr/bin/sudo", package: "sudo") }
    }

    static func which(_ tool: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let folders = path.split(separator: ":").map(String.init) + ["/usr/sbin", "/usr/bin", "/sbin", "/bin"]
        for folder in folders where FileManager.default.isExecutableFile(atPath: "\(folder)/\(tool)") {
            return "\(folder)/\(tool)"
        }
        return nil
    }

    func read(_ path: String) throws(LabError) -> String {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw .system("cannot read \(path)") }
        return text
    }

    func write(_ path: String, _ text: String, mode: mode_t) throws(LabError) {
        do {
            try AtomicFile.write(text, to: path, mode: mode)
        } catch {
            throw .system("cannot write \(path): \(error)")
        }
    }

    func makeDirectory(_ path: String, mode: Int) throws(LabError) {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: mode])
        } catch {
            throw .system("cannot create \(path): \(error.localizedDescription)")
        }
    }
}
