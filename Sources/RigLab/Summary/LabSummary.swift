import Foundation

/// The simulated cluster as the master sees it (`rig lab summary`): the nodes with their Ready
/// condition and Tator labels (`kubectl get nodes -o json`), the helm releases (`helm list -A
/// -o json`), where values.yaml is and the NFS exports. Read by running the tools inside the
/// master's namespaces, the way the workflow itself sees the cluster.
public struct LabSummary: Sendable {
    public struct Node: Sendable, Hashable {
        public var name: String
        public var ready: Bool
        public var labels: [String: String]
    }

    public struct Release: Sendable, Hashable {
        public var name: String
        public var namespace: String
        public var status: String
        public var chart: String
    }

    public var lab: String
    public var subnet: String
    public var hosts: [HostHealth]
    public var nodes: [Node]?
    public var nodesProblem: String?
    public var releases: [Release]?
    public var releasesProblem: String?
    /// `master1:/opt/tator/helm/tator/values.yaml` when it exists.
    public var valuesFile: String?
    public var exports: [String]

    static let valuesPath = "/opt/tator/helm/tator/values.yaml"
    static let labelOrder = ["gpuWorker", "cpuWorker", "webServer", "dbServer"]

    public static func read(_ lab: Lab) throws(LabError) -> LabSummary {
        let state = try lab.requireState()
        var summary = LabSummary(lab: state.name, subnet: state.subnet, hosts: lab.health(state), exports: [])
        guard let master = state.hosts.first(where: { $0.roles.contains("master") }), let holder = master.holder, holder.isAlive else {
            summary.nodesProblem = "the master's namespaces are gone"
            return summary
        }
        switch runOnHost(holder, ["kubectl", "get", "nodes", "-o", "json"]) {
        case .success(let text): summary.nodes = parseNodes(text)
        case .failure(let problem): summary.nodesProblem = problem
        }
        if summary.nodes == nil, summary.nodesProblem == nil { summary.nodesProblem = "kubectl printed no node list" }
        switch runOnHost(holder, ["helm", "list", "--all-namespaces", "-o", "json"]) {
        case .success(let text): summary.releases = parseReleases(text)
        case .failure(let problem): summary.releasesProblem = problem
        }
        if summary.releases == nil, summary.releasesProblem == nil { summary.releasesProblem = "helm printed no release list" }
        if FileManager.default.fileExists(atPath: "/proc/\(holder.pid)/root\(valuesPath)") {
            summary.valuesFile = "\(master.name):\(valuesPath)"
        }
        if let nfs = state.hosts.first(where: { $0.roles.contains("nfs") }), let nfsHolder = nfs.holder, nfsHolder.isAlive,
            let exports = try? String(contentsOfFile: "/proc/\(nfsHolder.pid)/root/etc/exports", encoding: .utf8)
        {
            summary.exports = exports.split(separator: "\n").map(String.init).filter {
                !$0.hasPrefix("#") && !$0.trimmingCharacters(in: .whitespaces).isEmpty
            }
            .map { "\(nfs.name): \($0)" }
        }
        return summary
    }

    enum Outcome {
        case success(String)
        case failure(String)
    }

    /// Runs a command as root in a login-like environment on the host (its own PATH first).
    static func runOnHost(_ holder: TrackedProcess, _ command: [String]) -> Outcome {
        let environment = [
            "env", "-i", "PATH=" + SystemCommand.standardPath, "HOME=/root", "USER=root", "KUBECONFIG=/etc/kubernetes/admin.conf",
            "LANG=C.UTF-8",
        ]
        guard let run = try? SystemCommand.run(HostNamespaces.enter(holder, environment + command)) else {
            return .failure("cannot enter the master's namespaces")
        }
        guard run.succeeded else {
            let first = run.output.split(separator: "\n").first.map(String.init) ?? "exit \(run.status)"
            return .failure("`\(command.joined(separator: " "))` failed: \(first)")
        }
        return .success(run.output)
    }

