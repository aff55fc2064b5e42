extension WorkflowDiff {
    /// The semantic diff as `rig diff` prints it:
    ///
    ///     Steps:
    ///       + deploy-gpu (tator.gpu-operator)
    ///       ~ build
    ///           ~ with.run: make → make -j4
    ///           + needs: fetch
    ///     Hosts:
    ///       + node4 192.168.1.24 (roles: worker)
    public var text: String {
        guard !isEmpty else { return "No changes to steps, inputs, hosts or secrets.\n" }
        var sections: [(String, [String])] = []
        sections.append(("Workflow", workflowChanges.map { "  " + Self.line($0) }))
        sections.append(
            (
                "Steps",
                stepsAdded.map { "  + \($0.id) (\($0.type))" } + stepsRemoved.map { "  - \($0.id) (\($0.type))" }
                    + stepsChanged.flatMap(Self.lines)
            ))
        sections.append(
            (
                "Inputs",
                inputsAdded.map { "  + \($0.name) (\(Self.describe($0)))" } + inputsRemoved.map { "  - \($0.name) (\(Self.describe($0)))" }
                    + inputsChanged.flatMap(Self.lines)
            ))
        sections.append(
            (
                "Hosts",
                hostsAdded.map { "  + \(Self.describe($0))" } + hostsRemoved.map { "  - \(Self.describe($0))" }
                    + hostsChanged.flatMap(Self.lines)
            ))
        sections.append(("Secrets", secretsAdded.map { "  + \($0)" } + secretsRemoved.map { "  - \($0)" }))
        return sections.filter { !$0.1.isEmpty }
            .map { "\($0.0):\n" + $0.1.joined(separator: "\n") + "\n" }
            .joined()
    }

    private static func lines(_ entry: EntryChange) -> [String] {
        ["  ~ \(entry.name)"] + entry.changes.map { "      " + line($0) }
    }

    private static func line(_ change: FieldChange) -> String {
        switch (change.old, change.new) {
        case (nil, let new?): return "+ \(change.field): \(clip(new))"
        case (let old?, nil): return "- \(change.field): \(clip(old))"
        default: return "~ \(change.field): \(clip(change.old ?? "")) → \(clip(change.new ?? ""))"
        }
    }

    private static func describe(_ host: HostEntry) -> String {
        host.roles.isEmpty ? "\(host.name) \(host.address)" : "\(host.name) \(host.address) (roles: \(host.roles.joined(separator: ", ")))"
    }

    private static func describe(_ input: InputEntry) -> String {
        input.defaultValue.map { "\(input.type), default \(clip($0))" } ?? input.type
    }

    /// One line, at most 60 characters: long scripts are for `rig diff --patch`.
    private static func clip(_ text: String) -> String {
        let flat = text.replacingOccurrences(of: "\n", with: "⏎")
        return flat.count > 60 ? String(flat.prefix(59)) + "…" : flat
    }
}
