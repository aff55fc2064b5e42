import RigModel

/// Checks the inventory's node labels against what Tator's chart selects on: at least one node
/// with each of webServer, cpuWorker and dbServer set to yes (else those pods stay Pending), and
/// exactly one dbServer (the database lives on that node's own disk).
public enum LabelCoverage {
    public struct Node: Sendable, Hashable {
        public var name: String
        public var labels: [String: String]

        public init(name: String, labels: [String: String]) {
            self.name = name
            self.labels = labels
        }
    }

    /// The four labels, in the tutorial's order.
    public static let labelNames = TatorLayout.labels
    /// Labels at least one node must set to yes, and what breaks otherwise.
    static let required: [(label: String, selects: String)] = [
        ("webServer", "nginx, gunicorn, pgbouncer and Tator's jobs"),
        ("cpuWorker", "transcodes and other CPU workflows"),
        ("dbServer", "postgis, redis and elasticsearch"),
    ]

    /// YAML 1.1 reads an unquoted `yes` as true; both spellings mean yes.
    public static func isYes(_ value: String?) -> Bool {
        guard let value else { return false }
        return ["yes", "true"].contains(value.lowercased())
    }

    static func isNo(_ value: String) -> Bool { ["no", "false"].contains(value.lowercased()) }

    /// The value to apply with kubectl: `yes` or `no` (a missing label is `no`).
    public static func normalized(_ value: String?) -> String { isYes(value) ? "yes" : "no" }

    public static func diagnostics(_ nodes: [Node], at location: SourceLocation? = nil) -> [Diagnostic] {
        var out: [Diagnostic] = []
        if nodes.isEmpty {
            return [.error("no inventory host is a Kubernetes node", at: location, hint: "give the hosts the roles master and worker")]
        }
        for node in nodes {
            for label in labelNames {
                guard let value = node.labels[label] else {
                    out.append(
                        .warning(
                            "node \(node.name) has no \(label) label; rig labels it \(label)=no", at: location,
                            hint: "add `\(label): \"yes\"` or `\"no\"` under the host's labels in the inventory"))
                    continue
                }
                if !isYes(value), !isNo(value) {
                    out.append(
                        .error(
                            "node \(node.name) has \(label)=\(value); Tator's chart matches only \"yes\"", at: location,
                            hint: "write \"yes\" or \"no\""))
                }
            }
        }
        for (label, selects) in required where !nodes.contains(where: { isYes($0.labels[label]) }) {
            out.append(
                .error(
                    "no node has \(label)=yes, so \(selects) would stay Pending", at: location,
                    hint: "set `\(label): \"yes\"` on at least one host's labels in the inventory"))
        }
        let databases = nodes.filter { isYes($0.labels["dbServer"]) }
        if databases.count > 1 {
            out.append(
                .warning(
                    "\(databases.count) nodes have dbServer=yes (\(databases.map(\.name).joined(separator: ", "))); the database data lives in a hostPath folder on one node's disk, so postgis could move to a node without its data",
                    at: location, hint: "label exactly one node dbServer=yes, best the NFS server"))
        }
        return out
    }
}