    static func parseNodes(_ text: String) -> [Node]? {
        guard let object = json(text) as? [String: Any], let items = object["items"] as? [[String: Any]] else { return nil }
        return items.compactMap { item in
            guard let metadata = item["metadata"] as? [String: Any], let name = metadata["name"] as? String else { return nil }
            let labels = (metadata["labels"] as? [String: Any] ?? [:]).compactMapValues { $0 as? String }
            let conditions = ((item["status"] as? [String: Any])?["conditions"] as? [[String: Any]]) ?? []
            let ready = conditions.contains { $0["type"] as? String == "Ready" && $0["status"] as? String == "True" }
            return Node(name: name, ready: ready, labels: labels)
        }
    }

    /// `helm list -o json`, or helm's table when the tool printed one.
    static func parseReleases(_ text: String) -> [Release]? {
        guard let items = json(text) as? [[String: Any]] else { return parseReleaseTable(text) }
        return items.map { item in
            Release(
                name: item["name"] as? String ?? "?", namespace: item["namespace"] as? String ?? "",
                status: item["status"] as? String ?? "", chart: item["chart"] as? String ?? "")
        }
    }

    /// The columns of `helm list`'s table, cut at the header's column starts.
    static func parseReleaseTable(_ text: String) -> [Release]? {
        let lines = text.split(separator: "\n").map(String.init)
        guard let header = lines.first, header.hasPrefix("NAME") else { return nil }
        let columns = ["NAMESPACE", "STATUS", "CHART", "APP VERSION"].compactMap { name in
            header.range(of: name).map { header.distance(from: header.startIndex, to: $0.lowerBound) }
        }
        guard columns.count == 4 else { return nil }
        func cell(_ line: String, _ from: Int, _ to: Int?) -> String {
            let chars = Array(line)
            guard from < chars.count else { return "" }
            return String(chars[from..<min(to ?? chars.count, chars.count)]).trimmingCharacters(in: .whitespaces)
        }
        let namespaceEnd = header.range(of: "REVISION").map { header.distance(from: header.startIndex, to: $0.lowerBound) }
        return lines.dropFirst().filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.map { line in
            Release(
                name: cell(line, 0, columns[0]), namespace: cell(line, columns[0], namespaceEnd),
                status: cell(line, columns[1], columns[2]), chart: cell(line, columns[2], columns[3]))
        }
    }

    /// The JSON value in `text`, skipping anything printed before it.
    static func json(_ text: String) -> Any? {
        guard let start = text.firstIndex(where: { $0 == "{" || $0 == "[" }) else { return nil }
        return try? JSONSerialization.jsonObject(with: Data(text[start...].utf8))
    }

    /// The text `rig lab summary` prints.
    public var text: String {
        var lines = ["Lab \(lab) (\(subnet)):"]
        for health in hosts {
            lines.append(
                "  \(pad(health.host.name, 9)) \(pad(health.host.address, 15)) \(health.host.roles.joined(separator: ",")): \(health.summary)"
            )
        }
        lines.append("Kubernetes nodes:")
        if let nodes {
            if nodes.isEmpty { lines.append("  (none)") }
            for node in nodes {
                let labels = Self.labelOrder.map { "\($0)=\(node.labels[$0] ?? "-")" }.joined(separator: " ")
                lines.append("  \(pad(node.name, 9)) \(pad(node.ready ? "Ready" : "NotReady", 9)) \(labels)")
            }
        } else {
            lines.append("  unknown: \(nodesProblem ?? "")")
        }
        lines.append("Helm releases:")
        if let releases {
            if releases.isEmpty { lines.append("  (none)") }
            for release in releases {
                lines.append("  \(pad(release.name, 32)) \(pad(release.namespace, 16)) \(pad(release.status, 10)) \(release.chart)")
            }
        } else {
            lines.append("  unknown: \(releasesProblem ?? "")")
        }
        lines.append("values.yaml: \(valuesFile ?? "not written yet (\(Self.valuesPath) on the master)")")
        lines.append("NFS exports:" + (exports.isEmpty ? " none yet" : ""))
        lines += exports.map { "  " + $0 }
        return lines.joined(separator: "\n")
    }

    private func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s : s + String(repeating: " ", count: width - s.count)
    }
}
