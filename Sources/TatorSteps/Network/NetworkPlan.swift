/// The addresses of a Tator LAN deployment, as text from the workflow's inputs and inventory;
/// `NetworkValidator` checks them before anything runs.
public struct NetworkPlan: Sendable, Hashable {
    /// A cluster node from the inventory. Its address may be a host name, which is then not checked here.
    public struct Node: Sendable, Hashable {
        public var name: String
        public var address: String
        public var isMaster: Bool

        public init(name: String, address: String, isMaster: Bool = false) {
            self.name = name
            self.address = address
            self.isMaster = isMaster
        }
    }

    /// The LAN, e.g. `192.168.1.0/24` (a netmask form `192.168.1.0/255.255.255.0` is accepted).
    public var lanCIDR: String
    /// `metallb.ipRangeStart`; empty means the load-balancer IP.
    public var rangeStart: String
    /// `metallb.ipRangeStop`; empty means the load-balancer IP.
    public var rangeStop: String
    /// `metallb.loadBalancerIp`, where NGINX receives requests.
    public var loadBalancerIp: String
    /// The router's DHCP pool `a-b`; empty when not given.
    public var dhcpRange: String
    /// `pv.nfsServer`; empty when not given.
    public var nfsServer: String
    public var nodes: [Node]

    public init(
        lanCIDR: String, rangeStart: String = "", rangeStop: String = "", loadBalancerIp: String,
        dhcpRange: String = "", nfsServer: String = "", nodes: [Node] = []
    ) {
        self.lanCIDR = lanCIDR
        self.rangeStart = rangeStart
        self.rangeStop = rangeStop
        self.loadBalancerIp = loadBalancerIp
        self.dhcpRange = dhcpRange
        self.nfsServer = nfsServer
        self.nodes = nodes
    }

    /// The range start as used: the load-balancer IP when not given.
    public var effectiveRangeStart: String { rangeStart.isEmpty ? loadBalancerIp : rangeStart }
    public var effectiveRangeStop: String { rangeStop.isEmpty ? loadBalancerIp : rangeStop }
}
