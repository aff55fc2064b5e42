/// The hosts of a lab of N machines, shaped like workflows/inventory.example.yaml: master1
/// (master, NFS server, registry; the one dbServer) and workers; worker1 also serves the web.
enum LabTopology {
    static let maximumHosts = 9

    static func hosts(count: Int, networkPrefix: String, paths: LabPaths) -> [LabHost] {
        (0..<count).map { i in
            let name = i == 0 ? "master1" : "worker\(i)"
            let labels: [(String, String)] = [
                ("gpuWorker", "no"),
                ("cpuWorker", "yes"),
                ("webServer", i <= 1 ? "yes" : "no"),
                ("dbServer", i == 0 ? "yes" : "no"),
            ]
            return LabHost(
                name: name, address: "\(networkPrefix).\(10 + i)",
                roles: i == 0 ? ["master", "nfs", "registry"] : ["worker"],
                labels: labels.map { LabLabel(name: $0.0, value: $0.1) },
                namespace: paths.hostNamespace(name), lanInterface: "veth\(i)")
        }
    }

    /// Addresses the Tator inputs use: the load balancer and MetalLB's range, the router's DHCP pool.
    static func loadBalancer(_ prefix: String) -> String { "\(prefix).240" }
    static func metallbRange(_ prefix: String) -> (String, String) { ("\(prefix).240", "\(prefix).250") }
    static func dhcpRange(_ prefix: String) -> String { "\(prefix).100-\(prefix).199" }
}
