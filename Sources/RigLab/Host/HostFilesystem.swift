import Foundation

/// A lab host's private copy of the machine's folders: one overlay per folder, whose upper and
/// work folders live in the host's folder of the lab. Before the host starts, the lab writes
/// what makes it an Ubuntu 22.04 or 24.04 machine of its own into the upper folders: os-release,
/// the `ubuntu` login user with passwordless sudo, Ubuntu's apt sources (the machine's /etc/apt
/// and apt lists are hidden), sshd's config and the persona in /etc/rig-lab/host.env.
struct HostFilesystem {
    /// The folders each host overlays: its changes there never reach the machine or another host.
    static let overlaidFolders = ["/etc", "/media", "/var", "/usr/local/bin", "/root", "/home", "/opt"]

    let host: LabHost
    let state: LabState
    let paths: LabPaths

    var directory: String { paths.hostDirectory(host.name) }

    /// What the host's overlay of `folder` starts from: the machine's folder, except /root and
    /// /home, which start as a fresh Ubuntu install's (/etc/skel for root, /home empty), so the
    /// machine's own dotfiles, keys and PATH never reach a lab host.
    func lower(_ folder: String) -> String {
        Self.freshFolders.contains(folder) ? "\(paths.directory)/fresh/\(Self.key(folder))" : folder
    }

    static let freshFolders = ["/root", "/home"]

    /// The lab-wide starting points of /root and /home (made once per lab, read-only to hosts).
    static func makeFreshFolders(_ paths: LabPaths) throws(LabError) {
        let root = "\(paths.directory)/fresh/root"
        do {
            try FileManager.default.createDirectory(
                atPath: "\(paths.directory)/fresh/home", withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            for name in [".bashrc", ".profile"] where FileManager.default.fileExists(atPath: "/etc/skel/\(name)") {
                try? FileManager.default.removeItem(atPath: "\(root)/\(name)")
                try FileManager.default.copyItem(atPath: "/etc/skel/\(name)", toPath: "\(root)/\(name)")
            }
        } catch {
            throw .system("cannot make the lab's fresh /root and /home in \(paths.directory)/fresh: \(error.localizedDescription)")
        }
    }

    func upper(_ folder: String) -> String { "\(directory)/upper/\(Self.key(folder))" }
    func work(_ folder: String) -> String { "\(directory)/work/\(Self.key(folder))" }
    static func key(_ folder: String) -> String { String(folder.dropFirst()).replacingOccurrences(of: "/", with: "_") }

    /// Makes the upper and work folders and writes the host's own files into them.
    func prepare(tools: String?) throws(LabError) {
        for folder in Self.overlaidFolders {
            try makeDirectory(upper(folder))
            try makeDirectory(work(folder))
        }
        let etc = upper("/etc")
        try write("\(etc)/os-release", release.osRelease)
        try write("\(etc)/lsb-release", release.lsbRelease)
        try write("\(etc)/hostname", host.name + "\n")
        try write("\(etc)/hosts", hostsFile)
        try write("\(etc)/machine-id", Self.randomHex(bytes: 16) + "\n")
        try write("\(etc)/rig-lab/host.env", hostEnvironment)
        try write("\(etc)/ssh/sshd_config", sshdConfig)
        try makeDirectory("\(upper("/root"))/.ssh", mode: 0o700)
        try makeDirectory("\(upper("/var"))/lib/rig-lab/shared")
        try makeDirectory("\(upper("/var"))/lib/rig-lab/host", mode: 0o777)  // the tools' state of this host, written by root and ubuntu
        chmod("\(upper("/var"))/lib/rig-lab/host", 0o777)
        try HostAccounts(filesystem: self).write()
        try HostApt(filesystem: self).write()
        if let tools { try installTools(from: tools) }
    }

    var release: UbuntuRelease { host.release ?? .noble }
    var options: LabOptions { state.options ?? LabOptions(rootLogin: true) }

    /// Generates the host's own sshd key (so it never uses the machine's) and authorizes the lab
    /// key for `ubuntu` (and for root with --root-login).
    func makeKeys(authorizedKey: String, rootLogin: Bool) throws(LabError) -> String {
        let key = "\(upper("/etc"))/ssh/ssh_host_ed25519_key"
        try? FileManager.default.removeItem(atPath: key)
        try? FileManager.default.removeItem(atPath: key + ".pub")
        try SystemCommand.check(
            ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "root@\(host.name)", "-f", key], "make the host key of \(host.name)")
        if rootLogin { try write("\(upper("/root"))/.ssh/authorized_keys", authorizedKey, mode: 0o600) }
        try HostAccounts(filesystem: self).authorize(authorizedKey)
        guard let line = try? String(contentsOfFile: key + ".pub", encoding: .utf8) else {
            throw .hostFailed(host: host.name, reason: "ssh-keygen wrote no public key at \(key).pub")
        }
        return line.split(separator: " ").prefix(2).joined(separator: " ")
    }

