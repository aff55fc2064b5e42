import Foundation

/// An IPv4 address as a 32-bit number, parsed strictly from dotted-quad text.
public struct IPv4Address: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var value: UInt32

    public init(_ value: UInt32) { self.value = value }

    /// Parses `a.b.c.d`: four decimal parts 0...255, no leading zeros (which some tools read as octal).
    public init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var result: UInt32 = 0
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy({ $0.isASCII && $0.isNumber }),
                part == "0" || part.first != "0", let byte = UInt32(part), byte <= 255
            else { return nil }
            result = result << 8 | byte
        }
        value = result
    }

    public var description: String {
        "\(value >> 24).\(value >> 16 & 0xff).\(value >> 8 & 0xff).\(value & 0xff)"
    }

    public static func < (a: IPv4Address, b: IPv4Address) -> Bool { a.value < b.value }
}

/// An IPv4 network: `192.168.1.0/24`, or `192.168.0.1/255.255.255.0` as the tutorial writes it.
/// Host bits in the address are cleared.
public struct IPv4Network: Sendable, Hashable, CustomStringConvertible {
    public var prefixLength: Int
    /// The network address (host bits cleared).
    public var network: IPv4Address

    public init(address: IPv4Address, prefixLength: Int) {
        precondition((0...32).contains(prefixLength), "prefix length out of range")
        self.prefixLength = prefixLength
        self.network = IPv4Address(address.value & IPv4Network.mask(prefixLength))
    }

    public init?(_ text: String) {
        let pieces = text.split(separator: "/", omittingEmptySubsequences: false)
        guard pieces.count == 2, let address = IPv4Address(String(pieces[0])) else { return nil }
        let suffix = String(pieces[1])
        if let mask = IPv4Address(suffix) {
            // A netmask must be contiguous ones followed by zeros.
            let ones = mask.value.nonzeroBitCount
            guard IPv4Network.mask(ones) == mask.value else { return nil }
            self.init(address: address, prefixLength: ones)
        } else {
            guard !suffix.isEmpty, suffix.count <= 2, suffix.allSatisfy({ $0.isASCII && $0.isNumber }),
                let length = Int(suffix), (0...32).contains(length)
            else { return nil }
            self.init(address: address, prefixLength: length)
        }
    }

    static func mask(_ prefixLength: Int) -> UInt32 {
        prefixLength == 0 ? 0 : UInt32.max << UInt32(32 - prefixLength)
    }

    public var netmask: IPv4Address { IPv4Address(IPv4Network.mask(prefixLength)) }
    public var first: IPv4Address { network }
    public var last: IPv4Address { IPv4Address(network.value | ~IPv4Network.mask(prefixLength)) }
    public var range: IPv4Range { IPv4Range(first, last) }

    /// Networks of /30 and wider reserve their first (network) and last (broadcast) address;
    /// /31 (point-to-point) and /32 use every address.
    public var hasNetworkAndBroadcastAddresses: Bool { prefixLength <= 30 }

    public func contains(_ address: IPv4Address) -> Bool {
        address.value & IPv4Network.mask(prefixLength) == network.value
    }

    public var description: String { "\(network)/\(prefixLength)" }
}

/// An inclusive range of addresses, `lower...upper`; written `a-b` in inputs (a DHCP pool).
public struct IPv4Range: Sendable, Hashable, CustomStringConvertible {
    public var lower: IPv4Address
    public var upper: IPv4Address

    /// Ranges are kept as given; `isReversed` tells when `lower > upper`.
    public init(_ lower: IPv4Address, _ upper: IPv4Address) {
        self.lower = lower
        self.upper = upper
    }

    /// Parses `a-b` (spaces around `-` allowed) or a single address.
    public init?(_ text: String) {
        let pieces = text.split(separator: "-", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        switch pieces.count {
        case 1:
            guard let a = IPv4Address(pieces[0]) else { return nil }
            self.init(a, a)
        case 2:
            guard let a = IPv4Address(pieces[0]), let b = IPv4Address(pieces[1]) else { return nil }
            self.init(a, b)
        default:
            return nil
        }
    }

    public var isReversed: Bool { lower > upper }
    public var count: UInt64 { isReversed ? 0 : UInt64(upper.value - lower.value) + 1 }

    public func contains(_ address: IPv4Address) -> Bool { !isReversed && lower <= address && address <= upper }

    public func overlaps(_ other: IPv4Range) -> Bool {
        !isReversed && !other.isReversed && lower <= other.upper && other.lower <= upper
    }

    /// Every address of this range lies in `network`.
    public func isInside(_ network: IPv4Network) -> Bool { network.contains(lower) && network.contains(upper) }

    public var description: String { lower == upper ? "\(lower)" : "\(lower)-\(upper)" }
}
