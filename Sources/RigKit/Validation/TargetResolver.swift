import RigModel

/// The hosts a step's `on:` selects.
public enum TargetResolver {
    public static let reservedTargets = ["local", "all"]

    /// `local` (or no `on:`) is this machine, `all` every inventory host, a role its hosts, a name
    /// that host; deduplicated, in inventory order with `local` first. Unknown names select nothing
    /// (the `Validator` reports them).
    public static func hosts(for step: Step, in inventory: Inventory) -> [InventoryHost] {
        let targets = step.on.isEmpty ? ["local"] : step.on
        var names = Set<String>()
        var wantsLocal = false
        for target in targets {
            switch target {
            case "local": wantsLocal = true
            case "all": names.formUnion(inventory.hosts.map(\.name))
            default:
                names.formUnion(inventory.hosts(withRole: target).map(\.name))
                if inventory.hosts.contains(where: { $0.name == target }) { names.insert(target) }
            }
        }
        var seen = Set<String>()
        let selected = inventory.hosts.filter { names.contains($0.name) && seen.insert($0.name).inserted }
        return wantsLocal && !seen.contains(InventoryHost.local.name) ? [.local] + selected : selected
    }
}