    /// The simulated tools, ahead of /usr/bin on root's PATH.
    private func installTools(from folder: String) throws(LabError) {
        let bin = upper("/usr/local/bin")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        for name in names where !name.hasPrefix(".") && !name.hasPrefix("README") {
            let source = "\(folder)/\(name)"
            let target = "\(bin)/\(name)"
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: source, isDirectory: &isDirectory) else { continue }
            try? FileManager.default.removeItem(atPath: target)
            do {
                try FileManager.default.copyItem(atPath: source, toPath: target)
            } catch {
                throw .hostFailed(host: host.name, reason: "cannot install the simulated tool \(name): \(error.localizedDescription)")
            }
            if !isDirectory.boolValue { chmod(target, 0o755) }
        }
    }

    var hostsFile: String {
        var lines = ["127.0.0.1 localhost", "127.0.1.1 \(host.name)", "::1 localhost ip6-localhost ip6-loopback", ""]
        lines += state.hosts.map { "\($0.address) \($0.name)" }
        return lines.joined(separator: "\n") + "\n"
    }

    var hostEnvironment: String {
        [
            "RIG_LAB_NAME=\(state.name)",
            "RIG_LAB_HOST=\(host.name)",
            "RIG_LAB_ADDRESS=\(host.address)",
            "RIG_LAB_SHARED=\(LabPaths.sharedMountPoint)",
            "RIG_LAB_SUBNET=\(state.subnet)",
            "RIG_LAB_ROLES=\(host.roles.joined(separator: ","))",
            "RIG_LAB_UBUNTU=\(release.rawValue)",
            "RIG_LAB_CODENAME=\(release.codename)",
            "RIG_LAB_PYTHON=\(release.python)",
            "RIG_LAB_GPU=\(host.gpu == true ? 1 : 0)",
            "RIG_LAB_LOGIN_USER=\(options.loginUser)",
        ].joined(separator: "\n") + "\n"
    }

    var sshdConfig: String {
        """
        # Written by rig lab for host \(host.name) of lab \(state.name).
        Port 22
        ListenAddress \(host.address)
        HostKey /etc/ssh/ssh_host_ed25519_key
        PidFile /run/sshd.pid
        PermitRootLogin \(options.rootLogin ? "prohibit-password" : "no")
        PubkeyAuthentication yes
        AuthorizedKeysFile .ssh/authorized_keys
        PasswordAuthentication no
        KbdInteractiveAuthentication no
        UsePAM no
        StrictModes no
        PrintMotd no
        AcceptEnv LANG LC_*
        MaxSessions 64
        MaxStartups 64:30:128
        Subsystem sftp /usr/lib/openssh/sftp-server

        """
    }

    static func randomHex(bytes: Int) -> String {
        (0..<bytes).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
    }

    func makeDirectory(_ path: String, mode: Int = 0o755) throws(LabError) {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: mode])
        } catch {
            throw .system("cannot create \(path): \(error.localizedDescription)")
        }
    }

    func write(_ path: String, _ text: String, mode: Int = 0o644) throws(LabError) {
        try makeDirectory((path as NSString).deletingLastPathComponent)
        try? FileManager.default.removeItem(atPath: path)  // /etc/os-release is a symlink on the machine; the host gets a file
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: mode]) else {
            throw .system("cannot write \(path)")
        }
    }
}
