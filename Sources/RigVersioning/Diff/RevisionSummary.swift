import Foundation
import RigModel

/// The first line of an auto-revision's commit message.
public enum RevisionSummary {
    /// Loads both sides with `load` and summarizes the semantic change; falls back to the
    /// changed file names when a side cannot be loaded or only formatting changed.
    /// - Parameters:
    ///   - previous: the latest revision's files, nil for the first revision.
    ///   - load: builds a workflow from a set of files (paths relative to the workflow folder).
    public static func line(
        previous: [(path: String, content: Data)]?, current: [(path: String, content: Data)],
        load: ([(path: String, content: Data)]) throws -> Workflow
    ) -> String {
        guard let previous else {
            if let workflow = try? load(current) {
                return "Initial revision of \(workflow.name): \(workflow.steps.count) step\(workflow.steps.count == 1 ? "" : "s"), "
                    + "\(workflow.inventory.hosts.count) host\(workflow.inventory.hosts.count == 1 ? "" : "s")"
            }
            return "Initial revision"
        }
        let files = fileChanges(previous: previous, current: current)
        guard let old = try? load(previous), let new = try? load(current) else { return files }
        return WorkflowDiff.compare(old: old, new: new).summaryLine() ?? "\(files) (no semantic change)"
    }

    /// `edit workflow.yaml; add plugins/gpu.sh; remove old.yaml`.
    public static func fileChanges(previous: [(path: String, content: Data)], current: [(path: String, content: Data)]) -> String {
        let old = Dictionary(previous.map { ($0.path, $0.content) }) { _, last in last }
        let new = Dictionary(current.map { ($0.path, $0.content) }) { _, last in last }
        let edited = new.keys.filter { old[$0] != nil && old[$0] != new[$0] }.sorted()
        let added = new.keys.filter { old[$0] == nil }.sorted()
        let removed = old.keys.filter { new[$0] == nil }.sorted()
        let parts = [("edit", edited), ("add", added), ("remove", removed)]
            .filter { !$0.1.isEmpty }
            .map { "\($0.0) \($0.1.joined(separator: ", "))" }
        return parts.isEmpty ? "no file changes" : parts.joined(separator: "; ")
    }
}
