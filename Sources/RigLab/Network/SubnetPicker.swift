/// Chooses a /24 (or /22) for a new lab that no route or address of this machine and no other lab uses.
/// It only reads the machine's routes (`ip -4 route show table all`, `ip -4 addr`); it changes nothing.
enum SubnetPicker {
    /// The candidates: 10.213.0.0/24 … 10.213.255.0/24, or 10.212.0.0/22 … 10.212.252.0/22.
    static func candidates(length: Int = 24) -> [String] {
        length == 24 ? (0...255).map { "10.213.\($0)" } : stride(from: 0, through: 255, by: 1 << (24 - length)).map { "10.212.\($0)" }
    }

    /// The first three octets of a free subnet of `length`; `takenByLabs` are other labs' subnets (CIDR).
    static func pick(takenByLabs: Set<String>, length: Int = 24) throws(LabError) -> String {
        let routes = (try? SystemCommand.run(["ip", "-4", "route", "show", "table", "all"]).output) ?? ""
        let addresses = (try? SystemCommand.run(["ip", "-4", "-o", "addr", "show"]).output) ?? ""
        let used = networks(inRoutes: routes) + networks(inAddresses: addresses) + takenByLabs.compactMap { Network(cidr: $0) }
        for prefix in candidates(length: length) {
            guard let candidate = Network(cidr: "\(prefix).0/\(length)") else { continue }
            if !used.contains(where: { $0.overlaps(candidate) }) { return prefix }
        }
        throw .noFreeSubnet
    }

    /// The destinations of `ip route` lines ("default" and link-local noise skipped).
    static func networks(inRoutes text: String) -> [Network] {
        text.split(separator: "\n").compactMap { line in
            var words = line.split(separator: " ").map(String.init)
            if ["local", "broadcast", "unicast", "blackhole", "unreachable", "prohibit", "throw"].contains(words.first ?? "") {
                words.removeFirst()
            }
            guard let destination = words.first, destination != "default" else { return nil }
            return Network(cidr: destination.contains("/") ? destination : destination + "/32")
        }
    }

    /// The networks of `ip -o addr` lines (`2: eth0 inet 192.168.1.5/24 ...`).
    static func networks(inAddresses text: String) -> [Network] {
        text.split(separator: "\n").compactMap { line in
            let words = line.split(separator: " ").map(String.init)
            guard let i = words.firstIndex(of: "inet"), i + 1 < words.count else { return nil }
            return Network(cidr: words[i + 1])
        }
    }

    /// An IPv4 network, enough to test overlap.
    struct Network: Hashable {
        var base: UInt32
        var length: Int

        init?(cidr: String) {
            let parts = cidr.split(separator: "/")
            guard parts.count == 2, let length = Int(parts[1]), (0...32).contains(length) else { return nil }
            let octets = parts[0].split(separator: ".").compactMap { UInt32($0) }
            guard octets.count == 4, octets.allSatisfy({ $0 < 256 }) else { return nil }
            let address = octets.reduce(0) { $0 << 8 | $1 }
            self.length = length
            self.base = address & Self.mask(length)
        }

        static func mask(_ length: Int) -> UInt32 { length == 0 ? 0 : ~UInt32(0) << (32 - length) }

        func overlaps(_ other: Network) -> Bool {
            let shorter = min(length, other.length)
            return base & Self.mask(shorter) == other.base & Self.mask(shorter)
        }
    }
}
