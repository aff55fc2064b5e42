import RigModel

/// The inventory as the Tator deployment reads it: the master, the NFS server, the cluster
/// nodes (by role) and each node's Kubernetes name and labels.
struct Cluster {
    let inventory: Inventory
    var masterRole = "master"
    var nfsRole = "nfs"
    var nodeRoles = ["master", "worker"]

    var master: InventoryHost? { inventory.hosts(withRole: masterRole).first }
    var nfsHost: InventoryHost? { inventory.hosts(withRole: nfsRole).first }
    var nodes: [InventoryHost] { inventory.hosts.filter { host in nodeRoles.contains { host.hasRole($0) } } }
    var workers: [InventoryHost] { nodes.filter { !$0.hasRole(masterRole) } }

    /// The node name Kubernetes uses: the host's `vars.nodeName`, else its inventory name.
    /// rig passes it to kubeadm (`--node-name`, `nodeRegistration.name`), so the two always agree.
    static func nodeName(_ host: InventoryHost) -> String {
        if let name = host.vars["nodeName"]?.text, !name.isEmpty { return name }
        return host.name.lowercased()
    }

    /// The SSH port rig reaches the host on; preflight uses it to test reachability between nodes.
    static func sshPort(_ host: InventoryHost) -> Int { host.port ?? 22 }
}
