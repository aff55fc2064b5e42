/// Simple facts about a host, gathered by running `HostFacts.probeScript` through the host's
/// transport (SSH or local alike), so the engine needs to know nothing of how it got there.
/// Values the host could not tell are nil.
public struct HostFacts: Sendable, Hashable {
    /// `ID` and `VERSION_ID` from /etc/os-release, e.g. `ubuntu`, `22.04`.
    public var osID: String?
    public var osVersion: String?
    /// Online CPUs (`nproc`).
    public var cpuCount: Int?
    /// `MemTotal` and `MemAvailable` from /proc/meminfo, in bytes.
    public var memoryTotalBytes: UInt64?
    public var memoryAvailableBytes: UInt64?
    /// Free space for unprivileged users on the file system of `/`, in bytes.
    public var diskFreeBytes: UInt64?
    /// The IPv4 address of the interface that carries the default route (or, without one, the
    /// first global address), with its prefix length: `192.168.1.10` and `24` (CIDR `/24`).
    public var ipv4Address: String?
    public var ipv4PrefixLength: Int?
    /// The interface of that address, e.g. `eth0`.
    public var ipv4Interface: String?
    /// Active swap (sum of /proc/swaps), in bytes; 0 means swap is off.
    public var swapTotalBytes: UInt64?

    public init() {}

    /// Swap is on when any swap space is active (Kubernetes wants it off).
    public var swapEnabled: Bool? { swapTotalBytes.map { $0 > 0 } }

    /// `192.168.1.10/24`.
    public var ipv4CIDR: String? {
        guard let ipv4Address, let ipv4PrefixLength else { return nil }
        return "\(ipv4Address)/\(ipv4PrefixLength)"
    }

    /// The facts as `key=value` pairs, the names steps see (`os_id`, `cpu_count`, ...).
    public var outputs: [(key: String, value: String)] {
        var pairs: [(String, String?)] = [
            ("os_id", osID), ("os_version", osVersion), ("cpu_count", cpuCount.map(String.init)),
            ("memory_total_bytes", memoryTotalBytes.map(String.init)),
            ("memory_available_bytes", memoryAvailableBytes.map(String.init)),
            ("disk_free_bytes", diskFreeBytes.map(String.init)),
            ("ipv4_address", ipv4Address), ("ipv4_prefix_length", ipv4PrefixLength.map(String.init)),
            ("ipv4_cidr", ipv4CIDR), ("ipv4_interface", ipv4Interface),
            ("swap_total_bytes", swapTotalBytes.map(String.init)),
        ]
        pairs.append(("swap_enabled", swapEnabled.map { $0 ? "true" : "false" }))
        return pairs.compactMap { key, value in value.map { (key, $0) } }
    }

    /// Reads the `key=value` lines the probe wrote to `$RIG_OUTPUT`.
    public init(probeOutputs values: [String: String]) {
        func text(_ key: String) -> String? { values[key].flatMap { $0.isEmpty ? nil : $0 } }
        func number(_ key: String) -> UInt64? { text(key).flatMap { UInt64($0) } }
        osID = text("os_id")
        osVersion = text("os_version")
        cpuCount = text("cpu_count").flatMap { Int($0) }
        memoryTotalBytes = number("mem_total_kib").map { $0 * 1024 }
        memoryAvailableBytes = number("mem_available_kib").map { $0 * 1024 }
        diskFreeBytes = number("disk_free_kib").map { $0 * 1024 }
        swapTotalBytes = number("swap_total_kib").map { $0 * 1024 }
        ipv4Interface = text("ipv4_interface")
        if let cidr = text("ipv4_cidr"), let slash = cidr.firstIndex(of: "/") {
            ipv4Address = String(cidr[..<slash])
            ipv4PrefixLength = Int(cidr[cidr.index(after: slash)...])
        }
    }

    /// POSIX sh that needs only coreutils, /proc and (for the address) iproute2; every fact it
    /// cannot find is left empty rather than failing the probe.
    public static let probeScript = #"""
        out=${RIG_OUTPUT:-/dev/stdout}
        fact() { printf '%s=%s\n' "$1" "$2" >>"$out"; }
        if [ -r /etc/os-release ]; then
          fact os_id "$(. /etc/os-release; printf '%s' "$ID")"
          fact os_version "$(. /etc/os-release; printf '%s' "$VERSION_ID")"
        fi
        fact cpu_count "$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN 2>/dev/null)"
        fact mem_total_kib "$(awk '/^MemTotal:/ {print $2}' /proc/meminfo 2>/dev/null)"
        fact mem_available_kib "$(awk '/^MemAvailable:/ {print $2}' /proc/meminfo 2>/dev/null)"
        fact disk_free_kib "$(df -Pk / 2>/dev/null | awk 'NR==2 {print $4}')"
        fact swap_total_kib "$(awk 'NR>1 {s+=$3} END {print s+0}' /proc/swaps 2>/dev/null)"
        dev=$(ip -4 route show default 2>/dev/null | awk '{for (i=1;i<NF;i++) if ($i=="dev") {print $(i+1); exit}}')
        if [ -n "$dev" ]; then
          addr=$(ip -4 -o addr show dev "$dev" scope global 2>/dev/null | awk '{print $4; exit}')
        fi
        if [ -z "$addr" ]; then
          line=$(ip -4 -o addr show scope global 2>/dev/null | awk '{print $2, $4; exit}')
          dev=${line%% *}; addr=${line#* }
        fi
        if [ -n "$addr" ]; then fact ipv4_cidr "$addr"; fact ipv4_interface "$dev"; fi
        exit 0
        """#
}
