import RigModel

extension WorkflowDiff {
    /// Steps of `new` this change can affect, in `new`'s order: added or changed steps, steps
    /// whose expressions read a changed input or host, steps targeting a changed host (by name,
    /// by one of its roles, or `all`), and everything that needs them, transitively. An
    /// estimate for `rig diff`; a resume decides with task fingerprints.
    public func affectedSteps(old: Workflow, new: Workflow) -> [String] {
        let changedInputs = Set(inputsAdded.map(\.name) + inputsRemoved.map(\.name) + inputsChanged.map(\.name))
        let changedHosts = Set(hostsAdded.map(\.name) + hostsRemoved.map(\.name) + hostsChanged.map(\.name))
        var hostRoles: [String: Set<String>] = [:]
        for host in old.inventory.hosts + new.inventory.hosts where changedHosts.contains(host.name) {
            hostRoles[host.name, default: []].formUnion(host.roles)
        }
        let targetedByChange = Set(changedHosts).union(hostRoles.values.flatMap { $0 }).union(changedHosts.isEmpty ? [] : ["all"])

        var affected = Set(stepsAdded.map(\.id) + stepsChanged.map(\.name))
        for step in new.steps where !affected.contains(step.id) {
            let expressions = step.with.expressions + (step.when?.expressions ?? []) + (step.unless?.expressions ?? [])
            let readsChange = expressions.flatMap(\.references).contains { reference in
                guard reference.path.count >= 2 else { return false }
                return (reference.path[0] == "inputs" && changedInputs.contains(reference.path[1]))
                    || (reference.path[0] == "hosts" && changedHosts.contains(reference.path[1]))
            }
            if readsChange || step.on.contains(where: targetedByChange.contains) { affected.insert(step.id) }
        }

        var grew = true
        while grew {
            grew = false
            for step in new.steps where !affected.contains(step.id) && step.needs.contains(where: affected.contains) {
                affected.insert(step.id)
                grew = true
            }
        }
        return new.steps.map(\.id).filter(affected.contains)
    }
}
