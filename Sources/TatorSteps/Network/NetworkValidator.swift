/// Checks a `NetworkPlan` with IPv4 arithmetic: the rules of the tutorial's "Networking
/// considerations" and values.yaml glossary, plus the mistakes that make MetalLB silently fail.
/// Whether an address already answers on the LAN is checked at run time by `tator.preflight`.
public enum NetworkValidator {
    public static func problems(in plan: NetworkPlan) -> [NetworkProblem] {
        var problems: [NetworkProblem] = []

        let lan = IPv4Network(plan.lanCIDR)
        if lan == nil { problems.append(.invalidNetwork(input: "lanCIDR", value: plan.lanCIDR)) }
        let lb = IPv4Address(plan.loadBalancerIp)
        if lb == nil { problems.append(.invalidAddress(input: "loadBalancerIp", value: plan.loadBalancerIp)) }
        let start = IPv4Address(plan.effectiveRangeStart)
        if start == nil, !plan.rangeStart.isEmpty {
            problems.append(.invalidAddress(input: "metallbRangeStart", value: plan.rangeStart))
        }
        let stop = IPv4Address(plan.effectiveRangeStop)
        if stop == nil, !plan.rangeStop.isEmpty {
            problems.append(.invalidAddress(input: "metallbRangeStop", value: plan.rangeStop))
        }
        var dhcp: IPv4Range?
        if !plan.dhcpRange.isEmpty {
            dhcp = IPv4Range(plan.dhcpRange)
            if let d = dhcp, d.isReversed { problems.append(.dhcpRangeReversed(d)) }
            if dhcp == nil { problems.append(.invalidRange(input: "dhcpRange", value: plan.dhcpRange)) }
        }
        var nfs: IPv4Address?
        if !plan.nfsServer.isEmpty {
            nfs = IPv4Address(plan.nfsServer)
            if nfs == nil { problems.append(.invalidAddress(input: "nfsServer", value: plan.nfsServer)) }
        }
        // Host names in the inventory are resolved on the hosts; only literal addresses are checked here.
        let nodes = plan.nodes.compactMap { node in IPv4Address(node.address).map { (node, $0) } }

        if let lan {
            for (node, address) in nodes where !lan.contains(address) {
                problems.append(.nodeOutsideLAN(node: node.name, address: address, lan: lan))
            }
            if let nfs, !lan.contains(nfs) { problems.append(.nfsServerOutsideLAN(address: nfs, lan: lan)) }
        }

        guard let start, let stop else { return problems }
        if start > stop {
            problems.append(.rangeReversed(start: start, stop: stop))
            return problems
        }
        let range = IPv4Range(start, stop)
        if let lb, !range.contains(lb) { problems.append(.loadBalancerOutsideRange(loadBalancer: lb, range: range)) }
        if let lan {
            if !range.isInside(lan) {
                problems.append(.rangeOutsideLAN(range: range, lan: lan))
            } else if lan.hasNetworkAndBroadcastAddresses {
                if range.contains(lan.first) {
                    problems.append(.rangeHoldsReservedAddress(range: range, address: lan.first, which: "network", lan: lan))
                }
                if range.contains(lan.last) {
                    problems.append(.rangeHoldsReservedAddress(range: range, address: lan.last, which: "broadcast", lan: lan))
                }
            }
        }
        if let dhcp, range.overlaps(dhcp) { problems.append(.rangeOverlapsDHCP(range: range, dhcp: dhcp)) }

        for (node, address) in nodes {
            if let lb, address == lb, !node.isMaster {
                problems.append(.loadBalancerIsNodeAddress(loadBalancer: lb, node: node.name))
            } else if range.contains(address) {
                if !node.isMaster {
                    problems.append(.rangeHoldsNodeAddress(range: range, node: node.name, address: address))
                } else if address != lb {
                    problems.append(.rangeHoldsMasterAddress(range: range, node: node.name, address: address))
                }
            }
        }
        return problems
    }
}
