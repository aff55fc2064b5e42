#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Syntax checks for addresses and names that inputs, parameters and the inventory use.
public enum NetworkSyntax {
    /// Dotted-quad IPv4 (`192.168.1.10`); leading zeros are refused, as they mean octal to some tools.
    public static func isIPv4(_ s: String) -> Bool {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return false }
        return parts.allSatisfy { part in
            guard (1...3).contains(part.count), part.allSatisfy(\.isASCIIDigit) else { return false }
            guard part.count == 1 || part.first != "0" else { return false }
            return Int(part)! <= 255
        }
    }

    /// Any IPv6 text form (`::1`, `fe80::1`, `::ffff:10.0.0.1`); no zone index, no brackets.
    public static func isIPv6(_ s: String) -> Bool {
        guard s.contains(":"), s.utf8.count <= 45 else { return false }
        var buffer = in6_addr()
        return inet_pton(AF_INET6, s, &buffer) == 1
    }

    public static func isIP(_ s: String) -> Bool { isIPv4(s) || isIPv6(s) }

    /// `address/prefix` with a prefix of 0–32 (IPv4) or 0–128 (IPv6).
    public static func isCIDR(_ s: String) -> Bool {
        let parts = s.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let prefix = Int(parts[1]), parts[1].allSatisfy(\.isASCIIDigit) else { return false }
        let address = String(parts[0])
        if isIPv4(address) { return (0...32).contains(prefix) }
        if isIPv6(address) { return (0...128).contains(prefix) }
        return false
    }

    /// An RFC 1123 host name: dot-separated labels of letters, digits and inner hyphens,
    /// each at most 63 characters, 253 in all.
    public static func isHostname(_ s: String) -> Bool {
        guard !s.isEmpty, s.utf8.count <= 253 else { return false }
        let labels = s.split(separator: ".", omittingEmptySubsequences: false)
        return labels.allSatisfy { label in
            guard (1...63).contains(label.count), label.first != "-", label.last != "-" else { return false }
            return label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        } && !isAllNumericDotted(labels)
    }

    /// An IP address or a host name, as the inventory's `address:` takes.
    public static func isAddress(_ s: String) -> Bool { isIP(s) || isHostname(s) }

    public static func isPort(_ n: Int) -> Bool { (1...65535).contains(n) }

    /// A user name ssh and sudo can be given: a login name as useradd takes it (a letter or `_`,
    /// then letters, digits, `_`, `.` or `-`, an optional final `$`; at most 32 characters;
    /// upper case allowed, as on Red Hat systems), optionally `@domain` as SSSD and winbind
    /// write domain users. Never a leading `-`, a space or a shell metacharacter.
    public static func isLoginName(_ s: String) -> Bool {
        let parts = s.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false)
        if parts.count == 2, !isHostname(String(parts[1])) { return false }
        let name = parts[0]
        guard (1...32).contains(name.utf8.count), let first = name.first, first == "_" || (first.isASCII && first.isLetter) else {
            return false
        }
        let body = name.last == "$" ? name.dropLast() : name[...]
        return body.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_.-".contains($0)) }
    }

    /// `999.1.1.1` looks like a mistyped address, not a host name.
    private static func isAllNumericDotted(_ labels: [Substring]) -> Bool {
        labels.count == 4 && labels.allSatisfy { $0.allSatisfy(\.isASCIIDigit) }
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
