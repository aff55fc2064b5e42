import Testing

@testable import TatorSteps

@Suite struct IPv4ParsingTests {
    @Test func parsesDottedQuadsStrictly() {
        #expect(IPv4Address("192.168.1.10")?.description == "192.168.1.10")
        #expect(IPv4Address("0.0.0.0")?.value == 0)
        #expect(IPv4Address("255.255.255.255")?.value == UInt32.max)
        for bad in ["", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.-1", "01.2.3.4", "1.2.3.4 ", "a.b.c.d", "1..2.3"] {
            #expect(IPv4Address(bad) == nil, "\(bad) must not parse")
        }
    }

    @Test func parsesPrefixAndNetmaskNetworksAndClearsHostBits() {
        #expect(IPv4Network("192.168.1.77/24")?.description == "192.168.1.0/24")
        #expect(IPv4Network("192.168.0.1/255.255.255.0")?.description == "192.168.0.0/24")
        #expect(IPv4Network("10.0.0.1/32")?.first == IPv4Address("10.0.0.1"))
        #expect(IPv4Network("10.0.0.1/32")?.last == IPv4Address("10.0.0.1"))
        #expect(IPv4Network("8.8.8.8/0")?.contains(IPv4Address("1.2.3.4")!) == true)
        #expect(IPv4Network("8.8.8.8/0")?.last == IPv4Address("255.255.255.255"))
        for bad in ["192.168.1.0", "192.168.1.0/33", "192.168.1.0/-1", "192.168.1.0/255.0.255.0", "192.168.1.0/", "x/24"] {
            #expect(IPv4Network(bad) == nil, "\(bad) must not parse")
        }
    }

    @Test func parsesRangesAndTellsOverlap() {
        let a = IPv4Range("192.168.1.100 - 192.168.1.199")!
        #expect(a.count == 100)
        #expect(a.overlaps(IPv4Range("192.168.1.199-192.168.1.250")!))
        #expect(!a.overlaps(IPv4Range("192.168.1.200-192.168.1.250")!))
        #expect(IPv4Range("192.168.1.5")?.count == 1)
        #expect(IPv4Range("192.168.1.9-192.168.1.1")?.isReversed == true)
        #expect(IPv4Range("1.2.3.4-") == nil)
    }
}

@Suite struct NetworkValidatorTests {
    let nodes = [
        NetworkPlan.Node(name: "master", address: "192.168.1.10", isMaster: true),
        NetworkPlan.Node(name: "worker1", address: "192.168.1.11"),
        NetworkPlan.Node(name: "worker2", address: "192.168.1.12"),
    ]

    func problems(
        lan: String = "192.168.1.0/24", start: String = "", stop: String = "", lb: String = "192.168.1.240",
        dhcp: String = "", nfs: String = "", nodes: [NetworkPlan.Node]? = nil
    ) -> [NetworkProblem] {
        NetworkValidator.problems(
            in: NetworkPlan(
                lanCIDR: lan, rangeStart: start, rangeStop: stop, loadBalancerIp: lb,
                dhcpRange: dhcp, nfsServer: nfs, nodes: nodes ?? self.nodes))
    }

    @Test func acceptsTheTutorialSetups() {
        #expect(problems().isEmpty)
        #expect(problems(start: "192.168.1.240", stop: "192.168.1.250", lb: "192.168.1.245", dhcp: "192.168.1.100-192.168.1.199").isEmpty)
        // The tutorial allows the master's own address as the load-balancer IP.
        #expect(problems(lb: "192.168.1.10").isEmpty)
        #expect(problems(lan: "192.168.0.1/255.255.255.0", lb: "192.168.0.240", nodes: []).isEmpty)
    }

    @Test func reportsUnparsableInputsByName() {
        #expect(problems(lan: "192.168.1.0") == [.invalidNetwork(input: "lanCIDR", value: "192.168.1.0")])
        #expect(problems(lb: "192.168.1.300").contains(.invalidAddress(input: "loadBalancerIp", value: "192.168.1.300")))
        #expect(problems(start: "x").contains(.invalidAddress(input: "metallbRangeStart", value: "x")))
        #expect(problems(stop: "y").contains(.invalidAddress(input: "metallbRangeStop", value: "y")))
        #expect(problems(dhcp: "10.0.0.1-").contains(.invalidRange(input: "dhcpRange", value: "10.0.0.1-")))
        #expect(problems(nfs: "nfs.lan").contains(.invalidAddress(input: "nfsServer", value: "nfs.lan")))
    }

