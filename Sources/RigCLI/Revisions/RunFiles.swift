import Foundation
import RigModel

/// The files a run uses, as a revision records them: paths relative to the workflow folder.
///
/// The one place that decides what goes into a revision: the workflow file and every file the
/// loader read for it (`Workflow.sourceFiles`: the inventory, and extended or overlay files
/// once the loader reads them), plus local plugins under `plugins/`. Secrets files never.
struct RunFiles {
    /// Files inside the workflow folder, with their content, sorted by path.
    var files: [(path: String, content: Data)]
    /// The workflow file's path among `files`.
    var workflowFile: String
    /// Paths among `files` with an executable bit set (plugins): recorded with git's executable mode.
    var executables: Set<String> = []
    /// Files the run reads that lie outside the workflow folder: not recorded (a revision is
    /// the folder's content), reported as a warning.
    var outside: [String]

    /// The folder under the workflow folder whose files are local plugins.
    static let pluginsFolder = "plugins"

    /// - Parameters:
    ///   - workflowPath: the workflow file (absolute).
    ///   - secretsFile: the `--secrets` file, never recorded even if the workflow names it.
    static func resolve(workflow: Workflow, workflowPath: String, secretsFile: String?) throws -> RunFiles {
        let directory = (workflowPath as NSString).deletingLastPathComponent
        var absolute = [workflowPath] + workflow.sourceFiles.map(absolutePath)
        absolute += pluginFiles(in: (directory as NSString).appendingPathComponent(pluginsFolder))
        let excluded = Set([secretsFile.map(absolutePath)].compactMap { $0 })

        var seen = Set<String>()
        var files: [(path: String, content: Data)] = []
        var outside: [String] = []
        var executables = Set<String>()
        for path in absolute where seen.insert(path).inserted && !excluded.contains(path) && !isSecretsFile(path) {
            guard let relative = relativePath(path, in: directory) else {
                outside.append(path)
                continue
            }
            guard let content = FileManager.default.contents(atPath: path) else {
                throw CLIError.fileNotFound(path, what: "file used by the run")
            }
            files.append((relative, content))
            if access(path, X_OK) == 0 { executables.insert(relative) }
        }
        return RunFiles(
            files: files.sorted { $0.path < $1.path }, workflowFile: (workflowPath as NSString).lastPathComponent,
            executables: executables, outside: outside)
    }

    /// `*.secrets.yaml` / `*.secrets.yml`: the names `rig init`'s .gitignore keeps out of git.
    static func isSecretsFile(_ path: String) -> Bool {
        let name = (path as NSString).lastPathComponent
        return name.hasSuffix(".secrets.yaml") || name.hasSuffix(".secrets.yml")
    }

    /// Regular files under `folder`, recursively, skipping hidden ones; empty when it does not exist.
    private static func pluginFiles(in folder: String) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: folder) else { return [] }
        var result: [String] = []
        while let relative = walker.nextObject() as? String {
            if relative.split(separator: "/").contains(where: { $0.hasPrefix(".") }) { continue }
            let path = (folder as NSString).appendingPathComponent(relative)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
                result.append(path)
            }
        }
        return result.sorted()
    }

    static func relativePath(_ path: String, in directory: String) -> String? {
        let prefix = directory.hasSuffix("/") ? directory : directory + "/"
        guard path.hasPrefix(prefix) else { return nil }
        return String(path.dropFirst(prefix.count))
    }
}
