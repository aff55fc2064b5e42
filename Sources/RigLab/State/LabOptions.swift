/// How a lab's hosts look: which Ubuntu release each runs, how rig logs in, which hosts have an
/// NVIDIA GPU, whether the NFS server is a host of its own, and the size of the LAN.
public struct LabOptions: Codable, Sendable, Hashable {
    /// Ubuntu release per host in host order (master1, workers, nfs1); the last one repeats.
    public var ubuntu: [String]
    /// Log in as root (the lab key in /root/.ssh, `PermitRootLogin prohibit-password`) instead of
    /// `ubuntu` with passwordless sudo (`PermitRootLogin no`, as on cloud images).
    public var rootLogin: Bool
    /// Hosts with a (simulated) NVIDIA GPU: `lspci` lists one, the driver package makes `nvidia-smi` work.
    public var gpuHosts: [String]
    /// Adds a host `nfs1` with role nfs only; master1 then has no nfs role.
    public var separateNFS: Bool
    /// The LAN's prefix length: 24 or 22.
    public var lanPrefixLength: Int

    public init(
        ubuntu: [String] = ["24.04"], rootLogin: Bool = false, gpuHosts: [String] = [], separateNFS: Bool = false,
        lanPrefixLength: Int = 24
    ) {
        self.ubuntu = ubuntu
        self.rootLogin = rootLogin
        self.gpuHosts = gpuHosts
        self.separateNFS = separateNFS
        self.lanPrefixLength = lanPrefixLength
    }

    public static let supportedPrefixLengths = [22, 24]

    /// The login user of every host.
    public var loginUser: String { rootLogin ? "root" : UbuntuRelease.defaultUser }

    /// The release of the host at `index` (the last listed release repeats).
    public func release(ofHostAt index: Int) -> UbuntuRelease {
        let version = ubuntu.isEmpty ? "24.04" : ubuntu[min(index, ubuntu.count - 1)]
        return UbuntuRelease(rawValue: version) ?? .noble
    }

    func validate(hostNames: [String]) throws(LabError) {
        for version in ubuntu where UbuntuRelease(rawValue: version) == nil {
            throw .invalidOption(
                "--ubuntu \(version): the lab simulates Ubuntu \(UbuntuRelease.allCases.map(\.rawValue).joined(separator: " and "))")
        }
        guard Self.supportedPrefixLengths.contains(lanPrefixLength) else {
            throw .invalidOption("--lan-prefix \(lanPrefixLength): the lab makes a /24 or a /22")
        }
        for host in gpuHosts where !hostNames.contains(host) {
            throw .invalidOption("--gpu \(host): the lab has no such host (its hosts: \(hostNames.joined(separator: ", ")))")
        }
    }
}

/// An Ubuntu release a lab host can be: its os-release and lsb-release texts, codename, Python.
public enum UbuntuRelease: String, Codable, Sendable, CaseIterable {
    case jammy = "22.04"
    case noble = "24.04"

    /// The user cloud and server images log in as (uid 1000, passwordless sudo from cloud-init).
    public static let defaultUser = "ubuntu"

    public var codename: String {
        switch self {
        case .jammy: "jammy"
        case .noble: "noble"
        }
    }

    /// The point release the lab's texts are of.
    var pointRelease: String {
        switch self {
        case .jammy: "22.04.5"
        case .noble: "24.04.3"
        }
    }

    var name: String {
        switch self {
        case .jammy: "Jammy Jellyfish"
        case .noble: "Noble Numbat"
        }
    }

    /// /usr/lib/os-release of the release (as /etc/os-release shows it).
    var osRelease: String {
        var lines = [
            "PRETTY_NAME=\"Ubuntu \(pointRelease) LTS\"", "NAME=\"Ubuntu\"", "VERSION_ID=\"\(rawValue)\"",
            "VERSION=\"\(pointRelease) LTS (\(name))\"", "VERSION_CODENAME=\(codename)", "ID=ubuntu", "ID_LIKE=debian",
            "HOME_URL=\"https://www.ubuntu.com/\"", "SUPPORT_URL=\"https://help.ubuntu.com/\"",
            "BUG_REPORT_URL=\"https://bugs.launchpad.net/ubuntu/\"",
            "PRIVACY_POLICY_URL=\"https://www.ubuntu.com/legal/terms-and-policies/privacy-policy\"", "UBUNTU_CODENAME=\(codename)",
        ]
        if self == .noble { lines.append("LOGO=ubuntu-logo") }
        return lines.joined(separator: "\n") + "\n"
    }

    var lsbRelease: String {
        "DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=\(rawValue)\nDISTRIB_CODENAME=\(codename)\nDISTRIB_DESCRIPTION=\"Ubuntu \(pointRelease) LTS\"\n"
    }

    /// The system Python's minor version (python3.10 on jammy, python3.12 on noble).
    var python: String {
        switch self {
        case .jammy: "3.10"
        case .noble: "3.12"
        }
    }
}
