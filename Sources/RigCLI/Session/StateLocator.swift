import Foundation
import RigKit

/// Finds the state folder and run a command means. A command's target is a run id, or a
/// workflow file (its latest run); without one, the `.rig` folder in the current directory or
/// the nearest parent that has one.
struct StateLocator {
    var store: RunStore
    /// The run named on the command line; nil for the latest.
    var runID: String?
    /// The workflow file named on the command line, absolute.
    var workflowPath: String?

    init(target: String?, run: String?) throws {
        var runID = run
        if let target {
            if Self.looksLikeWorkflow(target) {
                let path = absolutePath(target)
                guard FileManager.default.fileExists(atPath: path) else { throw CLIError.fileNotFound(target, what: "workflow file") }
                store = try RunStore(workflowPath: path)
                workflowPath = path
                self.runID = runID
                return
            }
            runID = target
        }
        store = try Self.nearestStore()
        self.runID = runID
    }

    func run() throws(StateError) -> RunFolder { try store.resolveRun(runID) }

    static func looksLikeWorkflow(_ text: String) -> Bool {
        text.hasSuffix(".yaml") || text.hasSuffix(".yml") || text.contains("/")
            || (FileManager.default.fileExists(atPath: absolutePath(text)) && !RunID.isValid(text))
    }

    /// `./.rig`, else the nearest parent's, else the one `.rig` in a subfolder (`workflows/.rig`
    /// when run from a repository's top).
    static func nearestStore() throws(StateError) -> RunStore {
        var dir = absolutePath(".")
        while true {
            let candidate = (dir as NSString).appendingPathComponent(".rig")
            if PosixDirectory.exists(candidate) {
                return try RunStore(directory: candidate)
            }
            let parent = (dir as NSString).deletingLastPathComponent
            if parent == dir || parent.isEmpty { break }
            dir = parent
        }
        let here = absolutePath(".")
        let children = ((try? FileManager.default.contentsOfDirectory(atPath: here)) ?? []).sorted()
            .map { ((here as NSString).appendingPathComponent($0) as NSString).appendingPathComponent(".rig") }
            .filter { PosixDirectory.exists($0) }
        if children.count == 1 { return try RunStore(directory: children[0]) }
        throw StateError.noRuns(
            stateDirectory: absolutePath(".rig")
                + " (nor in a parent folder or a single subfolder; name the workflow file after the command)")
    }
}

private enum PosixDirectory {
    static func exists(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }
}
