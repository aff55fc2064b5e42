import ArgumentParser
import Foundation
import RigVersioning

/// Which workflow folder's revision store a command reads (`history`, `diff`, `show`, `tag`).
struct RevisionStoreOptions: ParsableArguments {
    @Option(
        name: .customLong("folder"),
        help: ArgumentHelp(
            "The workflow folder (default: the nearest folder with a .rig/revisions.git, from the current folder upwards).",
            valueName: "dir"))
    var folder: String?

    /// The workflow folder: `--folder`, else the nearest one above `start` (default: the
    /// current folder) that has a store.
    func workflowFolder(searchingFrom start: String? = nil) throws -> URL {
        if let folder { return URL(fileURLWithPath: absolutePath(folder), isDirectory: true) }
        let origin = absolutePath(start ?? FileManager.default.currentDirectoryPath)
        var candidate = origin
        while true {
            let store = RevisionStore.location(forWorkflowDirectory: URL(fileURLWithPath: candidate, isDirectory: true))
            if FileManager.default.fileExists(atPath: store.path) { return URL(fileURLWithPath: candidate, isDirectory: true) }
            let parent = (candidate as NSString).deletingLastPathComponent
            if parent == candidate || parent.isEmpty { break }
            candidate = parent
        }
        throw RevisionStoreError.missing(store: RevisionStore.location(forWorkflowDirectory: URL(fileURLWithPath: origin)).path)
    }

    /// Opens the store of `workflowFolder(searchingFrom:)`; never creates one.
    func openStore(searchingFrom start: String? = nil) throws -> RevisionStore {
        try RevisionStore(workflowDirectory: try workflowFolder(searchingFrom: start), createIfMissing: false)
    }
}
