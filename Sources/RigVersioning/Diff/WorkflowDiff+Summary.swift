extension WorkflowDiff {
    /// A one-line description for a commit message, e.g.
    /// `add worker node4; label gpuWorker=yes on node2; change with.run of step build`.
    /// Nil when nothing changed. Longer than `limit` characters, it ends with "and N more changes".
    public func summaryLine(limit: Int = 120) -> String? {
        let phrases = summaryPhrases
        guard !phrases.isEmpty else { return nil }
        var line = ""
        for (index, phrase) in phrases.enumerated() {
            let candidate = line.isEmpty ? phrase : line + "; " + phrase
            let remaining = phrases.count - index - 1
            let tail = remaining > 0 ? "; and \(remaining) more change\(remaining == 1 ? "" : "s")" : ""
            if !line.isEmpty, candidate.count + tail.count > limit {
                let left = phrases.count - index
                return line + "; and \(left) more change\(left == 1 ? "" : "s")"
            }
            line = candidate
        }
        return line
    }

    /// Every change as a short phrase, hosts first (the usual reason to edit a deployment).
    public var summaryPhrases: [String] {
        var phrases: [String] = []
        phrases += hostsAdded.map { "add \($0.roles.first ?? "host") \($0.name)" }
        phrases += hostsRemoved.map { "remove \($0.roles.first ?? "host") \($0.name)" }
        for host in hostsChanged { phrases += Self.phrases(forHost: host) }
        phrases += stepsAdded.map { "add step \($0.id)" }
        phrases += stepsRemoved.map { "remove step \($0.id)" }
        phrases += stepsChanged.map { "change \($0.fields.joined(separator: ", ")) of step \($0.name)" }
        phrases += inputsAdded.map { "add input \($0.name)" }
        phrases += inputsRemoved.map { "remove input \($0.name)" }
        phrases += inputsChanged.map { "change \($0.fields.joined(separator: ", ")) of input \($0.name)" }
        phrases += secretsAdded.map { "add secret \($0)" }
        phrases += secretsRemoved.map { "remove secret \($0)" }
        for change in workflowChanges {
            phrases.append(change.field == "name" && change.new != nil ? "rename workflow to \(change.new!)" : "change \(change.field)")
        }
        return phrases
    }

    private static func phrases(forHost host: EntryChange) -> [String] {
        var phrases: [String] = []
        var others: [String] = []
        for change in host.changes {
            switch (change.field, change.old, change.new) {
            case ("roles", nil, let role?): phrases.append("add role \(role) to \(host.name)")
            case ("roles", let role?, nil): phrases.append("remove role \(role) from \(host.name)")
            case ("address", _, let address?): phrases.append("move \(host.name) to \(address)")
            case (let field, _, let value?) where field.hasPrefix("labels."):
                phrases.append("label \(field.dropFirst("labels.".count))=\(value) on \(host.name)")
            case (let field, _, nil) where field.hasPrefix("labels."):
                phrases.append("remove label \(field.dropFirst("labels.".count)) from \(host.name)")
            default: if !others.contains(change.field) { others.append(change.field) }
            }
        }
        if !others.isEmpty { phrases.append("change \(others.joined(separator: ", ")) of \(host.name)") }
        return phrases
    }
}
