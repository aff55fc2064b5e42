import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The host's apt configuration as a fresh Ubuntu install has it: the machine's /etc/apt and
/// /var/lib/apt are hidden (their upper folders are overlayfs "opaque"), the release's own
/// sources are written (22.04: /etc/apt/sources.list; 24.04: the deb822
/// /etc/apt/sources.list.d/ubuntu.sources), /etc/apt/keyrings exists, and no package list has
/// been fetched (the simulated apt-get refuses installs until `apt-get update`).
struct HostApt {
    let filesystem: HostFilesystem

    func write() throws(LabError) {
        let apt = "\(filesystem.upper("/etc"))/apt"
        let lists = "\(filesystem.upper("/var"))/lib/apt"
        for folder in [apt, lists] {
            try filesystem.makeDirectory(folder)
            try Self.makeOpaque(folder)
        }
        for folder in ["sources.list.d", "keyrings", "trusted.gpg.d", "apt.conf.d", "preferences.d", "auth.conf.d"] {
            try filesystem.makeDirectory("\(apt)/\(folder)")
        }
        try filesystem.makeDirectory("\(lists)/lists")
        try filesystem.makeDirectory("\(lists)/lists/partial", mode: 0o700)
        let codename = filesystem.release.codename
        switch filesystem.release {
        case .jammy:
            try filesystem.write("\(apt)/sources.list", Self.jammySources)
        case .noble:
            try filesystem.write(
                "\(apt)/sources.list", "# Ubuntu sources have moved to /etc/apt/sources.list.d/ubuntu.sources\n")
            try filesystem.write(
                "\(apt)/sources.list.d/ubuntu.sources",
                """
                Types: deb
                URIs: http://archive.ubuntu.com/ubuntu/
                Suites: \(codename) \(codename)-updates \(codename)-backports
                Components: main restricted universe multiverse
                Signed-By: /usr/share/keyrings/ubuntu-archive-keyring.gpg

                Types: deb
                URIs: http://security.ubuntu.com/ubuntu/
                Suites: \(codename)-security
                Components: main restricted universe multiverse
                Signed-By: /usr/share/keyrings/ubuntu-archive-keyring.gpg

                """)
        }
    }

    static let jammySources = """
        # See http://help.ubuntu.com/community/UpgradeNotes for how to upgrade to
        # newer versions of the distribution.
        deb http://archive.ubuntu.com/ubuntu/ jammy main restricted
        deb http://archive.ubuntu.com/ubuntu/ jammy-updates main restricted
        deb http://archive.ubuntu.com/ubuntu/ jammy universe
        deb http://archive.ubuntu.com/ubuntu/ jammy-updates universe
        deb http://archive.ubuntu.com/ubuntu/ jammy multiverse
        deb http://archive.ubuntu.com/ubuntu/ jammy-updates multiverse
        deb http://archive.ubuntu.com/ubuntu/ jammy-backports main restricted universe multiverse
        deb http://security.ubuntu.com/ubuntu/ jammy-security main restricted
        deb http://security.ubuntu.com/ubuntu/ jammy-security universe
        deb http://security.ubuntu.com/ubuntu/ jammy-security multiverse

        """

    /// Marks an overlay upper folder opaque: the lower folder's contents (the machine's) are hidden.
    static func makeOpaque(_ folder: String) throws(LabError) {
        let value = "y"
        let status = value.withCString { systemSetxattr(folder, "trusted.overlay.opaque", $0, 1, 0) }
        guard status == 0 else {
            throw .system(
                "cannot hide this machine's files under \(folder) (setxattr trusted.overlay.opaque): \(String(cString: strerror(errno)))")
        }
    }
}

/// setxattr(2) from the C library (sys/xattr.h is not part of the Glibc module).
@_silgen_name("setxattr")
private func systemSetxattr(
    _ path: UnsafePointer<CChar>, _ name: UnsafePointer<CChar>, _ value: UnsafeRawPointer, _ size: Int, _ flags: Int32
) -> Int32
