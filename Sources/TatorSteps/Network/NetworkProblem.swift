/// One thing wrong with a `NetworkPlan`, named after the workflow input to change.
public enum NetworkProblem: Sendable, Hashable, CustomStringConvertible {
    case invalidAddress(input: String, value: String)
    case invalidNetwork(input: String, value: String)
    case invalidRange(input: String, value: String)
    /// `metallbRangeStart` is above `metallbRangeStop`.
    case rangeReversed(start: IPv4Address, stop: IPv4Address)
    case dhcpRangeReversed(IPv4Range)
    case loadBalancerOutsideRange(loadBalancer: IPv4Address, range: IPv4Range)
    case rangeOutsideLAN(range: IPv4Range, lan: IPv4Network)
    /// The range holds the LAN's network or broadcast address, which no host can use.
    case rangeHoldsReservedAddress(range: IPv4Range, address: IPv4Address, which: String, lan: IPv4Network)
    case rangeOverlapsDHCP(range: IPv4Range, dhcp: IPv4Range)
    /// The load-balancer IP is a worker's (or other non-master node's) address.
    case loadBalancerIsNodeAddress(loadBalancer: IPv4Address, node: String)
    /// MetalLB could hand out a node's address to a service.
    case rangeHoldsNodeAddress(range: IPv4Range, node: String, address: IPv4Address)
    /// The range holds the master's address but the load-balancer IP is another one (warning).
    case rangeHoldsMasterAddress(range: IPv4Range, node: String, address: IPv4Address)
    case nodeOutsideLAN(node: String, address: IPv4Address, lan: IPv4Network)
    case nfsServerOutsideLAN(address: IPv4Address, lan: IPv4Network)

    public var isWarning: Bool {
        if case .rangeHoldsMasterAddress = self { return true }
        return false
    }

    /// The workflow input the user should change.
    public var input: String {
        switch self {
        case .invalidAddress(let input, _), .invalidNetwork(let input, _), .invalidRange(let input, _): return input
        case .rangeReversed, .rangeOutsideLAN, .rangeHoldsReservedAddress, .rangeOverlapsDHCP,
            .rangeHoldsNodeAddress, .rangeHoldsMasterAddress:
            return "metallbRangeStart"
        case .dhcpRangeReversed: return "dhcpRange"
        case .loadBalancerOutsideRange, .loadBalancerIsNodeAddress: return "loadBalancerIp"
        case .nodeOutsideLAN: return "lanCIDR"
        case .nfsServerOutsideLAN: return "nfsServer"
        }
    }

    public var description: String {
        switch self {
        case .invalidAddress(let input, let value):
            return "\(input) '\(value)' is not an IPv4 address (write it as a.b.c.d)"
        case .invalidNetwork(let input, let value):
            return "\(input) '\(value)' is not an IPv4 network (write it as 192.168.1.0/24 or 192.168.1.0/255.255.255.0)"
        case .invalidRange(let input, let value):
            return "\(input) '\(value)' is not an address range (write it as 192.168.1.100-192.168.1.199)"
        case .rangeReversed(let start, let stop):
            return "the MetalLB range is reversed: metallbRangeStart \(start) is above metallbRangeStop \(stop); swap them"
        case .dhcpRangeReversed(let range):
            return "dhcpRange \(range.lower)-\(range.upper) is reversed; write the lower address first"
        case .loadBalancerOutsideRange(let lb, let range):
            return "loadBalancerIp \(lb) is outside the MetalLB range \(range); MetalLB can only assign addresses of its range "
                + "(set metallbRangeStart/metallbRangeStop around it, or leave both empty to use exactly the load-balancer IP)"
        case .rangeOutsideLAN(let range, let lan):
            return
                "the MetalLB range \(range) is not inside the LAN \(lan); MetalLB answers ARP on the LAN only, so pick addresses of \(lan)"
        case .rangeHoldsReservedAddress(let range, let address, let which, let lan):
            return "the MetalLB range \(range) holds \(address), the \(which) address of \(lan), which no host can use; narrow the range"
        case .rangeOverlapsDHCP(let range, let dhcp):
            return "the MetalLB range \(range) overlaps the router's DHCP pool \(dhcp); the router could give one of its addresses "
                + "to another machine. Pick addresses outside the DHCP pool (or shrink the pool on the router)"
        case .loadBalancerIsNodeAddress(let lb, let node):
            return "loadBalancerIp \(lb) is the address of node \(node); only the master's own address may double as the "
                + "load-balancer IP (the tutorial allows that). Pick a free address or the master's"
        case .rangeHoldsNodeAddress(let range, let node, let address):
            return "the MetalLB range \(range) holds \(address), the address of node \(node); MetalLB could take it over. Narrow the range"
        case .rangeHoldsMasterAddress(let range, let node, let address):
            return "the MetalLB range \(range) holds the master \(node)'s address \(address) but loadBalancerIp is another address; "
                + "MetalLB could hand the master's address to another service"
        case .nodeOutsideLAN(let node, let address, let lan):
            return "node \(node)'s address \(address) is not in lanCIDR \(lan); fix lanCIDR or the node's address in the inventory"
        case .nfsServerOutsideLAN(let address, let lan):
            return "nfsServer \(address) is not in lanCIDR \(lan); the exports are only open to \(lan)"
        }
    }
}