    @Test func reversedRangeIsReportedAlone() {
        let found = problems(start: "192.168.1.250", stop: "192.168.1.240", lb: "192.168.1.245")
        #expect(found == [.rangeReversed(start: IPv4Address("192.168.1.250")!, stop: IPv4Address("192.168.1.240")!)])
        #expect(
            problems(dhcp: "192.168.1.199-192.168.1.100").contains {
                if case .dhcpRangeReversed = $0 { return true }
                return false
            })
    }

    @Test func loadBalancerMustLieInTheRangeInclusive() {
        #expect(problems(start: "192.168.1.240", stop: "192.168.1.250", lb: "192.168.1.240").isEmpty)
        #expect(problems(start: "192.168.1.240", stop: "192.168.1.250", lb: "192.168.1.250").isEmpty)
        let below = problems(start: "192.168.1.240", stop: "192.168.1.250", lb: "192.168.1.239")
        #expect(
            below.contains {
                if case .loadBalancerOutsideRange = $0 { return true }
                return false
            })
        let above = problems(start: "192.168.1.240", stop: "192.168.1.250", lb: "192.168.1.251")
        #expect(
            above.contains {
                if case .loadBalancerOutsideRange = $0 { return true }
                return false
            })
    }

    @Test func rangeMustLieInsideTheLAN() {
        let found = problems(start: "192.168.1.250", stop: "192.168.2.5", lb: "192.168.1.251")
        #expect(
            found.contains {
                if case .rangeOutsideLAN = $0 { return true }
                return false
            })
        let elsewhere = problems(lb: "10.0.0.5")
        #expect(
            elsewhere.contains {
                if case .rangeOutsideLAN = $0 { return true }
                return false
            })
    }

    @Test func rangeMustAvoidNetworkAndBroadcastAddressesExceptOnSlash31And32() {
        let net = problems(start: "192.168.1.0", stop: "192.168.1.3", lb: "192.168.1.2")
        #expect(
            net.contains(
                .rangeHoldsReservedAddress(
                    range: IPv4Range("192.168.1.0-192.168.1.3")!, address: IPv4Address("192.168.1.0")!,
                    which: "network", lan: IPv4Network("192.168.1.0/24")!)))
        let broadcast = problems(start: "192.168.1.250", stop: "192.168.1.255", lb: "192.168.1.251")
        #expect(
            broadcast.contains {
                if case .rangeHoldsReservedAddress(_, _, "broadcast", _) = $0 { return true }
                return false
            })
        #expect(problems(lan: "10.1.1.7/32", lb: "10.1.1.7", nodes: []).isEmpty)
        #expect(problems(lan: "10.1.1.6/31", start: "10.1.1.6", stop: "10.1.1.7", lb: "10.1.1.6", nodes: []).isEmpty)
        #expect(problems(lan: "0.0.0.0/0", lb: "203.0.113.9", nodes: []).isEmpty)
    }

    @Test func rangeMustStayOutOfTheDHCPPool() {
        let found = problems(start: "192.168.1.195", stop: "192.168.1.205", lb: "192.168.1.200", dhcp: "192.168.1.100-192.168.1.199")
        #expect(
            found.contains {
                if case .rangeOverlapsDHCP = $0 { return true }
                return false
            })
        #expect(problems(lb: "192.168.1.200", dhcp: "192.168.1.100-192.168.1.199").isEmpty)
        #expect(!problems(lb: "192.168.1.100", dhcp: "192.168.1.100-192.168.1.199").isEmpty)
    }

    @Test func loadBalancerMayBeTheMastersAddressButNoOtherNodes() {
        #expect(problems(lb: "192.168.1.11") == [.loadBalancerIsNodeAddress(loadBalancer: IPv4Address("192.168.1.11")!, node: "worker1")])
        let wide = problems(start: "192.168.1.11", stop: "192.168.1.20", lb: "192.168.1.15")
        #expect(
            wide.contains(
                .rangeHoldsNodeAddress(
                    range: IPv4Range("192.168.1.11-192.168.1.20")!, node: "worker1",
                    address: IPv4Address("192.168.1.11")!)))
        let masterInside = problems(start: "192.168.1.10", stop: "192.168.1.10", lb: "192.168.1.10")
        #expect(masterInside.isEmpty)
        let masterAside = problems(
            lan: "192.168.1.0/24", start: "192.168.1.5", stop: "192.168.1.10", lb: "192.168.1.5",
            nodes: [nodes[0]])
        #expect(masterAside.count == 1 && masterAside[0].isWarning)
    }

    @Test func nodesAndNFSServerMustBeOnTheLANUnlessNamedByHostName() {
        let found = problems(
            nfs: "10.0.0.2", nodes: nodes + [.init(name: "far", address: "10.0.0.3"), .init(name: "named", address: "gpu1.lan")])
        #expect(
            found == [
                .nodeOutsideLAN(node: "far", address: IPv4Address("10.0.0.3")!, lan: IPv4Network("192.168.1.0/24")!),
                .nfsServerOutsideLAN(address: IPv4Address("10.0.0.2")!, lan: IPv4Network("192.168.1.0/24")!),
            ])
    }

    @Test func everyProblemNamesTheInputToChange() {
        let found = problems(
            lan: "192.168.1.0/24", start: "192.168.1.11", stop: "192.168.1.20", lb: "192.168.1.30",
            dhcp: "192.168.1.15-192.168.1.16")
        #expect(!found.isEmpty)
        for problem in found {
            #expect(
                ["lanCIDR", "metallbRangeStart", "metallbRangeStop", "loadBalancerIp", "dhcpRange", "nfsServer"].contains(problem.input))
            #expect(problem.description.count > 30)
        }
    }
}
