import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The host's own user accounts, as on an Ubuntu cloud or server image: the machine's system
/// accounts plus `ubuntu` (uid 1000, groups adm and sudo, home /home/ubuntu) with passwordless
/// sudo from /etc/sudoers.d/90-cloud-init-users. Any account of this machine named `ubuntu` or
/// with uid/gid 1000 is left out of the host's copy. /etc/sudoers is Ubuntu's default (its
/// `secure_path` has /usr/local/bin, where the lab's tools are); `sudo` is the machine's real one.
struct HostAccounts {
    let filesystem: HostFilesystem

    static let uid: UInt32 = 1000
    var user: String { UbuntuRelease.defaultUser }
    var home: String { "\(filesystem.upper("/home"))/\(user)" }

    func write() throws(LabError) {
        let etc = filesystem.upper("/etc")
        try rewrite("passwd", into: etc, add: ["\(user):x:1000:1000:Ubuntu:/home/\(user):/bin/bash"])
        try rewrite("group", into: etc, members: ["adm", "sudo"], add: ["\(user):x:1000:"])
        // `*`: no password, not locked (sshd without PAM refuses keys for a locked `!` account).
        try rewrite("shadow", into: etc, add: ["\(user):*:20000:0:99999:7:::"])
        try rewrite("gshadow", into: etc, members: ["adm", "sudo"], add: ["\(user):!::"])
        try filesystem.write("\(etc)/sudoers", Self.sudoers, mode: 0o440)
        try filesystem.write(
            "\(etc)/sudoers.d/90-cloud-init-users",
            "# Created by cloud-init (written by rig lab as on an Ubuntu cloud image)\n# User rules for \(user)\n\(user) ALL=(ALL) NOPASSWD:ALL\n",
            mode: 0o440)
        try filesystem.makeDirectory("\(home)/.ssh", mode: 0o700)
        for name in [".bashrc", ".profile", ".bash_logout"] where FileManager.default.fileExists(atPath: "/etc/skel/\(name)") {
            let text = (try? String(contentsOfFile: "/etc/skel/\(name)", encoding: .utf8)) ?? ""
            try filesystem.write("\(home)/\(name)", text)
        }
        chmod(home, filesystem.release == .noble ? 0o750 : 0o755)
        try chownHome()
    }

    func authorize(_ key: String) throws(LabError) {
        try filesystem.write("\(home)/.ssh/authorized_keys", key, mode: 0o600)
        try chownHome()
    }

    private func chownHome() throws(LabError) {
        guard let walker = FileManager.default.enumerator(atPath: home) else { return }
        var paths = [home]
        while let relative = walker.nextObject() as? String { paths.append("\(home)/\(relative)") }
        for path in paths where lchown(path, Self.uid, Self.uid) != 0 {
            throw .system("cannot give \(path) to uid 1000: \(String(cString: strerror(errno)))")
        }
    }

    /// The machine's /etc/NAME without `ubuntu` or id 1000, `user` added to the `members` groups, `add` appended.
    private func rewrite(_ name: String, into etc: String, members: [String] = [], add: [String]) throws(LabError) {
        let source = "/etc/\(name)"
        let text = (try? String(contentsOfFile: source, encoding: .utf8)) ?? ""
        var lines: [String] = []
        var grouped = Set<String>()
        for line in text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init) {
            var fields = line.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard fields.count >= 3, fields[0] != user else { continue }
            if ["passwd", "group"].contains(name), fields[2] == "1000" { continue }
            if name == "passwd", fields.count > 3, fields[3] == "1000" { continue }
            if members.contains(fields[0]) {
                var list = fields[fields.count - 1].split(separator: ",").map(String.init).filter { !$0.isEmpty }
                list.append(user)
                fields[fields.count - 1] = list.joined(separator: ",")
                grouped.insert(fields[0])
            }
            lines.append(fields.joined(separator: ":"))
        }
        if name == "group" && !grouped.contains("sudo") { lines.append("sudo:x:27:\(user)") }
        if name == "gshadow" && !grouped.contains("sudo") { lines.append("sudo:*::\(user)") }
        let target = "\(etc)/\(name)"
        var info = stat()
        let mode = stat(source, &info) == 0 ? Int(info.st_mode & 0o7777) : (name.hasSuffix("shadow") ? 0o640 : 0o644)
        try filesystem.write(target, (lines + add).joined(separator: "\n") + "\n", mode: mode)
        if stat(source, &info) == 0 { _ = chown(target, info.st_uid, info.st_gid) }
    }

    /// Ubuntu's /etc/sudoers (package sudo, 22.04 and 24.04).
    static let sudoers = """
        #
        # This file MUST be edited with the 'visudo' command as root.
        #
        # See the man page for details on how to write a sudoers file.
        #
        Defaults\tenv_reset
        Defaults\tmail_badpass
        Defaults\tsecure_path="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/snap/bin"
        Defaults\tuse_pty

        # User privilege specification
        root\tALL=(ALL:ALL) ALL

        # Members of the admin group may gain root privileges
        %admin ALL=(ALL) ALL

        # Allow members of group sudo to execute any command
        %sudo\tALL=(ALL:ALL) ALL

        @includedir /etc/sudoers.d

        """
}
