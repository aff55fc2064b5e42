import RigKit
import RigModel

/// Parameters several Tator steps share, so each schema documents them the same way.
enum CommonParameters {
    static let profile = ParameterSchema.Parameter(
        "profile", .oneOf(VersionProfile.names), default: "current",
        description:
            "Version profile: `current` (2026-12: Kubernetes 1.36 from pkgs.k8s.io on containerd 2.x, Ubuntu 22.04/24.04) or `tutorial` (the 2020 versions; not installable today: apt.kubernetes.io is gone)"
    )
    static let masterRole = ParameterSchema.Parameter(
        "masterRole", .string, default: "master", description: "Inventory role of the master node")
    static let nfsRole = ParameterSchema.Parameter("nfsRole", .string, default: "nfs", description: "Inventory role of the NFS server")
    static let nodeRoles = ParameterSchema.Parameter(
        "nodeRoles", .list(.string), default: "master,worker",
        description: "Inventory roles whose hosts are Kubernetes nodes")
    static let tatorDir = ParameterSchema.Parameter(
        "tatorDir", .path, default: TatorLayout.checkout, description: "The Tator checkout on the master")
    static let nfsServer = ParameterSchema.Parameter(
        "nfsServer", .string, default: "",
        description: "IP address of the NFS server; empty: the address of the host with the nfs role")

    static func resolvedProfile(_ p: Parameters) throws -> VersionProfile {
        let name = p.string("profile")
        guard let profile = VersionProfile.named(name) else {
            throw StepFailure.failed("unknown profile '\(name)'; use one of: \(VersionProfile.names.joined(separator: ", "))")
        }
        return profile
    }

    static func cluster(_ p: Parameters) -> Cluster {
        var cluster = Cluster(inventory: p.invocation.inventory)
        if !p.string("masterRole").isEmpty { cluster.masterRole = p.string("masterRole") }
        if !p.string("nfsRole").isEmpty { cluster.nfsRole = p.string("nfsRole") }
        let roles = p.list("nodeRoles")
        if !roles.isEmpty { cluster.nodeRoles = roles }
        return cluster
    }

    static func master(_ p: Parameters) throws -> InventoryHost {
        guard let master = cluster(p).master else {
            throw StepFailure.failed("no host in the inventory has the role '\(cluster(p).masterRole)'; give the master node that role")
        }
        return master
    }

    /// The `nfsServer` parameter, or the address of the host with the NFS role.
    static func nfsAddress(_ p: Parameters) throws -> String {
        let given = p.string("nfsServer")
        if !given.isEmpty { return given }
        guard let host = cluster(p).nfsHost else {
            throw StepFailure.failed("nfsServer is empty and no inventory host has the role '\(cluster(p).nfsRole)'; set one of them")
        }
        return host.address
    }
}

/// Load-time rendering of a step's parameters, for `validate`.
struct RenderedParameters {
    let step: Step
    let context: ValidationContext

    /// The rendered text, nil when it is only known at run time.
    func string(_ name: String) -> String? {
        guard let node = step.with[name] else { return nil }
        return context.render(node)?.text
    }

    func location(_ name: String) -> SourceLocation? { step.with[name]?.location ?? step.location }
}
