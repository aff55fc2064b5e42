/// The hosts of a lab of N machines, shaped like workflows/inventory.example.yaml: master1
/// (master, NFS server, registry; the one dbServer) and workers; worker1 also serves the web.
/// With a separate NFS host, `nfs1` (role nfs only) comes after the workers and master1 keeps
/// master and registry.
enum LabTopology {
    static let maximumHosts = 9

    static func names(count: Int, options: LabOptions = LabOptions()) -> [String] {
        (0..<count).map { $0 == 0 ? "master1" : "worker\($0)" } + (options.separateNFS ? ["nfs1"] : [])
    }

    static func hosts(count: Int, networkPrefix: String, paths: LabPaths, options: LabOptions = LabOptions()) -> [LabHost] {
        names(count: count, options: options).enumerated().map { i, name in
            let gpu = options.gpuHosts.contains(name)
            let isNode = name != "nfs1"
            let labels: [(String, String)] =
                isNode
                ? [
                    ("gpuWorker", gpu ? "yes" : "no"),
                    ("cpuWorker", "yes"),
                    ("webServer", i <= 1 ? "yes" : "no"),
                    ("dbServer", i == 0 ? "yes" : "no"),
                ] : []
            let roles: [String] =
                switch name {
                case "master1": options.separateNFS ? ["master", "registry"] : ["master", "nfs", "registry"]
                case "nfs1": ["nfs"]
                default: ["worker"]
                }
            return LabHost(
                name: name, address: "\(networkPrefix).\(10 + i)", roles: roles,
                labels: labels.map { LabLabel(name: $0.0, value: $0.1) },
                namespace: paths.hostNamespace(name), lanInterface: "veth\(i)",
                ubuntu: options.release(ofHostAt: i).rawValue, gpu: gpu)
        }
    }

    /// The first three octets of the last /24 of the LAN (the LAN's own for a /24; of a /22
    /// 10.212.4.0/22, 10.212.7), where the load balancer and MetalLB's range sit: on a /22 they
    /// are in another /24 than the hosts, as on a real larger LAN.
    static func lastBlock(_ prefix: String, length: Int) -> String {
        let octets = prefix.split(separator: ".").map(String.init)
        guard octets.count == 3, let third = Int(octets[2]) else { return prefix }
        return "\(octets[0]).\(octets[1]).\(third + (1 << (24 - length)) - 1)"
    }

    /// Addresses the Tator inputs use: the load balancer and MetalLB's range, the router's DHCP pool.
    static func loadBalancer(_ prefix: String, length: Int = 24) -> String { "\(lastBlock(prefix, length: length)).240" }
    static func metallbRange(_ prefix: String, length: Int = 24) -> (String, String) {
        let block = lastBlock(prefix, length: length)
        return ("\(block).240", "\(block).250")
    }
    static func dhcpRange(_ prefix: String, length: Int = 24) -> String { "\(prefix).100-\(prefix).199" }
}
